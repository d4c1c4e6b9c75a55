"""Shared plumbing for the trainers: config loading, device choice, seeding, time budgets and checkpoints.

Kept deliberately small so each `train_*.py` reads top to bottom. Works on torch 1.13 (CPU) and 2.x (CUDA).
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent  # repository root
TRAINING = ROOT / "training"


def load_config(path_or_name: str) -> dict:
    """Load `configs/<name>.json` (or a path) into a plain dict."""
    path = Path(path_or_name)
    if not path.exists():
        path = TRAINING / "configs" / f"{path_or_name}.json"
    if not path.exists():
        raise ValueError(f"config {path_or_name!r} not found; expected a path or one of {list_configs()}")
    cfg = json.loads(path.read_text())
    cfg.setdefault("name", path.stem)
    return cfg


def list_configs() -> list[str]:
    return sorted(p.stem for p in (TRAINING / "configs").glob("*.json"))


def setup_threads() -> None:
    """One thread by default: the CPU is shared. `TRAIN_THREADS` overrides."""
    n = int(os.environ.get("TRAIN_THREADS", "1"))
    torch.set_num_threads(n)


def pick_device(requested: str = "auto") -> torch.device:
    if requested != "auto":
        return torch.device(requested)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def autocast_ctx(device: torch.device, enabled: bool):
    """bf16 autocast on CUDA when asked for; a no-op context elsewhere (works on torch 1.13 and 2.x)."""
    if enabled and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return torch.autocast(device_type="cpu", enabled=False)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def run_dir(cfg: dict) -> Path:
    d = Path(cfg.get("run_dir") or TRAINING / "runs" / cfg["name"])
    d.mkdir(parents=True, exist_ok=True)
    return d


class Logger:
    """Prints and appends to `<run_dir>/log.txt`."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {msg}"
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")


class Budget:
    """Wall-clock budget for a stage, resumable: time already spent is carried in the checkpoint."""

    def __init__(self, minutes: float, spent_s: float = 0.0):
        self.limit_s = minutes * 60.0
        self.spent_before = spent_s
        self.t0 = time.time()

    @property
    def spent_s(self) -> float:
        return self.spent_before + time.time() - self.t0

    def exhausted(self) -> bool:
        return self.spent_s >= self.limit_s

    def fraction(self) -> float:
        return min(1.0, self.spent_s / max(self.limit_s, 1e-9))


def rng_state() -> dict:
    return {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }


def set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])


def save_checkpoint(path: Path, **payload) -> None:
    """Atomic save (write then rename) so a kill mid-save never corrupts the previous checkpoint."""
    tmp = path.with_suffix(".tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path, device: torch.device | str = "cpu") -> dict:
    return torch.load(path, map_location=device, weights_only=False)  # our own files: RNG states are pickled


def cached(path: Path, tag, compute):
    """`compute()`'s value, kept in `path` with `tag` (what it was computed from, e.g. a checkpoint's step) and
    recomputed when the stored tag differs."""
    if path.exists():
        saved = torch.load(path, weights_only=False)
        if saved.get("tag") == tag and "value" in saved:
            return saved["value"]
    value = compute()
    torch.save({"tag": tag, "value": value}, path)
    return value


def fp32_state(model: torch.nn.Module) -> dict:
    return {k: v.detach().float().cpu().clone() if v.is_floating_point() else v.detach().cpu().clone()
            for k, v in model.state_dict().items()}


def cosine_lr(base: float, step: int, warmup: int, frac: float, min_ratio: float = 0.1) -> float:
    """Linear warm-up over `warmup` steps, then cosine decay driven by the budget fraction spent."""
    if step < warmup:
        return base * (step + 1) / warmup
    import math

    return base * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


class StageState:
    """What a stage checkpoint holds besides the model: step, time spent, RNG and sampler state, done flag.

    `save` writes `<run>/<stage>.pt` with fp32 weights; the optimizer state is written too unless `slim`
    (slim checkpoints resume with fresh optimizer moments; their size is what `training/checkpoints/` holds).
    """

    def __init__(self, path: Path):
        self.path = path
        self.step = 0
        self.spent_s = 0.0
        self.done = False
        self.max_steps = None
        self.rewarm_from = None  # step at which a slim checkpoint (no optimizer moments) was resumed

    def lr(self, base: float, warmup: int, frac: float) -> float:
        """Warm-up + cosine by `frac`; after resuming a slim checkpoint, warm up again from that step."""
        lr = cosine_lr(base, self.step, warmup, frac)
        if self.rewarm_from is not None:
            lr *= min(1.0, (self.step - self.rewarm_from + 1) / max(warmup, 1))
        return lr

    def finished(self, minutes, max_steps) -> bool:
        """A resumed stage is skipped when it finished and no larger budget (minutes or max_steps) was asked for."""
        return self.done and minutes is None and max_steps == self.max_steps

    def save(self, model, opt, gen: torch.Generator, budget: "Budget", extra: dict | None = None,
             done: bool = False, slim: bool = False) -> None:
        self.spent_s = budget.spent_s
        self.done = done
        save_checkpoint(
            self.path, model=fp32_state(model), optimizer=None if slim else opt.state_dict(), step=self.step,
            spent_s=self.spent_s, done=done, rng=rng_state(), gen=gen.get_state(), extra=extra or {},
            max_steps=self.max_steps,
        )

    def restore(self, model, opt, gen: torch.Generator) -> dict:
        ck = load_checkpoint(self.path)
        model.load_state_dict(ck["model"])
        if ck.get("optimizer") is not None and opt is not None:
            opt.load_state_dict(ck["optimizer"])
        else:
            self.rewarm_from = ck["step"]
        self.step, self.spent_s, self.done = ck["step"], ck["spent_s"], ck["done"]
        self.max_steps = ck.get("max_steps")
        set_rng_state(ck["rng"])
        gen.set_state(ck["gen"])
        return ck.get("extra", {})


def progress(step: int, max_steps: int | None, budget: "Budget") -> float:
    """Schedule position in [0, 1]: by steps when a step cap is set (deterministic), else by wall clock."""
    return min(1.0, step / max_steps) if max_steps else budget.fraction()


def should_stop(step: int, max_steps: int | None, budget: "Budget") -> bool:
    return (max_steps is not None and step >= max_steps) or budget.exhausted()


def begin_stage(name: str, state: StageState, model, opt, gen: torch.Generator, tc: dict,
                minutes: float | None, resume: bool, log) -> "Budget | None":
    """Restores `state` when resuming; returns the stage's Budget, or None when the resumed stage is finished."""
    if resume and state.path.exists():
        state.restore(model, opt, gen)
        log(f"{name}: resumed at step {state.step}, {state.spent_s / 60:.1f} min spent, done={state.done}")
        if state.finished(minutes, tc.get("max_steps")):
            return None
    state.max_steps = tc.get("max_steps")
    return Budget(minutes if minutes is not None else tc["minutes"], state.spent_s)


def run_stage(name: str, state: StageState, model, opt, gen: torch.Generator, budget: "Budget", tc: dict,
              cfg: dict, log, loss_fn, interrupt_after: int | None = None, grad_clip: float | None = 1.0,
              describe=lambda: "") -> tuple[bool, torch.Tensor]:
    """The optimisation loop every stage shares: schedule, step, log, periodic checkpoints.

    `loss_fn()` samples a batch and returns the loss (forward only); `describe()` adds stage-specific text to
    the progress line. Returns (completed, last loss); completed is False when `interrupt_after` stopped it,
    after saving as a kill between checkpoints would not (tests use this to check resume).
    """
    slim = cfg.get("slim_checkpoints", False)
    last_ckpt, t_log, loss = time.time(), time.time(), torch.tensor(float("nan"))
    while not should_stop(state.step, state.max_steps, budget):
        lr = state.lr(tc["lr"], tc.get("warmup", 100), progress(state.step, state.max_steps, budget))
        for g in opt.param_groups:
            g["lr"] = lr
        loss = loss_fn()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        opt.step()
        state.step += 1
        if time.time() - t_log > tc.get("log_every_s", 60) or state.step == 1:
            t_log = time.time()
            log(f"{name}: step {state.step} loss {loss.item():.5f}{describe()} lr {lr:.2e} "
                f"{budget.spent_s / 60:.1f} min")
        if time.time() - last_ckpt > cfg.get("ckpt_every_s", 180):
            state.save(model, opt, gen, budget, slim=slim)
            last_ckpt = time.time()
        if interrupt_after is not None and state.step >= interrupt_after:
            state.save(model, opt, gen, budget, slim=slim)
            return False, loss
    return True, loss
