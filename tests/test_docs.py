"The docs site is consistent: sidebar, Quarto config, README and the literate rule that every export is documented."
import json, re
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
notebooks = sorted(NBS.glob('*.ipynb'))

def cells(nb_path):
    return json.loads(nb_path.read_text())['cells']

def source(cell): return ''.join(cell['source'])

def test_sidebar_lists_every_notebook_in_order():
    sidebar = yaml.safe_load((NBS / 'sidebar.yml').read_text())['website']['sidebar']['contents']
    expected = ['index.ipynb'] + [p.name for p in notebooks if p.name != 'index.ipynb']
    assert sidebar == expected, f"nbs/sidebar.yml lists {sidebar}; the notebooks are {expected}"

def test_quarto_config():
    config = yaml.safe_load((ROOT / '_quarto.yml').read_text())
    assert config['project']['type'] == 'website'
    assert config['metadata-files'] == ['nbdev.yml', 'sidebar.yml']
    assert (NBS / '_quarto.yml').resolve() == (ROOT / '_quarto.yml').resolve(), "nbs/_quarto.yml must link to ../_quarto.yml"
    assert (NBS / config['format']['html']['css']).exists()

def test_every_notebook_has_a_title_and_description():
    for nb in notebooks:
        first = source(cells(nb)[0])
        assert re.match(r'# \S', first) and '\n> ' in first, f"{nb.name}: the first cell must be '# Title' and '> description'"

def test_every_export_is_shown_with_show_doc():
    import importlib
    for nb in notebooks:
        srcs = [source(c) for c in cells(nb) if c['cell_type'] == 'code']
        module = next((re.search(r'#\| default_exp (\S+)', s).group(1) for s in srcs if '#| default_exp' in s), None)
        if module is None: continue
        shown = set(re.findall(r'show_doc\((\w+)', '\n'.join(srcs)))
        mod = importlib.import_module(f'fsd_nb.{module}')
        public = [n for n in mod.__all__ if not n.startswith('_') and callable(getattr(mod, n))]  # constants: prose
        undocumented = [n for n in public if n not in shown]
        assert not undocumented, f"{nb.name}: exported but never shown with show_doc: {undocumented}"

def test_readme_is_generated_from_the_index_notebook():
    readme = (ROOT / 'README.md').read_text()
    for cell in cells(NBS / 'index.ipynb'):
        if cell['cell_type'] == 'markdown':
            for line in source(cell).splitlines():
                assert line in readme, f"README.md is stale (regenerate it from nbs/index.ipynb): missing {line!r}"

def test_cells_with_imports_only_import():
    "nbdev's docs processing runs every cell containing an import: such cells must not depend on other cells."
    import ast
    offenders = []
    for nb in notebooks:
        for i, cell in enumerate(cells(nb)):
            src = source(cell)
            if cell['cell_type'] != 'code' or src.lstrip().startswith(('#| export', '#| hide')): continue
            body = ast.parse('\n'.join(l for l in src.splitlines() if not l.lstrip().startswith(('%', '!')))).body
            imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
            if imports and len(imports) != len(body): offenders.append(f"{nb.name} cell {i}")
    assert not offenders, f"cells mixing imports with other code (split them): {offenders}"

def test_stored_outputs_name_no_machine_paths():
    "The docs pages show the notebooks' stored outputs: no home, virtual-environment or work-tree path of the machine that ran them."
    machine_path = re.compile(r'/root/|/home/|/Users/|/work/|site-packages')  # temporary folders of the examples are fine
    offenders = [f"{nb.name} cell {c.get('id')}: {m.group(0)}" for nb in notebooks for c in cells(nb) for o in c.get('outputs', [])
                 for m in [machine_path.search(''.join(o.get('text', '')) + json.dumps(o.get('data', {})))] if m]
    assert not offenders, f"stored outputs with a machine path (re-run the cell without it, or clear the output): {offenders}"

def test_readme_examples_give_the_numbers_the_readme_shows(monkeypatch):
    """The README's library examples are seeded, and its Table 2 is read from the committed records: running their code
    again, from nbs/ as nbdev-test does, prints what the README says."""
    import contextlib, io
    monkeypatch.chdir(NBS)
    readme = (ROOT / 'README.md').read_text()
    code_cells = [source(c) for c in cells(NBS / 'index.ipynb') if c['cell_type'] == 'code']
    namespace, printed = {}, io.StringIO()
    for src in code_cells:
        *body, last = src.rstrip().splitlines()
        with contextlib.redirect_stdout(printed):
            exec('\n'.join(body), namespace)
            value = eval(last, namespace) if not last.startswith(('print(', 'import ', 'from ')) else exec(last, namespace)
        if value is not None: print(value.data if hasattr(value, '_repr_markdown_') else repr(value), file=printed)
    for line in printed.getvalue().splitlines():
        assert line.strip() in readme, f"the README shows other numbers than its code gives now: {line!r}"

def test_notebooks_process_into_docs_pages_offline():
    "What `nbdev-proc-nbs` prepares for Quarto, without its Quarto install: every page, every show_doc rendered, no errors."
    from nbdev.quarto import proc_nbs
    processed = proc_nbs(str(NBS), n_workers=0, force=True)
    for nb in notebooks:
        page = processed / nb.name
        assert page.is_file(), f"{nb.name} was not processed into a docs page"
        for cell in cells(page):
            errors = [o for o in cell.get('outputs', []) if o.get('output_type') == 'error']
            assert not errors, f"{nb.name}: a cell failed in docs processing: {source(cell)[:120]!r}"
            match = re.match(r'show_doc\((\w+(?:\.\w+)?)\)', source(cell).strip())
            if match:
                shown = ''.join(o.get('data', {}).get('text/markdown', '') for o in cell['outputs'])
                assert f"### {match.group(1).split('.')[-1]}" in shown, f"{nb.name}: show_doc({match.group(1)}) rendered nothing"

def _prose(text: str) -> str:
    "Markdown as compared for lost prose: links reduced to their text (nbdev adds links to names), whitespace collapsed."
    return re.sub(r'\s+', ' ', re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)).strip()

def test_no_prose_is_lost_in_the_pages(monkeypatch):
    """Every paragraph of every notebook's markdown is in the page nbdev makes of it (its own processing, as
    `nbdev-docs` runs before Quarto): the first cell becomes the front matter, and nbdev keeps only its title and
    description, so anything else there would vanish from the site."""
    from fastcore.nbio import read_nb
    from nbdev.processors import FilterDefaults
    monkeypatch.chdir(NBS)
    lost = []
    for path in notebooks:
        written = [source(c) for c in cells(path) if c['cell_type'] == 'markdown']
        nb = read_nb(path); nb.path_ = str(path)
        FilterDefaults()(nb)
        page = []
        for cell in nb['cells']:
            text = cell['source'] if isinstance(cell['source'], str) else ''.join(cell['source'] or [])
            if cell['cell_type'] == 'raw' and text.startswith('---'): page += map(str, yaml.safe_load(text.strip().strip('-')).values())
            elif cell['cell_type'] == 'markdown': page.append(text)
        page = _prose('\n\n'.join(page))
        lost += [f"{path.name}: {p[:80]!r}" for text in written for p in map(_prose, re.split(r'\n\s*\n', text))
                 if p and re.sub(r'^(#+|>) ', '', p) not in page]
    assert not lost, f"paragraphs missing from the docs pages (in a first cell, only '# title' and '> description' survive): {lost}"

DRAWS = re.compile(r'plt\.(subplots|figure)\(|sns\.\w+\(|\bax\.(plot|imshow|bar|scatter)\(')

def test_every_cell_that_draws_stores_its_figure():
    "The docs show stored outputs: a cell that draws a figure must keep its image, or the page shows code and no plot."
    missing = [f"{nb.name} cell {c.get('id')}" for nb in notebooks for c in cells(nb)
               if c['cell_type'] == 'code' and not source(c).lstrip().startswith('#| export') and DRAWS.search(source(c))
               and not any('image/png' in o.get('data', {}) or 'image/svg+xml' in o.get('data', {}) for o in c.get('outputs', []))]
    assert not missing, f"cells that draw a figure without its image in the stored outputs (run the notebook, keep the outputs): {missing}"

def test_the_reproduction_page_reads_as_a_report():
    "Its code (imports, helpers, claim checks) is folded or hidden on the page, so that results and discussion come first; it still runs in nbdev-test."
    unfolded = [c.get('id') for c in cells(NBS / '10_reproduce_glue.ipynb')
                if c['cell_type'] == 'code' and not source(c).startswith(('#| code-fold: true', '#| hide'))]
    assert not unfolded, f"code cells of 10_reproduce_glue shown unfolded: {unfolded}"
    assert (NBS / '10_reproduce_glue.ipynb').stat().st_size < 2_000_000  # its stored figures stay light
