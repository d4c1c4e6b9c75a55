"""Evaluation sets and the scoring helpers (training/evaluate.py)."""

import pytest
import torch

from training import common, data, evaluate, tokenize
from training.concepts import normalise


def test_r_precision_counts_a_query_only_when_its_own_candidate_beats_every_rival():
    pool = torch.eye(4)
    others = evaluate.distractors(4, 3)
    assert evaluate.r_precision(torch.eye(4), pool, others) == 1.0
    query = torch.eye(4)[[1, 1, 2, 3]]  # the first query looks like the second candidate
    assert evaluate.r_precision(query, pool, others) == 0.75
    assert not (others == torch.arange(4)[:, None]).any()


def test_a_model_trained_on_the_old_split_is_measured_only_where_it_never_trained(fixture_export, tmp_path):
    export, images = fixture_export
    cfg = common.load_config("tiny")
    dc = data.DataConfig(export=str(export), images_dir=str(images), **{**cfg["data"], "legacy_heldout": [0.3, 8]})
    tok = None if tokenize.cli_available() else tokenize.FallbackTokenizer(["red circle"])
    ds = data.Dataset(**data.build_cache(dc, tmp_path, tokenizer=tok, log=lambda *_: None))
    mask = evaluate.unseen_mask(ds, "legacy_heldout")
    assert mask.any() and not (mask & ~ds.legacy_heldout).any()
    taught = {normalise(t) for t, i in zip(ds.cap_text, ds.cap_image.tolist()) if not ds.legacy_heldout[i]}
    for c in ds.image_concept[mask].unique().tolist():
        assert ds.legacy_heldout[ds.image_concept == c].all()  # no image of an unseen concept was trained on
    for i in evaluate.one_per_concept(ds, torch.nonzero(mask).flatten()).tolist():
        assert normalise(ds.cap_text[int(ds.canonical[i])]) not in taught
    sets = evaluate.eval_sets(ds, {"unseen_by": "legacy_heldout"}, ("validation", "test"))
    assert set(sets) == {"validation", "test", "legacy_heldout"}
    assert all(mask[i].all() for i in sets.values())
    # a model added to such a bundle trains on what its models trained on, never on what it is measured on
    pool = ds.training_idx("not_legacy_heldout")
    assert len(pool) == int((~ds.legacy_heldout).sum()) and not ds.legacy_heldout[pool].any()
    assert not mask[pool].any()
    assert torch.equal(ds.training_idx(None), ds.train_idx) and torch.equal(ds.training_idx("train"), ds.train_idx)
    with pytest.raises(ValueError, match="train_on"):
        ds.training_idx("everything")
