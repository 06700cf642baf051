"""The GPU check: one prepared command for a CUDA machine, and its rehearsal on a CPU (which CI runs, so it cannot rot).

On CUDA: the device tests (`tests/test_device.py`: CKA, every loss, padding equivalence in float32, bf16 and fp16),
100 steps of `distill` for every method on MRPC in bf16 with the packaged MiniLM (its teacher fine-tuned for 100 steps
first), and `fsd-bench --device cuda --suites losses,step`; then one record naming the GPU is appended to
`data/results/gpu-check.jsonl`. On a CPU the same steps run small (float32 and bf16, a tiny random BERT, 2 steps,
small benchmark shapes) and the record goes to a temporary file unless `--results` names one.

    bash tests/gpu_check.sh GLUE_DIR [--results FILE]
"""
import argparse, contextlib, io, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from fsd_nb.bench import fsd_bench
from fsd_nb.config import METHODS, DistillationConfig
from fsd_nb.models import make_tiny_backbone
from fsd_nb.records import append_result, provenance
from fsd_nb.train import distill


def device_tests(cuda: bool) -> dict:
    "tests/test_device.py on the device, its summary line and time (the CPU rehearsal: CKA and losses, float32 and bf16)."
    began = time.time()
    env = dict(os.environ, FSD_TEST_DEVICE='cuda' if cuda else 'cpu')
    selection = [] if cuda else ['-k', 'not padding']
    run = subprocess.run([sys.executable, '-m', 'pytest', 'tests/test_device.py', '-q', '-p', 'no:cacheprovider', *selection],
                         env=env, capture_output=True, text=True)
    lines = run.stdout.strip().splitlines()
    return dict(passed=run.returncode == 0, summary=lines[-1] if lines else run.stderr[-500:], seconds=round(time.time() - began, 1))


def several_devices(cuda: bool) -> dict:
    "With two or more GPUs: tests/test_ddp_runs.py's 2-process equality (torchrun, NCCL); else why it did not run (CI runs it on CPU processes)."
    if not cuda or torch.cuda.device_count() < 2:
        return dict(ran=False, why='fewer than 2 GPUs' if cuda else 'the rehearsal: CI runs it with gloo processes')
    began = time.time()
    run = subprocess.run([sys.executable, '-m', 'pytest', 'tests/test_ddp_runs.py', '-q', '-p', 'no:cacheprovider', '-k', 'two_processes'],
                         capture_output=True, text=True)
    lines = run.stdout.strip().splitlines()
    return dict(ran=True, passed=run.returncode == 0, summary=lines[-1] if lines else run.stderr[-500:], seconds=round(time.time() - began, 1))


def every_method(glue_dir: str, out: Path, cuda: bool) -> dict:
    "Each method's dev metrics, steps and seconds after 100 bf16 steps on MRPC (the rehearsal: 2 float32 steps of a tiny BERT)."
    backbone = None if cuda else make_tiny_backbone(out / 'tiny')
    size = (dict(max_steps=100, teacher_max_steps=100) if cuda else
            dict(max_steps=2, teacher_max_steps=2, train_samples=64, eval_samples=32))
    runs = {}
    for method in METHODS:
        config = (DistillationConfig(method=method) if cuda else
                  DistillationConfig(method=method, batch_size=8, max_length=32, n_centroids=4, memory_epochs=1))
        with contextlib.redirect_stdout(io.StringIO()):
            record = distill('mrpc', config, seed=1, teacher='finetune', teacher_seed=1, backbone=backbone, data_dir=glue_dir,
                             out_dir=out, bf16=cuda, **size)
        runs[method] = dict(dev=record['dev'], steps=record['steps'], train_seconds=record['train_seconds'])
        print(f"  {method}: {record['steps']} steps, dev {record['dev']}, {record['train_seconds']:.1f} s", flush=True)
    return runs


def bench(cuda: bool) -> list[str]:
    "fsd-bench's losses and step suites on the device (the rehearsal: small shapes), as the lines it prints."
    options = (dict(suites='losses,step', device='cuda') if cuda else
               dict(suites='losses,step', device='cpu', batch=4, tokens=16, teacher_dim=64, student_dims='32',
                    min_run_time=0.05, student_layers=1))
    with contextlib.redirect_stdout(io.StringIO()) as printed: fsd_bench(**options)
    return printed.getvalue().strip().splitlines()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('glue_dir', help="GLUE folder holding MRPC/ (the GLUE download script's layout)")
    parser.add_argument('--results', help="records file (default: data/results/gpu-check.jsonl on CUDA, a temporary file on a CPU)")
    args = parser.parse_args()
    if not (Path(args.glue_dir) / 'MRPC').is_dir(): parser.error(f"no MRPC folder in {args.glue_dir}: give the GLUE folder.")
    cuda = torch.cuda.is_available()
    out = Path(tempfile.mkdtemp(prefix='fsd-gpu-check-'))
    results = Path(args.results or ('data/results/gpu-check.jsonl' if cuda else out / 'gpu-check.jsonl'))
    print(f"fsd_nb GPU check on {torch.cuda.get_device_name(0) if cuda else 'a CPU (rehearsal)'}", flush=True)
    began = time.time()
    tests = device_tests(cuda)
    print(f"device tests: {tests['summary']} ({tests['seconds']} s)", flush=True)
    ddp = several_devices(cuda)
    print(f"two processes: {ddp.get('summary') or 'not run, ' + ddp['why']}", flush=True)
    print("every method on MRPC:", flush=True)
    runs = every_method(args.glue_dir, out, cuda)
    lines = bench(cuda)
    print('\n'.join(lines), flush=True)
    record = dict(kind='gpu-check' if cuda else 'cpu-rehearsal', gpu=torch.cuda.get_device_name(0) if cuda else None,
                  device_tests=tests, several_devices=ddp, runs=runs, bench=lines, seconds=round(time.time() - began, 1),
                  **provenance('bash tests/gpu_check.sh GLUE_DIR'))
    append_result(results, record)
    print(f"GPU check {'passed' if tests['passed'] and ddp.get('passed', True) else 'FAILED'} in {record['seconds']} s; record appended to {results}")
    sys.exit(0 if tests['passed'] and ddp.get('passed', True) else 1)


if __name__ == '__main__': main()
