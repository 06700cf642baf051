#!/usr/bin/env bash
# Issue 37, one real run across widths: the selected MRPC teacher (the packaged MiniLM, 6 layers of width 384) distilled
# by FSD and by VKD, at Table 2's settings and seed 1, into a student that is no slice of it: a 3-layer BERT of width
# 192 (3 heads, feed-forward 768) built from a config with the teacher's tokenizer and started at random (seed 0).
# CKA compares Gram matrices, so FSD needs no projection between the widths. Table 2's learning rate (5e-5) leaves a
# student started at random at the majority class within 3 epochs, so 5e-4 runs too, as one would train from scratch.
# Records: data/results/across-widths.jsonl.
# Usage, from the repository root: bash configs/across-widths.sh GLUE_DIR OUT_DIR   (e.g. ../shared/glue ~/fsd-runs/main)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bash configs/across-widths.sh GLUE_DIR OUT_DIR" >&2; exit 2; }
glue=$1 out=$2
student="$out/backbones/bert-l3-h192-random"
[ -f "$student/config.json" ] || python -c "
from fsd_nb.models import make_tiny_backbone
make_tiny_backbone('$student', num_layers=3, hidden_size=192, num_heads=3, intermediate_size=768, seed=0)"
fsd-sweep across-widths --tasks mrpc --methods vkd,fsd --seeds 1 --alpha 0.9 --temperature 2 --learning-rate 5e-5,5e-4 \
  --method-settings '{"fsd": {"beta": 10}}' --student-backbone "$student" \
  --teachers data/teachers.jsonl --data-dir "$glue" --out-dir "$out" --budget-min 60
