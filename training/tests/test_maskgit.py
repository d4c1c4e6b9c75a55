"""The masked-token transformer (models/maskgit.py): training batches, the decoding schedule, decoding, the loss
going down, and the exported graph against torch in onnxruntime-node."""

import math

import numpy as np
import pytest
import torch

from training import export
from training.generators import MaskedGenerator
from training.models.maskgit import (MaskGIT, MaskGITConfig, caption_ids, caption_logprob, generate_codes,
                                     mask_schedule, masked_after_step, masked_batch, random_mask)
from training.parity.onnx_node import run_onnx

C = MaskGITConfig(text_vocab=40, codebook_size=32, image_tokens=64, caption_len=6, d_model=32, n_layer=2, n_head=2,
                  cond_dim=16)


def model(seed=0, c=C):
    torch.manual_seed(seed)
    return MaskGIT(c).eval()


def test_schedule_starts_full_ends_empty_and_never_unmasks_backwards():
    assert mask_schedule(0.0) == 1.0 and abs(mask_schedule(1.0)) < 1e-12
    for steps in (1, 4, 8, 10, 12):
        left = [masked_after_step(64, s, steps) for s in range(steps)]
        assert left[-1] == 0
        assert all(a >= b for a, b in zip([64] + left, left)), left
        assert left == [math.floor(64 * math.cos(math.pi / 2 * (s + 1) / steps)) if s + 1 < steps else 0
                        for s in range(steps)]
    # the values the runtime's tests hard-code (packages/model)
    assert [masked_after_step(64, s, 10) for s in range(10)] == [63, 60, 57, 51, 45, 37, 29, 19, 10, 0]


def test_random_mask_masks_at_least_one_and_follows_the_cosine_schedule_on_average():
    g = torch.Generator().manual_seed(0)
    m = random_mask(4000, 64, g)
    assert m.shape == (4000, 64) and bool((m.sum(1) >= 1).all())
    # E[cos(pi/2 u)] = 2/pi of the positions
    assert abs(m.float().mean().item() - 2 / math.pi) < 0.02


def test_masked_batch_masks_image_on_forward_rows_and_caption_on_reverse_rows():
    g = torch.Generator().manual_seed(1)
    B = 6
    text = torch.randint(5, 40, (B, C.caption_len), generator=g)
    text[:, 4:] = C.pad_id
    codes = torch.randint(0, 32, (B, 64), generator=g)
    reverse = torch.tensor([False, False, False, True, True, True])
    drop = torch.tensor([True, False, False, False, False, False])
    tokens, yi, yt = masked_batch(C, text, codes, reverse, drop, g)
    assert tokens.shape == (B, C.block_size) and bool((tokens[:, 0] == C.bot).all())
    cap, img = tokens[:, C.caption_start : C.image_start], tokens[:, C.image_start :]
    assert bool((cap[0] == C.pad_id).all())  # dropped caption: the unconditional branch
    assert bool((cap[1:3] == text[1:3]).all())  # forward rows see their caption…
    assert bool(((img[:3] == C.mask_id) == (yi[:3] != -100)).all())  # …and predict exactly the masked codes
    assert bool((yi[:3][yi[:3] != -100] == codes[:3][yi[:3] != -100]).all())
    assert bool((yt[:3] == -100).all())
    assert bool((img[3:] == codes[3:] + C.image_offset).all())  # reverse rows see the image…
    assert bool(((cap[3:] == C.mask_id) == (yt[3:] != -100)).all())  # …and predict the masked caption positions
    assert bool((yi[3:] == -100).all())


def test_generate_decodes_every_code_in_the_given_steps_reproducibly():
    m = model()
    ids = torch.randint(5, 40, (3, C.caption_len))
    cond = torch.randn(3, 16)
    seen = []
    a = generate_codes(m, ids, steps=5, gen=torch.Generator().manual_seed(7), cond=cond,
                       on_step=lambda s, c: seen.append((s, int((c < 0).sum()))))
    b = generate_codes(m, ids, steps=5, gen=torch.Generator().manual_seed(7), cond=cond)
    c = generate_codes(m, ids, steps=5, gen=torch.Generator().manual_seed(8), cond=cond)
    assert a.shape == (3, 64) and int(a.min()) >= 0 and int(a.max()) < 32
    assert seen == [(s, 0) for s in range(5)]  # each step's estimate is a whole image
    assert torch.equal(a, b) and not torch.equal(a, c)
    with pytest.raises(ValueError, match="conditioned"):
        generate_codes(m, ids, steps=2)


def test_captioning_decodes_text_ids_and_ranks_by_likelihood():
    m = model()
    codes = torch.randint(0, 32, (2, 64))
    out = caption_ids(m, codes, steps=3, cond=torch.randn(2, 16))
    assert out.shape == (2, C.caption_len) and int(out.min()) >= 0 and int(out.max()) < C.text_vocab
    text = torch.randint(5, 40, (2, C.caption_len))
    lp = caption_logprob(m, codes, text, cond=torch.zeros(2, 16))
    assert lp.shape == (2,) and bool((lp < 0).all())


def test_captions_stop_at_the_first_pad():
    m = model()
    g = MaskedGenerator(m, {"cfg_scale": 3.0})
    torch.nn.init.zeros_(m.tok.weight)  # every text logit equal: argmax is id 0, the pad, everywhere but…
    with torch.no_grad():
        m.tok.weight[7, 0] = 1.0
        m.ln.bias.zero_()
        m.ln.weight.fill_(1.0)
    ids = g.captions(torch.randint(0, 32, (2, 64)), torch.zeros(2, 16))
    after = (ids == C.pad_id).long().cumsum(1) > 0
    assert bool((ids[after] == C.pad_id).all())


def test_a_few_steps_of_training_lower_the_loss():
    torch.manual_seed(0)
    c = MaskGITConfig(text_vocab=40, codebook_size=8, image_tokens=64, caption_len=6, d_model=32, n_layer=1,
                      n_head=2)
    m = MaskGIT(c)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    text = torch.randint(5, 40, (16, c.caption_len), generator=g)
    codes = (text[:, :1] % 8).repeat(1, 64)  # the image is one code, given by the caption's first id
    losses = []
    for _ in range(60):
        tokens, yi, yt = masked_batch(c, text, codes, torch.zeros(16, dtype=torch.bool),
                                      torch.zeros(16, dtype=torch.bool), g)
        loss = m.loss(tokens, yi, yt)
        opt.zero_grad(), loss.backward(), opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:5]), losses[::10]


@pytest.mark.parametrize("cond_dim", [16, 0])
def test_exported_graph_matches_torch_in_onnxruntime_node(tmp_path, cond_dim):
    c = MaskGITConfig(**{**C.__dict__, "cond_dim": cond_dim})
    m = model(3, c)
    path = export.export_maskgit(m, tmp_path)
    half = export.to_fp16_weights(path, tmp_path / "maskgit.fp16.onnx")
    g = torch.Generator().manual_seed(2)
    tokens = torch.randint(0, c.vocab_size, (3, c.block_size), generator=g)
    tokens[:, 0] = c.bot
    x = {"tokens": tokens, **({"cond": torch.randn(3, cond_dim, generator=g)} if cond_dim else {})}
    with torch.no_grad():
        want = m(tokens, x.get("cond"))
    got = run_onnx(path, {k: v.numpy() for k, v in x.items()})
    assert list(got) == ["image_logits", "text_logits"]
    for gv, w in zip(got.values(), want):
        assert gv.shape == tuple(w.shape)
        assert np.abs(gv - w.numpy()).max() <= 1e-4
    m16 = export.round_to_fp16_(model(3, c))
    with torch.no_grad():
        want16 = m16(tokens, x.get("cond"))
    got16 = run_onnx(half, {k: v.numpy() for k, v in x.items()})
    for gv, w in zip(got16.values(), want16):
        assert np.abs(gv - w.numpy()).max() <= 1e-4


def test_sampled_masked_captions_follow_the_seed_and_use_pad_or_ordinary_ids_only():
    from training.models.gpt import FIRST_TEXT_ID

    m = model()
    codes, cond = torch.randint(0, 32, (4, 64)), torch.randn(4, 16)
    greedy = caption_ids(m, codes, steps=3, cond=cond)
    a = caption_ids(m, codes, 3, cond, 1.0, torch.Generator().manual_seed(5))
    b = caption_ids(m, codes, 3, cond, 1.0, torch.Generator().manual_seed(5))
    c = caption_ids(m, codes, 3, cond, 1.0, torch.Generator().manual_seed(6))
    assert torch.equal(a, b) and not torch.equal(a, c) and not torch.equal(a, greedy)
    for ids in (greedy, a, c):
        assert bool(((ids == C.pad_id) | ((ids >= FIRST_TEXT_ID) & (ids < C.text_vocab))).all())
    assert torch.equal(greedy, caption_ids(m, codes, steps=3, cond=cond))  # greedy draws nothing
