"""The trainer's only door to the text tokenizer: `packages/tokenizer`'s CLI (one implementation for browser and trainer).

`train_tokenizer` and `encode` each shell out to `node packages/tokenizer/bin/cli.mjs` once per call (batched:
`train --input captions.ndjson --vocab-size N --out tokenizer.json`, `encode --tokenizer … --input … --length L
--out ids.bin --no-special-tokens` -> raw little-endian int32 rows), so adapting to a change in the CLI contract
means editing `_run_cli` and the two argument lists below, nothing else.
`FallbackTokenizer` exists ONLY for unit tests on machines where the CLI is missing; the real pipeline refuses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from .common import ROOT

CLI = ROOT / "packages" / "tokenizer" / "bin" / "cli.mjs"


class TokenizerError(RuntimeError):
    pass


def cli_available() -> bool:
    return CLI.exists()


def _run_cli(args: list[str], stdin_text: str) -> str:
    if not cli_available():
        raise TokenizerError(f"tokenizer CLI not found at {CLI}; build packages/tokenizer first")
    proc = subprocess.run(
        ["node", str(CLI), *args], input=stdin_text, capture_output=True, text=True, cwd=str(ROOT), check=False
    )
    if proc.returncode != 0:
        raise TokenizerError(f"tokenizer CLI {' '.join(args)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def train_tokenizer(texts: list[str], vocab_size: int, out_path: Path) -> Path:
    """Train a BPE tokenizer on `texts` and write Hugging Face `tokenizer.json` to out_path."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        corpus = Path(d) / "captions.ndjson"  # NDJSON of strings: captions may hold any character
        corpus.write_text("".join(json.dumps(t) + "\n" for t in texts))
        _run_cli(["train", "--input", str(corpus), "--vocab-size", str(vocab_size), "--out", str(out_path)], "")
    return out_path


def encode(texts: list[str], tokenizer_path, length: int) -> np.ndarray:
    """Encode captions to a fixed-length int32 matrix (N, length), right-padded with the tokenizer's pad id.

    No special tokens: the GPT stream frames captions with <|bot|>/<|boi|>/<|boc|>/<|eot|> itself.
    """
    if isinstance(tokenizer_path, FallbackTokenizer):
        ids = np.full((len(texts), length), tokenizer_path.pad_id, dtype=np.int32)
        for i, t in enumerate(texts):
            r = tokenizer_path.encode(t)[:length]
            ids[i, : len(r)] = r
        return ids
    unique = sorted(set(texts))
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "captions.ndjson", Path(d) / "ids.bin"
        src.write_text("".join(json.dumps(t) + "\n" for t in unique))
        _run_cli(["encode", "--tokenizer", str(tokenizer_path), "--input", str(src), "--length", str(length),
                  "--out", str(out), "--no-special-tokens", "--padding", "right"], "")
        rows = np.fromfile(out, dtype="<i4").reshape(len(unique), length)
    row_of = {t: i for i, t in enumerate(unique)}
    return rows[[row_of[t] for t in texts]].astype(np.int32)


def tokenizer_info(tokenizer_path) -> dict:
    """Vocabulary size and pad id of a tokenizer.json (or of the test fallback)."""
    if isinstance(tokenizer_path, FallbackTokenizer):
        return {"vocab_size": tokenizer_path.vocab_size, "pad": tokenizer_path.pad_id, "sha256": "fallback",
                "special": dict(FallbackTokenizer.SPECIALS)}
    raw = Path(tokenizer_path).read_bytes()
    tok = json.loads(raw)
    ids = list(tok["model"]["vocab"].values()) + [a["id"] for a in tok.get("added_tokens", [])]
    special = special_ids(tokenizer_path)
    return {"vocab_size": max(ids) + 1, "pad": special["pad"], "sha256": hashlib.sha256(raw).hexdigest(),
            "special": {k: special[k] for k in ("pad", "bot", "eot", "boi", "boc")}}


def special_ids(tokenizer_path: Path) -> dict:
    tok = json.loads(Path(tokenizer_path).read_text())
    found = {}
    for a in tok.get("added_tokens", []):
        name = a["content"].strip("<|>").lower()
        found[name] = a["id"]
    missing = [k for k in ("pad", "bot", "eot", "boi", "boc") if k not in found]
    if missing:
        raise TokenizerError(f"{tokenizer_path} lacks special tokens {missing} (has {sorted(found)}); "
                             "expected packages/tokenizer's <|pad|> <|bot|> <|eot|> <|boi|> <|boc|>")
    return found


class FallbackTokenizer:
    """TEST-ONLY character tokenizer used when the real CLI is unavailable. Never used by the pipeline."""

    SPECIALS = {"pad": 0, "bot": 1, "eot": 2, "boi": 3, "boc": 4}  # same ids as packages/tokenizer

    def __init__(self, texts: list[str]):
        chars = sorted({c for t in texts for c in t.lower()})
        self.pad_id = 0
        self.stoi = {c: i + 5 for i, c in enumerate(chars)}
        self.vocab_size = len(chars) + 5

    def encode(self, text: str) -> list[int]:
        return [self.stoi[c] for c in text.lower() if c in self.stoi]


def _byte_decoder() -> dict[str, int]:
    """GPT-2's printable-character <-> byte table, inverted (the ByteLevel decoder of tokenizer.json)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b), cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def decode(rows, tokenizer_path) -> list[str]:
    """Id rows -> texts with a byte-level BPE tokenizer.json, in Python (no CLI call: evaluation decodes the GPT's
    captions). Special tokens and padding are skipped; a row ends at <|eot|>."""
    tok = json.loads(Path(tokenizer_path).read_text())
    itos = {i: s for s, i in tok["model"]["vocab"].items()}
    special = {a["id"] for a in tok.get("added_tokens", [])}
    eot = special_ids(tokenizer_path)["eot"]
    table = _byte_decoder()
    out = []
    for row in rows:
        pieces = []
        for i in (int(x) for x in row):
            if i == eot:
                break
            if i not in special and i in itos:
                pieces.append(itos[i])
        raw = bytes(table[ch] for ch in "".join(pieces) if ch in table)
        out.append(raw.decode("utf-8", errors="replace").strip())
    return out
