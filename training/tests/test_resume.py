"""Resuming from a checkpoint continues exactly where an uninterrupted run would be."""

import pytest
import torch

from training import common, train_clip, train_gpt, train_maskgit, train_vqvae
from training.tests.conftest import quiet


def _params(path):
    return common.load_checkpoint(path)["model"]


@pytest.mark.parametrize("stage", ["vqvae", "clip", "gpt", "maskgit"])
def test_resume_gives_the_same_state_as_an_uninterrupted_run(stage, tiny_data, tiny_cfg, tmp_path):
    mods = {"vqvae": train_vqvae, "clip": train_clip, "gpt": train_gpt, "maskgit": train_maskgit}
    if stage in ("gpt", "maskgit"):  # the priors train on codes of a trained VQ-VAE, conditioned on the CLIP's embeddings
        train_vqvae.train(tiny_cfg, tiny_data, log=quiet)
        train_clip.train(tiny_cfg, tiny_data, log=quiet)
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


def test_a_half_precision_slim_checkpoint_halves_the_bytes_and_resumes(tiny_data, tiny_cfg, tmp_path):
    from training import checkpoints

    train_vqvae.train(tiny_cfg, tiny_data, log=quiet)
    train_clip.train(tiny_cfg, tiny_data, log=quiet)
    tiny_cfg["maskgit"]["max_steps"] = 12
    train_maskgit.train(tiny_cfg, tiny_data, log=quiet, interrupt_after=6)
    full = checkpoints.save(tiny_cfg, tmp_path / "full", stages=("maskgit",))
    half = checkpoints.save(tiny_cfg, tmp_path / "half", stages=("maskgit",), half=True)
    assert [p.name for p in half] == ["maskgit.pt"]
    weights = common.load_checkpoint(half[0])["model"]
    assert all(v.dtype == torch.float16 for v in weights.values() if v.is_floating_point())
    assert half[0].stat().st_size < 0.7 * full[0].stat().st_size
    (common.run_dir(tiny_cfg) / "maskgit.pt").unlink()
    checkpoints.load(tiny_cfg, tmp_path / "half")
    resumed = train_maskgit.train(tiny_cfg, tiny_data, resume=True, log=quiet)
    ck = common.load_checkpoint(resumed)
    assert ck["step"] == 12 and all(v.dtype == torch.float32 for v in ck["model"].values() if v.is_floating_point())


def test_conditioned_batches_zero_the_condition_where_the_caption_is_dropped_or_the_stream_is_reversed(tiny_data,
                                                                                                       tiny_cfg):
    from training.data import Dataset

    train_vqvae.train(tiny_cfg, tiny_data, log=quiet)
    train_clip.train(tiny_cfg, tiny_data, log=quiet)
    ds = Dataset(**tiny_data)
    cond = train_gpt.cond_embeddings(tiny_cfg, ds, "cpu", quiet)
    assert cond["image"].shape == (len(ds.images), 32) and cond["text"].shape == (len(ds.cap_ids), 32)
    assert torch.allclose(cond["text"].norm(dim=1), torch.ones(len(ds.cap_ids)), atol=1e-5)
    codes = train_gpt.image_codes(tiny_cfg, ds, "cpu", quiet)
    c = train_gpt.model_config(tiny_cfg, ds)
    assert c.cond_dim == 32
    tc = {**tiny_cfg["gpt"], "batch_size": 256}
    tokens, _, e = train_gpt.sample_batch(c, ds, codes, tc, torch.Generator().manual_seed(0), "cpu", cond)
    reverse = tokens[:, 0] == c.boi
    dropped = (tokens[:, 0] == c.bot) & (tokens[:, 1] == c.pad_id)
    off = reverse | dropped
    assert off.any() and (~off).any()
    assert (e[off] == 0).all() and torch.allclose(e[~off].norm(dim=1), torch.ones(int((~off).sum())), atol=1e-5)
    # rows with a condition get their own image's embedding or one of their own captions' embeddings
    img_rows = torch.isclose(e[~off][:, None], cond["image"][None]).all(-1).any(1)
    assert img_rows.any() and (~img_rows).any()
    assert train_gpt.sample_batch(c, ds, codes, tc, torch.Generator().manual_seed(0), "cpu")[2] is None


def test_a_conditioned_gpt_can_start_from_an_unconditioned_checkpoint(tiny_data, tiny_cfg):
    from training.data import Dataset
    from training.models.gpt import GPT, forward_stream

    train_vqvae.train(tiny_cfg, tiny_data, log=quiet)
    train_clip.train(tiny_cfg, tiny_data, log=quiet)
    plain = {**tiny_cfg, "gpt": {k: v for k, v in tiny_cfg["gpt"].items() if k != "cond"},
             "run_dir": str(common.run_dir(tiny_cfg).parent / "plain")}
    for f in ("vqvae.pt", "clip.pt"):
        (common.run_dir(plain) / f).write_bytes((common.run_dir(tiny_cfg) / f).read_bytes())
    base_path = train_gpt.train(plain, tiny_data, log=quiet)
    ds = Dataset(**tiny_data)
    base = GPT(train_gpt.model_config(plain, ds)).eval()
    base.load_state_dict(common.load_checkpoint(base_path)["model"])
    m = GPT(train_gpt.model_config(tiny_cfg, ds)).eval()
    train_gpt.init_from_checkpoint(m, base_path, quiet)
    tokens, _ = forward_stream(m.c, ds.cap_ids[:3], torch.randint(0, m.c.codebook_size, (3, 64)))
    with torch.no_grad():
        assert torch.allclose(m(tokens, cond=torch.randn(3, 32))[0], base(tokens)[0], atol=1e-6)
    bigger = GPT(train_gpt.model_config({**tiny_cfg, "gpt": {**tiny_cfg["gpt"], "d_model": 64}}, ds))
    with pytest.raises((ValueError, RuntimeError)):
        train_gpt.init_from_checkpoint(bigger, base_path, quiet)
    # a fresh run started from it says so in its log
    lines = []
    train_gpt.train(tiny_cfg, tiny_data, log=lines.append, init_from=base_path)
    assert any("initialised from" in ln for ln in lines)
    from training import card

    recorded = card.training_summary(tiny_cfg)["gpt_initialised_from"]
    assert recorded == {"from": "gpt.pt", "steps": 30, "minutes": recorded["minutes"]}


def test_a_resumed_fine_tune_records_each_segments_effective_config(tiny_data, tiny_cfg):
    """The card's history must show the fine-tune's own learning rate and budget, not the config file's."""
    tiny_cfg["clip"]["max_steps"] = 8
    tiny_cfg["run"] = {"command": "python3 -m training.pipeline --config tiny"}
    train_clip.train(tiny_cfg, tiny_data, log=quiet, interrupt_after=4)
    tiny_cfg["clip"]["lr"] = 5e-4  # a fine-tune with another learning rate and budget
    tiny_cfg["run"] = {"command": "python3 -m training.pipeline --config tiny --minutes clip=3 --resume"}
    path = train_clip.train(tiny_cfg, tiny_data, minutes=3, resume=True, log=quiet)
    h = common.load_checkpoint(path)["history"]
    assert [(s["from_step"], s["to_step"]) for s in h] == [(0, 4), (4, 8)]
    assert h[0]["config"]["lr"] == 2e-3 and h[1]["config"]["lr"] == 5e-4 and h[1]["config"]["minutes"] == 3
    assert h[1]["resumed"] and h[1]["command"].endswith("--resume")
