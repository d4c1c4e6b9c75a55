"""Train the independent judge (models/judge.py) on the train split only, then write its slim committed copy.

    python3 -m training.train_judge --images training/cache/<key>.images.npz --captions training/cache/<key>.captions.npz \
        [--config training/judge/config.json] [--minutes 35] [--resume] [--out training/judge]

Full checkpoints (with optimizer moments, resumable) go to `training/runs/judge/judge.pt`; when the budget is
spent the weights are written in fp16 to `<out>/judge.pt` (2.5 MB) with `<out>/judge.json`: its config, the data
it saw and the merged concepts it trained on, which `tests/test_judge.py` checks against the split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import torch

from . import common, concepts
from .data import Dataset
from .models.judge import Judge, JudgeConfig, text_ids as encode_texts

JUDGE_DIR = common.TRAINING / "judge"


def load_judge_config(path: str | Path = JUDGE_DIR / "config.json") -> dict:
    cfg = json.loads(Path(path).read_text())
    cfg.setdefault("run_dir", str(common.TRAINING / "runs" / cfg.get("name", "judge")))
    return cfg


def judge_config_of(cfg: dict) -> dict:
    """A run config's own `judge` section (tests, other datasets) as a judge config, run inside `<run>/judge`."""
    section = dict(cfg["judge"])
    return {"name": "judge", "seed": section.pop("seed", 1234), "device": cfg.get("device", "auto"),
            "ckpt_every_s": cfg.get("ckpt_every_s", 180),
            "exclude_legacy_heldout": section.pop("exclude_legacy_heldout", False),
            "run_dir": str(common.run_dir(cfg) / "judge"), "judge": section, **({"run": cfg["run"]} if "run" in cfg else {})}


def model_config(cfg: dict, res: int) -> JudgeConfig:
    keys = JudgeConfig.__dataclass_fields__
    return JudgeConfig(**{k: v for k, v in cfg["judge"].items() if k in keys}, res=res)


def training_pool(ds: Dataset, cfg: dict) -> torch.Tensor:
    """The judge's training images: train split only; with `exclude_legacy_heldout`, minus every merged concept
    with an image a pre-merge bundle held out."""
    pool = ds.train_idx
    if cfg.get("exclude_legacy_heldout"):
        if ds.legacy_heldout is None:
            raise ValueError("exclude_legacy_heldout needs an image cache built with data.legacy_heldout")
        banned = set(ds.image_concept[ds.legacy_heldout].tolist())
        pool = torch.tensor([i for i in pool.tolist() if int(ds.image_concept[i]) not in banned], dtype=torch.long)
    assert bool((ds.split[pool] == 0).all()), "judge pool must be train-split images only"
    return pool


def sample_batch(ds: Dataset, pool: torch.Tensor, text_ids: torch.Tensor, tc: dict, gen: torch.Generator, device):
    """Distinct images, one random caption variant each (bytes), a random shift of up to `shift` pixels."""
    pick = pool[torch.randperm(len(pool), generator=gen)[: tc["batch_size"]]]
    caps = ds.random_captions(pick, gen)
    x = ds.float_images(pick, device)
    s = tc.get("shift", 0)
    if s:
        x = torch.nn.functional.pad(x, (s, s, s, s), value=1.0)  # white, like the composited background
        dx, dy = (int(v) for v in torch.randint(0, 2 * s + 1, (2,), generator=gen))
        x = x[:, :, dy : dy + ds.images.shape[-1], dx : dx + ds.images.shape[-1]]
    return x, text_ids[caps].to(device), ds.image_concept[pick].to(device)


def train(cfg: dict, data: dict, minutes: float | None = None, resume: bool = False, log=print,
          out: Path = JUDGE_DIR, interrupt_after: int | None = None) -> Path:
    tc = cfg["judge"]
    device = common.pick_device(cfg.get("device", "auto"))
    common.seed_everything(cfg["seed"])
    ds = Dataset(**data)
    pool = training_pool(ds, cfg)
    mc = model_config(cfg, ds.images.shape[-1])
    text_ids = encode_texts(mc, ds.cap_text)
    model = Judge(mc).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc.get("weight_decay", 0.05)},
                             {"params": no_decay, "weight_decay": 0.0}], lr=tc["lr"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    state = common.StageState(common.run_dir(cfg) / "judge.pt")
    budget = common.begin_stage("judge", state, model, opt, gen, tc, minutes, resume, log, cfg)
    if budget is not None:
        log(f"judge: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params on {device}, {len(pool)} "
            f"training images of {len(set(ds.image_concept[pool].tolist()))} concepts, budget "
            f"{budget.limit_s / 60:.1f} min")

        net = common.wrap_ddp(common.LossModule(model))

        def loss_fn():
            return net(*common.shard(*sample_batch(ds, pool, text_ids, tc, gen, device)))

        completed, loss = common.run_stage("judge", state, model, opt, gen, budget, tc, cfg, log, loss_fn,
                                           interrupt_after)
        if not completed:
            return state.path
        state.save(model, opt, gen, budget, done=True)
        log(f"judge: done at step {state.step}, last loss {loss.item():.4f}")
    return write_slim(cfg, ds, pool, model, state, Path(out))


def write_slim(cfg: dict, ds: Dataset, pool: torch.Tensor, model: Judge, state, out: Path) -> Path:
    """`<out>/judge.pt` (fp16 weights, config) + `<out>/judge.json` (what it was trained on, for the tests)."""
    out.mkdir(parents=True, exist_ok=True)
    sd = {k: v.half() if v.is_floating_point() else v for k, v in common.fp32_state(model).items()}
    common.save_checkpoint(out / "judge.pt", model=sd, config=cfg, step=state.step, spent_s=state.spent_s)
    trained = sorted({ds.meta["concepts"][int(c)] for c in ds.image_concept[pool].tolist()})
    held = {s: sorted({ds.meta["concepts"][int(c)] for c in ds.image_concept[ds.split_idx(s)].tolist()})
            for s in concepts.SPLITS[1:]}
    sha = ds.meta["sha256"]
    info = {"step": state.step, "minutes": round(state.spent_s / 60, 1), "config": cfg,
            "params": sum(p.numel() for p in model.parameters()),
            "data": {"export": ds.meta["data_config"]["export"], "images": len(pool),
                     "image_sha256_digest": hashlib.sha256("".join(sha[i] for i in pool.tolist()).encode()).hexdigest(),
                     "split_fractions": [ds.meta["data_config"].get(f"{s}_fraction") for s in concepts.SPLITS[1:]]},
            "trained_concepts": trained, "moved_to_train": ds.meta.get("moved_to_train", []),
            "validation_concepts": held["validation"], "test_concepts": held["test"]}
    (out / "judge.json").write_text(json.dumps(info, indent=1) + "\n")
    return out / "judge.pt"


def load_judge(path: Path = JUDGE_DIR / "judge.pt", device="cpu") -> Judge:
    """The committed judge in fp32, eval mode."""
    ck = common.load_checkpoint(path)
    res = ck["config"].get("res", 32)
    judge = Judge(model_config(ck["config"], res))
    judge.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ck["model"].items()})
    return judge.to(device).eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(JUDGE_DIR / "config.json"))
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--out", default=str(JUDGE_DIR))
    a = ap.parse_args()
    common.setup_threads()
    common.init_distributed()
    cfg = load_judge_config(a.config)
    train(cfg, {"images": Path(a.images), "captions": Path(a.captions)}, a.minutes, a.resume,
          common.Logger(common.run_dir(cfg) / "log.txt"), Path(a.out))


if __name__ == "__main__":
    main()
