"""Steps redone after an interruption, through the real train step (`autoexp step train`, the
orchestrator's resume logic and the real trainer; no nx, whose overhead is not the question).

For each kill point K: a fresh run of --steps steps (save every --save-steps) is killed with
SIGKILL, every process of it, once the trainer logged step K; the rerun resumes from the newest
valid checkpoint. Printed per point: steps before the kill, the resume step, steps redone
(trained twice), and the rerun's steps as a ratio to a run from scratch (--steps). One more row
stops the run with SIGINT instead (save_on_interrupt): nothing should be redone.

  .venv/bin/python tools/bench/resume/bench.py [--steps 100] [--save-steps 20] [--kill-at 30,50,75,95]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

YAML = """model:
  type: seq2seq
  init: random
  architecture: bart
  config_overrides: {{ d_model: 32, encoder_layers: 1, decoder_layers: 1, encoder_attention_heads: 2, decoder_attention_heads: 2, encoder_ffn_dim: 64, decoder_ffn_dim: 64, max_position_embeddings: 128 }}
  tokenizer: {{ vocab_size: 500 }}
preprocess: {{ max_source_length: 64, max_target_length: 24 }}
train:
  max_steps: {steps}
  per_device_train_batch_size: 4
  eval_strategy: "no"
  eval_steps: {save}
  save_steps: {save}
  save_total_limit: 2
  load_best_model_at_end: false
  logging_steps: 1
  max_train_samples: 32
checkpoint: {{ policy: latest }}
"""

STEP = re.compile(r"\] step (\d+)/")
RESUME = re.compile(r"resuming run \S+ \([^)]*\) from \S+ \(step (\d+)\)")
FRESH = re.compile(r"a new run, not resuming: (.*)")


def workspace(steps: int, save: int) -> Path:
    ws = Path(tempfile.mkdtemp(prefix="bench-resume-"))
    shutil.copytree(REPO / "config", ws / "config")
    (ws / "data").mkdir()
    shutil.copytree(REPO / "data" / "sample", ws / "data" / "sample")
    for link in ("node_modules", ".venv", "packages"):
        (ws / link).symlink_to(REPO / link)
    (ws / "experiments" / "b").mkdir(parents=True)
    (ws / "experiments" / "b" / "experiment.yaml").write_text(YAML.format(steps=steps, save=save))
    return ws


def descendants(pid: int) -> list[int]:
    rows = [tuple(map(int, l.split())) for l in subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout.split("\n") if l.strip()]
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c, pp in rows:
            if pp == p:
                out.append(c)
                todo.append(c)
    return out


def run_step(ws: Path, stop_at: int | None = None, how: str = "kill") -> tuple[int, int | None, int, float, int, str]:
    """Runs `autoexp step train`; returns (last step logged, resume step or None, steps trained, seconds,
    exit code, last output line)."""
    cmd = ["node", str(REPO / "packages/nx-autoexp/bin/autoexp.js"), "step", "train", "--experiment", "b"]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    last, resumed, trained, sent, tail = 0, None, 0, False, ""
    fresh_why: list[str] = []
    for line in p.stdout:
        tail = line.strip() or tail
        if (m := FRESH.search(line)):
            fresh_why.append(m.group(1).strip())
        if (m := RESUME.search(line)):
            resumed = int(m.group(1))
        if (m := STEP.search(line)):
            last = int(m.group(1))
            trained += 1
            if stop_at is not None and last >= stop_at and not sent:
                sent = True
                if how == "kill":
                    for pid in [p.pid, *descendants(p.pid)]:
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                else:
                    os.killpg(p.pid, signal.SIGINT)
    p.wait()
    return last, resumed, trained, time.monotonic() - t0, p.returncode, fresh_why[0] if fresh_why else tail


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--save-steps", type=int, default=20)
    ap.add_argument("--kill-at", default="30,50,75,95")
    a = ap.parse_args()
    rows = []
    kills = [int(k) for k in a.kill_at.split(",")]
    points = [("kill -9", k) for k in kills] + [("SIGINT", kills[len(kills) // 2])]
    failed, notes = [], []
    for how, k in points:
        ws = workspace(a.steps, a.save_steps)
        try:
            before = run_step(ws, k, "kill" if how == "kill -9" else "int")[0]
            if how == "kill -9":
                # The killed task's training lock is taken over 10 s after its holder died; a rerun before
                # that stops with "already training" (printed as FAILED below).
                time.sleep(11)
            final, resumed, trained, _, code, tail = run_step(ws)
            if code != 0:
                failed.append(f"{how} at {k}: the rerun exited {code}: {tail}")
            elif resumed is None:
                notes.append(f"{how} at {k}: the rerun started over: {tail}")
            start = resumed if resumed is not None else 0
            redone = before - start
            rows.append((how, k, before, start, redone, trained, trained / a.steps, final))
        finally:
            shutil.rmtree(ws, ignore_errors=True)
    print(f"steps {a.steps}, save every {a.save_steps}")
    print("| stop | at | steps before stop | resumed from | steps redone | rerun steps | rerun / from scratch | final step |")
    print("|---|---|---|---|---|---|---|---|")
    for how, k, before, start, redone, trained, ratio, final in rows:
        print(f"| {how} | {k} | {before} | {start} | {redone} | {trained} | {ratio:.2f} | {final} |")
    worst = max(r[4] for r in rows if r[0] == "kill -9")
    print(f"worst redone after kill -9: {worst} steps (save interval {a.save_steps})")
    for n in notes:
        print(f"NOTE: {n}")
    for f in failed:
        print(f"FAILED: {f}")
    ok = not failed and worst <= a.save_steps and all(r[7] == a.steps for r in rows)
    print("target met: at most one save interval redone at every kill point" if ok else "target NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
