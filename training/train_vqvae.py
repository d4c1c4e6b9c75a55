"""Train the VQ-VAE on the cached training images (held-out concepts excluded).

    python3 -m training.train_vqvae --config cpu-default --images training/cache/<key>.images.npz [--minutes 25] [--resume]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .models.vqvae import VQConfig, VQVAE


def model_config(cfg: dict) -> VQConfig:
    keys = VQConfig.__dataclass_fields__
    return VQConfig(**{k: v for k, v in cfg["vqvae"].items() if k in keys}, res=cfg["data"]["res"])


@torch.no_grad()
def evaluate(model: VQVAE, ds: Dataset, idx: torch.Tensor, device, batch: int = 256) -> dict:
    """PSNR (dB, over [0,1] pixels, averaged per image) and codebook perplexity on images `idx`."""
    model.eval()
    psnrs, counts = [], torch.zeros(model.c.codebook_size)
    for s in range(0, len(idx), batch):
        x = ds.float_images(idx[s : s + batch], device)
        codes = model.encode(x)
        recon = model.decode(codes)
        mse = (recon - x).pow(2).flatten(1).mean(1).clamp_min(1e-10)
        psnrs.append(10 * torch.log10(1.0 / mse).cpu())
        counts += torch.bincount(codes.flatten().cpu(), minlength=model.c.codebook_size).float()
    p = counts / counts.sum()
    perplexity = math.exp(-(p[p > 0] * p[p > 0].log()).sum().item())
    model.train()
    return {"psnr_db": torch.cat(psnrs).mean().item(), "perplexity": perplexity,
            "codes_used": int((counts > 0).sum())}


def train(cfg: dict, data: dict, minutes: float | None = None, resume: bool = False, log=print,
          interrupt_after: int | None = None) -> Path:
    """Train (or resume) the stage; `interrupt_after` stops after that step as a kill would (tests)."""
    tc = cfg["vqvae"]
    device = common.pick_device(cfg.get("device", "auto"))
    common.seed_everything(cfg.get("seed", 0))
    ds = Dataset(data["images"])  # images only: the VQ-VAE never needs captions
    model = VQVAE(model_config(cfg)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=tc["lr"])
    gen = torch.Generator().manual_seed(cfg.get("seed", 0))
    state = common.StageState(common.run_dir(cfg) / "vqvae.pt")
    budget = common.begin_stage("vqvae", state, model, opt, gen, tc, minutes, resume, log, cfg)
    if budget is None:
        return state.path
    log(f"vqvae: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params on {device}, "
        f"{len(ds.train_idx)} train images, budget {budget.limit_s / 60:.1f} min")

    net = common.wrap_ddp(model)

    def loss_fn():  # the global batch is drawn on every rank alike; each keeps its shard
        pick = ds.train_idx[torch.randint(0, len(ds.train_idx), (tc["batch_size"],), generator=gen)]
        flip = torch.rand(len(pick), generator=gen) < 0.5
        pick, flip = common.shard(pick, flip)
        x = ds.float_images(pick, device)
        if tc.get("flip", True):
            x = torch.where(flip.to(device)[:, None, None, None], x.flip(3), x)
        return net(x)[1]

    completed, _ = common.run_stage("vqvae", state, model, opt, gen, budget, tc, cfg, log, loss_fn,
                                    interrupt_after, grad_clip=None,
                                    describe=lambda: f" restarts {getattr(model.quant, 'last_restarts', 0)}")
    if not completed:
        return state.path
    m = evaluate(model, ds, ds.heldout_idx, device)
    log(f"vqvae: done at step {state.step}: validation PSNR {m['psnr_db']:.2f} dB, perplexity {m['perplexity']:.1f}, "
        f"{m['codes_used']} codes used")
    state.save(model, opt, gen, budget, extra={"validation": m}, done=True, slim=cfg.get("slim_checkpoints", False))
    return state.path


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="cpu-default")
    ap.add_argument("--images", required=True, help="training/cache/<key>.images.npz")
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--resume", action="store_true")
    a = ap.parse_args()
    common.setup_threads()
    common.init_distributed()
    cfg = common.load_config(a.config)
    train(cfg, {"images": Path(a.images)}, a.minutes, a.resume, common.Logger(common.run_dir(cfg) / "log.txt"))


if __name__ == "__main__":
    main()
