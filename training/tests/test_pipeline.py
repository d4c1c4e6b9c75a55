"""The whole pipeline on the tiny config: train, evaluate, export, and a card with every required metric."""

import json

from training import data, pipeline, tokenize
from training.tests.conftest import quiet

REQUIRED = ["vq_psnr_db", "vq_perplexity", "clip_t2i_recall_at_5", "clip_candidates", "gen_r_precision",
            "real_r_precision", "caption_accuracy", "caption_rank_accuracy", "clip_gen_r_precision", "image_nll_nats"]


def test_pipeline_trains_evaluates_and_writes_a_bundle_with_a_card(fixture_export, tiny_cfg, tmp_path):
    export, images = fixture_export
    dc = pipeline.data_config(tiny_cfg, str(export), str(images), None)
    tok = None
    if not tokenize.cli_available():  # TEST-ONLY fallback
        rows = data.group_by_image(data.read_export(str(export)))
        tok = tokenize.FallbackTokenizer([t for e in rows.values() for t in e["captions"] + e["negatives"]
                                          + data.category_words(e["category"])])
    out = tmp_path / "bundle"
    argv = ["--config", "tiny", "--minutes", "gpt=4"]
    cfg = pipeline.effective_config(tiny_cfg, {"gpt": 4.0}, argv, str(export), None, None)
    pipeline.run(cfg, dc, pipeline.STAGES, {"gpt": 4.0}, False, out, quiet, tmp_path / "cache", tok)
    card = json.loads((out / "card.json").read_text())
    assert card["config"]["gpt"]["minutes"] == 4.0 and card["config"]["run"]["export_sha256"]
    assert card["training"]["history"]["gpt"][0]["config"]["minutes"] == 4.0
    assert card["training"]["reproduce"] == ["python3 -m training.pipeline --config tiny --minutes gpt=4"]
    for name in ("validation", "test"):
        assert card["metrics"][name]["r_precision_queries"] >= 2 and "image_nll_nats" in card["metrics"][name]
    assert card["metrics"]["headline_set"] == "test" and card["data"]["split"]["test"]["concepts"] > 0
    for k in REQUIRED:  # the judge-scored captioning decodes the GPT's captions with the real tokenizer
        assert k in card["metrics"] or (k == "caption_accuracy" and not tokenize.cli_available()), k
    for mm in card["metrics"]["test"]["by_mode"].values():  # the app's choices: best of k by CLIP, both regimes
        assert mm["rerank_candidates"] == 3 and mm["rerank_queries"] >= 2
        assert 0 <= mm["gen_r_precision_reranked"] <= 1 and 0 <= mm["gen_r_precision_first_of_k"] <= 1
        if tokenize.cli_available():
            assert 0 <= mm["caption_accuracy_reranked"] <= 1 and 0 <= mm["caption_accuracy_neighbours"] <= 1
    roles = {f["role"] for f in card["files"]}
    assert {"vq-encoder", "vq-decoder", "gpt-step", "clip-text", "clip-image", "samples"} <= roles
    assert card["gpt"]["vocab_size"] == card["gpt"]["text_vocab"] + card["vq"]["codebook_size"]
    assert card["data"]["heldout_images"] > 0 and card["training"]["steps"]["gpt"] == 30
    assert (out / "README.md").read_text().startswith("# Model card")
    assert card["format"] == "commonspace-bundle/3"  # the tiny config conditions the GPT on CLIP embeddings
    assert card["gpt"]["cond"] == {"input": "cond", "dim": card["clip"]["embed_dim"], "source": "clip-text",
                                   "position": 0}


def test_an_unconditioned_gpt_makes_a_format_2_bundle(tiny_data, tiny_cfg, tmp_path):
    tiny_cfg["gpt"].pop("cond")
    out = tmp_path / "bundle"
    pipeline.run(tiny_cfg, None, pipeline.STAGES, {}, False, out, quiet, prebuilt=tiny_data)
    card = json.loads((out / "card.json").read_text())
    assert card["format"] == "commonspace-bundle/2" and "cond" not in card["gpt"]
    assert card["metrics"]["gen_r_precision"] >= 0
