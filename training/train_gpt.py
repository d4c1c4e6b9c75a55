"""Train the GPT prior on [text][image codes] and [image codes][text] streams of the cached training images.

The image codes come from the trained VQ-VAE (`<run>/vqvae.pt`), computed once and cached in `<run>/codes.pt`.
With `"cond": "clip"` in the gpt config the prior is conditioned on the trained CLIP's embeddings (the common
latent space, see models/gpt.py): every image's and every caption's embedding is computed once and cached in
`<run>/cond.pt`; a training row gets its image's embedding with probability `cond_image_fraction`, else its
caption's text embedding (zeros when the caption is dropped and on reverse rows).

    python3 -m training.train_gpt --config cpu-default --images training/cache/<key>.images.npz --captions training/cache/<key>.captions.npz [--minutes 50] [--resume] [--init-from gpt-base.pt]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from . import common
from .data import Dataset
from .models.gpt import GPT, GPTConfig, forward_stream, reverse_stream
from .models.vqvae import VQVAE
from .train_clip import embed, load_clip
from .train_vqvae import model_config as vq_model_config

COND_SOURCES = ("clip",)


def cond_dim(cfg: dict, section: str = "gpt") -> int:
    """The conditioning size a prior's config section ("gpt" or "maskgit") asks for: the CLIP embedding size with
    "cond": "clip", else 0."""
    src = cfg[section].get("cond")
    if src is None:
        return 0
    if src not in COND_SOURCES:
        raise ValueError(f"{section}.cond {src!r} is not one of {COND_SOURCES}")
    return int(cfg["clip"]["embed_dim"])


def model_config(cfg: dict, ds: Dataset) -> GPTConfig:
    keys = GPTConfig.__dataclass_fields__
    vq = vq_model_config(cfg)
    return GPTConfig(**{k: v for k, v in cfg["gpt"].items() if k in keys}, cond_dim=cond_dim(cfg),
                     text_vocab=ds.vocab_size,
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
    def encode():
        vq = load_vqvae(cfg, device)
        codes = torch.cat([vq.encode(ds.float_images(torch.arange(s, min(s + 512, len(ds.images))), device))
                           .flatten(1).cpu() for s in range(0, len(ds.images), 512)])
        log(f"gpt: encoded {len(codes)} images to {codes.shape[1]} codes each")
        return codes

    step = common.load_checkpoint(common.run_dir(cfg) / "vqvae.pt")["step"]
    return common.cached(common.run_dir(cfg) / "codes.pt", (step, len(ds.images)), encode)


@torch.no_grad()
def cond_embeddings(cfg: dict, ds: Dataset, device, log=print) -> dict:
    """{"image": (N, E), "text": (M, E)} unit CLIP embeddings of every cached image and caption, cached per CLIP
    checkpoint in `<run>/cond.pt`."""
    def embed_all():
        clip = load_clip(cfg, ds, device)
        out = {"image": embed(clip, images=ds.images, device=device, chunk=512),
               "text": embed(clip, ids=ds.cap_ids, device=device, chunk=1024)}
        log(f"gpt: CLIP-embedded {len(out['image'])} images and {len(out['text'])} captions for conditioning")
        return out

    step = common.load_checkpoint(common.run_dir(cfg) / "clip.pt")["step"]
    return common.cached(common.run_dir(cfg) / "cond.pt", (step, len(ds.images), len(ds.cap_ids)), embed_all)


def sample_batch(c: GPTConfig, ds: Dataset, codes: torch.Tensor, tc: dict, gen: torch.Generator, device,
                 cond: dict | None = None):
    """A mixed batch: forward rows (caption dropped with p=caption_dropout) and reverse rows (p=reverse_fraction).
    Returns tokens, targets and, for a conditioned model (`cond` from `cond_embeddings`), the (B, E) condition."""
    n = tc["batch_size"]
    pick = ds.train_idx[torch.randint(0, len(ds.train_idx), (n,), generator=gen)]
    cap = ds.random_captions(pick, gen)
    text = ds.cap_ids[cap]
    drop = torch.rand(n, generator=gen) < tc.get("caption_dropout", 0.1)
    reverse = torch.rand(n, generator=gen) < tc.get("reverse_fraction", 0.25)
    ftext = torch.where(drop[:, None], torch.full_like(text, c.pad_id), text)
    ft, fy = forward_stream(c, ftext, codes[pick])
    rt, ry = reverse_stream(c, text, codes[pick])
    tokens = torch.where(reverse[:, None], rt, ft)
    targets = torch.where(reverse[:, None], ry, fy)
    if cond is None:
        return tokens[:, :-1].to(device), targets.to(device), None
    use_image = torch.rand(n, generator=gen) < tc.get("cond_image_fraction", 0.5)
    e = torch.where(use_image[:, None], cond["image"][pick], cond["text"][cap])
    e = e.masked_fill((drop | reverse)[:, None], 0.0)
    return tokens[:, :-1].to(device), targets.to(device), e.to(device)


def init_from_checkpoint(model: GPT, path: Path, log=print) -> dict:
    """Start from another GPT checkpoint of the same shape (e.g. an unconditioned prior): every weight it has is
    loaded; a conditioning projection it lacks starts at zero, so the model starts as exactly that prior.
    Returns what the card records of it: {"from", "steps", "minutes"}."""
    ck = common.load_checkpoint(path)
    missing, unexpected = model.load_state_dict(ck["model"], strict=False)
    if unexpected or any(k != "cond_proj.weight" for k in missing):
        raise ValueError(f"{path} does not fit this GPT: missing {missing}, unexpected {unexpected}")
    if missing:
        torch.nn.init.zeros_(model.cond_proj.weight)
    log(f"gpt: initialised from {path}" + (" (conditioning projection at zero)" if missing else ""))
    return {"from": Path(path).name, "steps": int(ck["step"]), "minutes": round(ck["spent_s"] / 60, 1)}


def train(cfg: dict, data: dict, minutes: float | None = None, resume: bool = False, log=print,
          interrupt_after: int | None = None, init_from: Path | None = None) -> Path:
    """Train (or resume) the stage; `interrupt_after` stops after that step as a kill would (tests);
    `init_from` starts a fresh run from another GPT checkpoint's weights (ignored when resuming one)."""
    tc = cfg["gpt"]
    device = common.pick_device(cfg.get("device", "auto"))
    common.seed_everything(cfg.get("seed", 0) + 2)
    ds = Dataset(**data)
    codes = image_codes(cfg, ds, device, log)
    cond = cond_embeddings(cfg, ds, device, log) if cond_dim(cfg) else None
    common.seed_everything(cfg.get("seed", 0) + 2)  # again: computing the codes may or may not consume RNG
    model = GPT(model_config(cfg, ds)).to(device)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and n != "pos"]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 or n == "pos"]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tc.get("weight_decay", 0.1)},
                             {"params": no_decay, "weight_decay": 0.0}], lr=tc["lr"], betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(cfg.get("seed", 0) + 2)
    state = common.StageState(common.run_dir(cfg) / "gpt.pt")
    fresh_init = init_from is not None and not (resume and state.path.exists())
    budget = common.begin_stage("gpt", state, model, opt, gen, tc, minutes, resume, log, cfg,
                                **({"init_from": str(init_from)} if fresh_init else {}))
    if budget is None:
        return state.path
    if init_from is not None and state.step == 0:  # a fresh run (a resumed one has its own weights)
        info = init_from_checkpoint(model, Path(init_from), log)
        if common.is_main():
            (common.run_dir(cfg) / "gpt-init.json").write_text(json.dumps(info, indent=2))  # for the card
    log(f"gpt: {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M params on {device}, vocab "
        f"{model.c.vocab_size}, block {model.c.block_size}, budget {budget.limit_s / 60:.1f} min")

    net = common.wrap_ddp(model)

    def loss_fn():
        tokens, targets, c = sample_batch(model.c, ds, codes, tc, gen, device, cond)
        n_global = int((targets != -100).sum())
        tokens, targets, *c = common.shard(tokens, targets, *([] if c is None else [c]))
        c = c[0] if c else None
        # rows hold different numbers of target tokens (captions vary): weigh each shard's mean by its share of
        # the global batch's tokens, so that DDP's mean over ranks is the loss of the whole batch
        weight = int((targets != -100).sum()) * common.world()[1] / max(n_global, 1)
        with common.autocast_ctx(device, cfg.get("amp", False)):
            return net(tokens, targets, c)[1] * weight

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
    ap.add_argument("--init-from", help="start from this GPT checkpoint's weights (a fresh run only)")
    a = ap.parse_args()
    common.setup_threads()
    common.init_distributed()
    cfg = common.load_config(a.config)
    data = {"images": Path(a.images), "captions": Path(a.captions)}
    train(cfg, data, a.minutes, a.resume, common.Logger(common.run_dir(cfg) / "log.txt"),
          init_from=Path(a.init_from) if a.init_from else None)


if __name__ == "__main__":
    main()
