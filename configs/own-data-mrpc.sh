#!/usr/bin/env bash
# Your own data, proven on real data: MRPC given as JSON Lines with renamed columns and GLUE's integer labels, distilled
# through the generic path with VKD at the reproduction's setting (alpha 0.9, seed 1) from the selected MRPC teacher:
# the run of search-vkd's MRPC seed-1 record, on the same examples read another way. Its record is appended to
# data/results/own-data.jsonl; nbs/11_own_data.ipynb compares the two.
# Usage, from the repository root: bash configs/own-data-mrpc.sh GLUE_DIR OUT_DIR   (e.g. ../shared/glue ~/fsd-runs/main)
# The JSON Lines files are written to OUT_DIR/own-data (GLUE is never copied into the repository).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bash configs/own-data-mrpc.sh GLUE_DIR OUT_DIR" >&2; exit 2; }
glue=$1 out=$2
mkdir -p "$out/own-data"
python - "$glue" "$out/own-data" <<'PY'
import sys
from fsd_nb.data import load_task
glue, folder = sys.argv[1:]
renamed = {'sentence1': 'first', 'sentence2': 'second', 'label': 'paraphrase'}
for split, examples in load_task('mrpc', glue).items():
    examples.to_pandas().drop(columns='idx').rename(columns=renamed).to_json(f"{folder}/mrpc-{split}.jsonl", orient='records', lines=True)
PY
teacher=$(python -c "from fsd_nb.teachers import selected_teacher; print(selected_teacher('mrpc', teachers='data/teachers.jsonl')['teacher'])")
fsd-sweep own-data --train-file "$out/own-data/mrpc-train.jsonl" --validation-file "$out/own-data/mrpc-validation.jsonl" \
  --text-columns first,second --label-column paraphrase --task-name mrpc-jsonl --methods vkd --seeds 1 --alpha 0.9 \
  --teacher "$teacher" --teachers data/teachers.jsonl --out-dir "$out" --budget-min 40
