"""Evaluation on validation and test (merged-concept splits, `concepts.py`), scored by the independent judge.

Every metric is computed per evaluation set; `validation` is what choices look at, `test` is read once per model
for the card. Generation R-precision and captioning are scored by the judge (`models/judge.py`, trained on the
train split only), never by the CLIP that conditions the GPT; the CLIP's own R-precision is kept beside it as
`clip_gen_r_precision` (self-scored, the measure cards used before). Definitions: docs/bundle-format.md §7.

A model trained on another split (the pre-merge default bundle: `eval.unseen_by = "legacy_heldout"`) is measured
only on the part of each set it never saw, plus `legacy_heldout`: every merged concept it never saw.

    python3 -m training.evaluate --config cpu-default --images … --captions … [--judge training/judge/judge.pt]
        [--sets validation,test] [--out models/default] [--no-grids]
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import torch

from . import common, tokenize
from .concepts import normalise
from .data import Dataset
from .generators import ARGenerator, MaskedGenerator, load_generators
from .grids import held_grid, showcase_grid
from .models.gpt import GPT
from .train_clip import embed, load_clip
from .train_gpt import load_vqvae, model_config as gpt_config
from .train_judge import JUDGE_DIR, load_judge
from .train_vqvae import evaluate as vq_evaluate


def load_models(cfg: dict, ds: Dataset, device):
    gpt = GPT(gpt_config(cfg, ds))
    gpt.load_state_dict(common.load_checkpoint(common.run_dir(cfg) / "gpt.pt")["model"])
    return load_vqvae(cfg, device), load_clip(cfg, ds, device), gpt.to(device).eval()


def default_mode(cfg: dict, gens: dict) -> str:
    """The regime whose numbers are the set's flat metrics (what the card headlines and the app shows by default):
    `eval.default_mode` when the config names one, else the autoregressive GPT when there is one."""
    mode = cfg["eval"].get("default_mode") or ("autoregressive" if "autoregressive" in gens else next(iter(gens)))
    if mode not in gens:
        raise ValueError(f"eval.default_mode {mode!r}: this run has only {sorted(gens)}")
    return mode


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
    ranked_hits = hit.gather(1, sim.argsort(1, descending=True))
    return {k: ranked_hits[:, :k].any(1).float().mean().item() for k in ks}


def distractors(n: int, k: int, seed: int = 0) -> torch.Tensor:
    """(n, k) indices of k other queries per query (never itself), deterministic."""
    g = torch.Generator().manual_seed(seed)
    out = torch.stack([torch.randperm(n - 1, generator=g)[:k] for _ in range(n)])
    return out + (out >= torch.arange(n)[:, None]).long()


def r_precision(query: torch.Tensor, pool: torch.Tensor, others: torch.Tensor) -> float:
    """Fraction of queries (Q, E) that score their own candidate pool[q] above every rival pool[others[q]] (Q, k);
    the first Q rows of `pool` (N >= Q, E) are the queries' own candidates."""
    mine = (query * pool[: len(query)]).sum(1)
    rival = torch.einsum("qe,qke->qk", query, pool[others])
    return (mine[:, None] > rival).all(1).float().mean().item()


def unseen_mask(ds: Dataset, by: str) -> torch.Tensor:
    """Images of merged concepts a model trained on everything but `by` (only "legacy_heldout") never saw: every
    image of the concept in `by`, and its canonical caption, normalised, no caption of an image it trained on."""
    if by != "legacy_heldout" or ds.legacy_heldout is None:
        raise ValueError(f"eval.unseen_by {by!r}: only 'legacy_heldout' with a cache built with data.legacy_heldout")
    held = ds.legacy_heldout
    n_concepts = int(ds.image_concept.max()) + 1
    seen_concept = torch.zeros(n_concepts, dtype=torch.bool)
    seen_concept[ds.image_concept[~held]] = True
    taught = {normalise(t) for t, i in zip(ds.cap_text, ds.cap_image.tolist()) if not held[i]}
    ok = torch.tensor([not seen_concept[c] for c in range(n_concepts)])
    for i in ds.canonical[held].tolist():
        if normalise(ds.cap_text[i]) in taught:
            ok[ds.image_concept[ds.cap_image[i]]] = False
    return ok[ds.image_concept]


def eval_sets(ds: Dataset, ec: dict, names) -> dict[str, torch.Tensor]:
    sets = {n: ds.split_idx(n) for n in names if n != "legacy_heldout"}
    if ec.get("unseen_by"):
        mask = unseen_mask(ds, ec["unseen_by"])
        sets = {n: i[mask[i]] for n, i in sets.items()}
        sets["legacy_heldout"] = torch.nonzero(mask).flatten()
    return sets


@torch.no_grad()
def generate_images(gen_or_gpt, vq, ids: torch.Tensor, ec: dict, seed: int, device, chunk: int = 250,
                    cond: torch.Tensor | None = None) -> torch.Tensor:
    """One image per caption row of `ids` (CLIP rerank off), sampled with the eval settings from `seed`: (N, 3, R, R).
    `gen_or_gpt`: a generators.ARGenerator / MaskedGenerator, or a GPT (read with `ec`); `cond`: the captions' CLIP
    text embeddings, for a conditioned model (as the runtime feeds it)."""
    g = gen_or_gpt if hasattr(gen_or_gpt, "codes") else ARGenerator(gen_or_gpt, ec)
    gen = torch.Generator().manual_seed(seed)
    part = lambda s: None if cond is None else cond[s : s + chunk].to(device)  # noqa: E731
    codes = torch.cat([g.codes(ids[s : s + chunk].to(device), gen, part(s)).cpu() for s in range(0, len(ids), chunk)])
    return torch.cat([vq.decode(codes[s : s + chunk].view(-1, vq.c.grid, vq.c.grid).to(device)).cpu()
                      for s in range(0, len(codes), chunk)])


@torch.no_grad()
def image_nll(gen_or_gpt, codes: torch.Tensor, ids: torch.Tensor, cond: torch.Tensor | None, device,
              chunk: int = 128) -> float:
    """Mean negative log-likelihood (nats per image token) of the codes given the captions (text -> image); for the
    masked model, with every image position masked (its first decoding step)."""
    g = gen_or_gpt if hasattr(gen_or_gpt, "codes") else ARGenerator(gen_or_gpt, {})
    total, n = 0.0, 0
    for s in range(0, len(codes), chunk):
        c = None if cond is None else cond[s : s + chunk].to(device)
        t, k = g.image_nll(codes[s : s + chunk].to(device), ids[s : s + chunk].to(device), c)
        total, n = total + t, n + k
    return total / max(n, 1)


@torch.no_grad()
def measure(ds: Dataset, idx: torch.Tensor, models: dict, cfg: dict, device, int8: bool = False) -> tuple[dict, dict]:
    """Every metric of one evaluation set; returns (metrics, what the grids reuse). With several generators
    (`models["gens"]`) the default regime's numbers are flat in the set and every regime's are under `by_mode`."""
    ec, vq, clip, judge = cfg["eval"], models["vq"], models["clip"], models["judge"]
    gens = models.get("gens") or {"autoregressive": ARGenerator(models["gpt"], ec)}
    mode = models.get("default_mode") or default_mode(cfg, gens)
    m: dict = {"images": len(idx), "concepts": len(set(ds.image_concept[idx].tolist()))}
    vqm = vq_evaluate(vq, ds, idx, device)
    m.update(vq_psnr_db=vqm["psnr_db"], vq_perplexity=vqm["perplexity"], vq_codes_used=vqm["codes_used"])

    # CLIP retrieval among all the set's images; a hit is any image of the query's concept (styles share captions)
    img_emb = embed(clip, images=ds.images[idx].float() / 255, device=device)
    txt_emb = embed(clip, ids=ds.cap_ids[ds.canonical[idx]], device=device)
    same = ds.image_concept[idx][:, None] == ds.image_concept[idx][None, :]
    t2i, i2t = recall_at(txt_emb @ img_emb.t(), same), recall_at(img_emb @ txt_emb.t(), same)
    for k in (1, 5, 10):
        m[f"clip_t2i_recall_at_{k}"], m[f"clip_i2t_recall_at_{k}"] = t2i[k], i2t[k]
    m["clip_candidates"] = len(idx)

    # R-precision: one query per concept (its first image and that image's canonical caption), 1 of 32
    q = one_per_concept(ds, idx)[: ec.get("gen_samples", 1000)]
    ids, texts = ds.cap_ids[ds.canonical[q]], [ds.cap_text[int(i)] for i in ds.canonical[q]]
    others = distractors(len(q), min(ec.get("rprec_candidates", 32) - 1, len(q) - 1))
    q_clip = embed(clip, ids=ids, device=device)
    j_txt, j_real = judge.embed_texts(texts, device), judge.embed_images(ds.images[q], device)
    m["real_r_precision"] = r_precision(j_real, j_txt, others)
    m["clip_real_r_precision"] = r_precision(embed(clip, images=ds.images[q], device=device), q_clip, others)
    m["r_precision_queries"], m["r_precision_candidates"] = len(q), others.shape[1] + 1
    ni = idx[: ec.get("nll_samples", 1000)]
    codes = vq.encode(ds.float_images(ni, device)).flatten(1).cpu()
    nids = ds.cap_ids[ds.canonical[ni]]
    ncond = embed(clip, ids=nids, device=device)
    cq = q[: ec.get("caption_samples", 300)]
    c_img_cond = embed(clip, images=ds.images[cq].float() / 255, device=device)  # captioning's common latent

    by_mode, keep = {}, {"q": q}
    for name, g in gens.items():
        mm: dict = {}
        mm["image_nll_nats"], mm["nll_images"] = image_nll(g, codes, nids, ncond if g.conditioned else None,
                                                           device), len(ni)
        cond = q_clip if g.conditioned else None  # the runtime conditions on the prompt's CLIP embedding
        gen_imgs = generate_images(g, vq, ids, ec, cfg.get("seed", 0), device, cond=cond)
        mm["gen_r_precision"] = r_precision(judge.embed_images(gen_imgs, device), j_txt, others)
        mm["gen_over_real"] = mm["gen_r_precision"] / m["real_r_precision"] if m["real_r_precision"] > 0 else None
        mm["clip_gen_r_precision"] = r_precision(embed(clip, images=gen_imgs, device=device), q_clip, others)
        k = ec.get("rerank_candidates", 0)
        if k > 1:  # the app's grid: best of k by the bundle's CLIP, still scored by the judge
            n = min(len(q), ec.get("rerank_samples", 300))
            best, first = reranked_images(g, vq, clip, ids[:n], q_clip[:n], k, ec, cfg.get("seed", 0) + 1, device)
            mm["gen_r_precision_reranked"] = r_precision(judge.embed_images(best, device), j_txt, others[:n])
            mm["gen_r_precision_first_of_k"] = r_precision(judge.embed_images(first, device), j_txt, others[:n])
            mm["reranked_over_real"] = mm["gen_r_precision_reranked"] / max(r_precision(j_real[:n], j_txt,
                                                                                        others[:n]), 1e-9)
            mm["rerank_queries"], mm["rerank_candidates"] = n, k
        if int8 and cfg.get("int8_weights") and name == "autoregressive":  # same measure, same seed, int8 weights
            from .export import round_to_int8_

            gpt8 = round_to_int8_(copy.deepcopy(g.model).cpu()).to(device).eval()
            imgs8 = generate_images(ARGenerator(gpt8, ec), vq, ids, ec, cfg.get("seed", 0), device, cond=cond)
            mm["gen_r_precision_int8_weights"] = r_precision(judge.embed_images(imgs8, device), j_txt, others)
            del gpt8
        mm.update(captioning(ds, cq, ids, others, texts, j_txt, j_real, {**models, "gen": g, "ec": ec}, device,
                             cond_image=c_img_cond))
        if isinstance(g, MaskedGenerator):
            mm["masked_settings"] = g.settings()
        by_mode[name] = mm
        keep[f"gen_imgs:{name}"] = gen_imgs
    m.update(by_mode[mode])
    m["mode"] = mode
    if len(by_mode) > 1:
        m["by_mode"] = by_mode
    keep["gen_imgs"] = keep[f"gen_imgs:{mode}"]
    return m, keep


@torch.no_grad()
def reranked_captions(g, clip, codes, clip_images, greedy_ids, k: int, temperature: float, device, seed: int = 0,
                      chunk: int = 128) -> torch.Tensor:
    """The caption the app gives with `caption({candidates: k})`: of the greedy caption (`greedy_ids`) and k - 1
    sampled at `temperature`, the one whose CLIP text embedding is closest to the image's (`clip_images`, unit);
    an empty caption never wins unless all are. (Q, L) ids."""
    gen = torch.Generator().manual_seed(seed)
    cands = [greedy_ids.cpu()]
    for _ in range(k - 1):
        cands.append(torch.cat([g.captions(codes[s : s + chunk], clip_images[s : s + chunk], temperature, gen).cpu()
                                for s in range(0, len(codes), chunk)]))
    cands = torch.stack(cands, 1)  # (Q, k, L)
    Q, _, L = cands.shape
    emb = embed(clip, ids=cands.view(-1, L), device=device).view(Q, k, -1)
    return closest_captions(torch.einsum("qe,qke->qk", clip_images.cpu(), emb), cands, g.model.c.pad_id)


def closest_captions(sim: torch.Tensor, cands: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Per row, the candidate caption (cands (Q, k, L)) of highest similarity (sim (Q, k)); an empty (all-pad)
    caption never wins unless all are, ties go to the earlier candidate. (Q, L) ids."""
    sim = sim.masked_fill((cands == pad_id).all(-1), -float("inf"))
    return cands[torch.arange(len(cands)), sim.argmax(1)]


@torch.no_grad()
def caption_bank(ds: Dataset, clip, device) -> dict:
    """What neighbour captioning retrieves from: the train split's images (CLIP image embeddings) and the canonical
    (first) caption of each, as the app's dataset index holds them (one caption per point). Never an evaluation
    set's: their captions are the answers."""
    tr = ds.split_idx("train")
    return {"images": embed(clip, images=ds.images[tr], device=device),
            "captions": [[int(ds.canonical[i])] for i in tr.tolist()], "ids": ds.cap_ids}


@torch.no_grad()
def neighbour_captions(clip, clip_images, bank: dict, n: int, device, extra: torch.Tensor | None = None,
                       pad_id: int = 0):
    """For each image (unit CLIP embeddings (Q, E)): the captions of its `n` nearest bank images (CLIP image
    similarity), plus `extra` candidate ids (Q, k, L) or (Q, L) (the generator's), whichever caption's CLIP text
    embedding is closest to the image: the caption Explore gives a picture. (Q, L) ids."""
    if extra is not None and extra.dim() == 2:
        extra = extra[:, None]
    top = (clip_images.cpu() @ bank["images"].t()).topk(n, 1).indices
    out = []
    for qi in range(len(clip_images)):
        cands = list(dict.fromkeys(c for j in top[qi].tolist() for c in bank["captions"][j]))
        ids = bank["ids"][torch.tensor(cands, dtype=torch.long)]
        if extra is not None:
            ids = torch.cat([ids, extra[qi].cpu()])
        sim = embed(clip, ids=ids, device=device) @ clip_images[qi].cpu()
        out.append(closest_captions(sim[None], ids[None], pad_id)[0])
    return torch.stack(out)


@torch.no_grad()
def reranked_images(g, vq, clip, ids, cond, k: int, ec: dict, seed: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """What the app shows first: k images per caption row (one `generate_images` call over the rows repeated k
    times), the best by CLIP similarity to the caption's CLIP text embedding (`cond`, unit, also the condition of
    a conditioned model). Returns (best, first): the chosen images and, for a paired comparison, each row's first
    candidate (one plain sample)."""
    Q = len(ids)
    imgs = generate_images(g, vq, ids.repeat_interleave(k, 0), ec, seed, device,
                           cond=cond.repeat_interleave(k, 0) if g.conditioned else None)
    imgs = imgs.view(Q, k, *imgs.shape[1:])
    sim = torch.einsum("qe,qke->qk", cond.cpu(), embed(clip, images=imgs.flatten(0, 1), device=device).view(Q, k, -1))
    return imgs[torch.arange(Q), sim.argmax(1)], imgs[:, 0]


def captioning(ds, cq, ids, others, texts, j_txt, j_real, models, device, cond_image=None) -> dict:
    """Generated captions scored by the judge (does the greedy caption pick out its image among 32?), with the true
    caption's score as ceiling, and the generator's own likelihood ranking of the true caption among 32.
    `models["gen"]`: the generator (else the GPT); `cond_image`: the images' CLIP embeddings (the masked model
    captions from them, as the runtime does)."""
    vq, judge = models["vq"], models["judge"]
    g = models.get("gen") or ARGenerator(models["gpt"], {})
    n = len(cq)
    c_others = others[:n]  # rivals: the images / captions of other queries
    c_codes = vq.encode(ds.float_images(cq, device)).flatten(1)
    cimg = None if cond_image is None else cond_image.to(device)
    m: dict = {"caption_queries": n, "caption_candidates": c_others.shape[1] + 1}
    if ds.tokenizer_path is not None:
        gen_ids = torch.cat([g.captions(c_codes[s : s + 128], None if cimg is None else cimg[s : s + 128]).cpu()
                             for s in range(0, n, 128)])
        gen_text = tokenize.decode(gen_ids, ds.tokenizer_path)
        m["caption_accuracy"] = r_precision(judge.embed_texts(gen_text, device), j_real, c_others)
        m["caption_exact_match"] = sum(normalise(a) == normalise(b) for a, b in zip(gen_text, texts)) / max(n, 1)
        m["caption_examples"] = [[t, g_] for t, g_ in zip(texts[:8], gen_text[:8])]
        k = models.get("ec", {}).get("rerank_candidates", 0)
        if k > 1 and cimg is not None:  # as the app captions: the best of k by the bundle's CLIP
            best = reranked_captions(g, models["clip"], c_codes, cimg, gen_ids, k,
                                     models["ec"].get("caption_temperature", 0.7), device)
            best_text = tokenize.decode(best, ds.tokenizer_path)
            m["caption_accuracy_reranked"] = r_precision(judge.embed_texts(best_text, device), j_real, c_others)
            m["caption_examples_reranked"] = [[t, g_] for t, g_ in zip(texts[:8], best_text[:8])]
        bank = models.get("caption_bank")
        nn = models.get("ec", {}).get("caption_neighbours", 0)
        if nn > 0 and bank is not None and cimg is not None:  # as Explore captions: neighbours' captions too
            pick = neighbour_captions(models["clip"], cimg, bank, nn, device,
                                      extra=best if k > 1 else gen_ids[:, None], pad_id=g.model.c.pad_id)
            nb_text = tokenize.decode(pick, ds.tokenizer_path)
            m["caption_accuracy_neighbours"] = r_precision(judge.embed_texts(nb_text, device), j_real, c_others)
            m["caption_examples_neighbours"] = [[t, g_] for t, g_ in zip(texts[:8], nb_text[:8])]
    m["real_t2i_r_precision"] = r_precision(j_txt[:n], j_real, c_others)
    scores = []
    for j in range(c_others.shape[1] + 1):
        cand = ids[:n] if j == 0 else ids[c_others[:, j - 1]]
        scores.append(torch.cat([g.caption_logprob(c_codes[s : s + 128], cand[s : s + 128].to(device),
                                                   None if cimg is None else cimg[s : s + 128]).cpu()
                                 for s in range(0, n, 128)]))
    scores = torch.stack(scores, 1)  # (Q, 1 + k); column 0 is the true caption
    m["caption_rank_accuracy"] = (scores[:, :1] > scores[:, 1:]).all(1).float().mean().item()
    m["caption_mean_rank"] = (1 + (scores[:, 1:] >= scores[:, :1]).sum(1).float()).mean().item()
    return m


@torch.no_grad()
def run(cfg: dict, data: dict, out: Path, log=print, device=None, judge_path: Path = JUDGE_DIR / "judge.pt",
        sets=("validation", "test"), grids: bool = True) -> dict:
    """Metrics per evaluation set into `<run>/metrics.json`: {"validation": {...}, "test": {...}, ...} plus the
    test numbers flat at the top (what the app shows), and the grids (validation captions) under `out`."""
    device = device or common.pick_device(cfg.get("device", "auto"))
    ds = Dataset(**data)
    vq, clip = load_vqvae(cfg, device), load_clip(cfg, ds, device)
    gens = load_generators(cfg, ds, device)
    if not gens:
        raise ValueError(f"{common.run_dir(cfg)} has neither gpt.pt nor maskgit.pt to evaluate")
    mode = default_mode(cfg, gens)
    gpt = gens["autoregressive"].model if "autoregressive" in gens else None
    models = {"vq": vq, "clip": clip, "gpt": gpt, "gens": gens, "default_mode": mode,
              "judge": load_judge(judge_path, device)}
    if cfg["eval"].get("caption_neighbours", 0) > 0:
        models["caption_bank"] = caption_bank(ds, clip, device)
    m: dict = {"scored_by": f"judge {Path(judge_path).name} (training/judge)", "split": split_info(ds)}
    keep, chosen = {}, eval_sets(ds, cfg["eval"], sets)
    check_judge_unseen(Path(judge_path), ds, chosen)
    for name, idx in chosen.items():
        if len(idx) < 2:
            raise ValueError(f"evaluation set {name!r} has {len(idx)} images; it needs at least 2")
        int8 = name in cfg["eval"].get("int8_sets", ["validation"])  # acceptance is a choice: validation
        m[name], keep[name] = measure(ds, idx, models, cfg, device, int8=int8)
        log(f"eval {name}: " + ", ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
                                         for k, v in m[name].items() if not isinstance(v, (list, dict))))
        for mode_name, mm in m[name].get("by_mode", {}).items():
            log(f"eval {name} [{mode_name}]: " + ", ".join(f"{k} {v:.4g}" for k, v in mm.items()
                                                           if isinstance(v, float)))
    head = cfg["eval"].get("headline_set") or ("test" if "test" in m else next(iter(keep)))
    m.update({k: v for k, v in m[head].items() if not isinstance(v, list)})
    m["headline_set"] = head
    if grids:  # drawn by the default regime, as the app generates by default
        out.mkdir(parents=True, exist_ok=True)
        v = keep.get("validation") or keep[head]
        g = gens[mode]
        held_grid(ds, v["q"][:12], v["gen_imgs"][:12], g, vq, clip, cfg["eval"], out / "heldout-samples.png", device)
        showcase_grid(ds, g, vq, clip, cfg["eval"], out / "samples.png", device)
    (common.run_dir(cfg) / "metrics.json").write_text(json.dumps(m, indent=2))
    return m


def check_judge_unseen(judge_path: Path, ds: Dataset, sets: dict) -> None:
    """Refuses a judge whose record (`judge.json` beside it) lists a trained concept that is in an evaluation set."""
    info = judge_path.with_suffix(".json")
    if not info.exists():
        raise ValueError(f"{info} is missing: without the judge's training record it cannot be shown unbiased")
    trained = set(json.loads(info.read_text())["trained_concepts"])
    for name, idx in sets.items():
        bad = sorted({ds.meta["concepts"][int(c)] for c in ds.image_concept[idx].tolist()} & trained)
        if bad:
            raise ValueError(f"the judge {judge_path} trained on {len(bad)} concepts of the {name} set (e.g. "
                             f"{bad[:5]}); train a judge on this split (training.train_judge)")


def split_info(ds: Dataset) -> dict:
    from .concepts import SPLITS

    cs = ds.meta.get("concept_split", [])
    return {s: {"images": int((ds.split == i).sum()), "concepts": sum(x == s for x in cs)} for i, s in enumerate(SPLITS)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--judge", default=str(JUDGE_DIR / "judge.pt"))
    ap.add_argument("--sets", default="validation,test")
    ap.add_argument("--no-grids", action="store_true")
    ap.add_argument("--out", default=str(common.ROOT / "models" / "default"))
    a = ap.parse_args()
    common.setup_threads()
    cfg = common.load_config(a.config)
    run(cfg, {"images": Path(a.images), "captions": Path(a.captions)}, Path(a.out),
        common.Logger(common.run_dir(cfg) / "log.txt"), judge_path=Path(a.judge), sets=a.sets.split(","),
        grids=not a.no_grids)


if __name__ == "__main__":
    main()
