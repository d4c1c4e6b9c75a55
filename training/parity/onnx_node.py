"""Run an ONNX model in onnxruntime-node (Python onnxruntime is unavailable here) through `run_onnx.mjs`."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..common import ROOT

RUNNER = Path(__file__).with_name("run_onnx.mjs")
_DTYPES = {"float32": np.float32, "int64": np.int64, "int32": np.int32, "float16": np.uint16}


def run_onnx(model: Path, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    with tempfile.TemporaryDirectory() as d:
        spec = {}
        for name, arr in inputs.items():
            arr = np.ascontiguousarray(arr)
            dtype = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64"}[arr.dtype]
            (Path(d) / f"{name}.bin").write_bytes(arr.tobytes())
            spec[name] = {"dtype": dtype, "shape": list(arr.shape), "file": f"{name}.bin"}
        (Path(d) / "inputs.json").write_text(json.dumps(spec))
        proc = subprocess.run(["node", str(RUNNER), str(model), d], capture_output=True, text=True, cwd=str(ROOT))
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed on {model}: {proc.stderr[-3000:]}")
        out = {}
        for name, o in json.loads((Path(d) / "outputs.json").read_text()).items():
            raw = (Path(d) / o["file"]).read_bytes()
            out[name] = np.frombuffer(raw, dtype=_DTYPES[o["dtype"]]).reshape(o["shape"]).copy()
        return out
