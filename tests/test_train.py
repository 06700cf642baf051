"End-to-end training on a tiny random BERT and a few dozen real GLUE rows: every method, resume, sweep and report."
import json, os, subprocess, sys
from pathlib import Path
import pytest, torch
from transformers import TrainerCallback
from fsd_nb.models import make_tiny_backbone, load_tokenizer, make_student, load_teacher
from fsd_nb.config import METHODS, DistillationConfig
from fsd_nb.records import read_results
from fsd_nb.teachers import finetune_teacher, prepare_task, _training_arguments
from fsd_nb.train import DistillationTrainer, distill
from fsd_nb.data import glue_collator

SHARED_GLUE = Path(__file__).resolve().parents[2] / 'shared' / 'glue'  # the development checkout's real GLUE
GLUE = Path(os.environ.get('FSD_GLUE_DIR') or (SHARED_GLUE if SHARED_GLUE.is_dir() else Path(__file__).parent / 'glue_fixture'))
pytestmark = pytest.mark.skipif(not (GLUE / 'RTE').is_dir(), reason=f"GLUE files not found at {GLUE}")
BIN = Path(sys.executable).parent
QUICK = dict(train_samples=16, eval_samples=16, teacher_max_steps=4)

@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('train')
    tiny = make_tiny_backbone(root / 'tiny')
    teacher = finetune_teacher('rte', tiny, root / 'runs', GLUE, max_length=32, seed=0, max_steps=4, train_samples=16,
                               eval_samples=16)
    return root, tiny, teacher

@pytest.mark.parametrize('method', list(METHODS))
def test_every_method_trains_and_its_loss_decreases(setup, method):
    root, tiny, teacher = setup
    config = DistillationConfig(method=method, learning_rate=2e-3, batch_size=8, max_length=32, n_centroids=4,
                                memory_epochs=2, epochs=6)
    record = distill('rte', config, seed=0, teacher=str(teacher), backbone=tiny, data_dir=GLUE, out_dir=root / 'runs', **QUICK)
    losses = [log['loss'] for log in record['log_history'] if 'loss' in log]
    assert record['steps'] == 12 and len(losses) == 12  # logged every 5% of the steps: each step here
    assert sum(losses[-2:]) < sum(losses[:2]), losses  # the last epoch (2 steps) against the first
    assert 'accuracy' in record['dev'] and 'accuracy' in record['teacher_dev']
    expected = {'none': {'loss_task'}, 'vkd': {'loss_task', 'loss_kd'}, 'pkd': {'loss_pkd'}, 'rkd': {'loss_rkd'},
                'minilm': {'loss_minilm'}, 'fsd_i': {'loss_intra'}, 'fsd_l': {'loss_local'}, 'fsd_g': {'loss_global'},
                'fsd_il': {'loss_intra', 'loss_local'}, 'fsd': {'loss_intra', 'loss_local', 'loss_global'}}[method]
    logged = next(log for log in record['log_history'] if 'loss' in log)
    assert expected <= set(logged), logged

class StopAt(TrainerCallback):
    def __init__(self, step): self.step = step
    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == self.step: control.should_training_stop = True

def test_interrupted_training_resumes_to_the_same_result(setup):
    root, tiny, teacher_dir = setup
    tokenizer = load_tokenizer(tiny)
    train, evaluation = prepare_task('rte', tokenizer, GLUE, 32, 32, 16, seed=0)
    config = DistillationConfig(method='fsd_il', batch_size=8, max_length=32, learning_rate=1e-3)

    def trainer(out, callbacks=()):
        torch.manual_seed(0)
        args = _training_arguments(out, 0, 1, 8, 1e-3, 4)
        args.save_strategy, args.save_steps = 'steps', 2
        return DistillationTrainer(make_student(tiny, 2, 'rte'), load_teacher(teacher_dir, 'rte'), config, args=args,
                                   train_dataset=train, eval_dataset=evaluation, callbacks=list(callbacks),
                                   data_collator=glue_collator(tokenizer, 'max_length', 32))
    uninterrupted = trainer(root / 'whole'); uninterrupted.train()
    interrupted = trainer(root / 'parts', [StopAt(2)]); interrupted.train()
    assert interrupted.state.global_step == 2 and (root / 'parts' / 'checkpoint-2').is_dir()
    resumed = trainer(root / 'parts'); resumed.train(resume_from_checkpoint=str(root / 'parts' / 'checkpoint-2'))
    assert resumed.state.global_step == 4
    for (name, a), b in zip(uninterrupted.model.state_dict().items(), resumed.model.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name

def test_sweep_command_appends_skips_and_reports(setup):
    root, tiny, _ = setup
    sweep = [str(BIN / 'fsd-sweep'), 'cli', '--tasks', 'rte', '--methods', 'vkd,fsd', '--seeds', '1,2',
             '--n_centroids', '4', '--memory_epochs', '2',
             '--results_dir', str(root / 'results'), '--out_dir', str(root / 'runs'), '--backbone', tiny,
             '--data_dir', str(GLUE), '--max_steps', '2', '--train_samples', '16', '--eval_samples', '16',
             '--teacher_max_steps', '4', '--batch_size', '8', '--max_length', '32']
    first = subprocess.run(sweep, check=True, capture_output=True, text=True).stdout
    records = read_results(root / 'results' / 'cli.jsonl')
    # runs that share a teacher run together, the first building its cache for all of them
    assert [(r['method'], r['seed']) for r in records] == [('vkd', 1), ('fsd', 1), ('vkd', 2), ('fsd', 2)]
    assert 'RTE teacher of seed 1: 2 run(s); its teacher cache (logits, penultimate) is built once' in first, first
    assert [r['teacher_cache']['kinds'] for r in records] == [['logits'], ['logits', 'penultimate']] * 2
    for r in records:
        assert r['command'].startswith('fsd-sweep cli ') and r['git_commit'] and r['machine'] and r['date']
        assert r['hyperparameters']['beta'] == 1.0 and r['hyperparameters']['seed'] == r['seed']
    again = subprocess.run(sweep, check=True, capture_output=True, text=True).stdout
    assert '0 run(s) finished, 4 skipped' in again
    assert len(read_results(root / 'results' / 'cli.jsonl')) == 4
    report = subprocess.run([str(BIN / 'fsd-report'), str(root / 'results' / 'cli.jsonl')], check=True,
                            capture_output=True, text=True).stdout
    assert '| method | RTE (accuracy) |' in report and '\n| vkd | ' in report and '\n| fsd | ' in report, report
    p_row = next(l for l in report.splitlines() if l.startswith('| p-value (fsd'))
    assert '(vs vkd, ' in p_row and 'fsd is above the best baseline on' in report.splitlines()[-1], report

def test_bad_command_line_input_fails_before_training(setup, tmp_path):
    root, tiny, teacher = setup
    other_task = subprocess.run([str(BIN / 'fsd-distill'), '--task', 'mrpc', '--teacher', str(teacher), '--backbone', tiny,
                                 '--out-dir', str(tmp_path)], capture_output=True, text=True)
    assert other_task.returncode == 2 and 'fine-tuned for RTE' in other_task.stderr
    conflict = subprocess.run([str(BIN / 'fsd-distill'), '--task', 'rte', '--method', 'fsd', '--no-mask-padding'],
                              capture_output=True, text=True)
    assert conflict.returncode == 2 and "set padding='max_length'" in conflict.stderr
    for option, value, message in (('--padding', 'longest', 'choose one of dynamic, max_length'),
                                   ('--preset', 'bert', "unknown preset 'bert'; the presets are paper")):
        bad = subprocess.run([str(BIN / 'fsd-distill'), '--task', 'rte', option, value], capture_output=True, text=True)
        assert bad.returncode == 2 and message in bad.stderr, bad.stderr
    assert not any(tmp_path.iterdir())

def test_every_structure_runs_under_bf16_autocast(setup):
    "Mixed precision: under autocast the losses stay finite (CKA is computed in float32 inside) and gradients flow."
    from fsd_nb.memory import build_teacher_memory, StudentMemory
    from fsd_nb.train import DistillationLoss
    root, tiny, teacher_dir = setup
    tokenizer = load_tokenizer(tiny)
    train, _ = prepare_task('rte', tokenizer, GLUE, 32, 16, 16, seed=0)
    batch = glue_collator(tokenizer, 'max_length', 32)([train[i] for i in range(8)])
    teacher = load_teacher(teacher_dir, 'rte')
    memory = build_teacher_memory(teacher, [batch], 4, epochs=1, progress=False)
    student = make_student(tiny, 2, 'rte')
    student.fsd_student_memory = StudentMemory.matching(memory, student.config.hidden_size)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        loss, terms, _ = DistillationLoss(DistillationConfig(method='fsd', unbiased=True), teacher, memory)(student, batch)
    loss.backward()
    assert torch.isfinite(loss) and all(torch.isfinite(v) for v in terms.values())
    assert terms['intra'].dtype == torch.float32 and student.fsd_student_memory.centroids.grad.abs().sum() > 0
