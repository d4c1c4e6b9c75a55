"""ONNX export (opset 17, TorchScript exporter) of the five runtime graphs, fp16-weight variants, and the bundle.

Graphs and their inputs/outputs are specified in docs/bundle-format.md; every graph has a dynamic batch axis.
fp16 variants store each float initializer as float16 followed by a Cast to float32, so the runtime computes in
fp32 (no `shader-f16` needed) while the download halves.

    python3 -m training.export --config cpu-default --images … --captions … [--out models/default]
"""

from __future__ import annotations

import argparse
import inspect
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

from . import common
from .data import Dataset

OPSET = 17


class VQEncoder(nn.Module):
    def __init__(self, vq):
        super().__init__()
        self.vq = vq

    def forward(self, image):  # (B, 3, R, R) -> (B, G, G) int64
        return self.vq.encode(image)


class VQDecoder(nn.Module):
    def __init__(self, vq):
        super().__init__()
        self.vq = vq

    def forward(self, codes):  # (B, G, G) int64 -> (B, 3, R, R)
        return self.vq.decode(codes)


class GPTStep(nn.Module):
    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, tokens, pos, *caches):
        logits, out = self.gpt.step(tokens, pos, list(caches))
        return (logits, *out)


def step_io_names(n_layer: int) -> tuple[list[str], list[str]]:
    """gpt-step inputs and outputs (docs/bundle-format.md §3): per-layer caches k_cache_i (keys transposed), v_cache_i."""
    caches = [f"{kv}_cache_{i}" for i in range(n_layer) for kv in ("k", "v")]
    return ["tokens", "pos", *caches], ["logits", *(f"{n}_out" for n in caches)]


def _export(module: nn.Module, args: tuple, path: Path, inputs: list[str], outputs: list[str], dynamic: dict) -> Path:
    kw = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}  # torch >= 2.5
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                          opset_version=OPSET, do_constant_folding=True, **kw)
    return path


def export_graphs(vq, clip, gpt, out_dir: Path, batch: int = 2) -> dict[str, Path]:
    """fp32 ONNX files for every role -> {role: path}. Models are moved to CPU."""
    out_dir.mkdir(parents=True, exist_ok=True)
    vq, clip, gpt = vq.cpu().eval(), clip.cpu().eval(), gpt.cpu().eval()
    R, G, L = vq.c.res, vq.c.grid, clip.c.caption_len
    image = torch.rand(batch, 3, R, R)
    codes = torch.randint(0, vq.c.codebook_size, (batch, G, G))
    ids = torch.full((batch, L), clip.c.pad_id, dtype=torch.long)
    ids[:, :3] = 7
    caches = gpt.empty_cache(batch)
    step_in, step_out = step_io_names(gpt.c.n_layer)
    B = {0: "B"}
    return {
        "vq-encoder": _export(VQEncoder(vq), (image,), out_dir / "vq_encoder.onnx", ["image"], ["codes"],
                              {"image": B, "codes": B}),
        "vq-decoder": _export(VQDecoder(vq), (codes,), out_dir / "vq_decoder.onnx", ["codes"], ["image"],
                              {"codes": B, "image": B}),
        "gpt-step": _export(GPTStep(gpt), (torch.full((batch, 1), gpt.c.bot), torch.tensor([0]), *caches),
                            out_dir / "gpt_step.onnx", step_in, step_out,
                            {n: B for n in step_in + step_out if n != "pos"}),
        "clip-text": _export(clip.text, (ids,), out_dir / "clip_text.onnx", ["ids"], ["embedding"],
                             {"ids": B, "embedding": B}),
        "clip-image": _export(clip.image, (image,), out_dir / "clip_image.onnx", ["image"], ["embedding"],
                              {"image": B, "embedding": B}),
    }


def to_fp16_weights(src: Path, dst: Path, min_elements: int = 16) -> Path:
    """Store float32 initializers (>= min_elements) as float16 + a Cast back to float32 under the original name."""
    model = onnx.load(str(src))
    g = model.graph
    casts, keep = [], []
    for init in g.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_elements:
            arr = numpy_helper.to_array(init).astype(np.float16)
            half = numpy_helper.from_array(arr, init.name + "__fp16")
            keep.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT,
                                          name=init.name + "__cast"))
        else:
            keep.append(init)
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return dst


def round_to_fp16_(module: nn.Module) -> nn.Module:
    """Round a module's float parameters through fp16 in place (the torch twin of an fp16-weight graph)."""
    with torch.no_grad():
        for p in list(module.parameters()) + [b for b in module.buffers() if b.is_floating_point()]:
            p.copy_(p.half().float())
    return module


def export_bundle(cfg: dict, data: dict, out: Path, log=print) -> dict:
    """Write the bundle into `out`: fp16-weight ONNX files, tokenizer.json, card.json, README.md (+ eval grids)."""
    from . import card
    from .evaluate import load_models

    ds = Dataset(**data)
    vq, clip, gpt = load_models(cfg, ds, torch.device("cpu"))
    fp32_dir = common.run_dir(cfg) / "onnx"
    graphs = export_graphs(vq, clip, gpt, fp32_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for role, path in graphs.items():
        dst = out / path.name.replace(".onnx", ".fp16.onnx")
        to_fp16_weights(path, dst)
        files.append({"name": dst.name, "role": role, "precision": "fp16-weights"})
        if cfg.get("bundle_fp32"):
            shutil.copy(path, out / path.name)
            files.append({"name": path.name, "role": role, "precision": "fp32"})
    tok = ds.tokenizer_path
    if tok:
        shutil.copy(tok, out / "tokenizer.json")
        files.append({"name": "tokenizer.json", "role": "tokenizer"})
    c = card.write_card(cfg, ds, vq, clip, gpt, files, out, log)
    log(f"export: bundle in {out}: " + ", ".join(f"{f['name']} {f['bytes'] / 1e6:.2f} MB" for f in c["files"]))
    limit = cfg.get("bundle_max_mb")
    if limit and c["bundle_bytes"] > limit * 1e6:
        log(f"export: WARNING bundle is {c['bundle_bytes'] / 1e6:.1f} MB, over the {limit} MB limit of {cfg['name']}")
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--out", default=str(common.ROOT / "models" / "default"))
    a = ap.parse_args()
    common.setup_threads()
    cfg = common.load_config(a.config)
    export_bundle(cfg, {"images": Path(a.images), "captions": Path(a.captions)}, Path(a.out),
                  common.Logger(common.run_dir(cfg) / "log.txt"))


if __name__ == "__main__":
    main()
