"""Data parallel training: 2 gloo processes under torchrun give the losses of 1 process with the same global batch.

Every rank draws the same global batch and keeps its half; the GPT weighs each half's mean by its share of the
batch's target tokens, so DDP's gradient mean is the whole batch's gradient. Tolerance: 1e-4 relative on each of
the first steps' losses (float32 sums in another order, and the updated weights drift by as much, step by step).
"""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest
import torch

from training import common, train_clip, train_gpt, train_vqvae
from training.tests.conftest import quiet

STEPS = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not torch.distributed.is_gloo_available(), reason="needs torch.distributed with gloo")
def test_two_gloo_processes_give_the_same_gpt_losses_as_one(tiny_data, tiny_cfg, tmp_path):
    train_vqvae.train(tiny_cfg, tiny_data, log=quiet)
    train_clip.train(tiny_cfg, tiny_data, log=quiet)
    tiny_cfg["gpt"]["max_steps"] = STEPS
    two = json.loads(json.dumps(tiny_cfg))
    two["run_dir"] = str(tmp_path / "run2")
    shutil.copytree(tiny_cfg["run_dir"], two["run_dir"])
    train_gpt.train(tiny_cfg, tiny_data, log=quiet)
    one = common.load_checkpoint(common.run_dir(tiny_cfg) / "gpt.pt")

    cfg_path = tmp_path / "two.json"
    cfg_path.write_text(json.dumps(two))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(common.ROOT)}
    # --redirects 2 --tee 2: Debian's torch 1.13 on Python 3.11 cannot parse the default "0" (an IntFlag change)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
           "--master_port", str(free_port()), "--redirects", "2", "--tee", "2", "--log_dir", str(tmp_path / "logs"),
           "-m", "training.train_gpt", "--config", str(cfg_path),
           "--images", str(tiny_data["images"]), "--captions", str(tiny_data["captions"])]
    proc = subprocess.run(cmd, cwd=common.ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ddp = common.load_checkpoint(common.run_dir(two) / "gpt.pt")

    assert len(one["losses"]) == len(ddp["losses"]) == STEPS
    for a, b in zip(one["losses"], ddp["losses"]):
        assert abs(a - b) <= 1e-4 * abs(a), (one["losses"], ddp["losses"])
    assert ddp["history"][-1]["processes"] == 2 and one["history"][-1]["processes"] == 1
    for k, v in one["model"].items():  # and the weights after STEPS steps agree as closely
        assert torch.allclose(v, ddp["model"][k], rtol=1e-3, atol=1e-5), k
