"""Shared fixtures: a tiny synthetic export, its caches (real tokenizer CLI when present, else the test fallback)
and the `tiny` config pointed at a temporary run folder."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
import torch

from training import common, data, tokenize
from training.tests.fixture import write_fixture

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def fixture_export(tmp_path_factory):
    return write_fixture(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="session")
def tiny_data(fixture_export, tmp_path_factory):
    """{"images", "captions"} caches of the fixture. Uses the real tokenizer CLI when it exists."""
    export, images = fixture_export
    cfg = common.load_config("tiny")
    dc = data.DataConfig(export=str(export), images_dir=str(images), **cfg["data"])
    tok = None
    if not tokenize.cli_available():  # TEST-ONLY fallback, see tokenize.FallbackTokenizer
        rows = data.group_by_image(data.read_export(str(export)))
        texts = [t for e in rows.values() for t in e["captions"] + e["negatives"] + data.category_words(e["category"])]
        tok = tokenize.FallbackTokenizer(texts)
    return data.build_cache(dc, tmp_path_factory.mktemp("cache"), tokenizer=tok, log=lambda *_: None)


@pytest.fixture
def tiny_cfg(tmp_path):
    cfg = common.load_config("tiny")
    cfg["run_dir"] = str(tmp_path / "run")
    return cfg


def quiet(*_args):
    pass
