"""Choose a regime's sampling settings on validation (never test): judge R-precision of generated images (rerank off,
1 of 32, one query per concept) over a small grid, averaged over two seeds. Masked: steps, guidance, temperature
and choice temperature, then the number of steps at the best; autoregressive: guidance, top-k and temperature.
Writes `<run>/masked-tuning.json` or `<run>/autoregressive-tuning.json`; the chosen settings go into the config's
`eval.masked` / `eval` by hand, so the choice is on record in the config and the card.

    python3 -m training.tune_sampling --config masked-2026-12 --images … --captions … [--mode masked] [--queries 300]
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .evaluate import distractors, generate_images, one_per_concept, r_precision
from .generators import ARGenerator, MaskedGenerator, load_generators
from .train_clip import embed, load_clip
from .train_gpt import load_vqvae
from .train_judge import JUDGE_DIR, load_judge

GRID = {"steps": [10], "cfg_scale": [2.0, 3.0, 5.0], "temperature": [0.7, 1.0], "choice_temperature": [1.0, 4.5]}
AR_GRID = {"cfg_scale": [3.0, 5.0, 8.0], "top_k": [16, 64], "temperature": [0.7, 1.0]}
STEPS = [4, 6, 8, 12, 16]  # then, at the best setting: how quality moves with the number of decoding steps


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--judge", default=str(JUDGE_DIR / "judge.pt"))
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--mode", choices=["masked", "autoregressive"], default="masked")
    a = ap.parse_args()
    common.setup_threads()
    cfg = common.load_config(a.config)
    device = torch.device("cpu")
    ds = Dataset(images=Path(a.images), captions=Path(a.captions))
    vq, clip, judge = load_vqvae(cfg, device), load_clip(cfg, ds, device), load_judge(Path(a.judge), device)
    model = load_generators(cfg, ds, device)[a.mode].model
    grid = GRID if a.mode == "masked" else AR_GRID
    q = one_per_concept(ds, ds.split_idx("validation"))[: a.queries]
    ids, texts = ds.cap_ids[ds.canonical[q]], [ds.cap_text[int(i)] for i in ds.canonical[q]]
    others = distractors(len(q), min(31, len(q) - 1))
    j_txt = judge.embed_texts(texts, device)
    cond = embed(clip, ids=ids, device=device)
    def score(setting: dict) -> dict:
        g = (MaskedGenerator(model, {"cfg_scale": setting["cfg_scale"], "masked": setting}) if a.mode == "masked"
             else ARGenerator(model, setting))
        scores = [r_precision(judge.embed_images(generate_images(g, vq, ids, {}, seed, device, cond=cond), device),
                              j_txt, others) for seed in (0, 1)]
        r = {**setting, "gen_r_precision": sum(scores) / len(scores), "seeds": scores}
        print(json.dumps(r), flush=True)
        return r

    results = sorted((score(dict(zip(grid, v))) for v in itertools.product(*grid.values())),
                     key=lambda r: -r["gen_r_precision"])
    best = {k: results[0][k] for k in grid}
    report = {"set": "validation", "queries": len(q), "grid": grid, "results": results}
    if a.mode == "masked":
        by_steps = [score({**best, "steps": n}) for n in STEPS if n != best["steps"]] + [results[0]]
        report["by_steps"] = sorted(by_steps, key=lambda r: r["steps"])
    out = common.run_dir(cfg) / f"{a.mode}-tuning.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"best: {json.dumps(results[0])}\nwritten: {out}")


if __name__ == "__main__":
    main()
