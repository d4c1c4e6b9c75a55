"""Draw `samples.png` for a run with a chosen regime: the sixteen showcase prompts (grids.SHOWCASE), 8 candidates
each, CLIP-reranked, best first, as the app shows them.

    python3 -m training.samples --config masked-2026-12 --images … --captions … --mode masked --out models/default/samples.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .generators import load_generators
from .grids import showcase_grid
from .train_clip import load_clip
from .train_gpt import load_vqvae


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--mode", choices=["autoregressive", "masked"], required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    common.setup_threads()
    cfg = common.load_config(a.config)
    device = torch.device("cpu")
    ds = Dataset(images=Path(a.images), captions=Path(a.captions))
    gens = load_generators(cfg, ds, device)
    if a.mode not in gens:
        raise SystemExit(f"{common.run_dir(cfg)} has no {a.mode} checkpoint (it has {sorted(gens)})")
    showcase_grid(ds, gens[a.mode], load_vqvae(cfg, device), load_clip(cfg, ds, device), cfg["eval"], Path(a.out),
                  device)
    print(f"samples: {a.out}")


if __name__ == "__main__":
    main()
