"""`card.json` (machine-readable, docs/bundle-format.md §7) and `README.md` (the human-readable model card)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from pathlib import Path

from . import common

# The file roles and precisions a manifest accepts, generated from packages/manifest/src/roles.ts: the API refuses
# any other role, so a card must use only these (docs/manifest-format.md §1).
ROLES_JSON = common.ROOT / "packages" / "manifest" / "roles.json"
_ROLES = json.loads(ROLES_JSON.read_text())
ROLES: tuple[str, ...] = tuple(_ROLES["roles"])
RUNTIME_ROLES: tuple[str, ...] = tuple(_ROLES["runtime_roles"])
OPTIONAL_ROLES: tuple[str, ...] = tuple(_ROLES["optional_roles"])  # loaded when present (the masked generator)
GRAPH_ROLES: tuple[str, ...] = RUNTIME_ROLES + OPTIONAL_ROLES
EXTRA_ROLES: tuple[str, ...] = tuple(_ROLES["extra_roles"])
PRECISIONS: tuple[str, ...] = tuple(_ROLES["precisions"])
ROLE_OF_EXTRA = {"samples.png": "samples", "heldout-samples.png": "samples-heldout", "README.md": "readme"}
assert set(ROLE_OF_EXTRA.values()) <= set(EXTRA_ROLES), f"{ROLE_OF_EXTRA} vs extra roles {EXTRA_ROLES}"
TARGETS = {"vq_psnr_db": (">=", 24.0), "vq_perplexity": (">=", 200.0), "clip_t2i_recall_at_5": (">=", 0.30),
           "gen_over_real": (">=", 0.5)}


def _file_entry(path: Path, role: str, **extra) -> dict:
    if role not in ROLES:
        raise ValueError(f"{path.name}: role {role!r} is not a manifest role; use one of {', '.join(ROLES)} "
                         f"({ROLES_JSON.relative_to(common.ROOT)})")
    if "precision" in extra and extra["precision"] not in PRECISIONS:
        raise ValueError(f"{path.name}: precision {extra['precision']!r} is not one of {', '.join(PRECISIONS)}")
    raw = path.read_bytes()
    return {"name": path.name, "role": role, "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw), **extra}


def data_summary(ds) -> dict:
    m = ds.meta
    held = ds.heldout.numpy()
    attributions = sorted({f"{s}: {a}" for s, a in zip(m["source"], m.get("attribution", [None] * len(held))) if a})
    cs = m.get("concept_split", [])
    split = {name: {"images": int((ds.split == i).sum()), "concepts": sum(x == name for x in cs)}
             for i, name in enumerate(("train", "validation", "test"))}
    return {"images": len(held), "train_images": int((~held).sum()), "heldout_images": int(held.sum()),
            "concepts": len(m["concepts"]), "heldout_concepts": len(m["heldout_concepts"]), "split": split,
            "source_concepts": len(set(m.get("source_concept", []))), "moved_to_train": len(m.get("moved_to_train", [])),
            "captions": len(ds.cap_text), "negatives": len(ds.neg_ids),
            "sources": dict(Counter(m["source"]).most_common()), "licences": dict(Counter(m["licence"]).most_common()),
            "attributions": attributions, "export": m["data_config"]["export"]}


def training_summary(cfg: dict) -> dict:
    run = common.run_dir(cfg)
    t = json.loads((run / "timings.json").read_text()) if (run / "timings.json").exists() else {}
    steps, minutes, history = {}, {}, {}
    for stage in ("vqvae", "clip", "gpt", "maskgit"):
        p = run / f"{stage}.pt"
        if p.exists():
            ck = common.load_checkpoint(p)
            steps[stage], minutes[stage] = ck["step"], round(ck["spent_s"] / 60, 1)
            history[stage] = ck.get("history") or []
    init = run / "gpt-init.json"  # the GPT stage started from another GPT's weights (train_gpt --init-from)
    return {"hardware": t.get("hardware"), "torch": t.get("torch"), "train_minutes": minutes, "steps": steps,
            "stage_wall_minutes": {k: round(v / 60, 1) for k, v in t.items() if isinstance(v, float)},
            **({"gpt_initialised_from": json.loads(init.read_text())} if init.exists() else {}),
            "history": history, "reproduce": reproduce_commands(history)}


def reproduce_commands(history: dict) -> list[str]:
    """The commands that made the weights, in order (each stage's segments: first run, resumes, fine-tunes)."""
    out: list[str] = []
    for segs in history.values():
        for seg in segs:
            if seg.get("command") and seg["command"] not in out:
                out.append(seg["command"])
    return out


def maskgit_section(cfg: dict, m) -> dict:
    """The card's `maskgit` object (docs/bundle-format.md §9): the sequence layout, the ids and the decoding settings
    the runtime needs to drive the `maskgit` graph."""
    from .generators import MaskedGenerator

    c = m.c
    return {"block_size": c.block_size, "caption_start": c.caption_start, "image_start": c.image_start,
            "caption_len": c.caption_len, "image_tokens": c.image_tokens, "text_vocab": c.text_vocab,
            "image_offset": c.image_offset, "codebook_size": c.codebook_size, "mask_id": c.mask_id,
            "vocab_size": c.vocab_size, "bot": c.bot, "pad_id": c.pad_id,
            "n_layer": c.n_layer, "n_head": c.n_head, "d_model": c.d_model,
            "inputs": ["tokens", *(["cond"] if c.cond_dim else [])], "outputs": ["image_logits", "text_logits"],
            **({"cond": {"input": "cond", "dim": c.cond_dim, "source": "clip-text", "caption_source": "clip-image",
                         "position": 0}} if c.cond_dim else {}),
            "schedule": "cosine", "sampling": MaskedGenerator(m, cfg["eval"]).settings()}


def write_card(cfg: dict, ds, vq, clip, gpt, files: list[dict], out: Path, log=print, maskgit=None) -> dict:
    metrics_path = common.run_dir(cfg) / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    data = data_summary(ds)
    g = gpt.c
    card = {
        "format": "commonspace-bundle/3" if g.cond_dim else "commonspace-bundle/2",
        "name": cfg.get("bundle_name", cfg["name"]),
        "version": cfg.get("version") or dt.datetime.utcnow().strftime("%Y.%m.%d-%H%M"),
        "created": dt.datetime.utcnow().replace(microsecond=0).isoformat() + "Z",
        "files": [],
        "vq": {"res": vq.c.res, "grid": vq.c.grid, "codebook_size": vq.c.codebook_size, "code_dim": vq.c.code_dim},
        "text": {"caption_len": g.caption_len, "pad_id": g.pad_id, "vocab_size": g.text_vocab,
                 "tokenizer_sha256": ds.cmeta["tokenizer"]["sha256"],
                 "special": ds.cmeta["tokenizer"]["special"]},
        "gpt": {"text_vocab": g.text_vocab, "image_offset": g.image_offset, "codebook_size": g.codebook_size,
                "pad_id": g.pad_id, "bot": g.bot, "eot": g.eot, "boi": g.boi, "boc": g.boc, "vocab_size": g.vocab_size,
                "block_size": g.block_size, "image_tokens": g.image_tokens, "caption_len": g.caption_len,
                "n_layer": g.n_layer, "n_head": g.n_head, "head_dim": g.d_model // g.n_head, "d_model": g.d_model,
                "kv_cache": "per layer: k_cache_i [B,NH,HD,T] (keys transposed), v_cache_i [B,NH,T,HD]",
                **({"cond": {"input": "cond", "dim": g.cond_dim, "source": "clip-text", "position": 0}}
                   if g.cond_dim else {})},
        **({"maskgit": maskgit_section(cfg, maskgit)} if maskgit is not None else {}),
        "generator": {"modes": ["autoregressive", *(["masked"] if maskgit is not None else [])],
                      "default_mode": cfg["eval"].get("default_mode") or "autoregressive"},
        "clip": {"embed_dim": clip.c.embed_dim, "logit_scale": round(float(clip.scale()), 4)},
        "sampling": {k: cfg["eval"][k] for k in ("cfg_scale", "top_k", "temperature")},
        "params": {"vqvae": _n(vq), "clip": _n(clip), "gpt": _n(gpt),
                   **({"maskgit": _n(maskgit)} if maskgit is not None else {})},
        "config": cfg,
        "data": data,
        "training": training_summary(cfg),
        "metrics": metrics,
        "targets": {k: {"op": op, "value": v, "met": (metrics.get(k, float("-inf")) >= v) if metrics else None}
                    for k, (op, v) in TARGETS.items()},
        "licence": licence_summary(data),
        "notes": _notes(cfg),
    }
    (out / "README.md").write_text(readme(card))
    entries = [_file_entry(out / f["name"], f["role"], **{k: v for k, v in f.items() if k not in ("name", "role")})
               for f in files]
    entries += [_file_entry(out / n, r) for n, r in ROLE_OF_EXTRA.items() if (out / n).exists()]
    card["files"] = entries
    card["bundle_bytes"] = sum(e["bytes"] for e in entries)
    (out / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def _notes(cfg: dict) -> list[str]:
    """Free-text notes on how this run went (`<run>/notes.json`, a list of strings), kept with the metrics."""
    p = common.run_dir(cfg) / "notes.json"
    return json.loads(p.read_text()) if p.exists() else []


def _n(m) -> int:
    return sum(p.numel() for p in m.parameters())


def licence_summary(data: dict) -> str:
    lic = ", ".join(f"{k} ({v} images)" for k, v in data["licences"].items())
    text = (f"Weights trained on images under: {lic}. Attribution-requiring licences (CC-BY*) apply to the "
            "training images: credit the sources in data.attributions when redistributing the weights or outputs.")
    if any("SA" in k for k in data["licences"]):
        text += (" Some training images are CC-BY-SA (share-alike); whether trained weights are an adaptation is "
                 "unsettled, so treat the weights conservatively as carrying the share-alike terms.")
    return text


def split_text(d: dict) -> str:
    sp = d.get("split")
    if not sp:
        return f"Held out by concept: {d['heldout_concepts']} concepts ({d['heldout_images']} images)."
    if d.get("trained_on"):  # a bundle trained before merged splits, re-measured (training.remeasure)
        ev = ", ".join(f"{k} {v['concepts']} concepts / {v['images']} images" for k, v in d["evaluated_on"].items())
        return (f"**Trained on {d['trained_on']}.** Today's splits merge concepts across sources by normalised name "
                f"(training/README.md \"Concepts and splits\"); this bundle is measured only on the merged concepts "
                f"it never trained on and whose query caption it never saw as a training caption: {ev}.")
    return (f"Concepts merged across sources by normalised name ({d.get('source_concepts')} source concepts -> "
            f"{d['concepts']}; training/README.md \"Concepts and splits\") and split by merged concept: train "
            f"{sp['train']['concepts']} concepts / {sp['train']['images']} images, validation "
            f"{sp['validation']['concepts']} / {sp['validation']['images']}, test {sp['test']['concepts']} / "
            f"{sp['test']['images']} ({d.get('moved_to_train', 0)} held-out concepts whose name was a training "
            f"caption moved to train).")


def metrics_text(m: dict) -> str:
    head = m.get("headline_set")
    return (f"Generation R-precision and captioning are scored by the independent judge ({m.get('scored_by', 'n/a')};"
            f" trained on the train split only, never used to condition or rerank, not shipped). Choices are made "
            f"on validation; the top-level numbers in `card.json` → `metrics` are the {head or 'held-out'} set's."
            + (" This bundle predates the split: its choices were made on the pre-merge held-out set (see the notes)."
               if head == "legacy_heldout" else ""))


def cond_text(card: dict) -> str:
    if "cond" not in card["gpt"]:
        return ""
    return (" The GPT is conditioned on the common latent space: the prompt's CLIP text embedding enters at its first"
            " position (bundle format 3).")


def init_text(t: dict) -> str:
    i = t.get("gpt_initialised_from")
    return "" if not i else (f" The GPT stage started from the weights of `{i['from']}` ({i['steps']} steps,"
                             f" {i['minutes']} min), so the GPT trained {i['minutes']} + the minutes above in all.")


SET_NAMES = ("validation", "test", "legacy_heldout")


def metrics_table(m: dict) -> str:
    """One column per evaluation set (validation, test, and for a pre-merge bundle legacy_heldout)."""
    sets = [s for s in SET_NAMES if isinstance(m.get(s), dict)] or [None]
    get = lambda s, k: (m[s] if s else m).get(k)  # noqa: E731

    def f(s, k, pct=False):
        v = get(s, k)
        return "n/a" if v is None else (f"{100 * v:.1f} %" if pct else f"{v:.3f}" if isinstance(v, float) else str(v))

    def row(label, fmt):
        return f"| {label} | " + " | ".join(fmt(s) for s in sets) + " |"

    rows = [
        row("images / concepts", lambda s: f"{get(s, 'images')} / {get(s, 'concepts')}"),
        row("generation R-precision, judge, rerank off", lambda s: f"{f(s, 'gen_r_precision', 1)} "
            f"({get(s, 'r_precision_queries')} captions, 1 of {get(s, 'r_precision_candidates')})"),
        row("real-image R-precision, judge (ceiling)", lambda s: f(s, "real_r_precision", 1)),
        row("generation / ceiling", lambda s: f(s, "gen_over_real", 1)),
        row("the same, int8 GPT weights", lambda s: f(s, "gen_r_precision_int8_weights", 1)),
        row("generation R-precision scored by the bundle's own CLIP", lambda s: f(s, "clip_gen_r_precision", 1)),
        row("image-token NLL given the caption (nats/token)", lambda s: f"{f(s, 'image_nll_nats')} "
            f"({get(s, 'nll_images')} images)"),
        row("VQ-VAE PSNR (dB) / perplexity", lambda s: f"{f(s, 'vq_psnr_db')} / {f(s, 'vq_perplexity')}"),
        row("CLIP text->image recall@1 / @5 / @10", lambda s: f"{f(s, 'clip_t2i_recall_at_1', 1)} / "
            f"{f(s, 'clip_t2i_recall_at_5', 1)} / {f(s, 'clip_t2i_recall_at_10', 1)} of {get(s, 'clip_candidates')}"),
        row("CLIP image->text recall@1 / @5 / @10", lambda s: f"{f(s, 'clip_i2t_recall_at_1', 1)} / "
            f"{f(s, 'clip_i2t_recall_at_5', 1)} / {f(s, 'clip_i2t_recall_at_10', 1)}"),
        row("captioning: the GPT's greedy caption picks its image (judge)", lambda s: f"{f(s, 'caption_accuracy', 1)} "
            f"({get(s, 'caption_queries')} images, 1 of {get(s, 'caption_candidates')}; true caption "
            f"{f(s, 'real_t2i_r_precision', 1)})"),
        row("captioning: true caption ranked first by the GPT's likelihood", lambda s: f(s, "caption_rank_accuracy", 1)),
    ]
    if any(get(s, "gen_r_precision_reranked") is not None for s in sets):  # eval.rerank_candidates > 1
        rows[4:4] = [row("generation, best of k by CLIP, as Generate shows it (judge)", lambda s: "n/a" if get(
            s, "gen_r_precision_reranked") is None else (
            f"{f(s, 'gen_r_precision_reranked', 1)} ({get(s, 'rerank_queries')} captions, k = "
            f"{get(s, 'rerank_candidates')}; plain first sample {f(s, 'gen_r_precision_first_of_k', 1)}; of ceiling "
            f"{f(s, 'reranked_over_real', 1)})"))]
        rows += [row("captioning: best of k by CLIP (judge)", lambda s: f(s, "caption_accuracy_reranked", 1)),
                 row("captioning: as Generate and Explore do it, with the nearest train images' captions (judge)",
                     lambda s: f(s, "caption_accuracy_neighbours", 1))]
    head = "| metric | " + " | ".join(s or "held out" for s in sets) + " |\n|---|" + "---|" * len(sets)
    return head + "\n" + "\n".join(rows)


def notes_md(notes: list[str]) -> str:
    """Notes as a list; a note holding a markdown table (a line starting with '|') is set apart so it renders."""
    out = []
    for n in notes:
        if "\n|" in n:
            out.append("\n" + n + "\n")
        else:
            out.append("- " + n)
    return "\n".join(out) or "-"


def held_text(card: dict) -> str:
    if not any(f["name"] == "heldout-samples.png" for f in card["files"]):
        return ""
    return (" `heldout-samples.png`: held-out captions; the first image is the one used for the R-precision (rerank"
            " off), then three more samples, then the real image.")


def readme(card: dict) -> str:
    m, d, t = card["metrics"], card["data"], card["training"]

    def f(k, pct=False):
        v = m.get(k)
        return "n/a" if v is None else (f"{100 * v:.1f} %" if pct else f"{v:.2f}")

    met = "\n".join(f"| `{k}` | {op} {v} | {'yes' if card['targets'][k]['met'] else 'no'} |"
                    for k, (op, v) in TARGETS.items())
    return f"""# Model card: `{card['name']}` {card['version']}

Three small models that run in the browser (onnxruntime-web), trained from scratch on the Commonspace seed
dataset: a VQ-VAE image tokenizer ({card['params']['vqvae'] / 1e6:.2f} M params; \
{card['vq']['res']}x{card['vq']['res']} RGB -> {card['vq']['grid']}x{card['vq']['grid']} codes of \
{card['vq']['codebook_size']}), a CLIP dual encoder ({card['params']['clip'] / 1e6:.2f} M) and a GPT prior \
({card['params']['gpt'] / 1e6:.2f} M, {card['gpt']['n_layer']} layers, d={card['gpt']['d_model']}) that generates \
images from text and captions images.{cond_text(card)} File formats: `docs/bundle-format.md`.

## Data
{d['images']} images of {d['concepts']} concepts from {', '.join(d['sources'])}; {d['captions']} caption variants,
{d['negatives']} explicit negatives. {split_text(d)}

## Metrics
{metrics_table(m)}

{metrics_text(m)} A CLIP recall hit is any image of the query's concept (styles of one concept share their
captions). Definitions: `docs/bundle-format.md` §7.

| target | required | met |
|---|---|---|
{met}

## Samples
`samples.png`: common prompts as the app shows them: 8 candidates each, reranked by CLIP, all 8 drawn (best
first).{held_text(card)}

## Training
Hardware: {t['hardware']}; torch {t['torch']}. Minutes per stage: {t['train_minutes']}; steps: {t['steps']}.{init_text(t)}
The effective config of every stage segment (after each override, resume and fine-tune) is `training.history` in
`card.json`; `config` is the configuration of the last run. To reproduce the weights from their inputs:

```sh
{chr(10).join(t.get('reproduce') or ['# not recorded for this bundle: see the notes'])}
```

## Licence
{card['licence']}

## Notes on this run
{notes_md(card['notes'])}

## Limitations
Tiny models trained for minutes on one CPU core: images are 32x32 and often blurry; prompts far from emoji and
icon names are out of distribution; captions are short names, not sentences.
"""
