"The GPU check's CPU rehearsal: the prepared command runs end to end and records what it ran, so it cannot rot."
import json, os, subprocess
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_GLUE = ROOT.parent / 'shared' / 'glue'
GLUE = Path(os.environ.get('FSD_GLUE_DIR') or (SHARED_GLUE if SHARED_GLUE.is_dir() else ROOT / 'tests' / 'glue_fixture'))

@pytest.mark.skipif(not (GLUE / 'MRPC').is_dir(), reason=f"no MRPC at {GLUE}")
def test_gpu_check_rehearses_on_a_cpu(tmp_path):
    results = tmp_path / 'gpu-check.jsonl'
    run = subprocess.run(['bash', 'tests/gpu_check.sh', str(GLUE), '--results', str(results)], cwd=ROOT,
                         capture_output=True, text=True, env=dict(os.environ, CUDA_VISIBLE_DEVICES=''))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    record = json.loads(results.read_text())
    assert record['kind'] == 'cpu-rehearsal' and record['device_tests']['passed'] and record['gpu'] is None
    assert sorted(record['runs']) == sorted(__import__('fsd_nb.config', fromlist=['METHODS']).METHODS)
    assert all(run['steps'] == 2 for run in record['runs'].values())
    assert any('fsd' in line for line in record['bench']) and record['git_commit'] is not None and record['machine']
