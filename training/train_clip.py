"""Train the CLIP dual encoder on (image, random caption variant, explicit negative) batches.

    python3 -m training.train_clip --config cpu-default --images training/cache/<key>.images.npz --captions training/cache/<key>.captions.npz [--minutes 20] [--resume]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .models.clip import CLIP, CLIPConfig


def model_config(cfg: dict, ds: Dataset) -> CLIPConfig:
    keys = CLIPConfig.__dataclass_fields__
    return CLIPConfig(**{k: v for k, v in cfg["clip"].items() if k in keys}, vocab_size=ds.vocab_size,
                      caption_len=ds.caption_len, pad_id=ds.pad_id, res=cfg["data"]["res"])


def load_clip(cfg: dict, ds: Dataset, device) -> CLIP:
    """The trained CLIP of the run (`<run>/clip.pt`), in eval mode on `device`."""
    clip = CLIP(model_config(cfg, ds))
    clip.load_state_dict(common.load_checkpoint(common.run_dir(cfg) / "clip.pt")["model"])
    return clip.to(device).eval()


@torch.no_grad()
def embed(clip: CLIP, images: torch.Tensor | None = None, ids: torch.Tensor | None = None, device="cpu",
          chunk: int = 256) -> torch.Tensor:
    """Unit CLIP embeddings (on CPU) of images (float in [0, 1], or uint8) or of caption id rows, in chunks."""
    out = []
    src = images if images is not None else ids
    for s in range(0, len(src), chunk):
        part = src[s : s + chunk].to(device)
        if images is None:
            out.append(clip.text(part).cpu())
        else:
            out.append(clip.image(part.float() / 255 if part.dtype == torch.uint8 else part).cpu())
    return torch.cat(out)


def sample_batch(ds: Dataset, idx_pool: torch.Tensor, n: int, gen: torch.Generator, device):
    """n distinct images with one random caption variant and one negative each (when they have one)."""
    pick = idx_pool[torch.randperm(len(idx_pool), generator=gen)[:n]]
    caps = ds.random_captions(pick, gen)
    neg = ds.random_negatives(pick, gen)
    valid = neg >= 0
    neg_ids = ds.neg_ids[neg.clamp_min(0)] if len(ds.neg_ids) else ds.cap_ids[caps]
    return (ds.float_images(pick, device), ds.cap_ids[caps].to(device), ds.image_concept[pick].to(device),
            neg_ids.to(device), valid.to(device))


def train(cfg: dict, data: dict, minutes: float | None = None, resume: bool = False, log=print,
          interrupt_after: int | None = None) -> Path:
    """Train (or resume) the stage; `interrupt_after` stops after that step as a kill would (tests)."""
    tc = cfg["clip"]
    device = common.pick_device(cfg.get("device", "auto"))
    common.seed_everything(cfg.get("seed", 0) + 1)
    ds = Dataset(**data)
    model = CLIP(model_config(cfg, ds)).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc.get("weight_decay", 0.05)},
                             {"params": no_decay, "weight_decay": 0.0}], lr=tc["lr"])
    gen = torch.Generator().manual_seed(cfg.get("seed", 0) + 1)
    state = common.StageState(common.run_dir(cfg) / "clip.pt")
    budget = common.begin_stage("clip", state, model, opt, gen, tc, minutes, resume, log, cfg)
    if budget is None:
        return state.path
    log(f"clip: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params on {device}, budget "
        f"{budget.limit_s / 60:.1f} min")

    net = common.wrap_ddp(common.LossModule(model))

    def loss_fn():  # under DDP each rank's in-batch negatives are its shard's (batch_size / processes)
        x, ids, concept, neg_ids, valid = common.shard(*sample_batch(ds, ds.train_idx, tc["batch_size"], gen, device))
        with common.autocast_ctx(device, cfg.get("amp", False)):
            return net(x, ids, concept, neg_ids, valid)

    completed, loss = common.run_stage("clip", state, model, opt, gen, budget, tc, cfg, log, loss_fn,
                                       interrupt_after, describe=lambda: f" scale {model.scale().item():.1f}")
    if not completed:
        return state.path
    log(f"clip: done at step {state.step}, last loss {loss.item():.4f}")
    state.save(model, opt, gen, budget, done=True, slim=cfg.get("slim_checkpoints", False))
    return state.path


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--images", required=True, help="training/cache/<key>.images.npz")
    ap.add_argument("--captions", required=True, help="training/cache/<key>.captions.npz")
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--resume", action="store_true")
    a = ap.parse_args()
    common.setup_threads()
    common.init_distributed()
    cfg = common.load_config(a.config)
    data = {"images": Path(a.images), "captions": Path(a.captions)}
    train(cfg, data, a.minutes, a.resume, common.Logger(common.run_dir(cfg) / "log.txt"))


if __name__ == "__main__":
    main()
