"Two CPU processes under torchrun (gloo) give the single-process loss and gradients of the global batch."
import subprocess, sys
from pathlib import Path
import pytest
from fsd_nb.models import make_teacher, make_tiny_backbone

@pytest.mark.parametrize('padding', ['paper', 'masked'])
def test_ddp_local_structure_equals_single_process(tmp_path, padding):
    backbone = make_tiny_backbone(tmp_path / 'tiny')
    make_teacher('rte', backbone).save_pretrained(tmp_path / 'teacher')
    result = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2',
                             str(Path(__file__).with_name('ddp_worker.py')), backbone, str(tmp_path / 'teacher'), padding],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.stdout.count('gradients equal') == 2, result.stdout
