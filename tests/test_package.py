"The package builds into an sdist and a wheel, the wheel's commands run outside the repository, and its modules import only downward."
import os, re, subprocess, sys, tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_the_built_wheel_runs_outside_the_repository(tmp_path):
    dist = tmp_path / 'dist'
    # --no-isolation: build with the setuptools at hand, nothing downloaded
    subprocess.run([sys.executable, '-m', 'build', '--no-isolation', '--outdir', str(dist), str(ROOT)],
                   check=True, capture_output=True, text=True)
    (wheel,), (sdist,) = dist.glob('fsd_nb-*.whl'), dist.glob('fsd_nb-*.tar.gz')
    with tarfile.open(sdist) as archive: names = archive.getnames()
    assert any(n.endswith('/LICENSE') for n in names) and any(n.endswith('fsd_nb/train.py') for n in names), names
    for needed in ('tests/check.sh', 'tests/ddp_worker.py', 'tests/glue_fixture/RTE/train.tsv', 'nbs/00_cka.ipynb',
                   'configs/table2-baselines.yaml', 'data/teachers.jsonl'):  # the sdist's own tests need them (MANIFEST.in)
        assert any(n.endswith(needed) for n in names), f"the sdist lacks {needed}"
    site = tmp_path / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '--no-index', '--target', str(site), str(wheel)],
                   check=True, capture_output=True, text=True)
    elsewhere = tmp_path / 'elsewhere'; elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, '-c', 'import fsd_nb; print(fsd_nb.__file__)'], cwd=elsewhere, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(site)), where  # the wheel's copy, not the development checkout
    result = subprocess.run([str(site / 'bin' / 'fsd-distill'), '--help'], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and '--task' in result.stdout and '--no-mask-padding' in result.stdout, result.stderr[-2000:]
    # the reproduction's configs and selected teachers travel in the wheel (pyproject.toml maps configs/ and data/), nothing more of data/
    shipped = sorted(p.relative_to(site / 'fsd_nb').as_posix() for p in (site / 'fsd_nb').rglob('*') if p.is_file() and p.suffix != '.py')
    assert '_configs/table2-baselines.yaml' in shipped and '_records/teachers.jsonl' in shipped, shipped
    assert not any('results' in p for p in shipped), shipped
    plan = subprocess.run([str(site / 'bin' / 'fsd-sweep'), 't2', '--config', 'table2-baselines', '--plan'], cwd=elsewhere, env=env,
                          capture_output=True, text=True)
    assert plan.returncode == 0 and "fsd_nb's own table2-baselines.yaml" in plan.stdout and ' left' in plan.stdout, plan.stderr[-2000:]
    found = subprocess.run([sys.executable, '-c', "from fsd_nb.teachers import selected_teacher; print(selected_teacher('mrpc')['found_in'])"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert found.stdout.strip() == "fsd_nb's shipped data/teachers.jsonl", found.stderr[-2000:]

def test_the_github_workflows_test_as_ci_does_and_deploy_the_docs():
    test = (ROOT / '.github' / 'workflows' / 'test.yaml').read_text()
    deploy = (ROOT / '.github' / 'workflows' / 'deploy.yaml').read_text()
    ci = (ROOT / '.ci' / 'run').read_text()
    for needed in ('bash tests/check.sh', 'torch==2.13.0', '-e ".[dev]"'):
        assert needed in test and needed in ci, needed
    assert 'nbdev-docs' in deploy and 'quarto-actions/setup' in deploy and 'publish_dir: ./_docs' in deploy

def test_no_module_imports_from_a_higher_notebook():
    "Data flows one way: a module imports (at its top or inside a function) only from notebooks numbered before its own."
    notebook_of = {}
    for nb in (ROOT / 'nbs').glob('*.ipynb'):
        found = re.search(r'default_exp (\w+)', nb.read_text())
        if found: notebook_of[found.group(1)] = nb.stem
    upward = [(module, imported) for module in notebook_of
              for imported in re.findall(r'from (?:\.|fsd_nb\.)(\w+) import', (ROOT / 'fsd_nb' / f'{module}.py').read_text())
              if notebook_of[imported] > notebook_of[module]]
    assert len(notebook_of) >= 14 and not upward, upward
