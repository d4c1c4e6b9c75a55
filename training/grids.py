"""Sample grids for the bundle: `samples.png` (common prompts, CLIP-reranked as the app shows them) and
`heldout-samples.png` (validation captions: the R-precision image with rerank off, three more, the real image)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from .data import Dataset
from .models.clip import CLIP

# Prompts a person should recognise (fruit, food, faces, animals, things, symbols, a flag); used only for the
# picture (issue 15 names these sixteen). Most are training concepts: the grid shows what the app draws for
# everyday prompts, the held-out grid and the metrics show generalisation.
SHOWCASE = ["red apple", "banana", "pizza", "dog face", "cat face", "airplane", "car", "house", "tree", "sun", "star",
            "red heart", "smiling face with sunglasses", "rocket", "flag of france", "birthday cake"]


def _generator(model, ec: dict):
    """A generators.ARGenerator / MaskedGenerator as is; a bare GPT wrapped with the eval settings."""
    from .generators import ARGenerator

    return model if hasattr(model, "codes") else ARGenerator(model, ec)


def prompt_cond(gpt, clip: CLIP, ids: torch.Tensor) -> torch.Tensor | None:
    """The prompts' CLIP text embeddings when the model (a GPT or a generator) is conditioned on them, else None."""
    conditioned = gpt.conditioned if hasattr(gpt, "conditioned") else gpt.cond_proj is not None
    return clip.text(ids) if conditioned else None


# ------------------------------------------------------------------------------------------------ grids
def _tile(img: torch.Tensor, scale: int = 2) -> Image.Image:
    arr = (img.clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    im = Image.fromarray(arr)
    return im.resize((im.width * scale, im.height * scale), Image.NEAREST)


def draw_grid(rows: list[tuple[str, list[torch.Tensor]]], path: Path, label_w: int = 230) -> None:
    """One row per caption: the caption on the left, then its images at 2x."""
    cell = rows[0][1][0].shape[-1] * 2 + 4
    n = max(len(r[1]) for r in rows)
    canvas = Image.new("RGB", (label_w + n * cell, len(rows) * cell), "white")
    d, font = ImageDraw.Draw(canvas), ImageFont.load_default()
    for r, (label, imgs) in enumerate(rows):
        d.text((4, r * cell + cell // 2 - 6), label[:36], fill="black", font=font)
        for j, im in enumerate(imgs):
            canvas.paste(_tile(im), (label_w + j * cell + 2, r * cell + 2))
    canvas.save(path)


@torch.no_grad()
def showcase_grid(ds: Dataset, gpt, vq, clip: CLIP, ec: dict, path: Path, device, n: int = 8,
                  show: int = 8, prompts: list[str] | None = None) -> None:
    """Common prompts as the app generates them: `n` candidates each, reranked by CLIP, the best `show` drawn (best
    first); tokenized with the run's tokenizer. `gpt`: a GPT or a generator (generators.py)."""
    from . import tokenize

    tok = ds.tokenizer_path
    if tok is None or not tokenize.cli_available():  # test fallback tokenizer or no node: held-out captions
        prompts, ids = [ds.cap_text[int(ds.canonical[i])] for i in ds.heldout_idx[:4]], ds.cap_ids[ds.canonical[ds.heldout_idx[:4]]]
    else:
        prompts = prompts or SHOWCASE
        ids = torch.from_numpy(tokenize.encode(prompts, Path(tok), ds.caption_len).astype(np.int64))
    g = torch.Generator().manual_seed(1)
    rep = ids.repeat_interleave(n, 0).to(device)
    codes = _generator(gpt, ec).codes(rep, g, prompt_cond(gpt, clip, rep))
    imgs = vq.decode(codes.view(-1, vq.c.grid, vq.c.grid)).cpu()
    score = (clip.image(imgs.to(device)) * clip.text(rep)).sum(1).cpu().view(len(prompts), n)
    rows = []
    for p, prompt in enumerate(prompts):
        order = score[p].argsort(descending=True)[:show]
        rows.append((prompt, [imgs[p * n + int(j)] for j in order]))
    draw_grid(rows, path)


@torch.no_grad()
def held_grid(ds: Dataset, q, gen_imgs, gpt, vq, clip, ec, path: Path, device, n: int = 4) -> None:
    """Validation captions: the image generated for the R-precision (rerank off), 3 more samples, then the real one."""
    g = torch.Generator().manual_seed(2)
    ids = ds.cap_ids[ds.canonical[q]].to(device).repeat_interleave(n - 1, 0)
    more = _generator(gpt, ec).codes(ids, g, prompt_cond(gpt, clip, ids))
    more = vq.decode(more.view(-1, vq.c.grid, vq.c.grid)).cpu()
    rows = []
    for r, i in enumerate(q.tolist()):
        label = "validation: " + ds.cap_text[int(ds.canonical[i])]
        rows.append((label, [gen_imgs[r]] + [more[r * (n - 1) + j] for j in range(n - 1)] + [ds.images[i].float() / 255]))
    draw_grid(rows, path)
