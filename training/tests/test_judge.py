"""The independent judge: trained on the train split only, never on a validation or test concept."""

import json

import torch

from training import common, concepts, train_judge
from training.data import Dataset
from training.models.judge import Judge, JudgeConfig, encode_ngrams, text_ids
from training.tests.conftest import quiet

COMMITTED = common.TRAINING / "judge"


def test_the_judge_samples_only_training_images(tiny_data, tiny_cfg):
    ds = Dataset(**tiny_data)
    jcfg = train_judge.judge_config_of(tiny_cfg)
    pool = train_judge.training_pool(ds, jcfg)
    held = set(ds.image_concept[ds.heldout].tolist())
    assert len(pool) and not set(ds.image_concept[pool].tolist()) & held
    ids_all = text_ids(train_judge.model_config(jcfg, 32), ds.cap_text)
    x, ids, concept = train_judge.sample_batch(ds, pool, ids_all, jcfg["judge"], torch.Generator().manual_seed(0),
                                               "cpu")
    assert not set(concept.tolist()) & held and x.shape[1:] == (3, 32, 32)


def test_a_trained_judge_records_no_validation_or_test_concept(tiny_data, tiny_cfg):
    jcfg = train_judge.judge_config_of(tiny_cfg)
    out = common.run_dir(tiny_cfg) / "judge-out"
    train_judge.train(jcfg, tiny_data, log=quiet, out=out)
    info = json.loads((out / "judge.json").read_text())
    assert info["trained_concepts"] and info["step"] == jcfg["judge"]["max_steps"]
    assert not set(info["trained_concepts"]) & set(info["validation_concepts"] + info["test_concepts"])
    judge = train_judge.load_judge(out / "judge.pt")
    e = judge.embed_texts(["red circle", ""])
    assert e.shape == (2, 32) and torch.allclose(e.norm(dim=1), torch.ones(2), atol=1e-4)


def test_the_committed_judge_trained_on_no_validation_or_test_concept():
    """Recomputes the split of every concept the committed judge trained on from its merged key's hash: train, or
    moved to train by the leak rule; and none is a validation or test concept of the export it was trained with."""
    info = json.loads((COMMITTED / "judge.json").read_text())
    val, test = info["data"]["split_fractions"]
    moved = set(info["moved_to_train"])
    trained = set(info["trained_concepts"])
    assert len(trained) > 1000
    assert all(concepts.split_of(k, val, test) == "train" or k in moved for k in trained)
    assert not trained & set(info["validation_concepts"]) and not trained & set(info["test_concepts"])
    assert not moved & (set(info["validation_concepts"]) | set(info["test_concepts"]))
    assert (COMMITTED / "judge.pt").stat().st_size < 3e6


def test_the_committed_judge_loads_and_differs_from_the_clip_architecture():
    judge = train_judge.load_judge(COMMITTED / "judge.pt")
    assert isinstance(judge, Judge) and isinstance(judge.c, JudgeConfig)
    img = judge.embed_images(torch.zeros(2, 3, 32, 32, dtype=torch.uint8))
    assert img.shape == (2, judge.c.embed_dim)


def test_ngram_ids_share_the_trigrams_of_shared_words():
    a, b = encode_ngrams(["monocle face", "grinning face"], 8192, 32)
    shared = set(a.tolist()) & set(b.tolist()) - {0}
    assert len(shared) >= 4  # "w:face" and the trigrams of "<face>"
