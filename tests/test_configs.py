"Every experiment file in configs/ is a valid fsd-sweep configuration, and configs/reproduce.sh runs them all, in order."
import os, re, subprocess
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

REPRODUCE = Path(__file__).resolve().parents[1] / 'configs' / 'reproduce.sh'

def run_reproduce(tmp_path, *args):
    "configs/reproduce.sh with a stand-in fsd-sweep that only logs its arguments: the sweeps it runs, in order."
    bin_dir, log = tmp_path / 'bin', tmp_path / 'sweeps.log'
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / 'fsd-sweep').write_text(f'#!/usr/bin/env bash\necho "$*" >> {log}\n')
    (bin_dir / 'fsd-sweep').chmod(0o755)
    done = subprocess.run(['bash', str(REPRODUCE), *args], capture_output=True, text=True,
                          env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"))
    return done, (log.read_text().splitlines() if log.exists() else [])

def test_reproduce_runs_every_config_searches_first_then_task_by_task(tmp_path):
    done, sweeps = run_reproduce(tmp_path, str(tmp_path / 'runs'), '170')
    assert done.returncode == 0, done.stderr
    names = [line.split()[1].removeprefix('configs/').removesuffix('.yaml') for line in sweeps]
    assert set(names) == {p.stem for p in CONFIGS}  # a new config must be added to the script
    assert all(n.startswith('search-') for n in names[:6]) and not any(n.startswith('search-') for n in names[6:])
    tasks = [line.split('--tasks ')[1].split()[0] for line in sweeps if '--tasks' in line]
    assert tasks == sorted(tasks, key=['wnli', 'rte', 'mrpc', 'stsb', 'cola'].index)  # a task's methods all before the next task
    assert all(f"--out-dir {tmp_path / 'runs'}" in line and re.search(r'--budget-min 1(69|70)$', line) for line in sweeps)

def test_reproduce_runs_the_paper_preset_after_each_of_its_tasks(tmp_path):
    done, sweeps = run_reproduce(tmp_path, str(tmp_path / 'runs'), '170')
    preset = [i for i, line in enumerate(sweeps) if 'paper-preset.yaml' in line]
    tasks = [sweeps[i].split('--tasks ')[1].split()[0] for i in preset]
    assert tasks == command_arguments(fsd_sweep, ['--config', str(REPRODUCE.parent / 'paper-preset.yaml')])['tasks'].split(',')
    assert all('table4-ablations.yaml' in sweeps[i - 1] and f'--tasks {task}' in sweeps[i - 1] for i, task in zip(preset, tasks))

def test_reproduce_stops_when_the_budget_is_spent(tmp_path):
    done, sweeps = run_reproduce(tmp_path, str(tmp_path / 'runs'), '0')
    assert done.returncode == 0 and 'budget of 0 min is spent' in done.stdout and not sweeps

def test_reproduce_refuses_bad_arguments(tmp_path):
    done, sweeps = run_reproduce(tmp_path)
    assert done.returncode != 0 and 'give the folder for teachers and students' in done.stderr and not sweeps
    done, sweeps = run_reproduce(tmp_path, str(tmp_path / 'runs'), '2h')
    assert done.returncode == 2 and 'whole minutes' in done.stderr and not sweeps

def test_reproduce_plan_runs_nothing(tmp_path):
    done, sweeps = run_reproduce(tmp_path, '--plan')
    assert done.returncode == 0, done.stderr
    assert len(sweeps) == 28 and all(line.endswith(' --plan') and '--out-dir' not in line for line in sweeps)
