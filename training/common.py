"""Shared plumbing for the trainers: config loading, device choice, seeding, time budgets, checkpoints and DDP.

Kept deliberately small so each `train_*.py` reads top to bottom. Works on torch 1.13 (CPU) and 2.x (CUDA).

Data parallel (`torchrun --nproc_per_node N -m training.pipeline …`): every rank draws the same *global* batch
from the same seeded generator and keeps its slice (`shard`), the model is wrapped in DistributedDataParallel
(gloo on CPU, NCCL on GPUs), rank 0 decides when to stop and what the learning rate is (`run_stage` broadcasts
both, since wall-clock budgets differ per process), and only rank 0 logs and writes checkpoints and bundles.
Without torchrun the world is one process and the same code runs unchanged.
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


# ---------------------------------------------------------------------------------------------- distributed
def world() -> tuple[int, int]:
    """(rank, world size) of this process: (0, 1) unless running under torchrun with more than one process."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


def is_main() -> bool:
    return world()[0] == 0


def init_distributed(device: torch.device | None = None) -> tuple[int, int]:
    """Joins the process group torchrun describes (WORLD_SIZE > 1); a no-op for a single process."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not torch.distributed.is_initialized():
        cuda = (device or pick_device()).type == "cuda"
        if cuda:
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        torch.distributed.init_process_group("nccl" if cuda else "gloo")
    return world()


def barrier() -> None:
    if world()[1] > 1:
        torch.distributed.barrier()


def shard(*tensors: torch.Tensor):
    """This rank's contiguous slice of each global-batch tensor (the batch must divide by the world size)."""
    rank, n = world()
    if n == 1:
        return tensors if len(tensors) > 1 else tensors[0]
    B = len(tensors[0])
    assert B % n == 0, f"global batch {B} does not divide by {n} processes; pick a batch size that does"
    out = tuple(t[rank * B // n : (rank + 1) * B // n] for t in tensors)
    return out if len(out) > 1 else out[0]


def wrap_ddp(module: torch.nn.Module) -> torch.nn.Module:
    """DistributedDataParallel around `module` when the world has more than one process, else `module`."""
    if world()[1] == 1:
        return module
    dev = next(module.parameters()).device
    ddp = torch.nn.parallel.DistributedDataParallel
    flags = [n for n, b in module.named_buffers() if b.dtype == torch.bool]  # gloo broadcasts no bools; the
    ddp._set_params_and_buffers_to_ignore_for_model(module, flags)  # flags flip alike on every rank anyway
    return ddp(module, device_ids=[dev.index] if dev.type == "cuda" else None)


class LossModule(torch.nn.Module):
    """`forward` = `module.loss(...)`: DDP synchronises gradients only through `forward`."""

    def __init__(self, module: torch.nn.Module):
        super().__init__()
        self.module = module

    def forward(self, *args):
        return self.module.loss(*args)


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
    """Prints and appends to `<run_dir>/log.txt` (rank 0 only under DDP)."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, msg: str) -> None:
        if not is_main():
            return
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
    """Atomic save (write then rename) so a kill mid-save never corrupts the previous checkpoint. Rank 0 only."""
    if not is_main():
        return
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
    if is_main():
        tmp = path.with_suffix(".tmp")
        torch.save({"tag": tag, "value": value}, tmp)
        os.replace(tmp, path)
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

    FIRST_LOSSES = 200  # the first steps' losses are kept in the checkpoint (the DDP parity test reads them)

    def __init__(self, path: Path):
        self.path = path
        self.step = 0
        self.spent_s = 0.0
        self.done = False
        self.max_steps = None
        self.rewarm_from = None  # step at which a slim checkpoint (no optimizer moments) was resumed
        self.history: list[dict] = []  # one segment per invocation: effective stage config, steps, command
        self.losses: list[float] = []

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
        if self.history:
            self.history[-1].update(to_step=self.step, minutes_spent=round(self.spent_s / 60, 2))
        save_checkpoint(
            self.path, model=fp32_state(model), optimizer=None if slim else opt.state_dict(), step=self.step,
            spent_s=self.spent_s, done=done, rng=rng_state(), gen=gen.get_state(), extra=extra or {},
            max_steps=self.max_steps, history=self.history, losses=self.losses,
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
        self.history, self.losses = list(ck.get("history") or []), list(ck.get("losses") or [])
        set_rng_state(ck["rng"])
        gen.set_state(ck["gen"])
        return ck.get("extra", {})


def progress(step: int, max_steps: int | None, budget: "Budget") -> float:
    """Schedule position in [0, 1]: by steps when a step cap is set (deterministic), else by wall clock."""
    return min(1.0, step / max_steps) if max_steps else budget.fraction()


def should_stop(step: int, max_steps: int | None, budget: "Budget") -> bool:
    return (max_steps is not None and step >= max_steps) or budget.exhausted()


def begin_stage(name: str, state: StageState, model, opt, gen: torch.Generator, tc: dict,
                minutes: float | None, resume: bool, log, cfg: dict | None = None, **facts) -> "Budget | None":
    """Restores `state` when resuming; returns the stage's Budget, or None when the resumed stage is finished.

    Opens a history segment: the stage's effective config (after `minutes` and every other override), the step it
    starts from, the command that ran it (`cfg["run"]`, set by the pipeline) and `facts` (e.g. init_from)."""
    if resume and state.path.exists():
        state.restore(model, opt, gen)
        log(f"{name}: resumed at step {state.step}, {state.spent_s / 60:.1f} min spent, done={state.done}")
        if state.finished(minutes, tc.get("max_steps")):
            return None
    state.max_steps = tc.get("max_steps")
    total = minutes if minutes is not None else tc["minutes"]
    run = (cfg or {}).get("run", {})
    state.history.append({"config": {**tc, "minutes": total}, "from_step": state.step,
                          "resumed": state.step > 0, "slim_resume": state.rewarm_from is not None,
                          "processes": world()[1], "command": run.get("command"), **facts})
    return Budget(total, state.spent_s)


def run_stage(name: str, state: StageState, model, opt, gen: torch.Generator, budget: "Budget", tc: dict,
              cfg: dict, log, loss_fn, interrupt_after: int | None = None, grad_clip: float | None = 1.0,
              describe=lambda: "") -> tuple[bool, torch.Tensor]:
    """The optimisation loop every stage shares: schedule, step, log, periodic checkpoints.

    `loss_fn()` samples a batch and returns the loss (forward only); `describe()` adds stage-specific text to
    the progress line. Returns (completed, last loss); completed is False when `interrupt_after` stopped it,
    after saving as a kill between checkpoints would not (tests use this to check resume).
    """
    slim = cfg.get("slim_checkpoints", False)
    n_proc = world()[1]
    last_ckpt, t_log, loss = time.time(), time.time(), torch.tensor(float("nan"))
    while True:
        stop, frac = should_stop(state.step, state.max_steps, budget), progress(state.step, state.max_steps, budget)
        if n_proc > 1:  # rank 0's clock decides for everyone: ranks must stop together and share the lr
            t = torch.tensor([float(stop), frac], dtype=torch.float64)
            torch.distributed.broadcast(t, 0)
            stop, frac = bool(t[0]), float(t[1])
        if stop:
            break
        lr = state.lr(tc["lr"], tc.get("warmup", 100), frac)
        for g in opt.param_groups:
            g["lr"] = lr
        local = loss_fn()
        opt.zero_grad(set_to_none=True)
        local.backward()
        if grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        opt.step()
        loss = local.detach().float()
        if n_proc > 1:  # the global batch's loss: loss_fn scales each shard so that the mean over ranks is it
            torch.distributed.all_reduce(loss)
            loss = loss / n_proc
        if len(state.losses) < state.FIRST_LOSSES:
            state.losses.append(loss.item())
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
