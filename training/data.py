"""Training export (docs/dataset-format.md §3) -> cached uint8 image tensors + fixed-length caption ids.

`build_cache` reads the NDJSON export (a local file or an URL of `GET /v1/export`), groups the pair rows by image,
merges concepts across sources and splits them train / validation / test (`concepts.py`), composites each RGBA PNG on white at `res`x`res`, makes
several caption variants per image (so short prompts are in distribution), tokenizes everything through the
tokenizer CLI (`tokenize.py`) and writes one compressed `.npz` plus a JSON sidecar under `training/cache/`.
`Dataset` loads that cache and samples batches. Images and captions are cached separately so the
VQ-VAE (images only) can start before the tokenizer is trained.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from . import concepts, tokenize
from .common import TRAINING

CACHE = TRAINING / "cache"
KIND_CANONICAL, KIND_PAIR, KIND_CATEGORY, KIND_SUBSET = 0, 1, 2, 3
_BOX = getattr(Image, "Resampling", Image).BOX
_LANCZOS = getattr(Image, "Resampling", Image).LANCZOS


# ---------------------------------------------------------------------------------------------- reading the export
def read_export(src: str, token: str | None = None) -> list[dict]:
    """All `pair` rows of an export, from a local NDJSON file or by following `next_cursor` pages of an URL."""
    if not src.startswith(("http://", "https://")):
        rows = [json.loads(ln) for ln in Path(src).read_text().splitlines() if ln.strip()]
        if rows and "type" not in rows[0] and "captions" in rows[0]:
            return [p for r in rows for p in seed_item_to_pairs(r)]
        return [r for r in rows if r.get("type") == "pair"]
    out, cursor = [], None
    for _ in range(100_000):  # bounded: one page per iteration
        url = src + (("&" if "?" in src else "?") + f"cursor={cursor}" if cursor else "")
        req = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"} if token else {})
        with urllib.request.urlopen(req) as resp:
            rows = [json.loads(ln) for ln in resp.read().decode().splitlines() if ln.strip()]
        out += [r for r in rows if r.get("type") == "pair"]
        end = next((r for r in rows if r.get("type") == "end"), None)
        cursor = end and end.get("next_cursor")
        if not cursor:
            return out
    raise ValueError(f"export at {src} did not end after 100000 pages")


def seed_item_to_pairs(item: dict) -> list[dict]:
    """A seed item (dataset-format §1, `seed.ndjson`) as the export's pair rows (§3): one per caption, no negatives."""
    image = {k: item.get(k) for k in ("sha256", "source", "licence", "attribution", "concept", "category")}
    image.update(url=f"/v1/images/{item['sha256']}", width=64, height=64, type="image/png")
    return [{"type": "pair", "pair_id": f"seed:{item['sha256'][:12]}:{i}", "origin": "seed", "image": image,
             "caption": {"id": f"seed:{i}", "text": text}, "negatives": [], "positive_votes": 0}
            for i, text in enumerate(item["captions"])]


def group_by_image(rows: list[dict]) -> "OrderedDict[str, dict]":
    """sha256 -> {image metadata, captions in export order (first = canonical), negative caption texts}."""
    images: OrderedDict[str, dict] = OrderedDict()
    for r in rows:
        img = r["image"]
        entry = images.setdefault(img["sha256"], {**img, "captions": [], "negatives": []})
        text = r["caption"]["text"].strip()
        if text and text not in entry["captions"]:
            entry["captions"].append(text)
        for n in r.get("negatives") or []:
            if n["text"] not in entry["negatives"]:
                entry["negatives"].append(n["text"])
    return OrderedDict((k, v) for k, v in images.items() if v["captions"])


# ---------------------------------------------------------------------------------------------- legacy held-out split
def concept_rank(concept: str) -> int:
    return int(hashlib.sha256(concept.encode()).hexdigest()[:12], 16)


def split_heldout(concepts: list[str], min_fraction: float, min_images: int) -> set[str]:
    """The split bundles before merged concepts used (format <= 2026.11): the lowest-hash *unmerged* concept keys
    until >= min_fraction of concepts AND >= min_images images. Kept only to know what those bundles never saw
    (`DataConfig.legacy_heldout`); new runs split with `concepts.assign_splits`.
    """
    counts: dict[str, int] = {}
    for c in concepts:
        counts[c] = counts.get(c, 0) + 1
    order = sorted(counts, key=concept_rank)
    held, n_img = set(), 0
    for c in order:
        if len(held) >= min_fraction * len(order) and n_img >= min_images:
            break
        held.add(c)
        n_img += counts[c]
    return held


# ---------------------------------------------------------------------------------------------- images
def load_rgb(png: bytes, res: int) -> np.ndarray:
    """RGBA PNG bytes -> (3, res, res) uint8, composited on white."""
    im = Image.open(io.BytesIO(png)).convert("RGBA")
    white = Image.new("RGBA", im.size, (255, 255, 255, 255))
    im = Image.alpha_composite(white, im).convert("RGB")
    if im.size != (res, res):
        exact = im.size[0] % res == 0 and im.size[1] % res == 0
        im = im.resize((res, res), _BOX if exact else _LANCZOS)
    return np.asarray(im, dtype=np.uint8).transpose(2, 0, 1).copy()


def fetch_png(entry: dict, images_dir: Path | None, base_url: str | None) -> bytes:
    if images_dir is not None:
        p = images_dir / f"{entry['sha256']}.png"
        if p.exists():
            return p.read_bytes()
    if base_url and entry.get("url"):
        with urllib.request.urlopen(base_url.rstrip("/") + entry["url"]) as resp:
            return resp.read()
    raise ValueError(f"image {entry['sha256']} not found in {images_dir} and no base URL to fetch it from")


# ---------------------------------------------------------------------------------------------- captions
def category_words(category: str | None) -> list[str]:
    """'Food & Drink/food-fruit' -> ['food fruit', 'food & drink']: short category prompts."""
    if not category:
        return []
    parts = [p.strip() for p in category.replace("_", " ").split("/") if p.strip()]
    return [p.replace("-", " ").lower() for p in reversed(parts)]


def caption_variants(entry: dict, max_variants: int, rng: random.Random | None = None) -> list[tuple[str, int]]:
    """(text, kind) list: canonical name, the other pair captions, category words, keyword subsets. The subsets are
    drawn from a generator seeded by the image's sha256 (unless `rng` is given), so an image's variants do not
    depend on the order or the content of the rest of the export (the split needs them before the caption cache)."""
    rng = rng or random.Random(entry["sha256"])
    caps = entry["captions"]
    out = [(caps[0], KIND_CANONICAL)] + [(c, KIND_PAIR) for c in caps[1:]]
    out += [(c, KIND_CATEGORY) for c in category_words(entry.get("category"))]
    words = sorted({w for c in caps for w in c.lower().split() if len(w) > 2})
    for _ in range(2):
        if len(words) >= 2:
            out.append((" ".join(rng.sample(words, 2)), KIND_SUBSET))
    seen, uniq = set(), []
    for text, kind in out:
        if text.lower() not in seen:
            seen.add(text.lower())
            uniq.append((text, kind))
    return uniq[:max_variants]


# ---------------------------------------------------------------------------------------------- the cache
@dataclass
class DataConfig:
    export: str
    images_dir: str | None = None
    base_url: str | None = None
    res: int = 32
    caption_len: int = 24
    max_variants: int = 8
    validation_fraction: float = 0.1
    test_fraction: float = 0.1
    legacy_heldout: list | None = None  # [min_fraction, min_images]: also flag what a pre-merge bundle held out
    vocab_size: int = 2048
    limit_images: int | None = None  # keep only the first N images (tests, smoke runs)


IMAGE_KEYS = ("export", "images_dir", "base_url", "res", "validation_fraction", "test_fraction", "legacy_heldout",
              "max_variants", "limit_images")


def cache_key(dc: DataConfig, fields=IMAGE_KEYS) -> str:
    src = Path(dc.export)
    stamp = f"{src.stat().st_size}:{src.stat().st_mtime_ns}" if src.exists() else dc.export
    blob = json.dumps({**{k: dc.__dict__[k] for k in fields}, "stamp": stamp}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _entries(dc: DataConfig) -> list[dict]:
    entries = list(group_by_image(read_export(dc.export)).values())[: dc.limit_images]
    assert entries, f"no pair rows with captions in {dc.export}"
    return entries


def split_entries(entries: list[dict], dc: DataConfig) -> dict:
    """Merged concept key and split of every image (`concepts.assign_splits`) and, with `dc.legacy_heldout`,
    which images a pre-merge bundle held out."""
    variants = [[t for t, _ in caption_variants(e, dc.max_variants)] for e in entries]
    s = concepts.assign_splits(entries, variants, dc.validation_fraction, dc.test_fraction)
    s["variants"] = variants
    if dc.legacy_heldout:
        held = split_heldout([e["concept"] for e in entries], *dc.legacy_heldout)
        s["legacy_heldout"] = [e["concept"] in held for e in entries]
    return s


def build_image_cache(dc: DataConfig, out_dir: Path = CACHE, log=print) -> Path:
    """`<key>.images.npz` (uint8 images, merged concept ids, split ids) + `<key>.images.json`; reused if present."""
    out_dir.mkdir(parents=True, exist_ok=True)
    npz = out_dir / f"{cache_key(dc)}.images.npz"
    if npz.exists() and npz.with_suffix(".json").exists():
        return npz
    entries = _entries(dc)
    s = split_entries(entries, dc)
    for name in concepts.SPLITS[1:]:
        if name not in s["split"].values():
            raise ValueError(f"no concept fell in the {name} split of {len(s['split'])} merged concepts; raise "
                             f"data.{name}_fraction (now {getattr(dc, name + '_fraction')}) or add data")
    imgs_dir = Path(dc.images_dir) if dc.images_dir else None
    pix = np.stack([load_rgb(fetch_png(e, imgs_dir, dc.base_url), dc.res) for e in entries])  # (N, 3, R, R)
    merged = sorted(s["split"])
    cidx = {c: j for j, c in enumerate(merged)}
    split = np.array([concepts.SPLIT_ID[s["split"][k]] for k in s["merged"]], np.uint8)
    arrays = {"images": pix, "image_concept": np.array([cidx[k] for k in s["merged"]], np.int32), "split": split,
              "heldout": split != 0}
    if "legacy_heldout" in s:
        arrays["legacy_heldout"] = np.array(s["legacy_heldout"], np.bool_)
    np.savez_compressed(npz, **arrays)
    meta = {"data_config": dc.__dict__, "concepts": merged, "concept_split": [s["split"][k] for k in merged],
            "moved_to_train": s["moved"], "source_concept": [e["concept"] for e in entries],
            "heldout_concepts": sorted(k for k in merged if s["split"][k] != "train"),
            "sha256": [e["sha256"] for e in entries], "source": [e.get("source") for e in entries],
            "licence": [e.get("licence") for e in entries], "attribution": [e.get("attribution") for e in entries],
            "category": [e.get("category") for e in entries]}
    npz.with_suffix(".json").write_text(json.dumps(meta))
    n = {name: int((split == i).sum()) for i, name in enumerate(concepts.SPLITS)}
    c = {name: sum(v == name for v in s["split"].values()) for name in concepts.SPLITS}
    log(f"data: {len(entries)} images {n}, {len({e['concept'] for e in entries})} source concepts merged into "
        f"{len(merged)} {c} ({len(s['moved'])} moved to train by the leak rule) -> {npz.name} "
        f"({npz.stat().st_size / 1e6:.1f} MB)")
    return npz


def build_caption_cache(dc: DataConfig, out_dir: Path = CACHE, tokenizer=None, log=print) -> Path:
    """`<key>.captions.npz` (caption variants and negatives as fixed-length ids) + `.json` + `.tokenizer.json`.

    `tokenizer`: None trains one through the CLI on the training captions; a path to a `tokenizer.json`
    reuses that one (continuing a bundle's models needs its exact ids); a `tokenize.FallbackTokenizer`
    is accepted only from tests.
    """
    images_npz = build_image_cache(dc, out_dir, log)
    key = cache_key(dc, IMAGE_KEYS + ("caption_len", "max_variants", "vocab_size"))
    if isinstance(tokenizer, tokenize.FallbackTokenizer):
        key += "-fallback"
    elif tokenizer is not None:  # a given tokenizer: its content is part of the key, and it moves with the cache
        given = Path(tokenizer).read_bytes()
        key += "-" + hashlib.sha256(given).hexdigest()[:8]
        tokenizer = out_dir / f"{key}.tokenizer.json"
        out_dir.mkdir(parents=True, exist_ok=True)
        tokenizer.write_bytes(given)
    npz = out_dir / f"{key}.captions.npz"
    if npz.exists() and npz.with_suffix(".json").exists():
        return npz
    entries = _entries(dc)
    train = np.load(images_npz)["split"] == 0
    cap_text, cap_image, cap_kind, neg_text, neg_image = [], [], [], [], []
    for i, e in enumerate(entries):
        for text, kind in caption_variants(e, dc.max_variants):
            cap_text.append(text), cap_image.append(i), cap_kind.append(kind)
        for n in e["negatives"][:4]:
            neg_text.append(n), neg_image.append(i)
    if tokenizer is None:
        tokenizer = out_dir / f"{key}.tokenizer.json"
        train_texts = [t for t, i in zip(cap_text, cap_image) if train[i]]
        tokenize.train_tokenizer(train_texts, dc.vocab_size, tokenizer)
    info = tokenize.tokenizer_info(tokenizer)
    cap_ids = tokenize.encode(cap_text, tokenizer, dc.caption_len)
    neg_ids = tokenize.encode(neg_text, tokenizer, dc.caption_len) if neg_text else np.zeros((0, dc.caption_len))
    id_dtype = np.int16 if info["vocab_size"] < 32768 else np.int32
    np.savez_compressed(npz, cap_ids=cap_ids.astype(id_dtype), cap_image=np.array(cap_image, np.int32),
                        cap_kind=np.array(cap_kind, np.uint8), neg_ids=neg_ids.astype(id_dtype),
                        neg_image=np.array(neg_image, np.int32))
    tok_path = None if isinstance(tokenizer, tokenize.FallbackTokenizer) else str(tokenizer)
    npz.with_suffix(".json").write_text(json.dumps(
        {"images": images_npz.name, "cap_text": cap_text, "neg_text": neg_text, "tokenizer": {**info, "path": tok_path}}))
    log(f"data: {len(cap_text)} caption variants, {len(neg_text)} negatives, vocab {info['vocab_size']} -> "
        f"{npz.name} ({npz.stat().st_size / 1e6:.1f} MB)")
    return npz


def build_cache(dc: DataConfig, out_dir: Path = CACHE, tokenizer=None, log=print) -> dict:
    """Both caches; returns the `data` dict every trainer takes: {"images": path, "captions": path}."""
    return {"images": build_image_cache(dc, out_dir, log),
            "captions": build_caption_cache(dc, out_dir, tokenizer, log)}


class Dataset:
    """The cached tensors plus batch samplers. All index tensors stay on CPU; batches move to `device`."""

    def __init__(self, images: Path, captions: Path | None = None):
        z = np.load(images)
        self.meta = json.loads(Path(images).with_suffix(".json").read_text())
        self.images = torch.from_numpy(z["images"])  # (N, 3, R, R) uint8
        self.image_concept = torch.from_numpy(z["image_concept"]).long()
        self.split = torch.from_numpy(z["split"]).long()  # concepts.SPLITS ids: 0 train, 1 validation, 2 test
        self.heldout = self.split != 0
        self.legacy_heldout = torch.from_numpy(z["legacy_heldout"]) if "legacy_heldout" in z.files else None
        self.train_idx = self.split_idx("train")
        self.heldout_idx = self.split_idx("validation")  # what training-time checks look at: never test
        if captions is not None:
            self._load_captions(Path(captions))

    def training_idx(self, rule: str | None = None) -> torch.Tensor:
        """The images a stage trains on: the train split (`rule` None or "train"), or with "not_legacy_heldout"
        every image the pre-merge split did not hold out: what the committed default bundle's VQ-VAE, CLIP and GPT
        trained on, so a model added to that bundle sees the same data and is measured where they are
        (`legacy_heldout`, `eval.unseen_by`)."""
        if rule in (None, "train"):
            return self.train_idx
        if rule == "not_legacy_heldout":
            if self.legacy_heldout is None:
                raise ValueError("train_on 'not_legacy_heldout' needs a cache built with data.legacy_heldout")
            return torch.nonzero(~self.legacy_heldout).flatten()
        raise ValueError(f"train_on {rule!r}: expected 'train' or 'not_legacy_heldout'")

    def split_idx(self, name: str) -> torch.Tensor:
        """Image indices of one split ("train", "validation" or "test")."""
        if name not in concepts.SPLIT_ID:
            raise ValueError(f"split {name!r} is not one of {concepts.SPLITS}")
        return torch.nonzero(self.split == concepts.SPLIT_ID[name]).flatten()

    def _load_captions(self, path: Path) -> None:
        z = np.load(path)
        self.cmeta = json.loads(path.with_suffix(".json").read_text())
        self.cap_ids = torch.from_numpy(z["cap_ids"].astype(np.int64))  # (M, L)
        self.cap_image = torch.from_numpy(z["cap_image"]).long()
        self.cap_kind = torch.from_numpy(z["cap_kind"]).long()
        self.neg_ids = torch.from_numpy(z["neg_ids"].astype(np.int64))
        self.neg_image = torch.from_numpy(z["neg_image"]).long()
        self.cap_text = self.cmeta["cap_text"]
        self.pad_id = self.cmeta["tokenizer"]["pad"]
        self.special = self.cmeta["tokenizer"]["special"]  # pad, bot, eot, boi, boc ids
        sibling = path.with_name(path.name.replace(".captions.npz", ".tokenizer.json"))  # moves with the cache
        self.tokenizer_path = sibling if sibling.exists() else None
        self.vocab_size = self.cmeta["tokenizer"]["vocab_size"]
        n = len(self.images)
        self.cap_start, self.cap_count = _csr(self.cap_image, n)
        self.neg_start, self.neg_count = _csr(self.neg_image, n)
        self.canonical = self.cap_start.clone()  # the first variant of each image is its canonical caption

    @property
    def caption_len(self) -> int:
        return self.cap_ids.shape[1]

    def random_captions(self, image_idx: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """One random caption variant per image: (B,) caption indices."""
        r = torch.rand(len(image_idx), generator=gen)
        return self.cap_start[image_idx] + (r * self.cap_count[image_idx]).long()

    def random_negatives(self, image_idx: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """(B,) negative caption indices, -1 where the image has none."""
        r = torch.rand(len(image_idx), generator=gen)
        cnt = self.neg_count[image_idx]
        idx = self.neg_start[image_idx] + (r * cnt).long()
        return torch.where(cnt > 0, idx, torch.full_like(idx, -1))

    def float_images(self, idx: torch.Tensor, device) -> torch.Tensor:
        """(B, 3, R, R) float in [0, 1]."""
        return self.images[idx].to(device).float().div_(255.0)


def _csr(owner: torch.Tensor, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    assert bool((owner[1:] >= owner[:-1]).all()) if len(owner) > 1 else True, "rows must be grouped by image"
    count = torch.bincount(owner, minlength=n)
    start = torch.cumsum(count, 0) - count
    return start, count
