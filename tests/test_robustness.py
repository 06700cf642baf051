"Nothing lost, nothing silently wrong: two sweeps of one config at once, and a sweep SIGKILLed at random moments."
import json, os, random, subprocess, sys, time
from pathlib import Path
import pytest
from fsd_nb.models import make_tiny_backbone
from fsd_nb.records import read_results

SHARED_GLUE = Path(__file__).resolve().parents[2] / 'shared' / 'glue'  # the development checkout's real GLUE
GLUE = Path(os.environ.get('FSD_GLUE_DIR') or (SHARED_GLUE if SHARED_GLUE.is_dir() else Path(__file__).parent / 'glue_fixture'))
pytestmark = pytest.mark.skipif(not (GLUE / 'RTE').is_dir(), reason=f"GLUE files not found at {GLUE}")
BIN = Path(sys.executable).parent

@pytest.fixture(scope='module')
def tiny(tmp_path_factory): return make_tiny_backbone(tmp_path_factory.mktemp('robust') / 'tiny')

def sweep_command(name, tiny, results, out, methods='vkd,fsd', seeds='1'):
    "A small sweep: its own fine-tuned teacher (4 steps), students of 6 steps saved every 2, FSD's cache and memory."
    return [str(BIN / 'fsd-sweep'), name, '--tasks', 'rte', '--methods', methods, '--seeds', seeds, '--teacher', 'finetune',
            '--teacher_seed', '1', '--n_centroids', '4', '--memory_epochs', '2', '--results_dir', str(results),
            '--out_dir', str(out), '--backbone', str(tiny), '--data_dir', str(GLUE), '--max_steps', '6', '--save_steps', '2',
            '--train_samples', '24', '--eval_samples', '16', '--teacher_max_steps', '4', '--batch_size', '8',
            '--max_length', '32']

def outcome(results: Path) -> list:
    "What a sweep's results say, machine and time aside: each run's key, dev metrics and teacher's dev metrics, in order."
    return [(r['run_key'], r['dev'], r['teacher_dev'], r['analyses']['restoration']) for r in read_results(results)]

def leftovers(out: Path) -> list[str]:
    "Half-written files: staging folders, unfinished checkpoints, temporary files, and JSON files that do not parse."
    found = [str(p) for p in out.rglob('*') if p.name.startswith('.staging-') or '.tmp-' in p.name or p.name.startswith('checkpoint-')]
    for p in out.rglob('*.json'):
        try: json.loads(p.read_text())
        except ValueError: found.append(f"{p} (not JSON)")
    return found

def test_two_sweeps_of_one_config_record_each_run_once(tiny, tmp_path):
    command = sweep_command('both', tiny, tmp_path / 'results', tmp_path / 'runs', seeds='1,2')
    sweeps = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    said = [s.communicate(timeout=600)[0] for s in sweeps]
    assert [s.returncode for s in sweeps] == [0, 0], said
    records = read_results(tmp_path / 'results' / 'both.jsonl')
    assert len(records) == 4 and len({r['run_key'] for r in records}) == 4, [r['run_key'] for r in records]
    finished = [int(text.rsplit('fsd-sweep both: ', 1)[1].split(' run(s) finished')[0]) for text in said]
    assert sum(finished) == 4, said  # each run recorded by one of the two
    assert not list((tmp_path / 'runs').rglob('fsd_result-*.json'))  # no run trained again over a finished one
    assert leftovers(tmp_path / 'runs') == []

def started_work(sweep: subprocess.Popen, log: Path) -> float | None:
    "When the sweep began its work (printed its first teacher line, after imports and checks); None if it ended first."
    while sweep.poll() is None:
        if 'fsd-sweep: RTE ' in log.read_text(errors='replace'): return time.time()
        time.sleep(0.02)
    return None

def test_a_sweep_killed_at_random_moments_ends_as_an_uninterrupted_one(tiny, tmp_path):
    "Ten SIGKILLs at random moments of the work (teacher fine-tuning, cache, memory, training, checkpoints, records)."
    log = tmp_path / 'log'
    def start(results, out):
        with open(log, 'w') as f:
            return subprocess.Popen(sweep_command('kill', tiny, results, out), stdout=f, stderr=subprocess.STDOUT)
    straight = start(tmp_path / 'straight', tmp_path / 'straight-runs')
    began = started_work(straight, log)
    assert straight.wait() == 0 and began, log.read_text()
    work = time.time() - began  # the sweep's work, without the start of its process
    moments, survived = random.Random(0), 0
    for _ in range(10):  # each kill at a random moment of the first fifth of the work: ten tries take about all of it
        # (a third let the later tries finish the sweep before their kill whenever the machine was busier during the
        # uninterrupted run than after it, e.g. beside another test suite: 4 kills instead of 5 or more)
        sweep = start(tmp_path / 'killed', tmp_path / 'killed-runs')
        began = started_work(sweep, log)
        if began is None: break  # nothing was left to do
        try: sweep.wait(timeout=moments.uniform(0, work / 5))
        except subprocess.TimeoutExpired:
            sweep.kill(); sweep.wait(); survived += 1
    print(f"\nthe sweep survived {survived} SIGKILLs (of 10 tries; a try after the sweep's end kills nothing)")
    finished = start(tmp_path / 'killed', tmp_path / 'killed-runs')
    assert finished.wait() == 0, log.read_text()
    assert survived >= 5, survived
    assert outcome(tmp_path / 'killed' / 'kill.jsonl') == outcome(tmp_path / 'straight' / 'kill.jsonl')
    assert leftovers(tmp_path / 'killed-runs') == []
