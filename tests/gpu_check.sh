#!/usr/bin/env bash
# The GPU check, one prepared command (at most 8 minutes on a CUDA machine; a rehearsal of about a minute on a CPU):
#   bash tests/gpu_check.sh GLUE_DIR [--results FILE]
# See tests/gpu_check.py for what it runs and records.
set -euo pipefail
cd "$(dirname "$0")/.."
exec timeout 480 python tests/gpu_check.py "$@"
