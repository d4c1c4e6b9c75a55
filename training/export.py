"""ONNX export (opset 17, TorchScript exporter) of the five runtime graphs (six with the masked transformer), fp16-weight variants, and the bundle.

Graphs and their inputs/outputs are specified in docs/bundle-format.md; every graph has a dynamic batch axis.
fp16 variants store each float initializer as float16 followed by a Cast to float32, so the runtime computes in
fp32 (no `shader-f16` needed) while the download halves.

    python3 -m training.export --config cpu-default --images … --captions … [--out models/default]
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

from . import card, common
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

    def forward(self, tokens, pos, *rest):  # rest: [cond,] k_cache_0, v_cache_0, …
        cond, caches = (rest[0], rest[1:]) if self.gpt.cond_proj is not None else (None, rest)
        logits, out = self.gpt.step(tokens, pos, list(caches), cond)
        return (logits, *out)


class MaskGITPass(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, tokens, *cond):  # tokens (B, T) int64 [, cond (B, E)] -> image_logits, text_logits
        return self.m(tokens, cond[0] if cond else None)


def export_maskgit(m, out_dir: Path, batch: int = 2) -> Path:
    """The masked transformer as one full-sequence pass (docs/bundle-format.md §9): static sequence length,
    dynamic batch; inputs tokens [B, T] int64 and, when conditioned, cond [B, E]; outputs image_logits [B, G*G, K]
    and text_logits [B, L, V_text]."""
    m = m.cpu().eval()
    c = m.c
    tokens = torch.full((batch, c.block_size), c.mask_id, dtype=torch.long)
    tokens[:, 0] = c.bot
    cond = [torch.zeros(batch, c.cond_dim)] if c.cond_dim else []
    names = ["tokens", *(["cond"] if c.cond_dim else [])]
    B = {0: "B"}
    return _export(MaskGITPass(m), (tokens, *cond), out_dir / "maskgit.onnx", names, ["image_logits", "text_logits"],
                   {n: B for n in [*names, "image_logits", "text_logits"]})


def step_io_names(n_layer: int, cond: bool = False) -> tuple[list[str], list[str]]:
    """gpt-step inputs and outputs (docs/bundle-format.md §3): tokens, pos, `cond` for a conditioned GPT (format 3),
    then per-layer caches k_cache_i (keys transposed), v_cache_i."""
    caches = [f"{kv}_cache_{i}" for i in range(n_layer) for kv in ("k", "v")]
    return ["tokens", "pos", *(["cond"] if cond else []), *caches], ["logits", *(f"{n}_out" for n in caches)]


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
    cond = [torch.zeros(batch, gpt.c.cond_dim)] if gpt.c.cond_dim else []
    step_in, step_out = step_io_names(gpt.c.n_layer, bool(gpt.c.cond_dim))
    B = {0: "B"}
    return {
        "vq-encoder": _export(VQEncoder(vq), (image,), out_dir / "vq_encoder.onnx", ["image"], ["codes"],
                              {"image": B, "codes": B}),
        "vq-decoder": _export(VQDecoder(vq), (codes,), out_dir / "vq_decoder.onnx", ["codes"], ["image"],
                              {"codes": B, "image": B}),
        "gpt-step": _export(GPTStep(gpt), (torch.full((batch, 1), gpt.c.bot), torch.tensor([0]), *cond, *caches),
                            out_dir / "gpt_step.onnx", step_in, step_out,
                            {n: B for n in step_in + step_out if n != "pos"}),
        "clip-text": _export(clip.text, (ids,), out_dir / "clip_text.onnx", ["ids"], ["embedding"],
                             {"ids": B, "embedding": B}),
        "clip-image": _export(clip.image, (image,), out_dir / "clip_image.onnx", ["image"], ["embedding"],
                              {"image": B, "embedding": B}),
    }


def _save_rewritten(model, initializers: list, prelude: list, dst: Path) -> Path:
    """Replace the graph's initializers, put `prelude` nodes (their decoding) first, check and save."""
    g = model.graph
    del g.initializer[:]
    g.initializer.extend(initializers)
    nodes = prelude + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return dst


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
    return _save_rewritten(model, keep, casts, dst)


def _int8_axis(graph, name: str) -> int | None:
    """The axis to keep one scale per (output channel) for initializer `name`, or None when it is not a plain
    weight matrix: axis 1 when it is the B input of a MatMul ([in, out]), axis 0 when it is a Gather table."""
    for node in graph.node:
        if node.op_type == "MatMul" and len(node.input) > 1 and node.input[1] == name:
            return 1
        if node.op_type == "Gather" and node.input[0] == name:
            return 0
    return None


def to_int8_weights(src: Path, dst: Path, min_elements: int = 4096) -> Path:
    """Store weight matrices as int8 with one float32 scale per output channel (symmetric, round to nearest), the
    other float initializers as fp16, each followed by Cast (and Mul) back to float32 under the original name.

    Cast and Mul of initializers are constant-folded when a session is created, so inference runs in float32 at
    the speed of the fp32 graph; the file (the download) is about a quarter of fp32. Not DequantizeLinear: ONNX
    Runtime keeps that node for QDQ fusion and would dequantize every call."""
    model = onnx.load(str(src))
    g = model.graph
    pre, keep = [], []
    for init in g.initializer:
        n = int(np.prod(init.dims))
        if init.data_type != TensorProto.FLOAT or n < 16:
            keep.append(init)
            continue
        arr = numpy_helper.to_array(init)
        axis = _int8_axis(g, init.name) if arr.ndim == 2 and n >= min_elements else None
        if axis is None:
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
            keep.append(half)
            pre.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"))
            continue
        q, scale = quantize_int8(arr, axis)
        qi = numpy_helper.from_array(q, init.name + "__int8")
        si = numpy_helper.from_array(scale, init.name + "__scale")
        keep += [qi, si]
        pre += [helper.make_node("Cast", [qi.name], [init.name + "__f32"], to=TensorProto.FLOAT, name=init.name + "__cast"),
                helper.make_node("Mul", [init.name + "__f32", si.name], [init.name], name=init.name + "__scale_mul")]
    return _save_rewritten(model, keep, pre, dst)


def quantize_int8(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per index of `axis` of a 2-D array: w ≈ q * scale (scale broadcasts)."""
    amax = np.abs(w).max(axis=1 - axis, keepdims=True)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def round_to_int8_(module: nn.Module, min_elements: int = 4096) -> nn.Module:
    """The torch twin of an int8-weight graph, in place: every float parameter of at least `min_elements` and two or
    more dimensions goes through `quantize_int8` row by row over its last dimension (Linear weights per output
    feature; the token and position tables per row, as their Gather and the tied output MatMul see them);
    everything else float is rounded through fp16."""
    with torch.no_grad():
        for p in module.parameters():
            if p.dim() >= 2 and p.numel() >= min_elements:
                q, scale = quantize_int8(p.detach().reshape(-1, p.shape[-1]).cpu().numpy(), 0)
                p.copy_(torch.from_numpy(q.astype(np.float32) * scale).view_as(p))
            else:
                p.copy_(p.half().float())
        for b in module.buffers():
            if b.is_floating_point():
                b.copy_(b.half().float())
    return module


def round_to_fp16_(module: nn.Module) -> nn.Module:
    """Round a module's float parameters through fp16 in place (the torch twin of an fp16-weight graph)."""
    with torch.no_grad():
        for p in list(module.parameters()) + [b for b in module.buffers() if b.is_floating_point()]:
            p.copy_(p.half().float())
    return module


def export_bundle(cfg: dict, data: dict, out: Path, log=print) -> dict:
    """Write the bundle into `out`: fp16-weight ONNX files, tokenizer.json, card.json, README.md (+ eval grids)."""
    from .evaluate import load_models

    ds = Dataset(**data)
    vq, clip, gpt = load_models(cfg, ds, torch.device("cpu"))
    fp32_dir = common.run_dir(cfg) / "onnx"
    graphs = export_graphs(vq, clip, gpt, fp32_dir)
    maskgit = None
    if "maskgit" in cfg and (common.run_dir(cfg) / "maskgit.pt").exists():
        from .train_maskgit import load_maskgit

        maskgit = load_maskgit(cfg, ds, torch.device("cpu"))
        graphs["maskgit"] = export_maskgit(maskgit, fp32_dir)
    assert set(graphs) <= set(card.GRAPH_ROLES), f"graph roles {sorted(graphs)} vs runtime roles {card.GRAPH_ROLES}"
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for role, path in graphs.items():
        dst = out / path.name.replace(".onnx", ".fp16.onnx")
        to_fp16_weights(path, dst)
        files.append({"name": dst.name, "role": role, "precision": "fp16-weights"})
        if cfg.get("bundle_fp32"):
            shutil.copy(path, out / path.name)
            files.append({"name": path.name, "role": role, "precision": "fp32"})
    int8 = int8_files(cfg, graphs, out, log)
    files += int8
    # roles whose accepted int8 variant is the only one shipped (`int8_replace_fp16`): the bundle-size budget
    replaced = {f["role"] for f in int8} & set(cfg.get("int8_replace_fp16") or [])
    for f in [f for f in files if f["role"] in replaced and f.get("precision") != "int8-weights"]:
        (out / f["name"]).unlink()
        files.remove(f)
        log(f"export: {f['name']} left out (int8_replace_fp16: its int8-weights twin passed acceptance)")
    tok = ds.tokenizer_path
    if tok:
        shutil.copy(tok, out / "tokenizer.json")
        files.append({"name": "tokenizer.json", "role": "tokenizer"})
    c = card.write_card(cfg, ds, vq, clip, gpt, files, out, log, maskgit=maskgit)
    log(f"export: bundle in {out}: " + ", ".join(f"{f['name']} {f['bytes'] / 1e6:.2f} MB" for f in c["files"]))
    limit = cfg.get("bundle_max_mb")
    if limit and c["bundle_bytes"] > limit * 1e6:
        log(f"export: WARNING bundle is {c['bundle_bytes'] / 1e6:.1f} MB, over the {limit} MB limit of {cfg['name']}")
    return c


def int8_files(cfg: dict, graphs: dict[str, Path], out: Path, log=print) -> list[dict]:
    """int8-weight variants of the roles in `cfg["int8_weights"]`, where quality holds: the validation
    gen_r_precision with int8 weights is at most `int8_max_drop` below the float one (same seed, same queries)."""
    roles = cfg.get("int8_weights") or []
    unknown = [r for r in roles if r not in graphs]
    if unknown:
        raise ValueError(f"int8_weights {unknown}: not graph roles; use some of {', '.join(graphs)} "
                         f"(roles: {card.ROLES_JSON.relative_to(common.ROOT)})")
    if not roles:
        return []
    m_path = common.run_dir(cfg) / "metrics.json"
    m = json.loads(m_path.read_text()) if m_path.exists() else {}
    m = m.get("validation", m)  # acceptance is a choice, so it is made on validation, never on test
    full, int8 = m.get("gen_r_precision"), m.get("gen_r_precision_int8_weights")
    max_drop = cfg.get("int8_max_drop", 0.02)
    if full is None or int8 is None or int8 < full - max_drop:
        log(f"export: no int8 variants: gen_r_precision {full} with float weights, {int8} with int8 "
            f"(allowed drop {max_drop})")
        return []
    files = []
    for role in roles:
        dst = out / graphs[role].name.replace(".onnx", ".int8.onnx")
        to_int8_weights(graphs[role], dst)
        files.append({"name": dst.name, "role": role, "precision": "int8-weights"})
    return files


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
