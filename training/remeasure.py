"""Re-measure a committed bundle's checkpoints on today's merged-concept splits with the judge; rewrite its card.

    git archive 143074d models/default | tar -x -C /tmp/old-default    # the 2026.11.29-1056 bundle, default until 2026-12-02
    python3 -m training.remeasure --config default-2026-11 --checkpoints training/checkpoints/default-2026-11 \
        --bundle /tmp/old-default/models/default --export apps/api/seed/.cache/seed.ndjson --images apps/api/seed/.cache/images

Loads the slim checkpoints into `training/runs/<config>/`, builds the caches with the bundle's own tokenizer, runs
`evaluate` (the config's `eval.unseen_by` restricts every set to what the bundle never trained on) and rewrites
`card.json` (`metrics`, `targets`, `config`, `training.history` / `reproduce`, the split in `data`, the notes with
an old-vs-new table) and `README.md`. Every field the runtime reads (files, vq, text, gpt, clip, sampling,
format, version) is kept; only README.md's file entry changes. The previous metrics are kept beside the
checkpoints as `metrics-premerge.json`.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from . import card as card_mod, checkpoints, common, concepts, evaluate
from .data import Dataset, build_cache
from .pipeline import data_config
from .train_judge import JUDGE_DIR

TABLE_TITLE = "Old measure vs new measure"


def leaks(ds: Dataset, idx, taught: set[str]) -> tuple[int, int]:
    """(queries, queries whose caption is word for word one the model trained on) among images `idx`."""
    q = evaluate.one_per_concept(ds, idx)
    texts = [ds.cap_text[int(ds.canonical[i])] for i in q]
    return len(texts), len(concepts.leaked_queries(texts, taught))


def comparison(old: dict, m: dict, dup: dict) -> str:
    sets = [s for s in ("legacy_heldout", "test", "validation") if s in m]
    pct = lambda v: "n/a" if v is None else f"{100 * v:.1f} %"  # noqa: E731
    num = lambda v: "n/a" if v is None else f"{v:.2f}"  # noqa: E731

    def row(label, old_v, key, fmt=pct, extra=lambda s: ""):
        return f"| {label} | {old_v} | " + " | ".join(fmt(m[s].get(key)) + extra(s) for s in sets) + " |"

    head = ("| measure | old (card of 2026-11-29: 477 concepts held out by unmerged key, scored by the bundle's "
            "own CLIP) | " + " | ".join({"legacy_heldout": "new: the old held-out, cleaned (never trained on)",
                                          "test": "new: test, part never trained on",
                                          "validation": "new: validation, part never trained on"}[s] for s in sets)
            + " |\n|---|---|" + "---|" * len(sets))
    rows = [
        f"| queries (candidates) | {old.get('r_precision_queries')} (1 of {old.get('r_precision_candidates')}) | "
        + " | ".join(f"{m[s]['r_precision_queries']} (1 of {m[s]['r_precision_candidates']})" for s in sets) + " |",
        f"| queries whose caption is word for word a training caption | 85 | "
        + " | ".join(f"{dup[s][1]}" for s in sets) + " |",
        row("generation R-precision (rerank off), scored by the judge", "–", "gen_r_precision"),
        row("real-image R-precision (ceiling), judge", "–", "real_r_precision"),
        row("generation R-precision scored by the bundle's CLIP (the old scorer)", pct(old.get("gen_r_precision")),
            "clip_gen_r_precision"),
        row("real-image R-precision scored by the bundle's CLIP", pct(old.get("real_r_precision")),
            "clip_real_r_precision"),
        row("int8 GPT weights: generation R-precision", pct(old.get("gen_r_precision_int8_weights")) + " (CLIP)",
            "gen_r_precision_int8_weights", extra=lambda s: " (judge)" if m[s].get("gen_r_precision_int8_weights") else ""),
        row("image-token NLL given the caption, nats/token", "3.55 (512 images, notes)", "image_nll_nats", num),
        row("VQ-VAE PSNR, dB", num(old.get("vq_psnr_db")), "vq_psnr_db", num),
        row("CLIP text->image recall@5", f"{pct(old.get('clip_t2i_recall_at_5'))} of {old.get('clip_candidates')}",
            "clip_t2i_recall_at_5", extra=lambda s: f" of {m[s]['clip_candidates']}"),
        row("captioning: true caption ranked first by GPT likelihood", pct(old.get("caption_accuracy")),
            "caption_rank_accuracy"),
        row("captioning: greedy caption picks its image, judge", "–", "caption_accuracy"),
    ]
    return f"{TABLE_TITLE} (same checkpoints, same sampling settings and seed):\n\n" + head + "\n" + "\n".join(rows)


def update_card(bundle: Path, cfg: dict, ds: Dataset, m: dict, old: dict, dup: dict, notes: list[str]) -> dict:
    card = json.loads((bundle / "card.json").read_text())
    card["config"] = {k: v for k, v in cfg.items() if k not in ("history", "reproduce")}
    card["metrics"] = m
    card["targets"] = {k: {"op": op, "value": v, "met": m.get(k, float("-inf")) >= v}
                       for k, (op, v) in card_mod.TARGETS.items()}
    d = card["data"]
    summary = card_mod.data_summary(ds)
    d.update(split=summary["split"], source_concepts=summary["source_concepts"], moved_to_train=summary["moved_to_train"],
             trained_on=(f"the pre-merge split: {d['train_images']} images, every concept key except the "
                         f"{d['heldout_concepts']} held out then (data.legacy_heldout); "
                         f"{int((~ds.legacy_heldout[ds.split_idx('test')]).sum())} of the "
                         f"{len(ds.split_idx('test'))} images of today's test split were among its training images"),
             evaluated_on={s: {"images": m[s]["images"], "concepts": m[s]["concepts"]}
                           for s in ("validation", "test", "legacy_heldout") if s in m})
    card["training"]["history"] = cfg.get("history", {})
    card["training"]["reproduce"] = cfg.get("reproduce", [])
    card["notes"] = [n for n in notes if not n.startswith(TABLE_TITLE)] + [comparison(old, m, dup)]
    (bundle / "README.md").write_text(card_mod.readme(card))
    for f in card["files"]:
        if f["name"] == "README.md":
            f.update({k: v for k, v in card_mod._file_entry(bundle / "README.md", "readme").items() if k != "name"})
    card["bundle_bytes"] = sum(f["bytes"] for f in card["files"])
    (bundle / "card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="default-2026-11")
    ap.add_argument("--checkpoints", default=str(common.TRAINING / "checkpoints" / "default-2026-11"))
    ap.add_argument("--bundle", required=True, help="the folder of the bundle those checkpoints were exported as")
    ap.add_argument("--export", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--judge", default=str(JUDGE_DIR / "judge.pt"))
    ap.add_argument("--card-only", action="store_true", help="reuse <run>/metrics.json (e.g. after editing notes)")
    a = ap.parse_args()
    common.setup_threads()
    cfg = common.load_config(a.config)
    log = common.Logger(common.run_dir(cfg) / "log.txt")
    src, bundle = Path(a.checkpoints), Path(a.bundle)
    premerge = src / "metrics-premerge.json"
    if not premerge.exists():
        shutil.copy(src / "metrics.json", premerge)
    checkpoints.load(cfg, src)
    data = build_cache(data_config(cfg, a.export, a.images, None), tokenizer=bundle / "tokenizer.json", log=log)
    if a.card_only:
        m = json.loads((common.run_dir(cfg) / "metrics.json").read_text())
    else:
        m = evaluate.run(cfg, data, bundle, log, judge_path=Path(a.judge), grids=False)
    ds = Dataset(**data)
    taught = {t for t, i in zip(ds.cap_text, ds.cap_image.tolist()) if not ds.legacy_heldout[i]}
    sets = evaluate.eval_sets(ds, cfg["eval"], ("validation", "test"))
    dup = {s: leaks(ds, idx, taught) for s, idx in sets.items()}
    log(f"remeasure: queries / word-for-word training captions per set: {dup}")
    notes = json.loads((src / "notes.json").read_text()) if (src / "notes.json").exists() else []
    update_card(bundle, cfg, ds, m, json.loads(premerge.read_text()), dup, notes)
    (src / "metrics.json").write_text(json.dumps(m, indent=2) + "\n")
    log(f"remeasure: wrote {bundle / 'card.json'}, {bundle / 'README.md'} and {src / 'metrics.json'}")


if __name__ == "__main__":
    main()
