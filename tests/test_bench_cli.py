"`fsd-bench` runs as the installed command and reports agreeing values (timings are printed, never asserted)."
import subprocess, sys
from pathlib import Path

FSD_BENCH = str(Path(sys.executable).parent / 'fsd-bench')

def test_fsd_bench_small_shapes_agree():
    out = subprocess.run([FSD_BENCH, '--suites', 'losses', '--batch', '6', '--tokens', '8', '--teacher-dim', '32',
                          '--student-dims', '16,32', '--min-run-time', '0.02'], capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.splitlines() if 'speed-up' in l]
    assert len(lines) == 8, out  # intra and local, biased and unbiased, for each student width
    assert all('B=6 W=8 D_t=32' in l and 'agree)' in l for l in lines), out
    assert sum('(float64: agree)' in l for l in lines) == 4, out
    assert 'memory build' not in out

def test_fsd_bench_memory_suite_prints_the_ratio():
    out = subprocess.run([FSD_BENCH, '--suites', 'memory', '--memory-samples', '300,600'],
                         capture_output=True, text=True, check=True).stdout
    assert 'N=300 ' in out and 'N=600 ' in out and 'peak RSS ratio N=600 / N=300' in out, out

def test_fsd_bench_rejects_an_unknown_suite():
    result = subprocess.run([FSD_BENCH, '--suites', 'speed'], capture_output=True, text=True)
    assert result.returncode != 0 and "unknown suite(s) ['speed']" in result.stderr

def test_fsd_bench_step_suite_prints_ratios():
    out = subprocess.run([FSD_BENCH, '--suites', 'step', '--batch', '2', '--tokens', '8', '--student-layers', '1',
                          '--min-run-time', '0.01'], capture_output=True, text=True, check=True).stdout
    assert 'train step  vkd' in out and 'train step  fsd' in out and 'ratio to vkd 1.000' in out, out
    assert 'teacher forward share' in out, out
