"""Your own data: through the generic path, GLUE's files written as CSV, JSON Lines and Parquet with other column names
give the same examples, fingerprints, teacher-cache keys and metrics as GLUE's loader (real GLUE files; skipped on the
fixture); changed data makes new teachers and runs; bad data on the command line is one error line, nothing written."""
import os
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from fsd_nb.data import load_task, content_fingerprint, task_metrics, glue_task, tokenize_task
from fsd_nb.own_data import own_task
from fsd_nb.teacher_cache import examples_fingerprint
from fsd_nb.teachers import teacher_id
from fsd_nb.models import load_tokenizer
from fsd_nb.experiments import fsd_distill, fsd_sweep, _run_command

SHARED_GLUE = Path(__file__).resolve().parents[2] / 'shared' / 'glue'  # the development checkout's real GLUE
GLUE = Path(os.environ.get('FSD_GLUE_DIR') or (SHARED_GLUE if SHARED_GLUE.is_dir() else Path(__file__).parent / 'glue_fixture'))
real_glue = pytest.mark.skipif(not (GLUE / 'MRPC').is_dir() or (GLUE / 'FIXTURE.md').is_file(),
                               reason=f"the real GLUE files are not at {GLUE} (the fixture's examples are made up)")
WRITERS = {'csv': lambda df, p: df.to_csv(p, index=False), 'jsonl': lambda df, p: df.to_json(p, orient='records', lines=True),
           'parquet': lambda df, p: df.to_parquet(p)}

@real_glue
@pytest.mark.parametrize('name', ['MRPC', 'STS-B', 'CoLA'])
@pytest.mark.parametrize('extension', list(WRITERS))
def test_glue_written_as_own_data_is_the_same_task(name, extension, tmp_path):
    glue = glue_task(name)
    loaded = load_task(glue, GLUE)
    renamed = {c: f"text_{i}" for i, c in enumerate(glue.text_columns)} | {'label': 'target'}
    for split in ('train', 'validation'):
        frame = loaded[split].to_pandas().drop(columns='idx').rename(columns=renamed)
        WRITERS[extension](frame, tmp_path / f"{split}.{extension}")
    own = own_task(tmp_path / f"train.{extension}", tmp_path / f"validation.{extension}", text_columns=list(renamed.values())[:-1],
                   label_column='target', metric=glue.main_metric, verbose=False)
    again = load_task(own)
    for split in ('train', 'validation'):  # the same examples in the same order
        for column, own_column in zip(glue.text_columns, own.text_columns):
            assert again[split][own_column] == loaded[split][column]
        assert again[split]['label'] == loaded[split]['label']
    assert own.is_regression == glue.is_regression and own.num_labels == glue.num_labels
    assert own.fingerprint == content_fingerprint(loaded, glue)
    tokenizer = load_tokenizer()
    keys = [examples_fingerprint(tokenize_task(d['train'].select(range(200)), tokenizer, t)) for d, t in ((loaded, glue), (again, own))]
    assert keys[0] == keys[1]  # the teacher-cache key
    rng = np.random.default_rng(0)
    labels = np.asarray(loaded['validation']['label'])
    predictions = labels + rng.normal(0, 1, len(labels)) if glue.is_regression else rng.integers(0, glue.num_labels, len(labels))
    ours, theirs = task_metrics(own, predictions, labels), task_metrics(glue, predictions, labels)
    assert own.main_metric == glue.main_metric and {k: ours[k] for k in theirs} == theirs

def test_changed_data_is_another_teacher_and_run(tmp_path):
    frame = pd.DataFrame(dict(text=['good', 'bad', 'fine', 'awful'], label=[1, 0, 1, 0]))
    frame.to_csv(tmp_path / 'train.csv', index=False); frame.to_csv(tmp_path / 'dev.csv', index=False)
    before = own_task(tmp_path / 'train.csv', tmp_path / 'dev.csv', verbose=False)
    frame.assign(label=[1, 0, 0, 0]).to_csv(tmp_path / 'train.csv', index=False)
    after = own_task(tmp_path / 'train.csv', tmp_path / 'dev.csv', verbose=False)
    assert before.name == after.name and before.fingerprint != after.fingerprint
    assert teacher_id(before) != teacher_id(after) and before.identity != after.identity

@pytest.mark.parametrize('options, message', [
    (['--train-file', 'missing.csv', '--validation-file', 'dev.csv'], "--train-file missing.csv: no such file"),
    (['--train-file', 'train.csv', '--validation-file', 'dev.csv', '--text-columns', 'txt'], "(did you mean 'text'?)"),
    (['--task', 'rte', '--train-file', 'train.csv', '--validation-file', 'dev.csv'], "give either a GLUE --task or your own data"),
    (['--train-file', 'train.xlsx', '--validation-file', 'dev.csv'], "unknown extension '.xlsx'"),
])
def test_bad_data_is_one_error_line_and_nothing_is_written(options, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    pd.DataFrame(dict(text=['good', 'bad'], label=['pos', 'neg'])).to_csv('train.csv', index=False)
    pd.DataFrame(dict(text=['fine'], label=['pos'])).to_csv('dev.csv', index=False)
    Path('train.xlsx').write_text('x')
    with pytest.raises(SystemExit) as stop: _run_command(fsd_distill, [*options, '--out-dir', 'runs', '--method', 'vkd'])
    error = capsys.readouterr().err.strip().split('\n')[-1]  # after the progress bars of reading the files, if any
    assert stop.value.code == 2 and error.startswith('fsd-distill: error: ') and message in error, error
    assert not Path('runs').exists()

@pytest.fixture(scope='module')
def project(tmp_path_factory):
    "A folder of your own data, three classes and a regression, with a tiny BERT; the working directory while the tests use it."
    folder, here = tmp_path_factory.mktemp('project'), os.getcwd()
    os.chdir(folder)
    rng = np.random.default_rng(0)
    words = {'red': ['apple', 'cherry'], 'green': ['lime', 'leaf'], 'blue': ['sky', 'sea']}
    def frame(n):
        colour = rng.choice(list(words), n)
        return pd.DataFrame(dict(text=[f"the {rng.choice(words[c])} is here" for c in colour], colour=colour,
                                 score=[float(len(c)) + rng.normal() for c in colour]))
    frame(48).to_json('train.jsonl', orient='records', lines=True)
    frame(16).to_json('dev.jsonl', orient='records', lines=True)
    frame(5).drop(columns=['colour', 'score']).to_json('test.jsonl', orient='records', lines=True)
    from fsd_nb.models import make_tiny_backbone
    yield folder, make_tiny_backbone(folder / 'tiny')
    os.chdir(here)

TINY_RUN = dict(max_steps=2, teacher_max_steps=4, batch_size=8, max_length=16, n_centroids=4, learning_rate=1e-3)

def test_every_method_runs_on_your_own_data(project):
    from fsd_nb.config import METHODS
    from fsd_nb.records import read_results
    folder, tiny = project
    task = own_task('train.jsonl', 'dev.jsonl', 'test.jsonl', label_column='colour', verbose=False)
    assert task.label_names == ('blue', 'green', 'red') and task.metrics == ('accuracy', 'f1_macro', 'mcc')
    results = fsd_sweep('all-methods', tasks=task, methods=','.join(METHODS), seeds='1', backbone=tiny, out_dir='runs',
                        results_dir='results', analyses=False, **TINY_RUN)
    records = read_results(results)
    assert [r['method'] for r in records] == list(METHODS)
    for r in records:
        assert r['task'] == folder.name and r['data']['fingerprint'] == task.fingerprint and set(r['dev']) == {'accuracy', 'f1_macro', 'mcc'}
        predictions = (folder / 'runs' / r['run_dir'] / 'test_predictions.tsv').read_text().splitlines()
        assert predictions[0] == 'index\tprediction' and len(predictions) == 6 and {p.split('\t')[1] for p in predictions[1:]} <= set(task.label_names)
    planned = fsd_sweep('all-methods', tasks=task, methods=','.join(METHODS), seeds='1', backbone=tiny, out_dir='runs',
                        results_dir='results', plan=True, **TINY_RUN)
    assert {r['state'] for r in planned} == {'done'}

def test_selection_config_file_and_a_teacher_in_its_own_class_order(project, capsys):
    import json, yaml
    from fsd_nb.experiments import command_arguments, fsd_finetune
    from fsd_nb.teachers import selected_teacher, teacher_folder
    folder, tiny = project
    Path('own.yaml').write_text(yaml.safe_dump(dict(train_file='train.jsonl', validation_file='dev.jsonl', label_column='colour',
                                                    task_name='colours', backbone=tiny, max_length=16, teachers='teachers.jsonl')))
    args = command_arguments(fsd_finetune, ['--config', 'own.yaml', '--select', '--grid', 'learning_rate=1e-3;epochs=1', '--out-dir', 'runs'])
    assert args['task'].name == 'colours'
    fsd_finetune(**args)
    selection = selected_teacher(args['task'], tiny, 'teachers.jsonl')
    assert selection['data']['fingerprint'] == args['task'].fingerprint and selection['data']['classes'] == ['blue', 'green', 'red']
    teacher = teacher_folder('runs', selection['teacher'])
    config = json.loads((teacher / 'config.json').read_text())
    assert config['id2label'] == {'0': 'blue', '1': 'green', '2': 'red'}
    config['id2label'] = {'0': 'red', '1': 'blue', '2': 'green'}  # a teacher of its own class order
    config['label2id'] = {v: int(k) for k, v in config['id2label'].items()}
    reordered = folder / 'reordered'
    import shutil; shutil.copytree(teacher, reordered)
    (reordered / 'config.json').write_text(json.dumps(config))
    record = fsd_distill(**command_arguments(fsd_distill, ['--config', 'own.yaml', '--teacher', str(reordered), '--method', 'vkd',
                                                          '--out-dir', 'runs', '--max-steps', '2', '--no-analyses']))
    assert record['data']['classes'] == ['red', 'blue', 'green']
    student = json.loads((folder / 'runs' / record['model_dir'] / 'config.json').read_text())
    assert student['id2label'] == {'0': 'red', '1': 'blue', '2': 'green'}

def test_regression_on_your_own_data_writes_scores(project):
    folder, tiny = project
    task = own_task('train.jsonl', 'dev.jsonl', 'test.jsonl', text_columns='text', label_column='score', verbose=False)
    assert task.is_regression and task.metrics == ('pearson', 'spearman')
    record = fsd_distill(task=task, method='vkd', seed=1, backbone=tiny, out_dir='runs', analyses=True, **TINY_RUN)
    assert set(record['dev']) == {'pearson', 'spearman'} and 'analyses' in record
    rows = (folder / 'runs' / record['run_dir'] / 'test_predictions.tsv').read_text().splitlines()[1:]
    assert len(rows) == 5 and all(float(r.split('\t')[1]) == float(r.split('\t')[1]) for r in rows)
