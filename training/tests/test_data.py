"""The export reader, the held-out split by concept, image compositing and the caches."""

import io
import json

import numpy as np
import pytest
import torch
from PIL import Image

from training import common, data, tokenize


def test_groups_pair_rows_by_image_with_the_first_caption_canonical(fixture_export):
    export, _ = fixture_export
    images = data.group_by_image(data.read_export(str(export)))
    first = next(iter(images.values()))
    assert first["captions"][0] == "red circle"
    assert "green circle" in first["negatives"]
    assert len(images) == 48


def test_reads_seed_items_as_pair_rows(tmp_path):
    item = {"sha256": "a" * 64, "source": "s", "licence": "MIT", "attribution": "x", "concept": "emoji:1f34e",
            "category": "Food & Drink/food-fruit", "captions": ["red apple", "apple"]}
    p = tmp_path / "seed.ndjson"
    p.write_text(json.dumps(item) + "\n")
    rows = data.read_export(str(p))
    assert [r["caption"]["text"] for r in rows] == ["red apple", "apple"]
    assert rows[0]["image"]["concept"] == "emoji:1f34e"


def test_holds_out_every_style_of_a_held_out_concept_together(tiny_data):
    ds = data.Dataset(**tiny_data)
    held_concepts = set(ds.image_concept[ds.heldout].tolist())
    train_concepts = set(ds.image_concept[~ds.heldout].tolist())
    assert held_concepts and not held_concepts & train_concepts


def test_split_reaches_the_minimum_number_of_held_out_images():
    concepts = [f"c{i}" for i in range(100) for _ in range(3)]
    held = data.split_heldout(concepts, 0.05, 60)
    assert sum(c in held for c in concepts) >= 60
    assert held == data.split_heldout(list(reversed(concepts)), 0.05, 60)  # order-independent


def test_composites_transparent_pixels_on_white():
    im = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (0, 0, 32, 64))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    arr = data.load_rgb(buf.getvalue(), 32)
    assert arr.shape == (3, 32, 32) and arr.dtype == np.uint8
    assert tuple(arr[:, 0, 0]) == (255, 0, 0) and tuple(arr[:, 0, 31]) == (255, 255, 255)


def test_makes_short_caption_variants_including_the_category():
    entry = {"captions": ["red apple", "apple", "fruit"], "category": "Food & Drink/food-fruit"}
    texts = [t for t, _ in data.caption_variants(entry, 8, __import__("random").Random(0))]
    assert texts[0] == "red apple" and "food fruit" in texts and "apple" in texts
    assert len(texts) == len({t.lower() for t in texts})


def test_caches_fixed_length_caption_ids_grouped_by_image(tiny_data):
    ds = data.Dataset(**tiny_data)
    assert ds.images.shape == (48, 3, 32, 32) and ds.images.dtype == torch.uint8
    assert ds.cap_ids.shape[1] == 12 and (ds.cap_image[1:] >= ds.cap_image[:-1]).all()
    assert ds.cap_text[int(ds.canonical[0])] == "red circle"
    assert len(ds.neg_ids) == 48
    g = torch.Generator().manual_seed(0)
    caps = ds.random_captions(torch.tensor([0, 5]), g)
    assert ds.cap_image[caps].tolist() == [0, 5]


@pytest.mark.skipif(not tokenize.cli_available(), reason="needs the tokenizer CLI (node + packages/tokenizer)")
def test_reuses_a_given_tokenizer_byte_for_byte_and_keys_the_cache_by_it(fixture_export, tiny_data, tmp_path):
    """Continuing a bundle's checkpoints needs its exact ids: a given tokenizer.json is used as is, not retrained."""
    export, images = fixture_export
    cfg = common.load_config("tiny")
    dc = data.DataConfig(export=str(export), images_dir=str(images), **cfg["data"])
    trained = data.Dataset(**tiny_data)
    tok = json.loads(trained.tokenizer_path.read_text())
    tok["model"]["merges"] = tok["model"]["merges"][:-20]  # a different tokenizer than training would make
    given = tmp_path / "given.tokenizer.json"
    given.write_text(json.dumps(tok))
    npz = data.build_caption_cache(dc, tmp_path, tokenizer=given, log=lambda *_: None)
    ds = data.Dataset(images=tiny_data["images"], captions=npz)
    assert ds.tokenizer_path.read_bytes() == given.read_bytes()
    assert npz.name != tiny_data["captions"].name  # the tokenizer's hash is part of the key
    assert ds.cap_ids.shape == trained.cap_ids.shape and not torch.equal(ds.cap_ids, trained.cap_ids)
