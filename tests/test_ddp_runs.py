"""Two processes under torchrun (gloo, as several GPUs) run the experiment of one process: for vkd, pkd, rkd, minilm and
fsd, the student after a few steps of the same global batches has the same parameters (1e-5 relative) and dev metrics."""
import json, os, subprocess, sys
from pathlib import Path
import pytest, torch
from safetensors.torch import load_file
from fsd_nb.models import make_teacher, make_tiny_backbone

ROOT = Path(__file__).resolve().parents[1]
METHODS = 'vkd,pkd,rkd,minilm,fsd'

def launch(tmp_path, backbone, teacher, out, processes):
    command = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(processes)] if processes > 1 else [sys.executable]
    result = subprocess.run([*command, str(ROOT / 'tests' / 'ddp_runs_worker.py'), backbone, teacher, str(ROOT / 'tests' / 'glue_fixture'),
                             str(out), METHODS], capture_output=True, text=True, timeout=900, env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return {r['method']: r for r in (json.loads(l[7:]) for l in result.stdout.splitlines() if l.startswith('RECORD '))}

def test_two_processes_train_the_student_of_one(tmp_path):
    backbone = make_tiny_backbone(tmp_path / 'tiny')
    config = json.loads((Path(backbone) / 'config.json').read_text())  # dropout off: the same numbers in any process
    (Path(backbone) / 'config.json').write_text(json.dumps(dict(config, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)))
    torch.manual_seed(0)
    make_teacher('rte', backbone).save_pretrained(tmp_path / 'teacher')
    one, two = (launch(tmp_path, backbone, str(tmp_path / 'teacher'), tmp_path / f'runs-{n}', n) for n in (1, 2))
    assert sorted(one) == sorted(two) == sorted(METHODS.split(','))
    for method in one:
        assert (one[method]['processes'], two[method]['processes'], two[method]['steps']) == (1, 2, one[method]['steps']), method
        assert one[method]['dev'] == two[method]['dev'], (method, one[method]['dev'], two[method]['dev'])
        a = load_file(tmp_path / 'runs-1' / one[method]['model_dir'] / 'model.safetensors')
        b = load_file(tmp_path / 'runs-2' / two[method]['model_dir'] / 'model.safetensors')
        assert a.keys() == b.keys()
        for name in a: torch.testing.assert_close(b[name], a[name], rtol=1e-5, atol=1e-6, msg=lambda m: f"{method} {name}: {m}")
