"""Interruptions save first, a resumed run continues where it stopped, and the
disk preflight stops a run whose checkpoints cannot fit (real trainer processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_config, write_config
from helpers import PACKAGE_ROOT, json_lines, run_cli, step_of

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


def _popen(cfg_path: Path, **extra_env: str) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(PACKAGE_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), **extra_env)
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


def test_an_early_slurm_warning_is_held_until_the_jobs_save_point_and_a_sigterm_still_saves_at_once(tmp_path, dataset):
    # slurm sent SIGUSR1 long before AUTOEXP_STOP_AT (the job script's "signal_s before the limit"):
    # the trainer trains on; the time limit's SIGTERM then saves at the next step and stops.
    cfg = _fast(tmp_path, dataset, max_steps=400, save_steps=1000)
    cfg_path = write_config(tmp_path, cfg)
    run_dir = Path(cfg["train"]["run_dir"])
    proc = _popen(cfg_path, AUTOEXP_STOP_AT=str(time.time() + 3600))
    warned_at = termed_at = None
    for line in proc.stdout:
        ev = json.loads(line)
        if ev["event"] != "log":
            continue
        if warned_at is None and ev["step"] >= 3:
            warned_at = ev["step"]
            proc.send_signal(signal.SIGUSR1)
        elif warned_at is not None and termed_at is None and ev["step"] >= warned_at + 20:
            termed_at = ev["step"]  # 20 steps on: the warning did not stop it
            proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=300)
    assert termed_at is not None, err[-2000:]
    assert proc.returncode == 8, err[-3000:]
    assert "training on, saving a checkpoint and stopping at the first step after" in err
    saved = [step_of(p) for p in run_dir.glob("checkpoint-*")]
    assert len(saved) == 1 and termed_at <= saved[0] < 400, (termed_at, saved)
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "interrupted" and "SIGTERM" in record["error"]


def test_sigterms_that_keep_coming_while_it_saves_and_exits_neither_stop_the_save_nor_cut_the_record(tmp_path, dataset):
    # One Ctrl-C under nx brings the trainer several SIGTERMs, seconds apart on a loaded machine (the step's
    # stop, then nx's tree kills of the task). Here they come every 20 ms from the first to the process's end.
    cfg = _fast(tmp_path, dataset, max_steps=400, save_steps=1000)
    cfg_path = write_config(tmp_path, cfg)
    run_dir = Path(cfg["train"]["run_dir"])
    proc = _popen(cfg_path)
    for line in proc.stdout:
        if json.loads(line)["event"] == "log" and json.loads(line)["step"] >= 5:
            break
    sent, started = 0, time.monotonic()
    while proc.poll() is None and time.monotonic() - started < 120:
        try:
            proc.send_signal(signal.SIGTERM)
            sent += 1
        except ProcessLookupError:
            break
        time.sleep(0.02)
    out, err = proc.communicate(timeout=60)
    assert sent > 1
    assert proc.returncode == 8, err[-3000:]
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "interrupted", record
    saved = [step_of(p) for p in run_dir.glob("checkpoint-*")]
    assert len(saved) == 1 and 5 <= saved[0] < 400 and f"checkpoint-{saved[0]}" in record["error"]


def test_only_a_second_ctrl_c_stops_at_once_and_only_after_the_same_keypress_window(monkeypatch):
    from autoexp_trainer import interrupt

    now = [100.0]
    monkeypatch.setattr(interrupt.time, "monotonic", lambda: now[0])
    cb = interrupt.SaveOnInterruptCallback()
    cb._handler(interrupt.signal.SIGINT, None)
    now[0] = 101.0
    cb._handler(interrupt.signal.SIGINT, None)  # the same keypress, passed on (torchrun): ignored
    now[0] = 160.0
    cb._handler(interrupt.signal.SIGTERM, None)  # a program's stop, a minute on: still saving
    cb._handler(interrupt.signal.SIGUSR1, None)
    assert cb.signal_name == "SIGINT"
    with pytest.raises(SystemExit) as e:
        cb._handler(interrupt.signal.SIGINT, None)  # the user presses again
    assert e.value.code == 128 + interrupt.signal.SIGINT
    term = interrupt.SaveOnInterruptCallback()
    term._handler(interrupt.signal.SIGTERM, None)
    now[0] = 1000.0
    term._handler(interrupt.signal.SIGTERM, None)  # never "insists"
    assert term.signal_name == "SIGTERM"


class _State:
    global_step, max_steps = 5, 100


class _Control:
    should_save = should_training_stop = False


def test_a_held_warning_saves_and_stops_at_the_first_step_after_its_moment(monkeypatch):
    from autoexp_trainer import interrupt

    now = [1000.0]
    monkeypatch.setattr(interrupt.time, "time", lambda: now[0])
    monkeypatch.setenv("AUTOEXP_STOP_AT", "1030")
    cb = interrupt.SaveOnInterruptCallback()
    cb._received("SIGUSR1", "")
    state, control = _State(), _Control()
    for t in (1000.0, 1029.9):
        now[0] = t
        cb.on_step_end(None, state, control)
        assert (control.should_save, control.should_training_stop) == (False, False)
    now[0], state.global_step = 1030.0, 9
    cb.on_step_end(None, state, control)
    assert (control.should_save, control.should_training_stop, cb.saved_step) == (True, True, 9)
    # A warning at or after its moment, or without a job clock, or any other signal: at the next step.
    assert interrupt.held_until("SIGUSR1", now=1030.0) is None
    assert interrupt.held_until("SIGTERM", now=1.0) is None
    monkeypatch.setenv("AUTOEXP_STOP_AT", "not a number")
    assert interrupt.held_until("SIGUSR1", now=1.0) is None
    monkeypatch.delenv("AUTOEXP_STOP_AT")
    assert interrupt.held_until("SIGUSR1", now=1.0) is None


def test_the_trainer_stops_at_the_jobs_save_point_by_itself_when_the_warning_was_lost(monkeypatch):
    # slurm's SIGUSR1 can come while the job is still starting, when the job script ignores it.
    from autoexp_trainer import interrupt

    now = [1000.0]
    monkeypatch.setattr(interrupt.time, "time", lambda: now[0])
    monkeypatch.setenv("AUTOEXP_STOP_AT", "1030")
    cb = interrupt.SaveOnInterruptCallback()
    state, control = _State(), _Control()
    cb.on_step_end(None, state, control)
    assert (control.should_save, cb.signal_name) == (False, None)
    now[0], state.global_step = 1031.0, 7
    cb.on_step_end(None, state, control)
    assert (control.should_save, control.should_training_stop, cb.saved_step) == (True, True, 7)
    cb._handler(interrupt.signal.SIGUSR1, None)  # the late warning: ignored, not a second signal
    with pytest.raises(interrupt.TrainingInterrupted, match="time limit.*checkpoint-7"):
        cb.check(state)
    # From there to the exit, a late SIGTERM or warning cannot cut the run record's write.
    assert [interrupt.signal.getsignal(s) for s in (interrupt.signal.SIGTERM, interrupt.signal.SIGUSR1)] == [interrupt.signal.SIG_IGN] * 2
    monkeypatch.setenv("WORLD_SIZE", "2")  # torchrun: ranks must not decide by their own clocks
    assert interrupt.SaveOnInterruptCallback().stop_at is None


def test_a_warning_whose_moment_never_came_is_not_an_interruption(monkeypatch):
    from autoexp_trainer import interrupt

    monkeypatch.setattr(interrupt.time, "time", lambda: 1000.0)
    monkeypatch.setenv("AUTOEXP_STOP_AT", "5000")
    cb = interrupt.SaveOnInterruptCallback()
    cb._received("SIGUSR1", "")
    state = _State()
    state.global_step = 60  # stopped early (early stopping), before the held moment
    cb.check(state)  # does not raise
    cb._received("SIGINT", "")
    with pytest.raises(interrupt.TrainingInterrupted):
        cb.check(state)


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
