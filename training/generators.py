"""The two generation regimes behind one interface, so evaluation, grids and the benchmark treat them alike.

    autoregressive  models/gpt.py       64 sequential KV-cache steps per image, captions token by token
    masked          models/maskgit.py   `steps` full-sequence passes per image, masked caption decoding

Each gives: images' codes from captions (classifier-free guidance, a seeded generator), captions from codes (greedy,
or sampled at a temperature from a seeded generator), the mean log-probability of candidate captions given codes
(ranking), and the image-token NLL given the caption (for the masked model: every image position masked at once,
i.e. the first decoding step's loss; it is not a sequence likelihood, so compare NLLs only within a regime).
"""

from __future__ import annotations

import torch

from . import common
from .models import gpt as G
from .models import maskgit as M


class ARGenerator:
    mode = "autoregressive"

    def __init__(self, model: G.GPT, ec: dict):
        self.model, self.ec = model, ec

    @property
    def conditioned(self) -> bool:
        return self.model.cond_proj is not None

    def codes(self, ids, gen, cond=None):
        ec = self.ec
        return G.generate_codes(self.model, ids, ec["cfg_scale"], ec["top_k"], ec["temperature"], gen, cond)

    def captions(self, codes, cond_image=None, temperature: float = 0.0, gen=None):
        # the GPT's reverse stream is trained without a condition: cond_image is not used
        return G.caption_ids(self.model, codes, temperature, gen)

    def caption_logprob(self, codes, ids, cond_image=None):
        return G.caption_logprob(self.model, codes, ids)

    def image_nll(self, codes, ids, cond=None):
        tokens, targets = G.forward_stream(self.model.c, ids, codes)
        logits, _ = self.model(tokens[:, :-1], cond=cond)
        mask = targets != -100
        lp = logits.float().log_softmax(-1).gather(-1, targets.clamp_min(0)[..., None])[..., 0]
        return -(lp * mask).sum().item(), int(mask.sum())


class MaskedGenerator:
    mode = "masked"

    def __init__(self, model: M.MaskGIT, ec: dict):
        self.model = model
        mc = ec.get("masked", {})
        self.steps = int(mc.get("steps", 10))
        self.caption_steps = int(mc.get("caption_steps", 6))
        self.cfg_scale = float(mc.get("cfg_scale", ec["cfg_scale"]))
        self.temperature = float(mc.get("temperature", 1.0))
        self.top_k = int(mc.get("top_k", 0))
        self.choice_temperature = float(mc.get("choice_temperature", 4.5))

    @property
    def conditioned(self) -> bool:
        return self.model.cond_proj is not None

    def settings(self) -> dict:
        return {"steps": self.steps, "caption_steps": self.caption_steps, "cfg_scale": self.cfg_scale,
                "temperature": self.temperature, "top_k": self.top_k, "choice_temperature": self.choice_temperature}

    def codes(self, ids, gen, cond=None):
        return M.generate_codes(self.model, ids, self.steps, self.cfg_scale, self.temperature, self.top_k,
                                self.choice_temperature, gen, cond)

    def captions(self, codes, cond_image=None, temperature: float = 0.0, gen=None):
        ids = M.caption_ids(self.model, codes, self.caption_steps, cond_image if self.conditioned else None,
                            temperature, gen)
        # the text after the first pad is not part of the caption (the runtime stops there too)
        c = self.model.c
        after = (ids == c.pad_id).long().cumsum(1) > 0
        return ids.masked_fill(after, c.pad_id)

    def caption_logprob(self, codes, ids, cond_image=None):
        return M.caption_logprob(self.model, codes, ids, cond_image if self.conditioned else None)

    def image_nll(self, codes, ids, cond=None):
        c = self.model.c
        B = len(codes)
        tokens = torch.cat([torch.full((B, 1), c.bot, dtype=torch.long, device=codes.device), ids,
                            torch.full_like(codes, c.mask_id)], 1)
        img, _ = self.model(tokens, cond if self.conditioned else None)
        lp = img.float().log_softmax(-1).gather(-1, codes[..., None])[..., 0]
        return -lp.sum().item(), codes.numel()


def load_generators(cfg: dict, ds, device) -> dict:
    """{"autoregressive": ARGenerator, "masked": MaskedGenerator} for the checkpoints this run has."""
    from .train_gpt import model_config as gpt_config

    out = {}
    run = common.run_dir(cfg)
    if (run / "gpt.pt").exists():
        gpt = G.GPT(gpt_config(cfg, ds))
        gpt.load_state_dict(common.load_checkpoint(run / "gpt.pt")["model"])
        out["autoregressive"] = ARGenerator(gpt.to(device).eval(), cfg["eval"])
    if "maskgit" in cfg and (run / "maskgit.pt").exists():
        from .train_maskgit import load_maskgit

        out["masked"] = MaskedGenerator(load_maskgit(cfg, ds, device), cfg["eval"])
    return out
