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
