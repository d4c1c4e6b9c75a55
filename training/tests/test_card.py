"""card.json's file entries use the roles and precisions of packages/manifest/roles.json, the list the API and the
runtime use, so a bundle the trainer writes is never refused at publish time for its roles."""

import json
from pathlib import Path

import pytest

from training import card, common, export


def test_card_roles_are_read_from_the_manifest_package():
    roles = json.loads((common.ROOT / "packages" / "manifest" / "roles.json").read_text())
    assert card.ROLES == tuple(roles["roles"])
    assert card.PRECISIONS == tuple(roles["precisions"])
    assert set(card.RUNTIME_ROLES) | set(card.EXTRA_ROLES) <= set(card.ROLES)
    assert {"vq-encoder", "vq-decoder", "gpt-step", "clip-text", "clip-image", "tokenizer", "card"} == set(
        card.RUNTIME_ROLES)


def test_card_extras_the_trainer_writes_are_extra_roles():
    assert set(card.ROLE_OF_EXTRA.values()) <= set(card.EXTRA_ROLES)


def test_card_file_entry_hashes_a_file_of_a_known_role(tmp_path):
    (tmp_path / "g.onnx").write_bytes(b"abc")
    entry = card._file_entry(tmp_path / "g.onnx", "gpt-step", precision="fp16-weights")
    assert entry == {"name": "g.onnx", "role": "gpt-step", "bytes": 3, "precision": "fp16-weights",
                     "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}


@pytest.mark.parametrize("role, extra, match", [("gpt_step", {}, "not a manifest role"),
                                                ("depth-map", {}, "use one of card, tokenizer"),
                                                ("gpt-step", {"precision": "fp8"}, "precision 'fp8'")])
def test_card_file_entry_refuses_what_the_api_would_refuse(tmp_path, role, extra, match):
    (tmp_path / "g.onnx").write_bytes(b"abc")
    with pytest.raises(ValueError, match=match):
        card._file_entry(tmp_path / "g.onnx", role, **extra)


def test_export_int8_weights_must_name_graph_roles(tmp_path):
    cfg = {"name": "t", "run_dir": str(tmp_path / "run"), "int8_weights": ["gpt_step"]}
    with pytest.raises(ValueError, match=r"int8_weights \['gpt_step'\]: not graph roles; use some of gpt-step"):
        export.int8_files(cfg, {"gpt-step": Path("gpt_step.onnx")}, tmp_path)


def test_metrics_table_shows_what_the_app_shows_when_the_eval_measured_it():
    base = {"images": 10, "concepts": 5, "gen_r_precision": 0.2, "r_precision_queries": 5, "r_precision_candidates": 32}
    app = {"gen_r_precision_reranked": 0.25, "rerank_queries": 4, "rerank_candidates": 8,
           "gen_r_precision_first_of_k": 0.2, "reranked_over_real": 0.8, "caption_accuracy_reranked": 0.3,
           "caption_accuracy_neighbours": 0.5}
    plain = card.metrics_table({"validation": base, "test": base})
    assert "best of k" not in plain and "Explore" not in plain
    table = card.metrics_table({"validation": {**base, **app}, "test": base})
    row = next(line for line in table.splitlines() if line.startswith("| generation, best of k by CLIP"))
    assert row == ("| generation, best of k by CLIP, as Generate shows it (judge) | 25.0 % (4 captions, k = 8; plain "
                   "first sample 20.0 %; of ceiling 80.0 %) | n/a |")
    assert "| captioning: best of k by CLIP (judge) | 30.0 % | n/a |" in table
    assert "| captioning: as Generate and Explore do it, with the nearest train images' captions (judge) | 50.0 % | n/a |" in table
