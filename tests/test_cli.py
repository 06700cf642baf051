"The five commands: every option has a help text, flags read naturally, and bad input ends in one line."
import json, subprocess, sys
from pathlib import Path
import pytest
from fsd_nb.experiments import command_parser, fsd_finetune, fsd_distill, fsd_sweep, fsd_report
from fsd_nb.bench import fsd_bench

BIN = Path(sys.executable).parent

@pytest.mark.parametrize('command', [fsd_finetune, fsd_distill, fsd_sweep, fsd_report, fsd_bench], ids=lambda f: f.__name__)
def test_every_option_says_what_it_does(command):
    parser = command_parser(command)
    options = [a for a in parser._actions if a.option_strings and a.dest != 'help']
    assert options
    missing = [a.option_strings[-1] for a in options if not (a.help or '').strip() or a.help.startswith('(default')]
    assert not missing, f"{parser.prog}: options without a help text: {missing}"
    flags = [a for a in options if a.nargs == 0]
    assert not [a.help for a in flags if '(default: True)' in a.help or '(default: False)' in a.help]

def run(*argv):
    return subprocess.run([str(BIN / argv[0]), *argv[1:]], capture_output=True, text=True)

def test_fsd_report_names_a_missing_file(tmp_path):
    result = run('fsd-report', str(tmp_path / 'nothing.jsonl'))
    assert result.returncode == 2 and result.stderr.strip().startswith('fsd-report: error: no results file'), result.stderr
    assert 'Traceback' not in result.stderr

def test_fsd_sweep_names_a_bad_list_item(tmp_path):
    result = run('fsd-sweep', 'demo', '--seeds', '1,a', '--results-dir', str(tmp_path))
    assert result.returncode == 2 and "--seeds: 'a' is not an integer" in result.stderr and 'Traceback' not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written

def test_fsd_bench_without_cuda_says_so_in_one_line():
    import torch
    if torch.cuda.is_available(): pytest.skip("this machine has CUDA")
    result = run('fsd-bench', '--device', 'cuda', '--suites', 'losses')
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        "fsd-bench: error: --device cuda: this machine has no CUDA device that torch can use; use --device cpu."]

def test_fsd_report_prints_the_teacher_table(tmp_path):
    results, teachers = tmp_path / 'r.jsonl', tmp_path / 't.jsonl'
    results.write_text('\n'.join(json.dumps(dict(task='RTE', method=m, seed=s, dev=dict(accuracy=50. + s),
                                            hyperparameters=dict(student_init='spread')))
                                 for m in ('none', 'vkd') for s in (1, 2)) + '\n')
    teachers.write_text(json.dumps(dict(kind='selection', task='RTE', teacher='rte-x', metric='accuracy', dev=dict(accuracy=60.))) + '\n')
    result = run('fsd-report', str(results), '--teachers', str(teachers))
    assert result.returncode == 0, result.stderr
    assert '| RTE (accuracy) | rte-x | 60.00 |  | 51.50 ± 0.71 (2 seeds) | +8.50 |' in result.stdout, result.stdout

def test_the_commands_load_no_training_stack_to_start():
    "--help, a bad option and fsd-report answer without importing torch, transformers or datasets (issue: ~2 s start-up)."
    code = ("import sys, fsd_nb.experiments, fsd_nb.bench; "
            "print(sorted(m for m in ('torch', 'transformers', 'datasets') if m in sys.modules))")
    assert subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.strip() == '[]'
