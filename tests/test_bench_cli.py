"`fsd-bench` runs as a command and reports agreeing values (timings are printed, never asserted)."
import subprocess, sys

def test_fsd_bench_small_shapes_agree():
    out = subprocess.run([sys.executable, '-c', 'from fsd_nb.bench import fsd_bench; fsd_bench()',
                          '--batch', '6', '--tokens', '8', '--teacher-dim', '32', '--student-dims', '16,32',
                          '--min-run-time', '0.02'], capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.splitlines() if 'speed-up' in l]
    assert len(lines) == 4, out
    assert all('(agree)' in l for l in lines), out
