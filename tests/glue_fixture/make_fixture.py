"""Write fsd_nb's GLUE test fixture: made-up rows (never real GLUE rows) in the layout of the GLUE download script.

Run from anywhere: `python tests/glue_fixture/make_fixture.py`. The output is deterministic; the files are committed.
Tests and notebooks use this directory when no GLUE directory is given ($FSD_GLUE_DIR), so the test command passes
on a bare clone. Real GLUE stays an option: point $FSD_GLUE_DIR at it."""
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
N_TRAIN, N_DEV = 128, 128
PEOPLE = ['the farmer', 'a teacher', 'my neighbour', 'the pilot', 'an old sailor', 'the mayor', 'a small child', 'the baker']
VERBS = ['painted', 'carried', 'found', 'sold', 'repaired', 'described', 'borrowed', 'watched']
THINGS = ['a red boat', 'the wooden fence', 'three lanterns', 'the broken clock', 'a map of the valley', 'the blue kite']
PLACES = ['near the river', 'before sunrise', 'in the quiet town', 'after the long storm', 'behind the station', '']
OPINIONS = ['a charming little film', 'dull and far too long', 'warm , funny and wise', 'a mess from start to finish',
            'quietly moving', 'loud but empty']

def sentence(rng, clauses=None):
    "A made-up sentence of one to four clauses, so lengths vary from a few tokens to several dozen."
    parts = [f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(PLACES)}".strip()
             for _ in range(clauses or rng.choice([1, 1, 2, 3, 4]))]
    return (', and '.join(parts) + '.').capitalize()

def write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join('\t'.join(map(str, r)) for r in rows) + '\n', encoding='utf-8')

def main():
    rng = random.Random(20261125)
    for split, n in (('train', N_TRAIN), ('dev', N_DEV)):
        pairs = [(sentence(rng), sentence(rng)) for _ in range(n)]
        write(HERE / 'CoLA' / f'{split}.tsv', [('fx01', i % 2, '', sentence(rng)) for i in range(n)])  # no header
        write(HERE / 'SST-2' / f'{split}.tsv', [('sentence', 'label')] + [  # short, as SST-2's phrases
              (f"{rng.choice(OPINIONS)} : {sentence(rng, rng.choice([1, 1, 2])).lower()} ", i % 2) for i in range(n)])
        write(HERE / 'MRPC' / f'{split}.tsv', [('\ufeffQuality', '#1 ID', '#2 ID', '#1 String', '#2 String')]
              + [(i % 2, 1000 + 2 * i, 1001 + 2 * i, a, ('" ' if i % 3 == 0 else '') + b)  # stray quotes, as in MRPC
                 for i, (a, b) in enumerate(pairs)])
        write(HERE / 'STS-B' / f'{split}.tsv', [('index', 'genre', 'filename', 'year', 'old_index', 'source1', 'source2',
                                                 'sentence1', 'sentence2', 'score')]
              + [(i, 'main-captions', 'made-up', '2026', f'{i:04d}', 'none', 'none', a, b, f"{5 if i == 0 else rng.uniform(0, 5):.3f}")
                 for i, (a, b) in enumerate(pairs)])
        labels = ('entailment', 'not_entailment')
        for task in ('RTE', 'QNLI', 'WNLI') if split == 'dev' else ('RTE', 'WNLI'):  # QNLI: dev only, as here
            header = ('index', 'question', 'sentence', 'label') if task == 'QNLI' else ('index', 'sentence1', 'sentence2', 'label')
            label = (lambda i: i % 2) if task == 'WNLI' else (lambda i: labels[i % 2])
            write(HERE / task / f'{split}.tsv', [header] + [(i, a, b, label(i)) for i, (a, b) in enumerate(pairs)])

if __name__ == '__main__': main()
