"Every experiment file in configs/ is a valid fsd-sweep configuration, and configs/reproduce.sh runs them all, in order."
import os, re, subprocess, sys
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

@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_every_config_plans_its_committed_runs_as_done(path, monkeypatch, capsys):
    "The committed records stay valid as the code changes: each run of every config is found in its results file."
    monkeypatch.chdir(path.parents[1])  # the repository root: data/results and data/teachers.jsonl
    runs = fsd_sweep(**command_arguments(fsd_sweep, ['--config', str(path), '--plan']))
    assert runs and [r for r in runs if r['state'] != 'done'] == []

REPRODUCE = Path(__file__).resolve().parents[1] / 'configs' / 'reproduce.sh'

STAND_IN = """#!{python}
# A stand-in fsd-sweep: logs its arguments; with --plan, lists each planned run as left, or done for a seed in
# $DONE_SEEDS; otherwise stops for the budget at the sweep in $STOP_AT ('configs/table4-ablations.yaml mrpc 2'), as fsd-sweep says it.
import os, sys
with open({log!r}, 'a') as log: log.write(' '.join(sys.argv[1:]) + '\\n')
if '--plan' in sys.argv:
    from fsd_nb.experiments import command_arguments, fsd_sweep
    args, done = command_arguments(fsd_sweep, sys.argv[1:]), os.environ['DONE_SEEDS'].split(',')
    for task in args['tasks'].split(','):
        for method in args['methods'].split(','):
            for seed in args['seeds'].split(','): print(('done' if seed in done else 'left') + f'  {{task.upper()}} {{method}} seed {{seed}} beta=1')
    print(f"fsd-sweep {{args['name']}}: some run(s) done, some left (results in x).")
elif os.environ['STOP_AT'] == ' '.join(sys.argv[i + 1] for i in range(len(sys.argv) - 1) if sys.argv[i] in ('--config', '--tasks', '--seeds')):
    print("fsd-sweep: stopping before the time budget of 3 min runs out: the next run would take about 9 min.")
"""

def run_reproduce(tmp_path, *args, done_seeds='', stop_at=''):
    """configs/reproduce.sh with a stand-in fsd-sweep that only logs its arguments: the sweeps it runs, in order, and
    the --plan calls with which it finds the seeds left (every seed but `done_seeds`); the sweep `stop_at` stops for the budget."""
    bin_dir, log = tmp_path / 'bin', tmp_path / 'sweeps.log'
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / 'fsd-sweep').write_text(STAND_IN.format(log=str(log), python=sys.executable))
    (bin_dir / 'fsd-sweep').chmod(0o755)
    done = subprocess.run(['bash', str(REPRODUCE), *args], capture_output=True, text=True,
                          env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", DONE_SEEDS=done_seeds, STOP_AT=stop_at))
    return done, (log.read_text().splitlines() if log.exists() else [])

@pytest.fixture(scope='module')
def reproduced(tmp_path_factory):
    "The sweeps reproduce.sh runs with a budget of 170 min, every run left; the --plan calls that find them left out."
    tmp_path = tmp_path_factory.mktemp('reproduce')
    done, calls = run_reproduce(tmp_path, str(tmp_path / 'runs'), '170')
    assert done.returncode == 0, done.stderr
    return tmp_path, [line for line in calls if not line.endswith(' --plan')]

def option(line, name): return line.split(f'--{name} ')[1].split()[0] if f'--{name} ' in line else None
def config_of(line): return line.split()[1].removeprefix('configs/').removesuffix('.yaml')

def test_reproduce_runs_every_config_searches_first_then_task_by_task(reproduced):
    tmp_path, sweeps = reproduced
    names = [config_of(line) for line in sweeps]
    assert set(names) == {p.stem for p in CONFIGS}  # a new config must be added to the script
    assert all(n.startswith('search-') for n in names[:6]) and not any(n.startswith('search-') for n in names[6:])
    tasks = [option(line, 'tasks') for line in sweeps if '--tasks' in line]
    assert tasks == sorted(tasks, key=['wnli', 'rte', 'mrpc', 'stsb', 'cola'].index)  # a task's methods all before the next task
    assert all(f"--out-dir {tmp_path / 'runs'}" in line and re.search(r'--budget-min 1(69|70)$', line) for line in sweeps)

def test_reproduce_runs_each_planned_seed_once_seed_by_seed(reproduced):
    "Within a task, every method's seed 1, then every method's seed 2...: a budget that ends leaves the methods paired."
    _, sweeps = reproduced
    tables = [line for line in sweeps if '--tasks' in line]
    for task in ['wnli', 'rte', 'mrpc', 'stsb', 'cola']:
        seeds = [int(option(line, 'seeds')) for line in tables if option(line, 'tasks') == task]
        assert seeds == sorted(seeds), (task, seeds)
    ran = sorted((config_of(line), option(line, 'tasks'), option(line, 'seeds')) for line in tables)
    planned = sorted((path.stem, task, seed) for path in CONFIGS if not path.stem.startswith('search-')
                     for args in [command_arguments(fsd_sweep, ['--config', str(path)])]
                     for task in args['tasks'].split(',') for seed in args['seeds'].split(','))
    assert ran == planned

def test_reproduce_runs_only_the_seeds_left(tmp_path):
    done, calls = run_reproduce(tmp_path, str(tmp_path / 'runs'), '170', done_seeds='1,2,3')
    assert done.returncode == 0, done.stderr
    seeds = {option(line, 'seeds') for line in calls if '--tasks' in line and not line.endswith(' --plan')}
    assert seeds == {'4', '5'}, seeds  # only Table 2's seeds 4 and 5 are left; the ablations and the preset are done

def test_reproduce_runs_the_paper_preset_after_each_of_its_tasks_seeds(reproduced):
    _, sweeps = reproduced
    preset = [i for i, line in enumerate(sweeps) if 'paper-preset.yaml' in line]
    args = command_arguments(fsd_sweep, ['--config', str(REPRODUCE.parent / 'paper-preset.yaml')])
    assert [(option(sweeps[i], 'tasks'), option(sweeps[i], 'seeds')) for i in preset] == [
        (task, seed) for task in args['tasks'].split(',') for seed in args['seeds'].split(',')]
    assert all('table4-ablations.yaml' in sweeps[i - 1] and option(sweeps[i - 1], 'tasks') == option(sweeps[i], 'tasks')
               and option(sweeps[i - 1], 'seeds') == option(sweeps[i], 'seeds') for i in preset)

def test_reproduce_stops_when_the_budget_is_spent(tmp_path):
    done, sweeps = run_reproduce(tmp_path, str(tmp_path / 'runs'), '0')
    assert done.returncode == 0 and 'budget of 0 min is spent' in done.stdout and not sweeps

def test_reproduce_ends_at_the_first_sweep_that_stops_for_the_budget(tmp_path):
    done, calls = run_reproduce(tmp_path, str(tmp_path / 'runs'), '170', stop_at='configs/table4-ablations.yaml mrpc 2')
    assert done.returncode == 0 and 'stopped for the budget of 170 min' in done.stdout, done.stdout
    last = [line for line in calls if not line.endswith(' --plan')][-1]
    assert (config_of(last), option(last, 'tasks'), option(last, 'seeds')) == ('table4-ablations', 'mrpc', '2')

def test_reproduce_asks_each_table_once_for_its_seeds_left(tmp_path):
    _, calls = run_reproduce(tmp_path, str(tmp_path / 'runs'), '170')
    plans = [config_of(line) for line in calls if line.endswith(' --plan')]
    assert sorted(plans) == sorted(p.stem for p in CONFIGS if not p.stem.startswith('search-'))

def test_reproduce_refuses_bad_arguments(tmp_path):
    done, sweeps = run_reproduce(tmp_path)
    assert done.returncode != 0 and 'give the folder for teachers and students' in done.stderr and not sweeps
    done, sweeps = run_reproduce(tmp_path, str(tmp_path / 'runs'), '2h')
    assert done.returncode == 2 and 'whole minutes' in done.stderr and not sweeps

def test_reproduce_plan_runs_nothing(tmp_path):
    done, sweeps = run_reproduce(tmp_path, '--plan')
    assert done.returncode == 0, done.stderr
    assert len(sweeps) == 28 and all(line.endswith(' --plan') and '--out-dir' not in line for line in sweeps)

def test_reproduce_reads_the_seeds_left_from_fsd_sweeps_own_plan(tmp_path):
    "The awk program with which reproduce.sh reads the tasks and seeds left, on what the real fsd-sweep --plan prints."
    awk = re.search(r"awk '([^']+)'", REPRODUCE.read_text())[1]
    plan = subprocess.run(['fsd-sweep', '--config', str(REPRODUCE.parent / 'paper-preset.yaml'), '--tasks', 'rte,stsb',
                           '--seeds', '1,2', '--results-dir', str(tmp_path), '--plan'],
                          capture_output=True, text=True, cwd=REPRODUCE.parents[1])
    assert plan.returncode == 0, plan.stderr
    left = subprocess.run(['awk', awk], input=plan.stdout, capture_output=True, text=True, check=True).stdout.splitlines()
    # an empty results dir: every planned seed is left; tasks as reproduce.sh names them (fsd-sweep prints RTE, STS-B)
    assert left == ['rte 1', 'rte 2', 'stsb 1', 'stsb 2'], (plan.stdout, left)
