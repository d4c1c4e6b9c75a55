"""Train the GPT prior on [text][image codes] and [image codes][text] streams of the cached training images.

The image codes come from the trained VQ-VAE (`<run>/vqvae.pt`), computed once and cached in `<run>/codes.pt`.

    python3 -m training.train_gpt --config cpu-default --images training/cache/<key>.images.npz --captions training/cache/<key>.captions.npz [--minutes 50] [--resume]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .models.gpt import GPT, GPTConfig, forward_stream, reverse_stream
from .models.vqvae import VQVAE
from .train_vqvae import model_config as vq_model_config


def model_config(cfg: dict, ds: Dataset) -> GPTConfig:
    keys = GPTConfig.__dataclass_fields__
    vq = vq_model_config(cfg)
    return GPTConfig(**{k: v for k, v in cfg["gpt"].items() if k in keys}, text_vocab=ds.vocab_size,
                     codebook_size=vq.codebook_size, image_tokens=vq.grid**2, caption_len=ds.caption_len,
                     pad_id=ds.pad_id, **{k: ds.special[k] for k in ("bot", "eot", "boi", "boc")})


def load_vqvae(cfg: dict, device) -> VQVAE:
    ck = common.load_checkpoint(common.run_dir(cfg) / "vqvae.pt")
    vq = VQVAE(vq_model_config(cfg))
    vq.load_state_dict(ck["model"])
    return vq.to(device).eval()


@torch.no_grad()
def image_codes(cfg: dict, ds: Dataset, device, log=print) -> torch.Tensor:
    """(N, G*G) int64 VQ codes of every cached image, cached per VQ checkpoint in `<run>/codes.pt`."""
    vq_ck = common.load_checkpoint(common.run_dir(cfg) / "vqvae.pt")
    path = common.run_dir(cfg) / "codes.pt"
    tag = (vq_ck["step"], len(ds.images))
    if path.exists():
        saved = torch.load(path, weights_only=False)
        if saved["tag"] == tag:
            return saved["codes"]
    vq = load_vqvae(cfg, device)
    codes = torch.cat([vq.encode(ds.float_images(torch.arange(s, min(s + 512, len(ds.images))), device)).flatten(1).cpu()
                       for s in range(0, len(ds.images), 512)])
    torch.save({"tag": tag, "codes": codes}, path)
    log(f"gpt: encoded {len(codes)} images to {codes.shape[1]} codes each")
    return codes


def sample_batch(c: GPTConfig, ds: Dataset, codes: torch.Tensor, tc: dict, gen: torch.Generator, device):
    """A mixed batch: forward rows (caption dropped with p=caption_dropout) and reverse rows (p=reverse_fraction)."""
    n = tc["batch_size"]
    pick = ds.train_idx[torch.randint(0, len(ds.train_idx), (n,), generator=gen)]
    text = ds.cap_ids[ds.random_captions(pick, gen)]
    drop = torch.rand(n, generator=gen) < tc.get("caption_dropout", 0.1)
    reverse = torch.rand(n, generator=gen) < tc.get("reverse_fraction", 0.25)
    ftext = torch.where(drop[:, None], torch.full_like(text, c.pad_id), text)
    ft, fy = forward_stream(c, ftext, codes[pick])
    rt, ry = reverse_stream(c, text, codes[pick])
    tokens = torch.where(reverse[:, None], rt, ft)
    targets = torch.where(reverse[:, None], ry, fy)
    return tokens[:, :-1].to(device), targets.to(device)


def train(cfg: dict, data: dict, minutes: float | None = None, resume: bool = False, log=print,
          interrupt_after: int | None = None) -> Path:
    """Train (or resume) the stage; `interrupt_after` stops after that step as a kill would (tests)."""
    tc = cfg["gpt"]
    device = common.pick_device(cfg.get("device", "auto"))
    common.seed_everything(cfg.get("seed", 0) + 2)
    ds = Dataset(**data)
    codes = image_codes(cfg, ds, device, log)
    common.seed_everything(cfg.get("seed", 0) + 2)  # again: computing the codes may or may not consume RNG
    model = GPT(model_config(cfg, ds)).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and n != "pos"]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 or n == "pos"]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc.get("weight_decay", 0.1)},
                             {"params": no_decay, "weight_decay": 0.0}], lr=tc["lr"], betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(cfg.get("seed", 0) + 2)
    state = common.StageState(common.run_dir(cfg) / "gpt.pt")
    budget = common.begin_stage("gpt", state, model, opt, gen, tc, minutes, resume, log)
    if budget is None:
        return state.path
    log(f"gpt: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params on {device}, vocab "
        f"{model.c.vocab_size}, block {model.c.block_size}, budget {budget.limit_s / 60:.1f} min")

    def loss_fn():
        tokens, targets = sample_batch(model.c, ds, codes, tc, gen, device)
        with common.autocast_ctx(device, cfg.get("amp", False)):
            return model(tokens, targets)[1]

    completed, loss = common.run_stage("gpt", state, model, opt, gen, budget, tc, cfg, log, loss_fn,
                                       interrupt_after)
    if not completed:
        return state.path
    log(f"gpt: done at step {state.step}, last loss {loss.item():.4f}")
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
    cfg = common.load_config(a.config)
    data = {"images": Path(a.images), "captions": Path(a.captions)}
    train(cfg, data, a.minutes, a.resume, common.Logger(common.run_dir(cfg) / "log.txt"))


if __name__ == "__main__":
    main()
