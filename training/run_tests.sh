#!/bin/sh
# Runs the trainer's unit tests on one thread with Debian's Python (torch, numpy, PIL, onnx, pytest from apt).
# Arguments go to pytest (default: training/tests).
set -e
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
[ $# -eq 0 ] && set -- training/tests
exec /usr/bin/python3 -m pytest -q -p no:cacheprovider "$@"
