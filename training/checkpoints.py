"""Slim, committable copies of a run's stage checkpoints (fp32 weights, no optimizer moments), and back.

    python3 -m training.checkpoints save --config cpu-default --dest training/checkpoints/default
    python3 -m training.checkpoints load --config cpu-default --src training/checkpoints/default
    python3 -m training.checkpoints save --config masked-2026-12 --dest … --stages clip,gpt,maskgit --half

`--stages` leaves out stages kept elsewhere (a VQ-VAE shared with another bundle); `--half` stores the weights in
float16 (half the bytes; a resumed run casts them back to float32 and continues at fp16-rounded weights).

`load` copies them into `training/runs/<config>/` so `python3 -m training.pipeline --resume …` continues from them;
the optimizer restarts with a short warm-up (see common.StageState.lr).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from . import common

STAGES = ("vqvae", "clip", "gpt", "maskgit")
SIDE_FILES = ("metrics.json", "timings.json", "notes.json", "gpt-init.json", "masked-tuning.json")


def save(cfg: dict, dest: Path, stages=STAGES, half: bool = False) -> list[Path]:
    run = common.run_dir(cfg)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for stage in stages:
        src = run / f"{stage}.pt"
        if src.exists():
            ck = common.load_checkpoint(src)
            ck["optimizer"] = None
            if half:
                ck["model"] = {k: v.half() if v.is_floating_point() else v for k, v in ck["model"].items()}
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
    ap.add_argument("--stages", default=",".join(STAGES), help="save: which stages (default all)")
    ap.add_argument("--half", action="store_true", help="save: float16 weights")
    a = ap.parse_args()
    cfg = common.load_config(a.config)
    if a.action == "save":
        paths = save(cfg, Path(a.path), tuple(s for s in a.stages.split(",") if s), a.half)
    else:
        paths = load(cfg, Path(a.path))
    for p in paths:
        print(f"{p} {p.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
