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

echo "== nbdev-export: fsd_nb/ must already match nbs/"
snapshot() { find fsd_nb -name '*.py' -print0 | sort -z | xargs -0 sha1sum; }
before=$(snapshot)
nbdev-export
after=$(snapshot)
if [ "$before" != "$after" ]; then
  echo "nbdev-export changed fsd_nb/: the package is out of sync with the notebooks." >&2
  echo "Edit nbs/, run nbdev-export, and commit both. Changed files:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi

echo "== nbdev-clean: the notebooks must be stored clean (no execution counts or run metadata, so diffs show changes)"
notebooks() { find nbs -name '*.ipynb' -print0 | sort -z | xargs -0 sha1sum; }
before=$(notebooks)
nbdev-clean
after=$(notebooks)
if [ "$before" != "$after" ]; then
  echo "nbdev-clean changed notebooks: run nbdev-clean and commit them. Changed files:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi

echo "== nbdev-test (cells flagged slow are skipped)"
nbdev-test --n-workers "${NBDEV_TEST_WORKERS:-2}"

# The docs check (notebooks processed into pages, show_doc rendered) is a pytest test: `nbdev-proc-nbs` would try to
# install Quarto (sudo, curl) on a machine without it, and nothing here installs system software.
echo "== pytest tests/"
python -m pytest tests/ -q
