"""Two processes under torchrun (gloo, as several GPUs) run the experiment of one process: for vkd, pkd, rkd, minilm and
fsd, the student after a few steps of the same global batches has the same parameters (1e-5 relative) and dev metrics.
Two torchrun agents meeting on a loopback rendezvous stand in for two machines sharing the --out-dir."""
import json, os, socket, subprocess, sys
from pathlib import Path
import pytest, torch
from safetensors.torch import load_file
from fsd_nb.models import make_teacher, make_tiny_backbone

ROOT = Path(__file__).resolve().parents[1]
METHODS = 'vkd,pkd,rkd,minilm,fsd'

def worker(backbone, teacher, out, methods):
    return [str(ROOT / 'tests' / 'ddp_runs_worker.py'), backbone, teacher, str(ROOT / 'tests' / 'glue_fixture'), str(out), methods]

def records_of(result) -> dict:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return {r['method']: r for r in (json.loads(l[7:]) for l in result.stdout.splitlines() if l.startswith('RECORD '))}

def launch(backbone, teacher, out, processes, methods=METHODS):
    command = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(processes)] if processes > 1 else [sys.executable]
    return records_of(subprocess.run([*command, *worker(backbone, teacher, out, methods)], capture_output=True, text=True,
                                     timeout=900, env=dict(os.environ, OMP_NUM_THREADS='1')))

@pytest.fixture(scope='module')
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp('ddp-runs')
    backbone = make_tiny_backbone(folder / 'tiny')
    config = json.loads((Path(backbone) / 'config.json').read_text())  # dropout off: the same numbers in any process
    (Path(backbone) / 'config.json').write_text(json.dumps(dict(config, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)))
    torch.manual_seed(0)
    make_teacher('rte', backbone).save_pretrained(folder / 'teacher')
    return backbone, str(folder / 'teacher'), launch(backbone, str(folder / 'teacher'), folder / 'runs-1', 1), folder

def assert_same_students(one, two, runs_one, runs_two, processes=2):
    for method in two:
        assert (one[method]['processes'], two[method]['processes'], two[method]['steps']) == (1, processes, one[method]['steps']), method
        assert one[method]['dev'] == two[method]['dev'], (method, one[method]['dev'], two[method]['dev'])
        a = load_file(runs_one / one[method]['model_dir'] / 'model.safetensors')
        b = load_file(runs_two / two[method]['model_dir'] / 'model.safetensors')
        assert a.keys() == b.keys()
        for name in a: torch.testing.assert_close(b[name], a[name], rtol=1e-5, atol=1e-6, msg=lambda m: f"{method} {name}: {m}")

def test_two_processes_train_the_student_of_one(models):
    backbone, teacher, one, folder = models
    two = launch(backbone, teacher, folder / 'runs-2', 2)
    assert sorted(one) == sorted(two) == sorted(METHODS.split(','))
    assert_same_students(one, two, folder / 'runs-1', folder / 'runs-2')

def test_two_machines_train_the_student_of_one(models):
    "Two torchrun agents, one process each, on a loopback rendezvous (as two machines sharing --out-dir)."
    backbone, teacher, one, folder = models
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    agents = [subprocess.Popen([sys.executable, '-m', 'torch.distributed.run', '--nnodes', '2', '--nproc_per_node', '1',
                                '--rdzv-backend', 'c10d', '--rdzv-endpoint', f'127.0.0.1:{port}', '--rdzv-id', 'fsd-test',
                                *worker(backbone, teacher, folder / 'runs-nodes', 'fsd')],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
              for _ in range(2)]
    outputs = [a.communicate(timeout=900) for a in agents]  # reads both pipes to the end: no agent blocks on a full pipe
    results = [subprocess.CompletedProcess(a.args, a.returncode, *out) for a, out in zip(agents, outputs)]
    nodes = {}
    for result in results: nodes.update(records_of(result))  # the process of rank 0, on whichever agent, reports
    assert list(nodes) == ['fsd']
    assert_same_students(one, nodes, folder / 'runs-1', folder / 'runs-nodes')

def test_a_sweep_under_torchrun_records_and_says_each_run_once(models, tmp_path):
    "The command line under torchrun: one record per run, naming 2 processes, and each message once."
    backbone, teacher, _, folder = models
    result = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2',
                             str(Path(sys.executable).with_name('fsd-sweep')), 'twice', '--tasks', 'rte', '--methods', 'vkd', '--seeds', '1',
                             '--teacher', teacher, '--backbone', backbone, '--data-dir', str(ROOT / 'tests' / 'glue_fixture'),
                             '--max-steps', '2', '--train-samples', '16', '--eval-samples', '8', '--batch-size', '8',
                             '--max-length', '32', '--out-dir', str(tmp_path / 'runs'), '--results-dir', str(tmp_path / 'results')],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path, env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    (record,) = [json.loads(line) for line in (tmp_path / 'results' / 'twice.jsonl').read_text().splitlines()]
    assert record['processes'] == 2 and record['method'] == 'vkd'
    assert result.stdout.count('[1] RTE vkd seed 1: dev') == 1 and result.stdout.count('fsd-sweep twice: 1 run(s) finished') == 1, result.stdout

def test_a_batch_the_processes_do_not_divide_is_refused_by_every_process(models, tmp_path):
    "Before anything is written, every process ends with the reason, and torchrun ends (no process is left waiting)."
    backbone, teacher, _, _ = models
    result = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2',
                             str(Path(sys.executable).with_name('fsd-distill')), '--task', 'rte', '--teacher', teacher,
                             '--backbone', backbone, '--data-dir', str(ROOT / 'tests' / 'glue_fixture'), '--batch-size', '7',
                             '--out-dir', str(tmp_path / 'runs')], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.count("--batch-size 7 is the global batch, split over the 2 processes of this launch") == 2, result.stderr[-3000:]
    assert not (tmp_path / 'runs').exists()
