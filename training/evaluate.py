"""Held-out evaluation of the three models, plus the sample grids.

Everything here runs on held-out concepts only (no style of them was trained on). Metric definitions are in
docs/bundle-format.md §7. Writes `<run>/metrics.json`, `<out>/samples.png` and `<out>/heldout-samples.png`.

    python3 -m training.evaluate --config cpu-default --images … --captions … [--out models/default]
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from . import common
from .data import Dataset
from .models.clip import CLIP
from .models.gpt import GPT, caption_logprob, generate_codes
from .train_clip import embed, load_clip
from .train_gpt import load_vqvae, model_config as gpt_config
from .train_vqvae import evaluate as vq_evaluate

# Prompts a person should recognise (faces, hearts, fruit, flags, animals); used only for the picture.
SHOWCASE = ["grinning face", "red heart", "red apple", "banana", "flag france", "dog face", "cat face",
            "pizza", "sun", "rocket", "smiling face with sunglasses", "tree"]


def load_models(cfg: dict, ds: Dataset, device):
    gpt = GPT(gpt_config(cfg, ds))
    gpt.load_state_dict(common.load_checkpoint(common.run_dir(cfg) / "gpt.pt")["model"])
    return load_vqvae(cfg, device), load_clip(cfg, ds, device), gpt.to(device).eval()


def one_per_concept(ds: Dataset, idx: torch.Tensor) -> torch.Tensor:
    """The first image of each distinct concept among `idx` (deterministic)."""
    seen, keep = set(), []
    for i in idx.tolist():
        c = int(ds.image_concept[i])
        if c not in seen:
            seen.add(c), keep.append(i)
    return torch.tensor(keep, dtype=torch.long)


def recall_at(sim: torch.Tensor, hit: torch.Tensor, ks=(1, 5, 10)) -> dict:
    """sim (Q, C) scores; hit (Q, C) bool: which candidates count as correct. Returns recall@k."""
    order = sim.argsort(1, descending=True)
    ranked_hits = hit.gather(1, order)
    return {k: ranked_hits[:, :k].any(1).float().mean().item() for k in ks}


def distractors(n: int, k: int, seed: int = 0) -> torch.Tensor:
    """(n, k) indices of k other queries per query (never itself), deterministic."""
    g = torch.Generator().manual_seed(seed)
    out = torch.stack([torch.randperm(n - 1, generator=g)[:k] for _ in range(n)])
    return out + (out >= torch.arange(n)[:, None]).long()


def r_precision(img_emb: torch.Tensor, txt_emb: torch.Tensor, others: torch.Tensor) -> float:
    """Fraction of queries whose own caption scores highest among itself and its `others` captions."""
    own = (img_emb * txt_emb).sum(1)  # (Q,)
    rival = torch.einsum("qe,qke->qk", img_emb, txt_emb[others])  # (Q, k)
    return (own[:, None] > rival).all(1).float().mean().item()


@torch.no_grad()
def generate_images(gpt: GPT, vq, ids: torch.Tensor, ec: dict, seed: int, device, chunk: int = 250,
                    cond: torch.Tensor | None = None) -> torch.Tensor:
    """One image per caption row of `ids` (CLIP rerank off), sampled with the eval settings from `seed`: (N, 3, R, R).
    `cond`: the captions' CLIP text embeddings, for a conditioned GPT (as the runtime feeds it)."""
    gen = torch.Generator().manual_seed(seed)
    part = lambda s: None if cond is None else cond[s : s + chunk].to(device)  # noqa: E731
    codes = torch.cat([generate_codes(gpt, ids[s : s + chunk].to(device), ec["cfg_scale"], ec["top_k"],
                                      ec["temperature"], gen, part(s)).cpu() for s in range(0, len(ids), chunk)])
    return torch.cat([vq.decode(codes[s : s + chunk].view(-1, vq.c.grid, vq.c.grid).to(device)).cpu()
                      for s in range(0, len(codes), chunk)])


@torch.no_grad()
def run(cfg: dict, data: dict, out: Path, log=print, device=None) -> dict:
    ec = cfg["eval"]
    device = device or common.pick_device(cfg.get("device", "auto"))
    ds = Dataset(**data)
    vq, clip, gpt = load_models(cfg, ds, device)
    k_rival = ec.get("rprec_candidates", 32) - 1
    m: dict = {}

    vqm = vq_evaluate(vq, ds, ds.heldout_idx, device)
    m.update(vq_psnr_db=vqm["psnr_db"], vq_perplexity=vqm["perplexity"], vq_codes_used=vqm["codes_used"])

    # CLIP retrieval among all held-out images; a hit is any image of the query's concept (styles share captions)
    held = ds.heldout_idx
    img_emb = embed(clip, images=ds.images[held].float() / 255, device=device)
    txt_emb = embed(clip, ids=ds.cap_ids[ds.canonical[held]], device=device)
    same = ds.image_concept[held][:, None] == ds.image_concept[held][None, :]
    t2i, i2t = recall_at(txt_emb @ img_emb.t(), same), recall_at(img_emb @ txt_emb.t(), same)
    for k in (1, 5, 10):
        m[f"clip_t2i_recall_at_{k}"], m[f"clip_i2t_recall_at_{k}"] = t2i[k], i2t[k]
    m["clip_candidates"] = len(held)

    # R-precision: one query per held-out concept (its first image and that image's canonical caption)
    q = one_per_concept(ds, held)[: ec.get("gen_samples", 1000)]
    ids = ds.cap_ids[ds.canonical[q]]
    others = distractors(len(q), min(k_rival, len(q) - 1))
    q_txt = embed(clip, ids=ids, device=device)
    m["real_r_precision"] = r_precision(embed(clip, images=ds.images[q].float() / 255, device=device), q_txt,
                                        others)
    cond = q_txt if gpt.cond_proj is not None else None  # the runtime conditions on the prompt's CLIP embedding
    gen_imgs = generate_images(gpt, vq, ids, ec, cfg.get("seed", 0), device, cond=cond)
    m["gen_r_precision"] = r_precision(embed(clip, images=gen_imgs, device=device), q_txt, others)
    if cfg.get("int8_weights"):  # the same measure, same seed, with the GPT's weights as an int8 bundle file has them
        from .export import round_to_int8_

        gpt8 = round_to_int8_(copy.deepcopy(gpt).cpu()).to(device).eval()
        imgs8 = generate_images(gpt8, vq, ids, ec, cfg.get("seed", 0), device, cond=cond)
        m["gen_r_precision_int8_weights"] = r_precision(embed(clip, images=imgs8, device=device), q_txt, others)
        del gpt8
    m["r_precision_queries"], m["r_precision_candidates"] = len(q), others.shape[1] + 1
    m["gen_over_real"] = m["gen_r_precision"] / max(m["real_r_precision"], 1e-9)

    # captioning: the true caption's rank by image->text likelihood among itself and k rivals
    cq = q[: ec.get("caption_samples", 300)]
    c_others = others[: len(cq)].clamp_max(len(q) - 1)
    c_codes = vq.encode(ds.float_images(cq, device)).flatten(1)
    scores = []
    for j in range(c_others.shape[1] + 1):
        cand = ids[: len(cq)] if j == 0 else ids[c_others[:, j - 1]]
        scores.append(torch.cat([caption_logprob(gpt, c_codes[s : s + 128], cand[s : s + 128].to(device)).cpu()
                                 for s in range(0, len(cq), 128)]))
    scores = torch.stack(scores, 1)  # (Q, 1 + k); column 0 is the true caption
    m["caption_accuracy"] = (scores[:, :1] > scores[:, 1:]).all(1).float().mean().item()
    m["caption_mean_rank"] = (1 + (scores[:, 1:] >= scores[:, :1]).sum(1).float()).mean().item()
    m["caption_candidates"], m["caption_queries"] = scores.shape[1], len(cq)

    out.mkdir(parents=True, exist_ok=True)
    held_grid(ds, q[:12], gen_imgs[:12], gpt, vq, clip, ec, out / "heldout-samples.png", device)
    showcase_grid(ds, gpt, vq, clip, ec, out / "samples.png", device)
    (common.run_dir(cfg) / "metrics.json").write_text(json.dumps(m, indent=2))
    log("eval: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in m.items()))
    return m


def prompt_cond(gpt: GPT, clip: CLIP, ids: torch.Tensor) -> torch.Tensor | None:
    """The prompts' CLIP text embeddings when the GPT is conditioned on them, else None."""
    return clip.text(ids) if gpt.cond_proj is not None else None


# ------------------------------------------------------------------------------------------------ grids
def _tile(img: torch.Tensor, scale: int = 2) -> Image.Image:
    arr = (img.clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    im = Image.fromarray(arr)
    return im.resize((im.width * scale, im.height * scale), Image.NEAREST)


def draw_grid(rows: list[tuple[str, list[torch.Tensor]]], path: Path, label_w: int = 230) -> None:
    """One row per caption: the caption on the left, then its images at 2x."""
    cell = rows[0][1][0].shape[-1] * 2 + 4
    n = max(len(r[1]) for r in rows)
    canvas = Image.new("RGB", (label_w + n * cell, len(rows) * cell), "white")
    d, font = ImageDraw.Draw(canvas), ImageFont.load_default()
    for r, (label, imgs) in enumerate(rows):
        d.text((4, r * cell + cell // 2 - 6), label[:36], fill="black", font=font)
        for j, im in enumerate(imgs):
            canvas.paste(_tile(im), (label_w + j * cell + 2, r * cell + 2))
    canvas.save(path)


@torch.no_grad()
def showcase_grid(ds: Dataset, gpt: GPT, vq, clip: CLIP, ec: dict, path: Path, device, n: int = 16,
                  show: int = 6) -> None:
    """Common prompts as the app generates them: `n` candidates each, reranked by CLIP, the best `show` drawn (best
    first); tokenized with the run's tokenizer."""
    from . import tokenize

    tok = ds.tokenizer_path
    if tok is None or not tokenize.cli_available():  # test fallback tokenizer or no node: held-out captions
        prompts, ids = [ds.cap_text[int(ds.canonical[i])] for i in ds.heldout_idx[:4]], ds.cap_ids[ds.canonical[ds.heldout_idx[:4]]]
    else:
        prompts = SHOWCASE
        ids = torch.from_numpy(tokenize.encode(prompts, Path(tok), ds.caption_len).astype(np.int64))
    g = torch.Generator().manual_seed(1)
    rep = ids.repeat_interleave(n, 0).to(device)
    codes = generate_codes(gpt, rep, ec["cfg_scale"], ec["top_k"], ec["temperature"], g, prompt_cond(gpt, clip, rep))
    imgs = vq.decode(codes.view(-1, vq.c.grid, vq.c.grid)).cpu()
    score = (clip.image(imgs.to(device)) * clip.text(rep)).sum(1).cpu().view(len(prompts), n)
    rows = []
    for p, prompt in enumerate(prompts):
        order = score[p].argsort(descending=True)[:show]
        rows.append((prompt, [imgs[p * n + int(j)] for j in order]))
    draw_grid(rows, path)


@torch.no_grad()
def held_grid(ds: Dataset, q, gen_imgs, gpt, vq, clip, ec, path: Path, device, n: int = 4) -> None:
    """Held-out captions: the image generated for the R-precision (rerank off), 3 more samples, then the real one."""
    g = torch.Generator().manual_seed(2)
    ids = ds.cap_ids[ds.canonical[q]].to(device).repeat_interleave(n - 1, 0)
    more = generate_codes(gpt, ids, ec["cfg_scale"], ec["top_k"], ec["temperature"], g, prompt_cond(gpt, clip, ids))
    more = vq.decode(more.view(-1, vq.c.grid, vq.c.grid)).cpu()
    rows = []
    for r, i in enumerate(q.tolist()):
        label = "held-out: " + ds.cap_text[int(ds.canonical[i])]
        rows.append((label, [gen_imgs[r]] + [more[r * (n - 1) + j] for j in range(n - 1)] + [ds.images[i].float() / 255]))
    draw_grid(rows, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--out", default=str(common.ROOT / "models" / "default"))
    a = ap.parse_args()
    common.setup_threads()
    cfg = common.load_config(a.config)
    run(cfg, {"images": Path(a.images), "captions": Path(a.captions)}, Path(a.out),
        common.Logger(common.run_dir(cfg) / "log.txt"))


if __name__ == "__main__":
    main()
