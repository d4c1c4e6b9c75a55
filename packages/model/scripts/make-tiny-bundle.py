"""Writes packages/model/test/fixtures/tiny-bundle: a seconds-trained bundle of training/configs/tiny.json.

The runtime's tests need real graphs of the real bundle format (docs/bundle-format.md) that are small enough to
commit (< 2 MB) and fast on one core. This runs the trainer's own pipeline (training/pipeline.py) on the
trainer's synthetic test export (coloured shapes, training/tests/fixture.py), in temporary folders, so nothing
under training/ changes. Run from the repository root with Debian's Python:

    OMP_NUM_THREADS=1 /usr/bin/python3 packages/model/scripts/make-tiny-bundle.py [--out DIR]
    OMP_NUM_THREADS=1 /usr/bin/python3 packages/model/scripts/make-tiny-bundle.py --format2

The tiny config conditions its GPT on CLIP embeddings (bundle format 3); `--format2` drops that and writes the
format-2 fixture (test/fixtures/tiny-bundle-format2) that keeps the runtime's format-2 path tested.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from training import common, pipeline  # noqa: E402
from training.tests.fixture import write_fixture  # noqa: E402


def format_json_like_prettier(out: Path) -> None:
    """The repository runs `prettier --check` over packages/: format the JSON files its way once, and record the
    new bytes of tokenizer.json in card.json (card.json's own bytes are hashed by nobody in a folder bundle)."""
    subprocess.run(["npx", "prettier", "--write", str(out / "tokenizer.json")], cwd=ROOT, check=True)
    card_path = out / "card.json"
    card = json.loads(card_path.read_text())
    data = (out / "tokenizer.json").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    for entry in card["files"]:
        if entry["role"] == "tokenizer":
            entry.update(sha256=sha, bytes=len(data))
    card["text"]["tokenizer_sha256"] = sha
    card_path.write_text(json.dumps(card, indent=2) + "\n")
    subprocess.run(["npx", "prettier", "--write", str(card_path)], cwd=ROOT, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="default test/fixtures/tiny-bundle, or tiny-bundle-format2 with --format2")
    ap.add_argument("--format2", action="store_true", help="an unconditioned GPT: a format-2 bundle")
    a = ap.parse_args()
    fixtures = ROOT / "packages" / "model" / "test" / "fixtures"
    a.out = a.out or str(fixtures / ("tiny-bundle-format2" if a.format2 else "tiny-bundle"))
    common.setup_threads()
    common.seed_everything(0)
    out = Path(a.out)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        export, images = write_fixture(tmp_path / "export")
        cfg = common.load_config("tiny")
        if a.format2:
            cfg["gpt"].pop("cond", None)
            cfg.pop("maskgit", None)  # the format-2 fixture keeps the plain autoregressive bundle
        cfg["run_dir"] = str(tmp_path / "run")
        dc = pipeline.data_config(cfg, str(export), str(images), None)
        staging = tmp_path / "bundle"
        pipeline.run(cfg, dc, pipeline.STAGES, {}, False, staging, print, tmp_path / "cache")
        if out.exists():
            shutil.rmtree(out)
        # The sample grids are for people reading the card; the runtime never loads them, so leave them out.
        shutil.copytree(staging, out, ignore=shutil.ignore_patterns("*samples.png"))
    format_json_like_prettier(out)
    total = sum(p.stat().st_size for p in out.iterdir())
    print(f"tiny bundle: {out} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
