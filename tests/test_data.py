"GLUE loading: the offline error message and the parsed-dataset cache."
import os, shutil, subprocess, sys
from pathlib import Path
import pytest
from fsd_nb.data import load_glue

SHARED_GLUE = Path(__file__).resolve().parents[2] / 'shared' / 'glue'  # the development checkout's real GLUE
GLUE = Path(os.environ.get('FSD_GLUE_DIR') or (SHARED_GLUE if SHARED_GLUE.is_dir() else Path(__file__).parent / 'glue_fixture'))
needs_glue = pytest.mark.skipif(not (GLUE / 'RTE').is_dir(), reason=f"GLUE files not found at {GLUE}")

def test_without_data_dir_and_hub_the_error_says_how_to_fix_it():
    env = {k: v for k, v in os.environ.items() if k != 'FSD_GLUE_DIR'}
    env.update(HF_HUB_OFFLINE='1', HF_DATASETS_OFFLINE='1')
    code = "from fsd_nb.data import load_glue\ntry: load_glue('rte')\nexcept FileNotFoundError as e: print(e)"
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True).stdout
    for expected in ("$FSD_GLUE_DIR", "--data-dir", "nyu-mll/glue", "RTE/train.tsv", "cached in"):
        assert expected in out, out

@needs_glue
def test_cache_is_reused_and_refreshed_when_a_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv('FSD_CACHE_DIR', str(tmp_path / 'cache'))
    shutil.copytree(GLUE / 'RTE', tmp_path / 'glue' / 'RTE')
    n = len((GLUE / 'RTE' / 'dev.tsv').read_text().splitlines()) - 1  # 277 in real GLUE, fewer in the fixture
    first = load_glue('rte', tmp_path / 'glue', splits=['validation'])['validation']
    entries = sorted((tmp_path / 'cache' / 'glue').iterdir())
    assert len(entries) == 1 and first.num_rows == n
    assert load_glue('rte', tmp_path / 'glue', splits=['validation'])['validation'].num_rows == n
    assert sorted((tmp_path / 'cache' / 'glue').iterdir()) == entries  # read from the cache, nothing new written
    with open(tmp_path / 'glue' / 'RTE' / 'dev.tsv', 'a') as f: f.write(f'{n}\tA new premise.\tA hypothesis.\tentailment\n')
    changed = load_glue('rte', tmp_path / 'glue', splits=['validation'])['validation']
    assert changed.num_rows == n + 1 and changed[n]['sentence1'] == 'A new premise.'
    assert len(list((tmp_path / 'cache' / 'glue').iterdir())) == 2
    assert not list((tmp_path / 'cache' / 'glue').glob('.staging-*'))
