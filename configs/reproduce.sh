#!/usr/bin/env bash
# Every sweep of the reproduction (nbs/10_reproduce_glue.ipynb), in order and resumable: each sweep skips the runs its
# results file already holds, so the same command, run again in a later session or on another machine, continues.
#
#   bash configs/reproduce.sh OUT_DIR [BUDGET_MIN]        e.g.  bash configs/reproduce.sh ~/fsd-runs/main 170
#   bash configs/reproduce.sh --plan                       how many runs of each sweep are done and left; runs none
#
# Runs in the repository's root: results go to data/results/, GLUE comes from $FSD_GLUE_DIR (else the datasets hub).
# OUT_DIR holds teachers, teacher caches and students; keep it outside the work tree. A recorded teacher missing from
# it is re-created from data/teachers.jsonl first, taking up to its recorded fine-tuning time (RTE's, recorded at
# 56 min, took 25 on two idle CPU cores).
# BUDGET_MIN: start no run that would end later than that many minutes from now (fsd-sweep --budget-min, shared by
# every sweep below); the first sweep that stops for it ends the script.
#
# The order: the searches first (each method's weight on RTE and MRPC, seed 1); then Tables 2 and 4 one task at a
# time, every method on a task before the next task, and within a task one seed at a time, every method of that seed
# (and, on RTE and MRPC, paper-preset.yaml's tasks, FSD under the paper's preset) before the next seed. So whatever is
# done when a budget ends compares all the methods on the same tasks and the same seeds, paired. A
# method is in Table 2's configs only once its search is complete and its choice is written there
# (nbs/10_reproduce_glue.ipynb checks both): when a search completes, write its choice into the configs, then run this
# again.
set -euo pipefail
cd "$(dirname "$0")/.."
plan= out_dir= budget_min=
if [ "${1:-}" = --plan ]; then plan=1
else
  out_dir=${1:?"give the folder for teachers and students, outside the work tree: bash configs/reproduce.sh ~/fsd-runs/main [budget_min]"}
  budget_min=${2:-}
fi
if [ -n "$budget_min" ] && ! [[ "$budget_min" =~ ^[0-9]+$ ]]; then
  echo "reproduce.sh: the budget must be whole minutes, e.g. 170; got '$budget_min'." >&2; exit 2
fi
start=$(date +%s)

sweep() {  # fsd-sweep of configs/$1.yaml, further options $2..., within the budget that is left
  if [ -n "$plan" ]; then
    echo "$1${2:+ ${*:2}}: $(fsd-sweep --config "configs/$1.yaml" "${@:2}" --plan | tail -n 1 | sed 's/^fsd-sweep [^:]*: //')"
    return
  fi
  local budget=()
  if [ -n "$budget_min" ]; then
    local minutes_left=$(( budget_min - ($(date +%s) - start) / 60 ))
    if [ "$minutes_left" -le 0 ]; then echo "reproduce.sh: the budget of $budget_min min is spent; the same command continues."; exit 0; fi
    budget=(--budget-min "$minutes_left")
  fi
  echo "== $(date -u +%FT%TZ) fsd-sweep --config configs/$1.yaml ${*:2}"
  PYTHONUNBUFFERED=1 fsd-sweep --config "configs/$1.yaml" "${@:2}" --out-dir "$out_dir" "${budget[@]}" | tee "$said"
  # a sweep that stops for the budget ends the script: the runs after it are no shorter, and the seeds stay paired
  if grep -q '^fsd-sweep: stopping before the time budget' "$said"; then
    echo "reproduce.sh: stopped for the budget of $budget_min min; the same command continues."; exit 0
  fi
}

seeds_left() {  # each task and seed of configs/$1.yaml with runs left to train or to take from another sweep: "mrpc 2", one a line
  fsd-sweep --config "configs/$1.yaml" --plan |
    awk '$1 != "done" { for (i = 2; i < NF; i++) if ($i == "seed") { t = tolower($(i - 2)); gsub("-", "", t); print t, $(i + 1) } }'
}

said=$(mktemp); trap 'rm -f "$said"' EXIT  # what the running sweep printed
for search in search-vkd search-fsd search-fsd-authors search-pkd search-rkd search-minilm; do sweep "$search"; done
TABLES=(table2-baselines table2-fsd table2-fsd-unbiased table4-ablations)
declare -A left=()  # "table task" -> " 2 3 ", its seeds left; one --plan call a table, as each imports the training stack
if [ -z "$plan" ]; then
  for table in "${TABLES[@]}" paper-preset; do
    seeds=$(seeds_left "$table")
    while read -r task seed; do [ -z "$task" ] || left["$table $task"]+=" $seed "; done <<< "$seeds"
  done
fi
for task in wnli rte mrpc stsb cola; do
  tables=("${TABLES[@]}")
  # the paper's own settings beside Table 2 on the tasks of configs/paper-preset.yaml
  case $task in rte|mrpc) tables+=(paper-preset);; esac
  if [ -n "$plan" ]; then for table in "${tables[@]}"; do sweep "$table" --tasks "$task"; done; continue; fi
  for seed in $(for table in "${tables[@]}"; do echo ${left["$table $task"]:-}; done | tr ' ' '\n' | sort -n -u); do
    for table in "${tables[@]}"; do
      if [[ "${left["$table $task"]:-}" == *" $seed "* ]]; then sweep "$table" --tasks "$task" --seeds "$seed"; fi
    done
  done
done
