"""VQ-VAE image tokenizer: 32x32 RGB -> 8x8 grid of codes from a 512-entry codebook, and back.

EMA codebook updates (van den Oord et al. 2017, appendix; "Neural Discrete Representation Learning") with
dead-code restarts from encoder outputs (Dhariwal et al. 2020, Jukebox §3): without restarts the codebook
collapses to a handful of codes on this data. Images are float (B, 3, H, W) in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class VQConfig:
    res: int = 32  # input resolution
    downsample: int = 2  # number of stride-2 stages: 32 -> 8 with 2
    ch: int = 64  # channels at full resolution
    ch_mult: list = field(default_factory=lambda: [1, 2, 2])  # per stage (len = downsample + 1)
    n_res: list = field(default_factory=lambda: [0, 1, 2])  # residual blocks per stage (full res first)
    codebook_size: int = 512
    code_dim: int = 64
    beta: float = 0.25  # commitment weight
    ema_decay: float = 0.99
    restart_threshold: float = 1.0  # EMA usage (codes/step) below which a code is dead and restarted

    @property
    def grid(self) -> int:
        return self.res // (2**self.downsample)


class ResBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.block = nn.Sequential(
            nn.GroupNorm(8, ch), nn.SiLU(), nn.Conv2d(ch, ch, 3, padding=1),
            nn.GroupNorm(8, ch), nn.SiLU(), nn.Conv2d(ch, ch, 3, padding=1),
        )

    def forward(self, x):
        return x + self.block(x)


class Encoder(nn.Module):
    def __init__(self, c: VQConfig):
        super().__init__()
        chs = [c.ch * m for m in c.ch_mult]
        layers: list[nn.Module] = [nn.Conv2d(3, chs[0], 3, padding=1)]
        for s in range(c.downsample + 1):
            layers += [ResBlock(chs[s]) for _ in range(c.n_res[s])]
            if s < c.downsample:
                layers.append(nn.Conv2d(chs[s], chs[s + 1], 4, stride=2, padding=1))
        layers += [nn.GroupNorm(8, chs[-1]), nn.SiLU(), nn.Conv2d(chs[-1], c.code_dim, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):  # (B, 3, R, R) -> (B, D, G, G)
        return self.net(x * 2 - 1)


class Decoder(nn.Module):
    def __init__(self, c: VQConfig):
        super().__init__()
        chs = [c.ch * m for m in c.ch_mult][::-1]
        layers: list[nn.Module] = [nn.Conv2d(c.code_dim, chs[0], 3, padding=1)]
        for s in range(c.downsample + 1):
            layers += [ResBlock(chs[s]) for _ in range(c.n_res[::-1][s])]
            if s < c.downsample:
                layers.append(nn.ConvTranspose2d(chs[s], chs[s + 1], 4, stride=2, padding=1))
        layers += [nn.GroupNorm(8, chs[-1]), nn.SiLU(), nn.Conv2d(chs[-1], 3, 3, padding=1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z):  # (B, D, G, G) -> (B, 3, R, R), roughly [0, 1]
        return self.net(z) * 0.5 + 0.5


class EMACodebook(nn.Module):
    """Nearest-neighbour quantiser whose entries follow an EMA of the encoder outputs assigned to them."""

    def __init__(self, c: VQConfig):
        super().__init__()
        self.c = c
        self.register_buffer("embed", torch.randn(c.codebook_size, c.code_dim) * 0.1)  # (K, D)
        self.register_buffer("cluster_size", torch.ones(c.codebook_size))  # EMA of assignments per step
        self.register_buffer("embed_sum", self.embed.clone())
        self.register_buffer("initialised", torch.zeros((), dtype=torch.bool))

    def codes(self, z):  # (N, D) -> (N,) nearest code index
        d = z.pow(2).sum(1, keepdim=True) - 2 * z @ self.embed.t() + self.embed.pow(2).sum(1)[None]
        return d.argmin(1)

    def forward(self, z):  # (B, D, G, G) -> quantised (B, D, G, G), codes (B, G, G)
        B, D, G, _ = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, D)  # (B*G*G, D)
        if self.training:
            self._maybe_init(flat)
        idx = self.codes(flat)
        q = F.embedding(idx, self.embed)
        if self.training:
            self._ema_update(flat.detach(), idx)
        return q.view(B, G, G, D).permute(0, 3, 1, 2), idx.view(B, G, G)

    @torch.no_grad()
    def _maybe_init(self, flat):
        if bool(self.initialised):
            return
        pick = torch.randint(0, len(flat), (self.c.codebook_size,), device=flat.device)
        self.embed.copy_(flat[pick])
        self.embed_sum.copy_(flat[pick])
        self.cluster_size.fill_(1.0)
        self.initialised.fill_(True)

    @torch.no_grad()
    def _ema_update(self, flat, idx):
        K, decay = self.c.codebook_size, self.c.ema_decay
        onehot = F.one_hot(idx, K).type(flat.dtype)  # (N, K)
        self.cluster_size.mul_(decay).add_(onehot.sum(0), alpha=1 - decay)
        self.embed_sum.mul_(decay).add_(onehot.t() @ flat, alpha=1 - decay)
        n = self.cluster_size.sum()
        size = (self.cluster_size + 1e-5) / (n + K * 1e-5) * n  # Laplace smoothing
        self.embed.copy_(self.embed_sum / size[:, None])
        # dead-code restart: re-seed rarely used codes with random encoder outputs of this batch
        dead = self.cluster_size < self.c.restart_threshold
        n_dead = int(dead.sum())
        if n_dead:
            pick = torch.randint(0, len(flat), (n_dead,), device=flat.device)
            fresh = flat[pick] + 0.01 * flat.std() * torch.randn_like(flat[pick])
            self.embed[dead] = fresh
            self.embed_sum[dead] = fresh
            self.cluster_size[dead] = self.c.restart_threshold
        self.last_restarts = n_dead


class VQVAE(nn.Module):
    def __init__(self, c: VQConfig):
        super().__init__()
        assert c.res % (2**c.downsample) == 0, f"res {c.res} not divisible by 2^{c.downsample}"
        assert len(c.ch_mult) == c.downsample + 1, f"ch_mult {c.ch_mult} needs {c.downsample + 1} entries"
        assert len(c.n_res) == c.downsample + 1, f"n_res {c.n_res} needs {c.downsample + 1} entries"
        self.c = c
        self.encoder = Encoder(c)
        self.quant = EMACodebook(c)
        self.decoder = Decoder(c)

    def forward(self, x):  # (B, 3, R, R) -> recon (B, 3, R, R), loss, codes (B, G, G)
        z = self.encoder(x)
        q, codes = self.quant(z)
        commit = F.mse_loss(z, q.detach())
        q = z + (q - z).detach()  # straight-through estimator
        recon = self.decoder(q)
        loss = F.mse_loss(recon, x) + self.c.beta * commit
        return recon, loss, codes

    @torch.no_grad()
    def encode(self, x):  # (B, 3, R, R) -> (B, G, G) int64
        z = self.encoder(x)
        B, D, G, _ = z.shape
        return self.quant.codes(z.permute(0, 2, 3, 1).reshape(-1, D)).view(B, G, G)

    def decode(self, codes):  # (B, G, G) int64 -> (B, 3, R, R) in [0, 1]
        q = F.embedding(codes, self.quant.embed).permute(0, 3, 1, 2)  # (B, D, G, G)
        return self.decoder(q).clamp(0, 1)
