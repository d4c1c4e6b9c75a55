"""Masked-token transformer (MaskGIT, Chang et al. 2022; Muse, Chang et al. 2023) over [cond][caption][image codes].

One bidirectional transformer reads a fixed-length sequence, T = 1 + L + G*G (L = caption_len, G*G = 64 codes):

    position 0           <|bot|>, plus the projected CLIP embedding (the common latent; zeros = no condition)
    positions 1 .. L     caption text ids, pad-filled on the right, or MASK where the caption is to be predicted
    positions L+1 .. T-1 image codes as V_text + c, or MASK where the image is to be predicted

Vocabulary: the GPT's unified one (text ids, then image codes) plus one MASK id at V_text + K. The output head is
tied to the token embedding; at image positions only the K code logits are read, at caption positions only the
V_text text logits.

Training (`masked_batch`): forward rows keep the caption (dropped to all-pad with p = caption_dropout, which trains
the unconditional branch for classifier-free guidance) and mask a cosine-scheduled fraction of the image codes;
reverse rows keep the image and mask a cosine-scheduled fraction of the caption positions (pads included: the
model learns where the caption ends). The loss is cross-entropy on the masked positions only.

Decoding (`generate_codes`, `caption_ids`): start fully masked and, over N steps, predict every masked position at
once, keep the most confident predictions and re-mask the rest, following the same cosine schedule. Generation
samples with classifier-free guidance and a seeded generator, with Gumbel noise on the confidences annealed to zero
(MaskGIT's "choice temperature"); captioning is greedy. The runtime (packages/model/src/masked.ts) implements the
same schedule; `mask_schedule` is the one both follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .gpt import build_trunk


@dataclass
class MaskGITConfig:
    text_vocab: int = 2048
    codebook_size: int = 512
    image_tokens: int = 64
    caption_len: int = 24
    pad_id: int = 0
    bot: int = 1
    d_model: int = 192
    n_layer: int = 4
    n_head: int = 6
    dropout: float = 0.0
    cond_dim: int = 0

    @property
    def image_offset(self) -> int:
        return self.text_vocab

    @property
    def mask_id(self) -> int:
        return self.text_vocab + self.codebook_size

    @property
    def vocab_size(self) -> int:
        return self.text_vocab + self.codebook_size + 1

    @property
    def block_size(self) -> int:
        return 1 + self.caption_len + self.image_tokens

    @property
    def caption_start(self) -> int:
        return 1

    @property
    def image_start(self) -> int:
        return 1 + self.caption_len


def mask_schedule(r: torch.Tensor | float) -> torch.Tensor | float:
    """Fraction of positions still masked at progress r in [0, 1]: cos(pi/2 r) (MaskGIT's cosine schedule)."""
    if isinstance(r, torch.Tensor):
        return torch.cos(0.5 * math.pi * r)
    return math.cos(0.5 * math.pi * r)


def masked_after_step(n: int, step: int, steps: int) -> int:
    """How many of n positions stay masked after decoding step `step` (0-based) of `steps`: 0 after the last."""
    return int(math.floor(n * mask_schedule((step + 1) / steps))) if step + 1 < steps else 0


class Block(nn.Module):
    def __init__(self, c: MaskGITConfig):
        super().__init__()
        assert c.d_model % c.n_head == 0, f"d_model {c.d_model} not divisible by n_head {c.n_head}"
        self.n_head, self.hd = c.n_head, c.d_model // c.n_head
        self.ln1, self.ln2 = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
        self.qkv, self.proj = nn.Linear(c.d_model, 3 * c.d_model), nn.Linear(c.d_model, c.d_model)
        self.mlp = nn.Sequential(nn.Linear(c.d_model, 4 * c.d_model), nn.GELU(), nn.Linear(4 * c.d_model, c.d_model))
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x):  # (B, T, C), full (bidirectional) attention
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(B, T, 3 * self.n_head, self.hd).transpose(1, 2).split(self.n_head, 1)
        att = ((q * (1.0 / math.sqrt(self.hd))) @ k.transpose(-2, -1)).softmax(-1)
        y = (self.drop(att) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.drop(self.proj(y))
        return x + self.drop(self.mlp(self.ln2(x)))


class MaskGIT(nn.Module):
    def __init__(self, c: MaskGITConfig):
        super().__init__()
        self.c = c
        build_trunk(self, c, Block, scale_cond_proj=False)

    def hidden(self, tokens, cond=None):  # tokens (B, T) -> (B, T, C) after the final LayerNorm
        B, T = tokens.shape
        assert T == self.c.block_size, f"sequence length {T} != {self.c.block_size} (static shape)"
        x = self.tok(tokens) + self.pos
        if self.cond_proj is not None:
            if cond is None:
                raise ValueError(f"this model is conditioned (cond_dim {self.c.cond_dim}): pass cond, zeros for none")
            first = (torch.arange(T, device=tokens.device) == 0).to(x.dtype).view(1, T, 1)
            x = x + first * self.cond_proj(cond)[:, None]
        x = self.drop(x)
        for blk in self.blocks:
            x = blk(x)
        return self.ln(x)

    def forward(self, tokens, cond=None):
        """tokens (B, T) int64, cond (B, E) -> image logits (B, G*G, K) and caption logits (B, L, V_text).
        This is the exported graph (`maskgit`, docs/bundle-format.md §9): one full-sequence pass per decoding step."""
        c = self.c
        h = self.hidden(tokens, cond)
        w = self.tok.weight
        img = h[:, c.image_start :] @ w[c.image_offset : c.image_offset + c.codebook_size].t()
        txt = h[:, c.caption_start : c.image_start] @ w[: c.text_vocab].t()
        return img, txt

    def loss(self, tokens, img_targets, txt_targets, cond=None):
        """Cross-entropy on masked positions: img_targets (B, G*G) codes, txt_targets (B, L) text ids, -100 where
        the position was visible. Every target position counts once (image and caption alike)."""
        img, txt = self(tokens, cond)
        lp = torch.cat([F.cross_entropy(img.reshape(-1, img.shape[-1]).float(), img_targets.reshape(-1),
                                        ignore_index=-100, reduction="sum")[None],
                        F.cross_entropy(txt.reshape(-1, txt.shape[-1]).float(), txt_targets.reshape(-1),
                                        ignore_index=-100, reduction="sum")[None]]).sum()
        n = (img_targets != -100).sum() + (txt_targets != -100).sum()
        return lp / n.clamp_min(1)


# ------------------------------------------------------------------------------------------ training batches
def random_mask(n_rows: int, n_pos: int, gen: torch.Generator) -> torch.Tensor:
    """(n_rows, n_pos) bool: per row a cosine-scheduled fraction masked (at least one position)."""
    r = torch.rand(n_rows, generator=gen)
    k = torch.clamp((mask_schedule(r) * n_pos).ceil().long(), 1, n_pos)  # (B,)
    order = torch.rand(n_rows, n_pos, generator=gen).argsort(1).argsort(1)  # a random rank per position
    return order < k[:, None]


def masked_batch(c: MaskGITConfig, text_ids, codes, reverse, drop, gen: torch.Generator):
    """text_ids (B, L) pad-filled, codes (B, G*G), reverse/drop (B,) bool -> tokens (B, T), img_targets, txt_targets.

    Forward rows (reverse False): caption visible (all pad where `drop`), image codes masked by `random_mask`.
    Reverse rows: image visible, caption positions masked by `random_mask`."""
    B = len(codes)
    caption = torch.where(drop[:, None], torch.full_like(text_ids, c.pad_id), text_ids)
    img_mask = random_mask(B, c.image_tokens, gen) & ~reverse[:, None]
    txt_mask = random_mask(B, c.caption_len, gen) & reverse[:, None]
    img_tok = torch.where(img_mask, torch.full_like(codes, c.mask_id), codes + c.image_offset)
    txt_tok = torch.where(txt_mask, torch.full_like(caption, c.mask_id), caption)
    tokens = torch.cat([torch.full((B, 1), c.bot, dtype=torch.long), txt_tok, img_tok], 1)
    img_targets = torch.where(img_mask, codes, torch.full_like(codes, -100))
    txt_targets = torch.where(txt_mask, caption, torch.full_like(caption, -100))
    return tokens, img_targets, txt_targets


# ------------------------------------------------------------------------------------------ decoding
def _gumbel(shape, gen, device):
    u = torch.rand(shape, generator=gen).clamp(1e-20, 1.0).to(device)
    return -torch.log(-torch.log(u).clamp_min(1e-20))


@torch.no_grad()
def generate_codes(model: MaskGIT, text_ids, steps: int = 10, cfg_scale: float = 3.0, temperature: float = 1.0,
                   top_k: int = 0, choice_temperature: float = 4.5, gen: torch.Generator | None = None, cond=None,
                   on_step=None):
    """text_ids (B, L) -> codes (B, G*G) in `steps` parallel decoding steps with classifier-free guidance.

    Rows are run as the runtime runs them: [B conditional; B unconditional (all-pad caption, zero cond)].
    `on_step(step, codes)` sees the current estimate (every masked position filled with its sample) after each step.
    """
    c, B = model.c, len(text_ids)
    dev = text_ids.device
    if model.cond_proj is not None:
        if cond is None:
            raise ValueError(f"this model is conditioned (cond_dim {c.cond_dim}): pass the prompts' CLIP text embeddings")
        cond = torch.cat([cond.to(dev), torch.zeros_like(cond, device=dev)])
    caption = torch.cat([text_ids, torch.full_like(text_ids, c.pad_id)])
    codes = torch.full((B, c.image_tokens), -1, dtype=torch.long, device=dev)  # -1 = masked
    n = c.image_tokens
    for s in range(steps):
        masked = codes < 0
        img_tok = torch.where(masked, torch.full_like(codes, c.mask_id), codes + c.image_offset)
        tokens = torch.cat([torch.full((2 * B, 1), c.bot, device=dev, dtype=torch.long), caption,
                            torch.cat([img_tok, img_tok])], 1)
        lg, _ = model(tokens, cond)
        lg = lg.float()
        lg = lg[B:] + cfg_scale * (lg[:B] - lg[B:])
        lg = lg / max(temperature, 1e-5)
        if top_k:
            kth = lg.topk(min(top_k, lg.shape[-1]), dim=-1).values[..., -1:]
            lg = lg.masked_fill(lg < kth, -float("inf"))
        probs = lg.softmax(-1)  # (B, n, K)
        sample = torch.multinomial(probs.reshape(-1, probs.shape[-1]).cpu(), 1, generator=gen).view(B, n).to(dev)
        conf = probs.gather(-1, sample[..., None])[..., 0].clamp_min(1e-20).log()
        anneal = choice_temperature * (1.0 - (s + 1) / steps)
        conf = conf + anneal * _gumbel(conf.shape, gen, dev)
        conf = torch.where(masked, conf, torch.full_like(conf, float("inf")))  # decided positions stay
        filled = torch.where(masked, sample, codes)
        keep_masked = masked_after_step(n, s, steps)
        if keep_masked > 0:
            remask = conf.argsort(1)[:, :keep_masked]  # the least confident of this step's samples
            codes = filled.scatter(1, remask, -1)
        else:
            codes = filled
        if on_step is not None:
            on_step(s, filled)
    return codes


# Sampled captions: the choice temperature of the Gumbel noise on the caption positions' confidences (annealed to
# 0 at the last step, as for images); the runtime uses the same (packages/model CAPTION_CHOICE_TEMPERATURE).
CAPTION_CHOICE_TEMPERATURE = 2.0


@torch.no_grad()
def caption_ids(model: MaskGIT, codes, steps: int = 6, cond=None, temperature: float = 0.0,
                gen: torch.Generator | None = None, text_limit: int | None = None):
    """codes (B, G*G) -> caption text ids (B, L) by masked decoding of the caption positions given the image (and,
    for a conditioned model, the image's CLIP embedding: the common latent). Pads mark the end. Candidates at each
    position: pad and the ordinary text ids FIRST_TEXT_ID .. text_limit-1 (the runtime's rule). Temperature 0:
    greedy, confidence = log-probability. Temperature > 0: sampled from softmax(logits / temperature) with `gen`,
    confidence = log-probability + annealed Gumbel noise (CAPTION_CHOICE_TEMPERATURE)."""
    from .gpt import FIRST_TEXT_ID

    c, B = model.c, len(codes)
    dev = codes.device
    if model.cond_proj is not None and cond is None:
        cond = torch.zeros(B, c.cond_dim, device=dev)
    allowed = torch.full((c.text_vocab,), -float("inf"), device=dev)
    allowed[FIRST_TEXT_ID : min(c.text_vocab, text_limit or c.text_vocab)] = 0.0
    allowed[c.pad_id] = 0.0
    text = torch.full((B, c.caption_len), -1, dtype=torch.long, device=dev)
    n = c.caption_len
    for s in range(steps):
        masked = text < 0
        txt_tok = torch.where(masked, torch.full_like(text, c.mask_id), text)
        tokens = torch.cat([torch.full((B, 1), c.bot, device=dev, dtype=torch.long), txt_tok,
                            codes + c.image_offset], 1)
        _, lg = model(tokens, cond)
        lg = lg.float()[..., : c.text_vocab]
        if temperature > 0:
            lg = lg + allowed
            lp = (lg / temperature).log_softmax(-1)
            best = torch.multinomial(lp.exp().reshape(-1, lp.shape[-1]).cpu(), 1, generator=gen).view(B, n).to(dev)
            conf = lp.gather(-1, best[..., None])[..., 0].clamp_min(math.log(1e-20))
            conf = conf + CAPTION_CHOICE_TEMPERATURE * (1.0 - (s + 1) / steps) * _gumbel(conf.shape, gen, dev)
        else:  # the best allowed id, its confidence its log-probability over the whole row (as the runtime)
            best = (lg + allowed).argmax(-1)
            conf = lg.log_softmax(-1).gather(-1, best[..., None])[..., 0]
        conf = torch.where(masked, conf, torch.full_like(conf, float("inf")))
        filled = torch.where(masked, best, text)
        keep_masked = masked_after_step(n, s, steps)
        text = filled.scatter(1, conf.argsort(1)[:, :keep_masked], -1) if keep_masked > 0 else filled
    return text


@torch.no_grad()
def caption_logprob(model: MaskGIT, codes, text_ids, cond=None):
    """Mean log-probability per caption position (pads included up to the first) of each caption given its image,
    with every caption position masked at once: (B,). Used to rank candidate captions, like the GPT's."""
    c, B = model.c, len(codes)
    if model.cond_proj is not None and cond is None:
        cond = torch.zeros(B, c.cond_dim, device=codes.device)
    tokens = torch.cat([torch.full((B, 1), c.bot, device=codes.device, dtype=torch.long),
                        torch.full_like(text_ids, c.mask_id), codes + c.image_offset], 1)
    _, lg = model(tokens, cond)
    lp = lg.float().log_softmax(-1).gather(-1, text_ids[..., None])[..., 0]
    n = (text_ids != c.pad_id).sum(1)
    keep = torch.arange(c.caption_len, device=codes.device)[None] <= n[:, None]
    return (lp * keep).sum(1) / keep.sum(1)
