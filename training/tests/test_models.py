"""Shapes, round trips and 'the loss falls on a tiny batch' for the three models."""

import pytest
import torch

from training.models.clip import CLIP, CLIPConfig
from training.models.gpt import GPT, GPTConfig, caption_logprob, forward_stream, generate_codes, reverse_stream
from training.models.vqvae import VQConfig, VQVAE

TINY_VQ = VQConfig(ch=8, ch_mult=[1, 2, 2], n_res=[0, 1, 1], codebook_size=32, code_dim=8, restart_threshold=0.05)
TINY_GPT = GPTConfig(text_vocab=40, codebook_size=32, image_tokens=64, caption_len=6, d_model=32, n_layer=2, n_head=2)


def fit(model, loss_fn, steps=40, lr=3e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    first = None
    for _ in range(steps):
        loss = loss_fn()
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return first, loss_fn().item()


def shapes_batch(n=8):
    torch.manual_seed(0)
    x = torch.ones(n, 3, 32, 32)
    for i in range(n):
        x[i, i % 3, 8:24, 8:24] = 0.2 * (i % 4)
    return x


@pytest.mark.parametrize("res,grid", [(32, 8), (64, 16)])
def test_vqvae_maps_images_to_a_grid_of_codes_and_back(res, grid):
    m = VQVAE(VQConfig(**{**TINY_VQ.__dict__, "res": res})).eval()
    x = torch.rand(2, 3, res, res)
    codes = m.encode(x)
    assert codes.shape == (2, grid, grid) and codes.dtype == torch.long
    assert 0 <= int(codes.min()) and int(codes.max()) < 32
    y = m.decode(codes)
    assert y.shape == x.shape and float(y.min()) >= 0 and float(y.max()) <= 1


def test_vqvae_reconstruction_loss_falls_and_decode_matches_the_forward_pass():
    m = VQVAE(TINY_VQ)
    x = shapes_batch()
    first, last = fit(m, lambda: m(x)[1], steps=60)
    assert last < first * 0.5, (first, last)
    m.eval()
    recon, _, codes = m(x)
    assert torch.allclose(m.decode(codes), recon.clamp(0, 1), atol=1e-5)


def test_vqvae_restarts_dead_codes_from_encoder_outputs():
    m = VQVAE(VQConfig(**{**TINY_VQ.__dict__, "restart_threshold": 10.0}))
    m(torch.rand(4, 3, 32, 32))
    assert m.quant.last_restarts > 0
    assert bool(m.quant.initialised)


def test_clip_embeddings_are_unit_vectors_and_the_loss_falls():
    torch.manual_seed(0)
    c = CLIPConfig(vocab_size=40, caption_len=6, d_model=32, n_layer=1, n_head=2, embed_dim=16, img_ch=8)
    m = CLIP(c)
    x = shapes_batch()
    ids = torch.zeros(8, 6, dtype=torch.long)
    ids[:, 0] = torch.arange(8) + 5
    concept = torch.arange(8)
    e_img, e_txt = m.image(x), m.text(ids)
    assert e_img.shape == (8, 16) and torch.allclose(e_img.norm(dim=1), torch.ones(8), atol=1e-5)
    assert torch.allclose(e_txt.norm(dim=1), torch.ones(8), atol=1e-5)
    neg = ids.roll(1, 0)
    valid = torch.ones(8, dtype=torch.bool)
    first, last = fit(m, lambda: m.loss(x, ids, concept, neg, valid), steps=40)
    assert last < first * 0.5, (first, last)


def test_clip_hard_negative_adds_a_logit_that_raises_the_loss():
    torch.manual_seed(0)
    m = CLIP(CLIPConfig(vocab_size=40, caption_len=6, d_model=32, n_layer=1, n_head=2, embed_dim=16, img_ch=8))
    x, ids = shapes_batch(4), torch.randint(5, 40, (4, 6))
    base = m.loss(x, ids, torch.arange(4))
    with_neg = m.loss(x, ids, torch.arange(4), ids, torch.ones(4, dtype=torch.bool))  # negative = the caption itself
    assert with_neg > base


def test_gpt_streams_put_text_and_codes_where_the_bundle_format_says():
    c = TINY_GPT
    text = torch.tensor([[7, 8, 0, 0, 0, 0]])
    codes = torch.arange(64)[None] % 32
    t, y = forward_stream(c, text, codes)
    assert t[0, 0] == c.bot and t[0, 7] == c.boi and t[0, 8] == c.image_offset and t.shape[1] == c.block_size
    assert (y[0, 7:71] == codes[0] + c.image_offset).all() and (y[0, :7] == -100).all() and (y[0, 71:] == -100).all()
    r, ry = reverse_stream(c, text, codes)
    assert r[0, 0] == c.boi and r[0, 65] == c.boc and r[0, 66:69].tolist() == [7, 8, c.eot]
    assert ry[0, 65:68].tolist() == [7, 8, c.eot] and (ry[0, 68:] == -100).all() and (ry[0, :65] == -100).all()


def test_gpt_step_with_the_static_kv_cache_matches_the_full_forward_pass():
    torch.manual_seed(0)
    m = GPT(TINY_GPT).eval()
    text = torch.randint(5, 40, (3, 6))
    tokens, _ = forward_stream(m.c, text, torch.randint(0, 32, (3, 64)))
    full, _ = m(tokens)
    caches = m.empty_cache(3)
    assert [tuple(t.shape) for t in caches[:2]] == [(3, 2, 16, m.c.block_size), (3, 2, m.c.block_size, 16)]
    for p in range(tokens.shape[1]):
        logits, caches = m.step(tokens[:, p : p + 1], torch.tensor([p]), caches)
        assert torch.allclose(logits, full[:, p], atol=1e-4), p


def test_gpt_loss_falls_and_it_samples_codes_and_scores_captions():
    torch.manual_seed(0)
    m = GPT(TINY_GPT)
    text = torch.randint(5, 40, (4, 6))
    codes = torch.randint(0, 32, (4, 64))
    tokens, targets = forward_stream(m.c, text, codes)
    first, last = fit(m, lambda: m(tokens[:, :-1], targets)[1], steps=40)
    assert last < first * 0.7, (first, last)
    m.eval()
    out = generate_codes(m, text, cfg_scale=2.0, top_k=8, gen=torch.Generator().manual_seed(0))
    assert out.shape == (4, 64) and 0 <= int(out.min()) and int(out.max()) < 32
    assert caption_logprob(m, codes, text).shape == (4,)


COND_GPT = GPTConfig(**{**TINY_GPT.__dict__, "cond_dim": 16})


def test_conditioned_gpt_step_matches_the_forward_pass_and_uses_cond_at_position_0_only():
    torch.manual_seed(0)
    m = GPT(COND_GPT).eval()
    torch.nn.init.normal_(m.cond_proj.weight, std=0.5)
    text = torch.randint(5, 40, (3, 6))
    cond = torch.nn.functional.normalize(torch.randn(3, 16), dim=-1)
    tokens, _ = forward_stream(m.c, text, torch.randint(0, 32, (3, 64)))
    full, _ = m(tokens, cond=cond)
    plain, _ = m(tokens, cond=torch.zeros(3, 16))
    assert (full[:, 5] - plain[:, 5]).abs().max() > 1e-3  # the condition reaches later positions
    caches = m.empty_cache(3)
    for p in range(tokens.shape[1]):  # after position 0 the step gets noise as cond: it must be ignored
        logits, caches = m.step(tokens[:, p : p + 1], torch.tensor([p]), caches, cond if p == 0 else torch.randn(3, 16))
        assert torch.allclose(logits, full[:, p], atol=1e-4), p
    with pytest.raises(ValueError, match="conditioned"):
        m(tokens)
    with pytest.raises(ValueError, match="CLIP text embeddings"):
        generate_codes(m, text)
    out = generate_codes(m, text, cfg_scale=2.0, top_k=8, gen=torch.Generator().manual_seed(0), cond=cond)
    assert out.shape == (3, 64)
    assert caption_logprob(m, torch.randint(0, 32, (3, 64)), text).shape == (3,)


def test_conditioned_gpt_learns_to_use_the_condition():
    """Two images, one caption: only the condition tells them apart, so the loss can fall well below log(2)/token
    on the first code only if the condition is used."""
    torch.manual_seed(0)
    m = GPT(COND_GPT)
    text = torch.full((2, 6), 0).index_fill_(1, torch.tensor([0]), 9)
    codes = torch.stack([torch.full((64,), 3), torch.full((64,), 17)])
    cond = torch.eye(16)[:2]
    tokens, targets = forward_stream(m.c, text, codes)
    first_code = targets.clone()
    first_code[:, 8:] = -100  # only c_1: cannot be inferred from earlier codes
    fit(m, lambda: m(tokens[:, :-1], targets, cond)[1], steps=60)
    _, loss = m(tokens[:, :-1], first_code, cond)
    assert loss.item() < 0.2, loss.item()


def test_gpt_captions_with_the_kv_cache_are_the_full_forward_greedy_and_only_use_ordinary_ids():
    from training.models.gpt import FIRST_TEXT_ID, caption_ids, reverse_stream

    torch.manual_seed(1)
    m = GPT(TINY_GPT).eval()
    codes = torch.randint(0, 32, (3, 64))
    out = caption_ids(m, codes)
    c = m.c
    # greedy by hand with the full forward pass over [boi, codes, boc, caption so far], same candidates
    seq = reverse_stream(c, torch.full((3, c.caption_len), c.pad_id), codes)[0][:, : 2 + c.image_tokens]
    want = torch.full((3, c.caption_len), c.pad_id)
    done = torch.zeros(3, dtype=torch.bool)
    allowed = torch.full((c.vocab_size,), -float("inf"))
    allowed[FIRST_TEXT_ID : c.text_vocab] = 0
    allowed[c.eot] = 0
    for t in range(c.caption_len):
        nxt = (m(seq)[0][:, -1].float() + allowed).argmax(-1)
        done |= nxt == c.eot
        want[:, t] = torch.where(done, torch.full_like(nxt, c.pad_id), nxt)
        seq = torch.cat([seq, nxt[:, None]], 1)
    assert torch.equal(out, want)
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    a, b = caption_ids(m, codes, 1.0, g1), caption_ids(m, codes, 1.0, g2)
    assert torch.equal(a, b) and not torch.equal(a, caption_ids(m, codes, 1.0, g1))
    words = a[a != c.pad_id]
    assert bool(((words >= FIRST_TEXT_ID) & (words < c.text_vocab)).all())
    after = (a == c.pad_id).long().cumsum(1) > 0
    assert bool((a[after] == c.pad_id).all())  # nothing after the end
