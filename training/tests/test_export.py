"""torch vs onnxruntime-node parity of every exported graph (fp32 within 1e-4; fp16-weight graphs against the
fp16-rounded torch model within 1e-4), and the fp16 variants really store half-precision weights."""

import json

import numpy as np
import onnx
import pytest
import torch

from training import common, export
from training.export import step_io_names
from training.models.clip import CLIP, CLIPConfig
from training.models.gpt import GPT, GPTConfig
from training.models.vqvae import VQConfig, VQVAE
from training.parity.onnx_node import run_onnx

ATOL = 1e-4


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    torch.manual_seed(0)
    vq = VQVAE(VQConfig(ch=8, ch_mult=[1, 2, 2], n_res=[0, 1, 1], codebook_size=32, code_dim=8)).eval()
    vq.quant.embed.normal_()
    clip = CLIP(CLIPConfig(vocab_size=40, caption_len=6, d_model=32, n_layer=1, n_head=2, embed_dim=16,
                           img_ch=8)).eval()
    gpt = GPT(GPTConfig(text_vocab=40, codebook_size=32, image_tokens=64, caption_len=6, d_model=32, n_layer=2,
                        n_head=2)).eval()
    d = tmp_path_factory.mktemp("onnx")
    paths = export.export_graphs(vq, clip, gpt, d)
    half = {role: export.to_fp16_weights(p, p.with_suffix(".fp16.onnx")) for role, p in paths.items()}
    return vq, clip, gpt, paths, half


def inputs_for(role, vq, clip, gpt, batch=3):
    g = torch.Generator().manual_seed(1)
    if role in ("vq-encoder", "clip-image"):
        return {"image": torch.rand(batch, 3, 32, 32, generator=g)}
    if role == "vq-decoder":
        return {"codes": torch.randint(0, 32, (batch, 8, 8), generator=g)}
    if role == "clip-text":
        ids = torch.randint(5, 40, (batch, 6), generator=g)
        ids[0, 3:] = 0  # padding
        return {"ids": ids}
    names = step_io_names(gpt.c.n_layer)[0][2:]
    caches = {n: torch.randn(c.shape, generator=g) for n, c in zip(names, gpt.empty_cache(batch))}
    return {"tokens": torch.randint(0, gpt.c.vocab_size, (batch, 1), generator=g), "pos": torch.tensor([17]), **caches}


def torch_outputs(role, vq, clip, gpt, x):
    with torch.no_grad():
        if role == "vq-encoder":
            return [vq.encode(x["image"])]
        if role == "vq-decoder":
            return [vq.decode(x["codes"])]
        if role == "clip-text":
            return [clip.text(x["ids"])]
        if role == "clip-image":
            return [clip.image(x["image"])]
        logits, caches = gpt.step(x["tokens"], x["pos"], [x[n] for n in step_io_names(gpt.c.n_layer)[0][2:]])
        return [logits, *caches]


ROLES = ["vq-encoder", "vq-decoder", "gpt-step", "clip-text", "clip-image"]


@pytest.mark.parametrize("role", ROLES)
def test_fp32_graph_matches_torch_in_onnxruntime_node(role, graphs):
    vq, clip, gpt, paths, _ = graphs
    x = inputs_for(role, vq, clip, gpt)
    got = list(run_onnx(paths[role], {k: v.numpy() for k, v in x.items()}).values())
    want = torch_outputs(role, vq, clip, gpt, x)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == tuple(w.shape)
        assert np.abs(g.astype(np.float64) - w.numpy()).max() <= ATOL, role


def test_gpt_step_graph_accepts_another_batch_size(graphs):
    vq, clip, gpt, paths, _ = graphs
    x = inputs_for("gpt-step", vq, clip, gpt, batch=5)
    got = run_onnx(paths["gpt-step"], {k: v.numpy() for k, v in x.items()})
    assert got["logits"].shape == (5, gpt.c.vocab_size)
    for i in range(gpt.c.n_layer):
        assert got[f"k_cache_{i}_out"].shape == tuple(x[f"k_cache_{i}"].shape) == (5, gpt.c.n_head, 16, gpt.c.block_size)
        assert got[f"v_cache_{i}_out"].shape == tuple(x[f"v_cache_{i}"].shape) == (5, gpt.c.n_head, gpt.c.block_size, 16)


def test_fp16_weight_graphs_store_half_weights_and_match_the_rounded_model(graphs):
    vq, clip, gpt, paths, half = graphs
    for role in ROLES:
        m = onnx.load(str(half[role]))
        assert any(i.data_type == onnx.TensorProto.FLOAT16 for i in m.graph.initializer), role
        assert half[role].stat().st_size < 0.7 * paths[role].stat().st_size, role
    import copy

    vq16, clip16, gpt16 = (export.round_to_fp16_(copy.deepcopy(m)) for m in (vq, clip, gpt))
    for role in ROLES:
        x = inputs_for(role, vq, clip, gpt)
        got = list(run_onnx(half[role], {k: v.numpy() for k, v in x.items()}).values())
        for g, w in zip(got, torch_outputs(role, vq16, clip16, gpt16, x)):
            assert np.abs(g.astype(np.float64) - w.numpy()).max() <= ATOL, role


def test_int8_weight_step_graph_stores_int8_matrices_and_matches_its_torch_twin(graphs, tmp_path):
    import copy

    vq, clip, gpt, paths, half = graphs
    dst = export.to_int8_weights(paths["gpt-step"], tmp_path / "gpt_step.int8.onnx", min_elements=256)
    m = onnx.load(str(dst))
    int8 = [i for i in m.graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert len(int8) >= 4 * gpt.c.n_layer  # qkv, proj and both MLP matrices of every layer (+ the token table)
    assert not any(i.data_type == onnx.TensorProto.FLOAT and np.prod(i.dims) >= 256 for i in m.graph.initializer)
    assert dst.stat().st_size < 0.75 * half["gpt-step"].stat().st_size
    gpt8 = export.round_to_int8_(copy.deepcopy(gpt), min_elements=256)
    x = inputs_for("gpt-step", vq, clip, gpt)
    got = list(run_onnx(dst, {k: v.numpy() for k, v in x.items()}).values())
    for g, w in zip(got, torch_outputs("gpt-step", vq, clip, gpt8, x)):
        assert np.abs(g.astype(np.float64) - w.numpy()).max() <= ATOL
    # and int8 rounding does change the model (the twin is not the float model)
    assert not torch.allclose(torch_outputs("gpt-step", vq, clip, gpt, x)[0], torch_outputs("gpt-step", vq, clip, gpt8, x)[0])


def test_quantize_int8_keeps_one_scale_per_output_channel():
    w = np.array([[1.0, -2.0, 0.5], [0.0, 0.0, 0.0]], dtype=np.float32)
    q, scale = export.quantize_int8(w, 0)
    assert scale.shape == (2, 1) and q.dtype == np.int8 and q[0].tolist() == [64, -127, 32] and q[1].tolist() == [0, 0, 0]
    assert np.abs(q * scale - w).max() <= 2.0 / 127 / 2 + 1e-7
    q1, s1 = export.quantize_int8(w, 1)
    assert s1.shape == (1, 3) and q1[0].tolist() == [127, -127, 127]


def test_int8_variants_ship_only_where_quality_holds(graphs, tmp_path):
    vq, clip, gpt, paths, half = graphs
    cfg = {"name": "t", "run_dir": str(tmp_path / "run"), "int8_weights": ["gpt-step"], "int8_max_drop": 0.02}
    run = common.run_dir(cfg)
    (run / "metrics.json").write_text(json.dumps({"gen_r_precision": 0.20, "gen_r_precision_int8_weights": 0.17}))
    assert export.int8_files(cfg, paths, tmp_path, log=lambda *_: None) == []
    (run / "metrics.json").write_text(json.dumps({"gen_r_precision": 0.20, "gen_r_precision_int8_weights": 0.19}))
    files = export.int8_files(cfg, paths, tmp_path, log=lambda *_: None)
    assert files == [{"name": "gpt_step.int8.onnx", "role": "gpt-step", "precision": "int8-weights"}]
    assert (tmp_path / "gpt_step.int8.onnx").exists()


@pytest.mark.parametrize("pos", [0, 17])
def test_conditioned_step_graph_takes_cond_and_matches_torch(pos, tmp_path):
    torch.manual_seed(0)
    vq = VQVAE(VQConfig(ch=8, ch_mult=[1, 2, 2], n_res=[0, 1, 1], codebook_size=32, code_dim=8)).eval()
    clip = CLIP(CLIPConfig(vocab_size=40, caption_len=6, d_model=32, n_layer=1, n_head=2, embed_dim=16,
                           img_ch=8)).eval()
    gpt = GPT(GPTConfig(text_vocab=40, codebook_size=32, image_tokens=64, caption_len=6, d_model=32, n_layer=2,
                        n_head=2, cond_dim=16)).eval()
    torch.nn.init.normal_(gpt.cond_proj.weight, std=0.5)
    path = export.export_graphs(vq, clip, gpt, tmp_path)["gpt-step"]
    names, outs = step_io_names(2, cond=True)
    assert names[:3] == ["tokens", "pos", "cond"] and [i.name for i in onnx.load(str(path)).graph.input] == names
    g = torch.Generator().manual_seed(1)
    caches = [torch.randn(c.shape, generator=g) for c in gpt.empty_cache(3)]
    x = {"tokens": torch.randint(0, gpt.c.vocab_size, (3, 1), generator=g), "pos": torch.tensor([pos]),
         "cond": torch.randn(3, 16, generator=g), **dict(zip(names[3:], caches))}
    got = run_onnx(path, {k: v.numpy() for k, v in x.items()})
    with torch.no_grad():
        logits, new = gpt.step(x["tokens"], x["pos"], caches, x["cond"])
        plain, _ = gpt.step(x["tokens"], x["pos"], caches, torch.zeros(3, 16))
    assert np.abs(got["logits"] - logits.numpy()).max() <= ATOL
    for n, w in zip(outs[1:], new):
        assert np.abs(got[n] - w.numpy()).max() <= ATOL, n
    assert (np.abs(got["logits"] - plain.numpy()).max() > 1e-3) == (pos == 0)  # cond counts at position 0 only
