"Every experiment file in configs/ is a valid fsd-sweep configuration."
from pathlib import Path
import pytest
from fsd_nb.data import glue_task
from fsd_nb.config import METHODS
from fsd_nb.experiments import command_arguments, fsd_sweep

CONFIGS = sorted((Path(__file__).resolve().parents[1] / 'configs').glob('*.yaml'))

def test_there_are_experiment_files(): assert len(CONFIGS) >= 5

@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_reads_as_a_sweep(path):
    args = command_arguments(fsd_sweep, ['--config', str(path)])
    assert args['name'] == path.stem
    assert all(m in METHODS for m in args['methods'].split(','))
    assert [glue_task(t) for t in args['tasks'].split(',')] and all(int(s) for s in args['seeds'].split(','))
