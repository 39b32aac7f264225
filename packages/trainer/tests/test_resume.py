"""Interruptions save first, a resumed run continues where it stopped, and the
disk preflight stops a run whose checkpoints cannot fit (real trainer processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_config, write_config
from helpers import PACKAGE_ROOT, json_lines, run_cli, step_of

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


def _popen(cfg_path: Path) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(PACKAGE_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", "autoexp_trainer", "train", "--config", str(cfg_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _fast(tmp_path, dataset, **kw) -> dict:
    # No evaluation: each step is a few ms, so the run is about the resume, not the model.
    settings = dict(max_steps=40, eval_strategy="no", save_steps=10, logging_steps=1, save_total_limit=None,
                    load_best_model_at_end=False)
    return make_config(tmp_path, dataset, "bart", **{**settings, **kw})


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGUSR1])
def test_a_signal_saves_a_checkpoint_at_the_next_step_and_a_rerun_resumes_from_it(tmp_path, dataset, sig):
    cfg = _fast(tmp_path, dataset)
    cfg_path = write_config(tmp_path, cfg)
    run_dir = Path(cfg["train"]["run_dir"])
    proc = _popen(cfg_path)
    sent_after = None
    for line in proc.stdout:
        ev = json.loads(line)
        if ev["event"] == "log" and ev["step"] >= 13:
            sent_after = ev["step"]
            proc.send_signal(sig)
            break
    out, err = proc.communicate(timeout=300)
    assert sent_after is not None, err[-2000:]
    assert proc.returncode == 8, err[-3000:]
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "interrupted"
    saved = max(step_of(p) for p in run_dir.glob("checkpoint-*"))
    # Saved at the step boundary after the signal, not at the last scheduled save (10).
    assert sent_after <= saved < 40 and saved != 10, (sent_after, saved)
    assert f"checkpoint-{saved}" in record["error"]

    cfg["run_control"] = {"resume_from_checkpoint": str(run_dir / f"checkpoint-{saved}")}
    write_config(tmp_path, cfg)
    again = run_cli("train", "--config", str(cfg_path))
    assert again.returncode == 0, again.stderr[-3000:]
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "completed"
    assert [(r["step"], Path(r["checkpoint"]).name) for r in record["resumed_from"]] == [(saved, f"checkpoint-{saved}")]
    assert len(record["attempts"]) == 2
    final = json.loads((run_dir / "checkpoint-40" / "trainer_state.json").read_text())
    assert final["global_step"] == 40
    # log_history continues the interrupted run's: every step once, in order.
    steps = [e["step"] for e in final["log_history"] if "loss" in e]
    assert steps == list(range(1, 41))
    # The resumed process trained only the remaining steps.
    logs = [e["step"] for e in json_lines(again.stdout) if e["event"] == "log"]
    assert logs[0] == saved + 1 and logs[-1] == 40


def test_resume_refuses_a_checkpoint_of_another_run_or_config(tmp_path, dataset):
    cfg = _fast(tmp_path, dataset, max_steps=10)
    cfg_path = write_config(tmp_path, cfg)
    assert run_cli("train", "--config", str(cfg_path)).returncode == 0
    run_dir = Path(cfg["train"]["run_dir"])
    cfg["config_hash"] = "1" * 64  # the train config changed
    cfg["run_control"] = {"resume_from_checkpoint": str(run_dir / "checkpoint-10")}
    write_config(tmp_path, cfg)
    proc = run_cli("train", "--config", str(cfg_path))
    assert proc.returncode == 4
    assert "a different run or train config" in proc.stderr
    assert json.loads((run_dir / "autoexp_run.json").read_text())["status"] == "completed"  # untouched


def test_disk_estimate_counts_weights_optimizer_and_kept_checkpoints(tmp_path):
    import torch

    from autoexp_trainer.disk_preflight import DiskEstimate, DiskSpaceError, check_disk, estimate

    model = torch.nn.Linear(100, 10)  # 1010 fp32 parameters
    e = estimate(model, adapter=False, total_steps=100, save_steps=20, save_total_limit=2, run_dir=tmp_path)
    assert e.per_checkpoint == 1010 * 4 + 1010 * 8
    assert e.kept == 2 and e.needed == 3 * e.per_checkpoint
    model.bias.requires_grad_(False)  # an adapter saves and optimizes only what trains
    a = estimate(model, adapter=True, total_steps=100, save_steps=20, save_total_limit=None, run_dir=tmp_path)
    assert a.per_checkpoint == 1000 * 4 + 1000 * 8 and a.kept == 5 and a.needed == 5 * a.per_checkpoint

    def est(needed, free):
        return DiskEstimate(per_checkpoint=needed, kept=1, already=0, needed=needed, free=free, mount="/m")

    with pytest.raises(DiskSpaceError) as exc:
        check_disk(est(101, 100), tmp_path)
    assert "needed" in exc.value.message and "free on /m" in exc.value.message
    check_disk(est(80, 100), tmp_path)  # fits with room: no error


def test_disk_preflight_stops_a_run_that_cannot_fit_on_a_small_filesystem(tmp_path, dataset):
    mnt = tmp_path / "small"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if mounted.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a tmpfs (CI must run as root): {mounted.stderr}")
        pytest.skip(f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        cfg = _fast(tmp_path, dataset, max_steps=10)
        cfg["train"]["output_dir"] = str(mnt / "exp")
        cfg["train"]["run_dir"] = str(mnt / "exp" / "run1")
        proc = run_cli("train", "--config", str(write_config(tmp_path, cfg)))
        assert proc.returncode == 9, proc.stderr[-2000:]
        assert "not enough disk space" in proc.stderr and f"free on {mnt}" in proc.stderr
        assert not list((mnt / "exp" / "run1").glob("checkpoint-*"))
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
