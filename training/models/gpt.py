"""GPT prior over one token stream that holds text and VQ image codes, in both directions.

Unified vocabulary (see docs/bundle-format.md):
    [0, V_text)                    text token ids, exactly the tokenizer's ids, including its special tokens
                                   <|pad|>, <|bot|>, <|eot|>, <|boi|>, <|boc|> (packages/tokenizer)
    [V_text, V_text + K)           image code c -> V_text + c
Streams (L = caption_len, G*G = 64 image codes), length T = 1 + G*G + 1 + L + 1:
    text -> image  [<|bot|>, t_1 .. t_L (pad-filled), <|boi|>, c_1 .. c_64, pad]   loss on the 64 codes
    image -> text  [<|boi|>, c_1 .. c_64, <|boc|>, t_1 .. t_n, <|eot|>, pad ...]    loss on text + <|eot|>
The first token marks the direction. Caption dropout (all-pad caption) trains the unconditional branch for
classifier-free guidance (Ho & Salimans 2022). `step` runs one token with a static-size KV cache for ONNX export.

Common-latent conditioning (`cond_dim` > 0, bundle format 3): a CLIP embedding (unit vector of the shared
text/image space) is projected, without bias, and added to the input of position 0 only (the <|bot|> token), so
it reaches every later position through attention and, at inference, through the KV cache. Training feeds the
CLIP image embedding of the target image or the CLIP text embedding of the caption; inference feeds the text
embedding of the prompt. A zero vector means "no condition" (caption dropout, the reverse stream).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    text_vocab: int = 2048
    codebook_size: int = 512
    image_tokens: int = 64
    caption_len: int = 24
    pad_id: int = 0  # the tokenizer's special-token ids (text ids)
    bot: int = 1
    eot: int = 2
    boi: int = 3
    boc: int = 4
    d_model: int = 256
    n_layer: int = 6
    n_head: int = 8
    dropout: float = 0.0
    cond_dim: int = 0  # > 0: a CLIP embedding of this size conditions position 0 (0: no conditioning input)

    @property
    def image_offset(self) -> int:
        return self.text_vocab

    @property
    def vocab_size(self) -> int:
        return self.text_vocab + self.codebook_size

    @property
    def block_size(self) -> int:
        return 1 + self.image_tokens + 1 + self.caption_len + 1


class Block(nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        assert c.d_model % c.n_head == 0, f"d_model {c.d_model} not divisible by n_head {c.n_head}"
        self.n_head, self.hd = c.n_head, c.d_model // c.n_head
        self.ln1, self.ln2 = nn.LayerNorm(c.d_model), nn.LayerNorm(c.d_model)
        self.qkv, self.proj = nn.Linear(c.d_model, 3 * c.d_model), nn.Linear(c.d_model, c.d_model)
        self.mlp = nn.Sequential(nn.Linear(c.d_model, 4 * c.d_model), nn.GELU(), nn.Linear(4 * c.d_model, c.d_model))
        self.drop = nn.Dropout(c.dropout)

    def _qkv(self, x):  # (B, T, C) -> 3 x (B, h, T, hd)
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        return [t.view(B, T, self.n_head, self.hd).transpose(1, 2) for t in (q, k, v)]

    def _out(self, x, y):  # y (B, h, T, hd)
        B, T, C = x.shape
        x = x + self.drop(self.proj(y.transpose(1, 2).reshape(B, T, C)))
        return x + self.drop(self.mlp(self.ln2(x)))

    def forward(self, x, causal_bias):  # x (B, T, C), causal_bias (T, T)
        q, k, v = self._qkv(x)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hd) + causal_bias  # (B, h, T, T)
        return self._out(x, self.drop(att.softmax(-1)) @ v)

    def step(self, x, k_t, v, write_k, write_v, visible_bias):
        """x (B, 1, C); k_t (B, h, hd, Tmax) keys stored transposed; v (B, h, Tmax, hd); write_k (1, 1, 1, Tmax) and
        write_v (1, 1, Tmax, 1) bool one-hot of pos; visible_bias (Tmax,). Written for a small exported graph: one
        Reshape + Split for q/k/v, one Where per cache write, no transposes (see docs/bundle-format.md §6)."""
        C = x.shape[-1]
        q, k_new, v_new = self.qkv(self.ln1(x)).reshape(-1, 3 * self.n_head, 1, self.hd).split(self.n_head, dim=1)
        k_t = torch.where(write_k, k_new.reshape(-1, self.n_head, self.hd, 1), k_t)  # T=1: the reshape transposes
        v = torch.where(write_v, v_new, v)
        att = (q * (1.0 / math.sqrt(self.hd))) @ k_t + visible_bias  # (B, h, 1, Tmax)
        y = (att.softmax(-1) @ v).reshape(-1, 1, C)  # (B, h, 1, hd) -> (B, 1, C): T=1, so no transpose either
        x = x + self.proj(y)
        return x + self.mlp(self.ln2(x)), k_t, v


def init_weights(m: nn.Module) -> None:
    """GPT-2 initialisation of one module: N(0, 0.02) weights for Linear and Embedding, zero Linear biases."""
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, std=0.02)
    if isinstance(m, nn.Linear) and m.bias is not None:
        nn.init.zeros_(m.bias)


def build_trunk(m: nn.Module, c, block, scale_cond_proj: bool = True) -> None:
    """The transformer trunk the GPT and the masked transformer share, on `m`: token and position embeddings, `c.n_layer`
    blocks of `block(c)`, final LayerNorm, dropout and the conditioning projection (`c.cond_dim` > 0), with GPT-2's
    initialisation (residual projections scaled by 1/sqrt(2 n_layer); the conditioning projection too unless
    `scale_cond_proj` is False)."""
    m.tok = nn.Embedding(c.vocab_size, c.d_model)
    m.pos = nn.Parameter(torch.zeros(1, c.block_size, c.d_model))
    m.blocks = nn.ModuleList([block(c) for _ in range(c.n_layer)])
    m.ln = nn.LayerNorm(c.d_model)
    m.drop = nn.Dropout(c.dropout)
    m.cond_proj = nn.Linear(c.cond_dim, c.d_model, bias=False) if c.cond_dim else None
    m.apply(init_weights)
    nn.init.normal_(m.pos, std=0.02)
    for n, p in m.named_parameters():
        scaled = n.endswith("proj.weight") and (scale_cond_proj or not n.startswith("cond"))
        if scaled or n.endswith("mlp.2.weight"):  # GPT-2 scaled residual init
            nn.init.normal_(p, std=0.02 / math.sqrt(2 * c.n_layer))


class GPT(nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        self.c = c
        build_trunk(self, c, Block)

    def logits(self, h):  # weight-tied output head: (…, C) -> (…, V)
        return self.ln(h) @ self.tok.weight.t()

    def _project_cond(self, cond):  # (B, E) -> (B, 1, C); None for an unconditioned GPT
        if self.cond_proj is None:
            return None
        if cond is None:
            raise ValueError(f"this GPT is conditioned (cond_dim {self.c.cond_dim}): pass cond, zeros for none")
        return self.cond_proj(cond)[:, None]

    def _cond_at_0(self, cond, T: int):  # (B, E) -> (B, T, C) zero except at position 0
        e = self._project_cond(cond)
        return 0.0 if e is None else torch.cat([e, e.new_zeros(e.shape[0], T - 1, e.shape[2])], 1)

    def forward(self, idx, targets=None, cond=None):  # idx (B, T), cond (B, E) -> logits (B, T, V), loss
        B, T = idx.shape
        assert T <= self.c.block_size, f"sequence length {T} > block size {self.c.block_size}"
        x = self.drop(self.tok(idx) + self.pos[:, :T] + self._cond_at_0(cond, T))
        bias = torch.full((T, T), -1e4, device=idx.device).triu(1)
        for blk in self.blocks:
            x = blk(x, bias)
        logits = self.logits(x)
        loss = None
        if targets is not None:  # targets use -100 where no loss applies
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    def empty_cache(self, batch: int, device=None, dtype=torch.float32) -> list[torch.Tensor]:
        """Zeroed per-layer caches [k_0, v_0, k_1, v_1, …]: keys (B, h, hd, T) transposed, values (B, h, T, hd)."""
        h, hd, T = self.c.n_head, self.c.d_model // self.c.n_head, self.c.block_size
        return [torch.zeros((batch, h, hd, T) if j % 2 == 0 else (batch, h, T, hd), device=device, dtype=dtype)
                for j in range(2 * self.c.n_layer)]

    def step(self, tokens, pos, caches: list[torch.Tensor], cond=None):
        """One decoding step with a static KV cache (bundle formats 2 and 3, docs/bundle-format.md §6).

        tokens (B, 1) int64; pos (1,) int64, the position of `tokens` in the stream (0-based, same for all rows);
        caches: per layer the keys transposed (B, n_head, head_dim, block_size) and the values
        (B, n_head, block_size, head_dim), as [k_0, v_0, k_1, v_1, …] (see `empty_cache`); cond (B, cond_dim)
        when the model is conditioned: used at pos 0 only, ignored at every other position.
        Returns logits (B, V) for the next token and the updated caches (same shapes, same order).
        """
        Tm = self.c.block_size
        ar = torch.arange(Tm, device=tokens.device)
        hit = ar == pos
        write_k, write_v = hit.view(1, 1, 1, Tm), hit.view(1, 1, Tm, 1)
        visible_bias = torch.where(ar > pos, torch.tensor(-1e4, device=tokens.device),
                                   torch.tensor(0.0, device=tokens.device))  # (Tmax,)
        x = self.tok(tokens) + self.pos[0].index_select(0, pos)  # (B, 1, C)
        e = self._project_cond(cond)
        if e is not None:
            x = x + (pos == 0).to(x.dtype).view(1, 1, 1) * e
        out = []
        for i, blk in enumerate(self.blocks):
            x, k_t, v = blk.step(x, caches[2 * i], caches[2 * i + 1], write_k, write_v, visible_bias)
            out += [k_t, v]
        return self.logits(x)[:, 0], out


# ------------------------------------------------------------------------------------------ streams
def forward_stream(c: GPTConfig, text_ids, codes):
    """text_ids (B, L) pad-filled, codes (B, 64) -> tokens (B, T), targets (B, T-1) with -100 off the codes."""
    B = len(codes)
    col = lambda v: torch.full((B, 1), v, dtype=torch.long, device=codes.device)  # noqa: E731
    tokens = torch.cat([col(c.bot), text_ids, col(c.boi), codes + c.image_offset, col(c.pad_id)], 1)
    targets = tokens[:, 1:].clone()
    start = 1 + c.caption_len  # target index of c_1 (predicted from <|boi|>)
    targets[:, :start] = -100
    targets[:, start + c.image_tokens :] = -100
    return tokens, targets


def reverse_stream(c: GPTConfig, text_ids, codes):
    """codes (B, 64), text_ids (B, L) -> tokens (B, T), targets: text tokens and <|eot|> only."""
    B, L = text_ids.shape
    col = lambda v: torch.full((B, 1), v, dtype=torch.long, device=codes.device)  # noqa: E731
    n = (text_ids != c.pad_id).sum(1)  # (B,) caption lengths (captions are right-padded)
    text = torch.cat([text_ids, col(c.pad_id)], 1)  # (B, L + 1)
    text = torch.where(torch.arange(L + 1, device=codes.device)[None] == n[:, None], col(c.eot), text)
    tokens = torch.cat([col(c.boi), codes + c.image_offset, col(c.boc), text], 1)
    targets = tokens[:, 1:].clone()
    head = 1 + c.image_tokens  # target index of t_1 (predicted from <|boc|>)
    targets[:, :head] = -100
    after = torch.arange(L + 1, device=codes.device)[None] > n[:, None]
    targets[:, head:] = targets[:, head:].masked_fill(after, -100)
    return tokens, targets


# ------------------------------------------------------------------------------------------ sampling
@torch.no_grad()
def generate_codes(model: GPT, text_ids, cfg_scale: float = 3.0, top_k: int = 64, temperature: float = 1.0,
                   gen: torch.Generator | None = None, cond=None):
    """text_ids (B, L) -> codes (B, 64), sampled with the KV-cache step and classifier-free guidance.

    Rows are laid out as the runtime does: [B conditional rows; B unconditional (all-pad caption) rows].
    cond (B, cond_dim): the prompts' CLIP text embeddings, for a conditioned model (the unconditional rows get zeros).
    """
    c, B = model.c, len(text_ids)
    dev = text_ids.device
    if model.cond_proj is not None:
        if cond is None:
            raise ValueError(f"this GPT is conditioned (cond_dim {c.cond_dim}): pass the prompts' CLIP text embeddings")
        cond = torch.cat([cond.to(dev), torch.zeros_like(cond, device=dev)])
    uncond = torch.full_like(text_ids, c.pad_id)
    prefix = torch.cat([torch.full((2 * B, 1), c.bot, device=dev), torch.cat([text_ids, uncond]),
                        torch.full((2 * B, 1), c.boi, device=dev)], 1)  # (2B, L + 2)
    caches = model.empty_cache(2 * B, dev)
    for p in range(prefix.shape[1]):
        logits, caches = model.step(prefix[:, p : p + 1], torch.tensor([p], device=dev), caches, cond)
    out = []
    for i in range(c.image_tokens):
        lg = logits[:, c.image_offset : c.image_offset + c.codebook_size].float()  # only image codes
        lg = lg[B:] + cfg_scale * (lg[:B] - lg[B:])
        lg = lg / max(temperature, 1e-5)
        if top_k:
            kth = lg.topk(min(top_k, lg.shape[1]), dim=1).values[:, -1:]
            lg = lg.masked_fill(lg < kth, -float("inf"))
        nxt = torch.multinomial(lg.softmax(-1).cpu(), 1, generator=gen).to(dev)  # (B, 1)
        out.append(nxt)
        pos = prefix.shape[1] + i
        if i + 1 < c.image_tokens:
            logits, caches = model.step(torch.cat([nxt, nxt]) + c.image_offset, torch.tensor([pos], device=dev), caches,
                                        cond)
    return torch.cat(out, 1)


# Text ids below this are the tokenizer's special-token slots (packages/tokenizer SPECIAL_TOKEN_SLOTS); a caption
# is made of ordinary ids only, ended by <|eot|> (the runtime's rule, packages/model/src/caption.ts).
FIRST_TEXT_ID = 32


@torch.no_grad()
def caption_ids(model: GPT, codes, temperature: float = 0.0, gen: torch.Generator | None = None, text_limit=None):
    """codes (B, 64) -> caption ids (B, L), pad after the caption, under the image -> text stream with the KV-cache
    step (as the runtime captions): greedy at temperature 0, else sampled from softmax(logits / temperature) with
    `gen`. Candidates: ordinary text ids FIRST_TEXT_ID .. text_limit-1 (default text_vocab) and <|eot|>."""
    c, B, dev = model.c, len(codes), codes.device
    limit = min(c.text_vocab, text_limit or c.text_vocab)
    allowed = torch.full((c.vocab_size,), -float("inf"), device=dev)
    allowed[FIRST_TEXT_ID:limit] = 0.0
    allowed[c.eot] = 0.0
    cond = torch.zeros(B, c.cond_dim, device=dev) if model.cond_proj is not None else None
    prefix = torch.cat([torch.full((B, 1), c.boi, device=dev), codes + c.image_offset,
                        torch.full((B, 1), c.boc, device=dev)], 1)
    caches = model.empty_cache(B, dev)
    for p in range(prefix.shape[1]):
        logits, caches = model.step(prefix[:, p : p + 1], torch.tensor([p], device=dev), caches, cond)
    out = torch.full((B, c.caption_len), c.pad_id, dtype=torch.long, device=dev)
    done = torch.zeros(B, dtype=torch.bool, device=dev)
    for t in range(c.caption_len):
        lg = logits.float() + allowed
        if temperature > 0:
            nxt = torch.multinomial((lg / temperature).softmax(-1).cpu(), 1, generator=gen)[:, 0].to(dev)
        else:
            nxt = lg.argmax(-1)
        done |= nxt == c.eot
        out[:, t] = torch.where(done, torch.full_like(nxt, c.pad_id), nxt)
        if done.all() or t + 1 == c.caption_len:
            break
        logits, caches = model.step(nxt[:, None], torch.tensor([prefix.shape[1] + t], device=dev), caches, cond)
    return out


@torch.no_grad()
def caption_logprob(model: GPT, codes, text_ids):
    """Mean log-probability per token (text + <|eot|>) of each caption under the image->text stream: (B,)."""
    tokens, targets = reverse_stream(model.c, text_ids, codes)
    cond = codes.new_zeros(len(codes), model.c.cond_dim, dtype=torch.float32) if model.cond_proj is not None else None
    logits, _ = model(tokens[:, :-1], cond=cond)
    lp = logits.float().log_softmax(-1)
    mask = targets != -100
    tok_lp = lp.gather(-1, targets.clamp_min(0)[..., None])[..., 0] * mask
    return tok_lp.sum(1) / mask.sum(1)
