"""CLIP-style dual encoder: a small text transformer and a small conv image encoder mapped to one unit sphere.

Loss: the symmetric in-batch n x n cross-entropy of Radford et al. 2021 ("Learning Transferable Visual Models
From Natural Language Supervision"), with a learned temperature, plus each image's explicit hard negative caption
(people judged it not to fit) as one extra logit in that image's image->text row. Off-diagonal pairs of the same
concept (another style of the same emoji) are masked out rather than pushed apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class CLIPConfig:
    vocab_size: int = 2048
    caption_len: int = 24
    pad_id: int = 0
    d_model: int = 128
    n_layer: int = 4
    n_head: int = 4
    embed_dim: int = 128
    res: int = 32
    img_ch: int = 32  # channels of the first conv stage; doubled per stride-2 stage down to 4x4


class Block(nn.Module):
    """Pre-LN transformer block with explicit attention (exports to plain ONNX ops)."""

    def __init__(self, d: int, n_head: int):
        super().__init__()
        assert d % n_head == 0, f"d_model {d} not divisible by n_head {n_head}"
        self.n_head = n_head
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, key_bias):  # x (B, T, C), key_bias (B, 1, 1, T) additive
        B, T, C = x.shape
        h = self.n_head
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (t.view(B, T, h, C // h).transpose(1, 2) for t in (q, k, v))  # (B, h, T, c)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // h)) + key_bias  # (B, h, T, T)
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + self.proj(y)
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    def __init__(self, c: CLIPConfig):
        super().__init__()
        self.c = c
        self.tok = nn.Embedding(c.vocab_size, c.d_model)
        self.pos = nn.Parameter(torch.zeros(1, c.caption_len, c.d_model))
        self.blocks = nn.ModuleList([Block(c.d_model, c.n_head) for _ in range(c.n_layer)])
        self.ln = nn.LayerNorm(c.d_model)
        self.head = nn.Linear(c.d_model, c.embed_dim)
        nn.init.normal_(self.pos, std=0.02)

    def forward(self, ids):  # (B, L) int64 -> (B, E) unit vectors
        assert ids.shape[1] == self.c.caption_len, f"caption length {ids.shape[1]} != {self.c.caption_len}"
        keep = (ids != self.c.pad_id).float()  # (B, L)
        keep = torch.cat([torch.ones_like(keep[:, :1]), keep[:, 1:]], 1)  # an empty caption still pools slot 0
        x = self.tok(ids) + self.pos
        bias = (1.0 - keep)[:, None, None, :] * -1e4
        for blk in self.blocks:
            x = blk(x, bias)
        x = self.ln(x)
        pooled = (x * keep[:, :, None]).sum(1) / keep.sum(1, keepdim=True)  # masked mean
        return F.normalize(self.head(pooled), dim=-1)


class ImageEncoder(nn.Module):
    def __init__(self, c: CLIPConfig):
        super().__init__()
        ch, layers, r = c.img_ch, [nn.Conv2d(3, c.img_ch, 3, padding=1), nn.SiLU()], c.res
        while r > 4:
            layers += [nn.Conv2d(ch, ch * 2, 4, stride=2, padding=1), nn.BatchNorm2d(ch * 2), nn.SiLU(),
                       nn.Conv2d(ch * 2, ch * 2, 3, padding=1), nn.BatchNorm2d(ch * 2), nn.SiLU()]
            ch, r = ch * 2, r // 2
        self.net = nn.Sequential(*layers)
        self.head = nn.Linear(ch * 16, c.embed_dim)

    def forward(self, x):  # (B, 3, R, R) in [0, 1] -> (B, E) unit vectors
        h = self.net(x * 2 - 1)  # (B, C, 4, 4)
        return F.normalize(self.head(h.flatten(1)), dim=-1)


class CLIP(nn.Module):
    def __init__(self, c: CLIPConfig):
        super().__init__()
        self.c = c
        self.text = TextEncoder(c)
        self.image = ImageEncoder(c)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def scale(self):
        return self.logit_scale.clamp(max=math.log(100.0)).exp()

    def loss(self, images, ids, concept, neg_ids=None, neg_valid=None):
        """images (B,3,R,R), ids (B,L), concept (B,) ints; neg_ids (B,L) with neg_valid (B,) bool."""
        img, txt = self.image(images), self.text(ids)  # (B, E)
        s = self.scale()
        logits = s * img @ txt.t()  # (B, B) rows: images, columns: captions
        same = (concept[:, None] == concept[None, :]) & ~torch.eye(len(ids), dtype=torch.bool, device=ids.device)
        logits = logits.masked_fill(same, -1e4)
        target = torch.arange(len(ids), device=ids.device)
        t2i = F.cross_entropy(logits.t(), target)
        if neg_ids is not None and bool(neg_valid.any()):
            neg = s * (img * self.text(neg_ids)).sum(-1, keepdim=True)  # (B, 1)
            neg = neg.masked_fill(~neg_valid[:, None], -1e4)
            logits = torch.cat([logits, neg], 1)  # (B, B + 1)
        i2t = F.cross_entropy(logits, target)
        return (i2t + t2i) / 2
