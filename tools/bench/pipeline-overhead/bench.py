#!/usr/bin/env python3
"""The real pipeline's orchestration overhead: `nx run exp-demo:submit` cold
(a fresh copy of the checkout: no Nx cache, no outputs, daemon off) vs the
same Python commands run by hand, on the same machine in the same run:

    python -m autoexp_trainer train --config resolved-config.json
    python -m autoexp_trainer predict ... (dev)     \\  the exact arguments of the
    python -m autoexp_trainer predict ... (test)    /  first inference strategy
    python -m autoexp_trainer score --predictions dev.csv --references dev.csv --json

    python3 tools/bench/pipeline-overhead/bench.py [--experiment demo] [--runs 1] [--keep]

The by-hand commands are built by commands.js with the plugin's own compiled
code (same arguments as the pipeline); writing the resolved config and
picking the checkpoint are not timed (a person does them by hand). Needs the
built plugin and .venv (npm run setup). With --runs 2 the second run does
the by-hand commands first. Prints the figures and the orchestration share
(nx wall - by-hand wall) / nx wall; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "orchestration"))
from benchlib import REPO, bench_env, copy_repo, machine, must, stamp, table, timed  # noqa: E402

HERE = Path(__file__).resolve().parent


def env() -> dict[str, str]:
    # The trainer's environment as the pipeline sets it (core/pipeline/python.ts trainerEnv), offline.
    return bench_env(NX_DAEMON="false", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1", TOKENIZERS_PARALLELISM="false")


def run_nx(root: Path, experiment: str) -> float:
    t = must(timed([str(root / "node_modules/.bin/nx"), "run", f"exp-{experiment}:submit", "--outputStyle=static"], root, env()), "nx run")
    if "local cache" in t.out or "existing outputs match the cache" in t.out:
        raise SystemExit("nx reported a cache hit in a fresh copy: the run is not cold")
    return t.seconds


def helper(root: Path, *args: str) -> object:
    t = must(timed(["node", str(HERE / "commands.js"), *args], root, env()), f"commands.js {args[0]}")
    return json.loads(t.out.strip().splitlines()[-1])


def run_by_hand(root: Path, experiment: str, out: Path) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    train = helper(root, "config", str(root), experiment, str(out))
    times: dict[str, float] = {}
    times["train"] = must(timed([train["command"], *train["args"]], root, env()), "train").seconds
    # Picking the checkpoint by hand: the best one the trainer recorded.
    record = json.loads((out / "run" / "autoexp_run.json").read_text())
    checkpoint = record.get("best_checkpoint") or sorted((out / "run").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))[-1]
    cmds = helper(root, "infer", str(root), experiment, str(checkpoint), str(out / "predictions"))
    for name, c in zip(("predict dev", "predict test", "score"), cmds):
        times[name] = must(timed([c["command"], *c["args"]], root, env()), name).seconds
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--experiment", default="demo")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--keep", action="store_true", help="keep the copies")
    a = p.parse_args()
    if not (REPO / "packages/nx-autoexp/dist/plugin.js").exists() or not (REPO / ".venv/bin/python").exists():
        sys.exit("needs the built plugin and .venv: npm run setup")
    work = Path(tempfile.mkdtemp(prefix="autoexp-bench-overhead-"))
    print(f"# pipeline overhead: exp-{a.experiment}, {a.runs} run(s); {stamp()}; {machine()}")
    rows = []
    try:
        for rep in range(a.runs):
            root = copy_repo(work / f"copy-{rep}")
            steps = [("nx", lambda: run_nx(root, a.experiment)), ("hand", lambda: run_by_hand(root, a.experiment, work / f"by-hand-{rep}"))]
            if rep % 2:
                steps.reverse()
            got: dict[str, object] = {}
            for name, fn in steps:
                t0 = time.perf_counter()
                got[name] = fn()
                print(f"  run {rep + 1}: {name} done in {time.perf_counter() - t0:.1f}s", flush=True)
            nx_s = float(got["nx"])  # type: ignore[arg-type]
            hand: dict[str, float] = got["hand"]  # type: ignore[assignment]
            hand_s = sum(hand.values())
            share = (nx_s - hand_s) / nx_s
            detail = ", ".join(f"{k} {v:.1f}" for k, v in hand.items())
            rows.append([str(rep + 1), f"{nx_s:.1f}", f"{hand_s:.1f} ({detail})", f"{nx_s - hand_s:.1f}", f"{share * 100:.1f}%"])
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(["run", "nx run submit, s", "by hand, s", "orchestration, s", "share of nx wall"], rows))


if __name__ == "__main__":
    main()
