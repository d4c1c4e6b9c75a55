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


class _FixedCaptions:
    """A generator stand-in whose sampled captions are given rows, one call after another."""

    def __init__(self, rows):
        self.rows, self.calls = list(rows), []

        class _C:
            pad_id = 0

        self.model = type("M", (), {"c": _C})()

    def captions(self, codes, clip_images, temperature, gen):
        self.calls.append(temperature)
        return self.rows.pop(0)[: len(codes)]


def _tiny_clip():
    from training.models.clip import CLIP, CLIPConfig

    torch.manual_seed(0)
    return CLIP(CLIPConfig(vocab_size=40, caption_len=6, d_model=32, n_layer=1, n_head=2, embed_dim=16,
                           img_ch=8)).eval()


def test_reranked_captions_keep_the_candidate_closest_to_the_image_by_clip_and_never_an_empty_one():
    clip = _tiny_clip()
    ids = lambda *rows: torch.tensor([list(r) + [0] * (6 - len(r)) for r in rows])  # noqa: E731
    greedy = ids([33], [34], [0])
    sampled = [ids([35, 36], [37], [0]), ids([38], [39, 33], [0])]
    images = evaluate.embed(clip, images=torch.rand(3, 3, 32, 32))
    g = _FixedCaptions(sampled)
    best = evaluate.reranked_captions(g, clip, torch.zeros(3, 64, dtype=torch.long), images, greedy, 3, 0.7, "cpu")
    assert g.calls == [0.7, 0.7]
    cands = torch.stack([greedy, *sampled], 1)
    for q in range(2):
        sim = evaluate.embed(clip, ids=cands[q]) @ images[q]
        assert torch.equal(best[q], cands[q, sim.argmax()])
    assert torch.equal(best[2], torch.zeros(6, dtype=torch.long))  # all empty: empty


def test_neighbour_captions_come_from_the_nearest_bank_images_or_the_extra_candidates():
    clip = _tiny_clip()
    bank_imgs = torch.eye(16)[:4]  # four bank images along axes 0..3
    caps = [[0, 1], [2], [3], [4]]
    cap_ids = torch.tensor([[33 + i, 0, 0, 0, 0, 0] for i in range(5)])
    bank = {"images": bank_imgs, "captions": caps, "ids": cap_ids}
    query = torch.nn.functional.normalize(torch.eye(16)[[0]] + 0.5 * torch.eye(16)[[1]], dim=1)  # near 0, then 1
    pick = evaluate.neighbour_captions(clip, query, bank, 1, "cpu")
    sims = evaluate.embed(clip, ids=cap_ids[[0, 1]]) @ query[0]
    assert torch.equal(pick[0], cap_ids[[0, 1]][sims.argmax()])  # only image 0's two captions
    extra = torch.tensor([[[39, 38, 0, 0, 0, 0]]])
    pick2 = evaluate.neighbour_captions(clip, query, bank, 2, "cpu", extra=extra)
    pool = torch.cat([cap_ids[[0, 1, 2]], extra[0]])
    assert torch.equal(pick2[0], pool[(evaluate.embed(clip, ids=pool) @ query[0]).argmax()])


def test_the_caption_bank_holds_train_images_only(fixture_export, tmp_path):
    export, images = fixture_export
    cfg = common.load_config("tiny")
    dc = data.DataConfig(export=str(export), images_dir=str(images), **cfg["data"])
    tok = None if tokenize.cli_available() else tokenize.FallbackTokenizer(["red circle"])
    ds = data.Dataset(**data.build_cache(dc, tmp_path, tokenizer=tok, log=lambda *_: None))
    from training.models.clip import CLIP, CLIPConfig

    clip = CLIP(CLIPConfig(vocab_size=int(ds.cap_ids.max()) + 1, caption_len=ds.cap_ids.shape[1], d_model=32,
                           n_layer=1, n_head=2, embed_dim=16, img_ch=8)).eval()
    bank = evaluate.caption_bank(ds, clip, "cpu")
    train = ds.split_idx("train").tolist()
    assert bank["images"].shape == (len(train), 16)
    for row, caps in zip(train, bank["captions"]):
        assert caps == [int(ds.canonical[row])] and int(ds.cap_image[caps[0]]) == row
    held = set(range(len(ds.images))) - set(train)
    assert not any(int(ds.cap_image[c]) in held for caps in bank["captions"] for c in caps)
