"""Resuming from a checkpoint continues exactly where an uninterrupted run would be."""

import pytest
import torch

from training import common, train_clip, train_gpt, train_vqvae
from training.tests.conftest import quiet


def _params(path):
    return common.load_checkpoint(path)["model"]


@pytest.mark.parametrize("stage", ["vqvae", "clip", "gpt"])
def test_resume_gives_the_same_state_as_an_uninterrupted_run(stage, tiny_data, tiny_cfg, tmp_path):
    mods = {"vqvae": train_vqvae, "clip": train_clip, "gpt": train_gpt}
    if stage == "gpt":  # the GPT trains on codes of a trained VQ-VAE
        train_vqvae.train(tiny_cfg, tiny_data, log=quiet)
    tiny_cfg[stage]["max_steps"] = 12
    straight = mods[stage].train(tiny_cfg, tiny_data, log=quiet)
    expected = _params(straight)

    straight.unlink()
    mods[stage].train(tiny_cfg, tiny_data, log=quiet, interrupt_after=6)
    assert common.load_checkpoint(straight)["step"] == 6
    resumed = mods[stage].train(tiny_cfg, tiny_data, resume=True, log=quiet)
    got = _params(resumed)
    assert common.load_checkpoint(resumed)["step"] == 12
    for k in expected:
        assert torch.equal(expected[k], got[k]), k


def test_a_slim_checkpoint_resumes_without_optimizer_state(tiny_data, tiny_cfg, tmp_path):
    from training import checkpoints

    tiny_cfg["clip"]["max_steps"] = 12
    train_clip.train(tiny_cfg, tiny_data, log=quiet, interrupt_after=6)
    written = checkpoints.save(tiny_cfg, tmp_path / "slim")
    assert [p.name for p in written] == ["clip.pt"]
    assert common.load_checkpoint(written[0])["optimizer"] is None
    (common.run_dir(tiny_cfg) / "clip.pt").unlink()
    checkpoints.load(tiny_cfg, tmp_path / "slim")
    resumed = train_clip.train(tiny_cfg, tiny_data, resume=True, log=quiet)
    assert common.load_checkpoint(resumed)["step"] == 12
