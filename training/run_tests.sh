#!/bin/sh
# Runs the trainer's unit tests on one thread with Debian's Python (torch, numpy, PIL, onnx, pytest from apt).
set -e
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
exec /usr/bin/python3 -m pytest training/tests -q -p no:cacheprovider "$@"
