"""A tiny synthetic export (docs/dataset-format.md §3): coloured shapes in two styles, with captions and negatives."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

from PIL import Image, ImageDraw

COLOURS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (40, 80, 220), "yellow": (240, 200, 30),
           "purple": (140, 50, 180), "orange": (250, 140, 20)}
SHAPES = ["circle", "square", "triangle", "diamond"]


def draw(shape: str, rgb, filled: bool) -> bytes:
    im = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    box = (10, 10, 54, 54)
    kw = {"fill": rgb + (255,)} if filled else {"outline": rgb + (255,), "width": 6}
    if shape == "circle":
        d.ellipse(box, **kw)
    elif shape == "square":
        d.rectangle(box, **kw)
    elif shape == "triangle":
        d.polygon([(32, 8), (56, 54), (8, 54)], **kw)
    else:
        d.polygon([(32, 6), (58, 32), (32, 58), (6, 32)], **kw)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def write_fixture(root: Path) -> tuple[Path, Path]:
    """Write `root/export.ndjson` and `root/images/`; returns (export path, images dir)."""
    images = root / "images"
    images.mkdir(parents=True, exist_ok=True)
    lines, n = [], 0
    for colour, rgb in COLOURS.items():
        for shape in SHAPES:
            for style, filled in (("solid", True), ("outline", False)):
                png = draw(shape, rgb, filled)
                sha = hashlib.sha256(png).hexdigest()
                (images / f"{sha}.png").write_bytes(png)
                other = next(c for c in COLOURS if c != colour)
                image = {"sha256": sha, "url": f"/v1/images/{sha}", "width": 64, "height": 64, "type": "image/png",
                         "source": f"fixture-{style}", "licence": "CC0-1.0", "attribution": "test fixture",
                         "concept": f"name:{colour} {shape}", "category": f"Shapes/{shape}-{style}"}
                for text in (f"{colour} {shape}", shape, colour, f"{style} {colour} {shape}"):
                    n += 1
                    lines.append({"type": "pair", "pair_id": f"p{n}", "origin": "seed", "image": image,
                                  "caption": {"id": f"c{n}", "text": text},
                                  "negatives": [{"caption_id": "x", "text": f"{other} {shape}"}],
                                  "positive_votes": 1})
    lines.append({"type": "end", "snapshot": "s", "next_cursor": None})
    export = root / "export.ndjson"
    export.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return export, images
