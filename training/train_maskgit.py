"""Train the masked-token transformer (models/maskgit.py) on the cached training images, beside or instead of the GPT.

It reads the same VQ codes (`<run>/codes.pt`) and, with `"cond": "clip"`, the same CLIP embeddings
(`<run>/cond.pt`) as train_gpt, so the two regimes can be compared on equal inputs. A forward row's condition is
its image's CLIP embedding with probability `cond_image_fraction`, else its caption's (zeros when the caption is
dropped); a reverse (captioning) row gets its image's CLIP embedding with probability `reverse_cond_fraction`
(else zeros): at inference the runtime captions from the image's embedding in the common space.

    python3 -m training.train_maskgit --config masked-2026-12 --images … --captions … [--minutes 40] [--resume]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .models.maskgit import MaskGIT, MaskGITConfig, masked_batch
from .train_gpt import cond_dim as gpt_cond_dim, cond_embeddings, image_codes
from .train_vqvae import model_config as vq_model_config

def cond_dim(cfg: dict) -> int:
    return gpt_cond_dim(cfg, "maskgit")


def model_config(cfg: dict, ds: Dataset) -> MaskGITConfig:
    keys = MaskGITConfig.__dataclass_fields__
    vq = vq_model_config(cfg)
    return MaskGITConfig(**{k: v for k, v in cfg["maskgit"].items() if k in keys}, cond_dim=cond_dim(cfg),
                         text_vocab=ds.vocab_size, codebook_size=vq.codebook_size, image_tokens=vq.grid**2,
                         caption_len=ds.caption_len, pad_id=ds.pad_id, bot=ds.special["bot"])


def load_maskgit(cfg: dict, ds: Dataset, device) -> MaskGIT:
    ck = common.load_checkpoint(common.run_dir(cfg) / "maskgit.pt")
    m = MaskGIT(model_config(cfg, ds))
    m.load_state_dict(ck["model"])
    return m.to(device).eval()


def sample_batch(c: MaskGITConfig, ds: Dataset, codes: torch.Tensor, tc: dict, gen: torch.Generator, device,
                 cond: dict | None = None, pool: torch.Tensor | None = None):
    """A mixed batch of forward and reverse rows drawn from `pool` (default the train split; see `train_on`)."""
    n = tc["batch_size"]
    pool = ds.train_idx if pool is None else pool
    pick = pool[torch.randint(0, len(pool), (n,), generator=gen)]
    cap = ds.random_captions(pick, gen)
    drop = torch.rand(n, generator=gen) < tc.get("caption_dropout", 0.1)
    reverse = torch.rand(n, generator=gen) < tc.get("reverse_fraction", 0.2)
    drop = drop & ~reverse
    tokens, yi, yt = masked_batch(c, ds.cap_ids[cap], codes[pick], reverse, drop, gen)
    if cond is None:
        return tokens.to(device), yi.to(device), yt.to(device), None
    use_image = torch.rand(n, generator=gen) < tc.get("cond_image_fraction", 0.5)
    rev_cond = torch.rand(n, generator=gen) < tc.get("reverse_cond_fraction", 0.8)
    e = torch.where(use_image[:, None], cond["image"][pick], cond["text"][cap])
    e = torch.where(reverse[:, None], cond["image"][pick], e)
    e = e.masked_fill((drop | (reverse & ~rev_cond))[:, None], 0.0)
    return tokens.to(device), yi.to(device), yt.to(device), e.to(device)


def train(cfg: dict, data: dict, minutes: float | None = None, resume: bool = False, log=print,
          interrupt_after: int | None = None) -> Path:
    tc = cfg["maskgit"]
    device = common.pick_device(cfg.get("device", "auto"))
    common.seed_everything(cfg.get("seed", 0) + 5)
    ds = Dataset(**data)
    codes = image_codes(cfg, ds, device, log)
    cond = cond_embeddings(cfg, ds, device, log) if cond_dim(cfg) else None
    common.seed_everything(cfg.get("seed", 0) + 5)
    model = MaskGIT(model_config(cfg, ds)).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and n != "pos"]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 or n == "pos"]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc.get("weight_decay", 0.1)},
                             {"params": no_decay, "weight_decay": 0.0}], lr=tc["lr"], betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(cfg.get("seed", 0) + 5)
    state = common.StageState(common.run_dir(cfg) / "maskgit.pt")
    budget = common.begin_stage("maskgit", state, model, opt, gen, tc, minutes, resume, log, cfg)
    if budget is None:
        return state.path
    pool = ds.training_idx(tc.get("train_on"))
    log(f"maskgit: training on {len(pool)} images ({tc.get('train_on') or 'train'})")
    log(f"maskgit: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params on {device}, vocab "
        f"{model.c.vocab_size}, sequence {model.c.block_size}, budget {budget.limit_s / 60:.1f} min")
    lossnet = common.wrap_ddp(common.LossModule(model))  # DDP syncs gradients only through forward

    def loss_fn():
        tokens, yi, yt, e = sample_batch(model.c, ds, codes, tc, gen, device, cond, pool)
        n_global = int((yi != -100).sum() + (yt != -100).sum())
        tokens, yi, yt, *e = common.shard(tokens, yi, yt, *([] if e is None else [e]))
        e = e[0] if e else None
        weight = int((yi != -100).sum() + (yt != -100).sum()) * common.world()[1] / max(n_global, 1)
        with common.autocast_ctx(device, cfg.get("amp", False)):
            return lossnet(tokens, yi, yt, e) * weight

    completed, loss = common.run_stage("maskgit", state, model, opt, gen, budget, tc, cfg, log, loss_fn,
                                       interrupt_after)
    if not completed:
        return state.path
    log(f"maskgit: done at step {state.step}, last loss {loss.item():.4f}")
    state.save(model, opt, gen, budget, done=True, slim=cfg.get("slim_checkpoints", False))
    return state.path


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="masked-2026-12")
    ap.add_argument("--images", required=True)
    ap.add_argument("--captions", required=True)
    ap.add_argument("--minutes", type=float)
    ap.add_argument("--resume", action="store_true")
    a = ap.parse_args()
    common.setup_threads()
    common.init_distributed()
    cfg = common.load_config(a.config)
    train(cfg, {"images": Path(a.images), "captions": Path(a.captions)}, a.minutes, a.resume,
          common.Logger(common.run_dir(cfg) / "log.txt"))


if __name__ == "__main__":
    main()
