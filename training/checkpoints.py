"""Slim, committable copies of a run's stage checkpoints (fp32 weights, no optimizer moments), and back.

    python3 -m training.checkpoints save --config cpu-default --dest training/checkpoints/default
    python3 -m training.checkpoints load --config cpu-default --src training/checkpoints/default

`load` copies them into `training/runs/<config>/` so `python3 -m training.pipeline --resume …` continues from them;
the optimizer restarts with a short warm-up (see common.StageState.lr).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from . import common

STAGES = ("vqvae", "clip", "gpt")
SIDE_FILES = ("metrics.json", "timings.json", "notes.json", "gpt-init.json")


def save(cfg: dict, dest: Path) -> list[Path]:
    run = common.run_dir(cfg)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for stage in STAGES:
        src = run / f"{stage}.pt"
        if src.exists():
            ck = common.load_checkpoint(src)
            ck["optimizer"] = None
            common.save_checkpoint(dest / src.name, **ck)
            written.append(dest / src.name)
    for name in SIDE_FILES:
        if (run / name).exists():
            shutil.copy(run / name, dest / name)
    (dest / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    return written


def load(cfg: dict, src: Path) -> list[Path]:
    run = common.run_dir(cfg)
    copied = []
    for stage in STAGES:
        if (src / f"{stage}.pt").exists():
            shutil.copy(src / f"{stage}.pt", run / f"{stage}.pt")
            copied.append(run / f"{stage}.pt")
    for name in SIDE_FILES:
        if (src / name).exists():
            shutil.copy(src / name, run / name)
    return copied


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["save", "load"])
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--dest", "--src", dest="path", default=str(common.TRAINING / "checkpoints" / "default"))
    a = ap.parse_args()
    cfg = common.load_config(a.config)
    paths = (save if a.action == "save" else load)(cfg, Path(a.path))
    for p in paths:
        print(f"{p} {p.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
