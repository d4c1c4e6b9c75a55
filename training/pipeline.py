"""The whole trainer in one command: data cache -> VQ-VAE -> CLIP -> GPT -> masked transformer -> judge -> evaluation -> ONNX export + card.

    python3 -m training.pipeline --config cpu-default --out models/default [--resume]
            [--minutes vqvae=20,clip=15,gpt=45] [--stages vqvae,clip,gpt,judge,eval,export]
    torchrun --nproc_per_node 2 -m training.pipeline …      # the same, data parallel (gloo on CPU, NCCL on GPUs)

Each stage checkpoints into `training/runs/<config>/` every `ckpt_every_s`; `--resume` continues an interrupted
stage and skips finished ones. Stage modules are imported when the stage starts. The `judge` stage trains a judge
for the run only when the config has a `judge` section (the tiny test config does); otherwise evaluation uses the
committed one, `training/judge/judge.pt`. The effective config (every override applied) and the command line are
recorded in `<run>/effective-config.json`, in each stage checkpoint's history and in the card.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import platform
import shlex
import sys
import time
from pathlib import Path

import torch

from . import common
from .data import CACHE, DataConfig, build_caption_cache, build_image_cache

SEED = common.ROOT / "apps" / "api" / "seed" / ".cache"
JUDGE = common.TRAINING / "judge" / "judge.pt"
STAGES = ["vqvae", "clip", "gpt", "maskgit", "judge", "eval", "export"]
TRAIN_STAGES = ("vqvae", "clip", "gpt", "maskgit", "judge")


def data_config(cfg: dict, export: str, images: str | None, base_url: str | None) -> DataConfig:
    return DataConfig(export=export, images_dir=images, base_url=base_url, **cfg["data"])


def parse_minutes(s: str | None) -> dict:
    out = {}
    for part in (s or "").split(","):
        if part.strip():
            k, v = part.split("=")
            if k not in STAGES:
                raise ValueError(f"--minutes stage {k!r} is not one of {STAGES}")
            out[k] = float(v)
    return out


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def file_sha256(path) -> str | None:
    p = Path(path) if path else None
    return hashlib.sha256(p.read_bytes()).hexdigest() if p and p.is_file() else None


def effective_config(cfg: dict, minutes: dict, argv: list[str], export: str | None, tokenizer, gpt_init) -> dict:
    """The config as this invocation runs it: `--minutes` written into the stages, and `run` = the command line and
    the digests of its inputs (export, tokenizer, GPT init), so the card can say how to reproduce the run."""
    eff = json.loads(json.dumps(cfg))
    for stage, m in minutes.items():
        if stage in eff:
            eff[stage]["minutes"] = m
    n = common.world()[1]
    launcher = ["python3"] if n == 1 else ["torchrun", f"--nproc_per_node={n}"]
    eff["run"] = {"command": shlex.join([*launcher, "-m", "training.pipeline", *argv]),
                  "processes": common.world()[1],
                  "export": export, "export_sha256": file_sha256(export),
                  "tokenizer": str(tokenizer) if tokenizer else None, "tokenizer_sha256": file_sha256(tokenizer),
                  "gpt_init_from": str(gpt_init) if gpt_init else None, "gpt_init_sha256": file_sha256(gpt_init)}
    return eff


def record_stage(cfg: dict, stage: str, seconds: float) -> None:
    """Append wall time per stage to `<run>/timings.json` (for the card)."""
    if not common.is_main():
        return
    path = common.run_dir(cfg) / "timings.json"
    t = json.loads(path.read_text()) if path.exists() else {}
    t[stage] = t.get(stage, 0.0) + seconds
    t["hardware"] = f"{cpu_name()}, {torch.get_num_threads()} torch thread(s)" + (
        f", CUDA {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ", no GPU")
    t["torch"] = torch.__version__
    path.write_text(json.dumps(t, indent=2))


def run(cfg: dict, dc: DataConfig | None, stages: list[str], minutes: dict, resume: bool, out: Path, log,
        cache_dir: Path = CACHE, tokenizer=None, prebuilt: dict | None = None, gpt_init: Path | None = None) -> None:
    """Run `stages` in order. `prebuilt` = {"images", "captions"} cache paths skips building them (GPU machine);
    `tokenizer`: None trains one; a tokenizer.json path reuses it; tests pass a tokenize.FallbackTokenizer;
    `gpt_init`: a fresh GPT stage starts from this checkpoint's weights (train_gpt.init_from_checkpoint)."""
    if common.is_main():
        (common.run_dir(cfg) / "effective-config.json").write_text(json.dumps(cfg, indent=2) + "\n")
    if common.is_main():  # rank 0 builds the caches, the others then read them
        data = dict(prebuilt) if prebuilt else {"images": build_image_cache(dc, cache_dir, log=log)}
    common.barrier()
    if not common.is_main():
        data = dict(prebuilt) if prebuilt else {"images": build_image_cache(dc, cache_dir, log=log)}
    for stage in stages:
        t0 = time.time()
        if stage in ("clip", "gpt", "maskgit", "judge", "eval", "export") and "captions" not in data:
            if common.is_main():
                data["captions"] = build_caption_cache(dc, cache_dir, tokenizer, log=log)
            common.barrier()
            if not common.is_main():
                data["captions"] = build_caption_cache(dc, cache_dir, tokenizer, log=log)
        if stage == "maskgit" and "maskgit" not in cfg:
            log("pipeline: no maskgit section in the config; the bundle has no masked-token generator")
            continue
        if stage in ("vqvae", "clip", "gpt", "maskgit"):
            mod = importlib.import_module(f".train_{stage}", __package__)
            extra = {"init_from": gpt_init} if stage == "gpt" and gpt_init else {}
            mod.train(cfg, data, minutes.get(stage), resume, log, **extra)
        elif stage == "judge":
            if "judge" not in cfg:
                log(f"pipeline: no judge section in the config; evaluation uses {JUDGE}")
                continue
            from .train_judge import judge_config_of

            importlib.import_module(".train_judge", __package__).train(
                judge_config_of(cfg), data, minutes.get("judge"), resume, log, out=common.run_dir(cfg) / "judge")
        elif common.is_main() and stage == "eval":
            importlib.import_module(".evaluate", __package__).run(cfg, data, out, log, judge_path=judge_path(cfg))
        elif common.is_main() and stage == "export":
            importlib.import_module(".export", __package__).export_bundle(cfg, data, out, log)
        common.barrier()
        record_stage(cfg, stage, time.time() - t0)
        log(f"pipeline: stage {stage} finished in {(time.time() - t0) / 60:.1f} min")


def judge_path(cfg: dict) -> Path:
    """The run's own judge when its config trains one, else the committed judge."""
    return common.run_dir(cfg) / "judge" / "judge.pt" if "judge" in cfg else JUDGE


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--export", default=str(SEED / "export.ndjson"), help="export NDJSON file or GET /v1/export URL")
    ap.add_argument("--images", default=str(SEED / "images"), help="folder of <sha256>.png")
    ap.add_argument("--base-url", help="API origin to fetch images missing locally")
    ap.add_argument("--cache", help="prebuilt caches '<key>.images.npz,<key>.captions.npz' (e.g. carried to a GPU)")
    ap.add_argument("--out", default=str(common.ROOT / "models" / "default"))
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--minutes", help="per-stage budgets overriding the config, e.g. vqvae=20,gpt=45")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--tokenizer", help="reuse this tokenizer.json instead of training one (e.g. models/default/"
                    "tokenizer.json when continuing that bundle's checkpoints: their ids must not move)")
    ap.add_argument("--gpt-init-from", help="start a fresh GPT stage from this GPT checkpoint (e.g. an unconditioned "
                    "prior, to add CLIP conditioning by fine-tuning; see README)")
    argv = sys.argv[1:]
    a = ap.parse_args(argv)
    common.setup_threads()
    common.init_distributed()
    minutes = parse_minutes(a.minutes)
    cfg = effective_config(common.load_config(a.config), minutes, argv, None if a.cache else a.export,
                           a.tokenizer, a.gpt_init_from)
    log = common.Logger(common.run_dir(cfg) / "log.txt")
    stages = [s for s in a.stages.split(",") if s]
    bad = [s for s in stages if s not in STAGES]
    if bad:
        raise ValueError(f"unknown stages {bad}; expected some of {STAGES}")
    log(f"pipeline: config {cfg['name']}, stages {stages}, resume={a.resume}")
    prebuilt = None
    if a.cache:
        images, captions = (Path(p) for p in a.cache.split(","))
        prebuilt = {"images": images, "captions": captions}
    run(cfg, None if prebuilt else data_config(cfg, a.export, a.images, a.base_url), stages,
        minutes, a.resume, Path(a.out), log, prebuilt=prebuilt,
        tokenizer=Path(a.tokenizer) if a.tokenizer else None,
        gpt_init=Path(a.gpt_init_from) if a.gpt_init_from else None)


if __name__ == "__main__":
    main()
