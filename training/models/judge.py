"""The independent judge: a second CLIP-style dual encoder that only *scores* (issue #14 item 2).

It is built to share as little as possible with `models/clip.py`, whose embeddings condition the GPT and rerank
its samples, so that a model cannot raise its score by pleasing the model that scores it:
- image side: a ConvMixer (Trockman & Kolter 2022, "Patches Are All You Need?", arXiv:2201.09792): a 4x4
  patch embedding, then isotropic depthwise + pointwise convolutions at one resolution, global average pooling;
  the CLIP uses a strided conv pyramid with a flattened 4x4 head;
- text side: a bag of hashed words and character trigrams (fastText: Bojanowski et al. 2017, "Enriching Word
  Vectors with Subword Information") into an MLP, no attention at all (the CLIP: 3 transformer layers over BPE
  ids); hashing needs no vocabulary, so it shares no tokenizer with the bundle and learned none from a caption,
  and trigrams let it read names it never saw from their parts (a held-out "monocle face" still has "face");
- its own seed, trained on the train split only (`train_judge.py`); never exported, never shipped.
The loss is the same symmetric in-batch InfoNCE (Radford et al. 2021) with same-concept pairs masked.
"""

from __future__ import annotations

import math
import unicodedata
import zlib
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

@dataclass
class JudgeConfig:
    d_text: int = 128
    dim: int = 192  # ConvMixer width
    depth: int = 8
    kernel: int = 5
    patch: int = 4
    embed_dim: int = 128
    res: int = 32
    buckets: int = 8192  # hash buckets of the n-gram table
    ngrams: int = 64  # n-gram ids kept per caption


def encode_ngrams(texts: list[str], buckets: int, length: int) -> torch.Tensor:
    """Captions -> (B, length) hashed ids (1 + crc32 % (buckets - 1); 0 pads) of each word and of the character
    trigrams of "<word>" (Bojanowski et al. 2017, "Enriching Word Vectors with Subword Information")."""
    out = torch.zeros(len(texts), length, dtype=torch.long)
    for i, t in enumerate(texts):
        grams = []
        for w in unicodedata.normalize("NFKC", t).lower().split():
            grams.append("w:" + w)
            b = f"<{w}>"
            grams += [b[j : j + 3] for j in range(len(b) - 2)]
        ids = [1 + zlib.crc32(g.encode()) % (buckets - 1) for g in grams[:length]]
        if ids:
            out[i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    return out


class NgramTextEncoder(nn.Module):
    def __init__(self, c: JudgeConfig):
        super().__init__()
        self.c = c
        self.bag = nn.EmbeddingBag(c.buckets, c.d_text, mode="mean", padding_idx=0)
        self.mlp = nn.Sequential(nn.LayerNorm(c.d_text), nn.Linear(c.d_text, 2 * c.d_text), nn.GELU(),
                                 nn.Linear(2 * c.d_text, c.embed_dim))

    def forward(self, ids):  # (B, K) hashed n-gram ids -> (B, E) unit vectors
        ids = torch.cat([ids, torch.ones_like(ids[:, :1])], 1)  # bucket 1 in every bag: an empty caption embeds too
        return F.normalize(self.mlp(self.bag(ids)), dim=-1)


def text_ids(c: JudgeConfig, texts: list[str]) -> torch.Tensor:
    return encode_ngrams(texts, c.buckets, c.ngrams)


class Residual(nn.Module):
    def __init__(self, fn: nn.Module):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return x + self.fn(x)


class ConvMixerImageEncoder(nn.Module):
    def __init__(self, c: JudgeConfig):
        super().__init__()
        assert c.res % c.patch == 0, f"res {c.res} not divisible by patch {c.patch}"
        d = c.dim
        act = lambda: nn.Sequential(nn.GELU(), nn.BatchNorm2d(d))  # noqa: E731
        self.net = nn.Sequential(
            nn.Conv2d(3, d, c.patch, stride=c.patch), act(),
            *[nn.Sequential(Residual(nn.Sequential(nn.Conv2d(d, d, c.kernel, groups=d, padding=c.kernel // 2), act())),
                            nn.Conv2d(d, d, 1), act()) for _ in range(c.depth)])
        self.head = nn.Linear(d, c.embed_dim)

    def forward(self, x):  # (B, 3, R, R) in [0, 1] -> (B, E) unit vectors
        h = self.net(x * 2 - 1).mean((2, 3))  # (B, d)
        return F.normalize(self.head(h), dim=-1)


class Judge(nn.Module):
    def __init__(self, c: JudgeConfig):
        super().__init__()
        self.c = c
        self.text = NgramTextEncoder(c)
        self.image = ConvMixerImageEncoder(c)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def loss(self, images, ids, concept):
        """images (B, 3, R, R), ids (B, K) hashed n-gram ids, concept (B,) merged concept ids."""
        img, txt = self.image(images), self.text(ids)
        logits = self.logit_scale.clamp(max=math.log(100.0)).exp() * img @ txt.t()  # (B, B)
        same = (concept[:, None] == concept[None, :]) & ~torch.eye(len(ids), dtype=torch.bool, device=ids.device)
        logits = logits.masked_fill(same, -1e4)
        target = torch.arange(len(ids), device=ids.device)
        return (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) / 2

    @torch.no_grad()
    def embed_texts(self, texts: list[str], device="cpu", chunk: int = 512) -> torch.Tensor:
        ids = text_ids(self.c, texts)
        return torch.cat([self.text(ids[s : s + chunk].to(device)).cpu() for s in range(0, len(ids), chunk)])

    @torch.no_grad()
    def embed_images(self, images: torch.Tensor, device="cpu", chunk: int = 512) -> torch.Tensor:
        """images: uint8 or float in [0, 1], (N, 3, R, R)."""
        out = []
        for s in range(0, len(images), chunk):
            part = images[s : s + chunk].to(device)
            out.append(self.image(part.float() / 255 if part.dtype == torch.uint8 else part).cpu())
        return torch.cat(out)
