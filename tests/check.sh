#!/usr/bin/env bash
# fsd_nb's test command (README, CI): the package is in sync with the notebooks, the notebooks' tests pass, pytest passes.
set -euo pipefail
cd "$(dirname "$0")/.."
# GLUE for the tests: $FSD_GLUE_DIR if set, else the development checkout's ../shared/glue (never copied into the
# repo), else the made-up fixture in tests/glue_fixture, so the command passes on a bare clone.
if [ -z "${FSD_GLUE_DIR:-}" ]; then
  if [ -d ../shared/glue ]; then export FSD_GLUE_DIR="$(cd ../shared/glue && pwd)"
  else export FSD_GLUE_DIR="$(pwd)/tests/glue_fixture"; fi
fi
echo "GLUE from: $FSD_GLUE_DIR"
# The notebooks' and tests' temporary files (tiny models, checkpoints, caches) go in one folder, removed at the end,
# passed or failed, so that running the tests again and again does not fill the disk.
scratch=$(mktemp -d -t fsd-nb-tests.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch

# Runs $1, which regenerates the files of folder $2 named like $3, and fails (saying $4) when it changed any of them:
# they must be committed as that command leaves them.
must_leave_unchanged() {
  local command=$1 folder=$2 pattern=$3 fix=$4 before after
  snapshot() { find "$folder" -name "$pattern" -print0 | sort -z | xargs -0 sha1sum; }
  before=$(snapshot)
  $command
  after=$(snapshot)
  if [ "$before" != "$after" ]; then
    echo "$command changed $folder/: $fix Changed files:" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    exit 1
  fi
}

echo "== nbdev-export: fsd_nb/ must already match nbs/"
must_leave_unchanged nbdev-export fsd_nb '*.py' \
  "the package is out of sync with the notebooks. Edit nbs/, run nbdev-export, and commit both."

echo "== nbdev-clean: the notebooks must be stored clean (no execution counts or run metadata, so diffs show changes)"
must_leave_unchanged nbdev-clean nbs '*.ipynb' \
  "the notebooks hold execution counts or run metadata. Run nbdev-clean and commit them."

echo "== nbdev-test (cells flagged slow are skipped)"
nbdev-test --n-workers "${NBDEV_TEST_WORKERS:-2}"

# The docs check (notebooks processed into pages, show_doc rendered) is a pytest test: `nbdev-proc-nbs` would try to
# install Quarto (sudo, curl) on a machine without it, and nothing here installs system software.
echo "== pytest tests/"
python -m pytest tests/ -q
