#!/usr/bin/env python3
"""Device pool benchmark (issue 20): makespan of N tiny trainings on G devices.

    python3 tools/bench/devices/bench.py [--experiments 4] [--devices 2] [--steps 20] [--runs 1]
    python3 tools/bench/devices/bench.py --one-gpu [--steps 200]   # on a machine with one CUDA GPU

Default mode, in a throwaway copy of the workspace with N copies of the demo
experiment (tiny BART, max_steps --steps), measures with real nx:

  one     `nx run exp-b1:train` alone, AUTOEXP_FAKE_DEVICES=G
  pool    `nx run-many -t train --parallel=G` over the N experiments, AUTOEXP_FAKE_DEVICES=G
  serial  the same run-many with no device at all (CUDA_VISIBLE_DEVICES=""): one training at a
          time through the local training slot, as before the pool

and prints pool efficiency = ideal / pool with ideal = ceil(N/G) x one, and
the speedup serial / pool. Every run is --skip-nx-cache. Pseudo-devices run
on CPU, so each training gets cores // G threads (OMP_NUM_THREADS, the same
in all three rows), which stands for "one GPU each".

--one-gpu trains two experiments on the one real GPU at the same time
(CUDA_VISIBLE_DEVICES=0 for both, the trainer started directly: the pool
would serialize them) against one after the other, and prints both times and
the peak GPU memory nvidia-smi saw in each.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "orchestration"))
from benchlib import REPO, bench_env, machine, median, must, timed  # noqa: E402

SKIP = {"node_modules", ".venv", ".nx", "outputs", "runs", "prediction", "dist", ".git", "tmp", "e2e", "__pycache__"}


def make_workspace(n: int, steps: int) -> Path:
    """A copy of the committed workspace (as e2e/workspace.ts makes one) with experiments b1..bN."""
    root = Path(tempfile.mkdtemp(prefix="autoexp-bench-devices-"))
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in files:
        if not rel or any(part in SKIP for part in rel.split("/")) or not (REPO / rel).is_file():
            continue
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, root / rel)
    (root / "node_modules").symlink_to(REPO / "node_modules")
    (root / ".venv").symlink_to(REPO / ".venv")
    for pkg in (REPO / "packages").iterdir():
        nested = pkg / "node_modules"
        if nested.is_dir() and (root / "packages" / pkg.name).is_dir():
            (root / "packages" / pkg.name / "node_modules").symlink_to(nested)
    demo = (root / "experiments/demo/experiment.yaml").read_text()
    for key in ("max_steps", "eval_steps", "save_steps"):  # whatever the demo's own values are
        demo = re.sub(rf"{key}: \d+", f"{key}: {steps}", demo)
    for i in range(1, n + 1):
        (root / f"experiments/b{i}").mkdir(parents=True)
        (root / f"experiments/b{i}/experiment.yaml").write_text(demo)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=b@autoexp", "-c", "user.name=bench", "commit", "-qm", "bench"], cwd=root, check=True)
    return root


def pool_bench(args: argparse.Namespace) -> None:
    n, g = args.experiments, args.devices
    root = make_workspace(n, args.steps)
    threads = str(max(1, (os.cpu_count() or 1) // g))
    nx = [str(root / "node_modules/.bin/nx")]
    projects = ",".join(f"exp-b{i}" for i in range(1, n + 1))
    base = dict(NX_DAEMON="false", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS=threads)
    fake = bench_env(**base, AUTOEXP_FAKE_DEVICES=str(g))
    none = {k: v for k, v in bench_env(**base, CUDA_VISIBLE_DEVICES="").items() if k != "AUTOEXP_FAKE_DEVICES"}
    try:
        must(timed(nx + ["show", "projects"], root, fake), "nx show projects")  # graph built once, outside the timings
        rows: dict[str, list[float]] = {"one": [], "pool": [], "serial": []}
        for _ in range(args.runs):
            rows["one"].append(must(timed(nx + ["run", "exp-b1:train", "--skip-nx-cache"], root, fake), "one training").seconds)
            rows["pool"].append(must(timed(nx + ["run-many", "-t", "train", f"--projects={projects}", f"--parallel={g}", "--skip-nx-cache"], root, fake), "pool run").seconds)
            rows["serial"].append(must(timed(nx + ["run-many", "-t", "train", f"--projects={projects}", f"--parallel={g}", "--skip-nx-cache"], root, none), "serial run").seconds)
        one, pool, serial = (median(rows[k]) for k in ("one", "pool", "serial"))
        ideal = math.ceil(n / g) * one
        print(f"machine: {machine()}")
        print(f"{n} tiny experiments (demo, max_steps {args.steps}), {g} pseudo-devices, OMP_NUM_THREADS={threads}, median of {args.runs}")
        print(f"  one training alone        {one:7.1f} s")
        print(f"  ideal ceil({n}/{g}) x one     {ideal:7.1f} s")
        print(f"  pool (--parallel={g})       {pool:7.1f} s   efficiency ideal/pool = {ideal / pool:.0%}")
        print(f"  serial (no device)        {serial:7.1f} s   speedup serial/pool = {serial / pool:.2f}x")
        print(json.dumps({"one_s": one, "ideal_s": ideal, "pool_s": pool, "serial_s": serial, "efficiency": ideal / pool, "speedup": serial / pool, "runs": rows}))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def gpu_memory_sampler(stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", "0"], capture_output=True, text=True).stdout.strip()
        if out.isdigit():
            peak[0] = max(peak[0], int(out))
        stop.wait(0.5)


def one_gpu_bench(args: argparse.Namespace) -> None:
    if shutil.which("nvidia-smi") is None:
        raise SystemExit("--one-gpu needs a CUDA GPU (nvidia-smi not found)")
    root = make_workspace(2, args.steps)
    nx = [str(root / "node_modules/.bin/nx")]
    env = bench_env(NX_DAEMON="false", HF_HUB_OFFLINE="1", CUDA_VISIBLE_DEVICES="0")
    try:
        # Resolved configs from one real train each; the timed runs start the trainer directly.
        for i in (1, 2):
            must(timed(nx + ["run", f"exp-b{i}:train", "--skip-nx-cache"], root, env), f"exp-b{i} warm-up")
        configs = []
        for i in (1, 2):
            cfg = json.loads((root / f"runs/b{i}/train/resolved-config.json").read_text())
            configs.append(cfg)

        def start(i: int, tag: str) -> subprocess.Popen:
            cfg = dict(configs[i])
            cfg["train"] = dict(cfg["train"], run_dir=str(Path(cfg["train"]["output_dir"]) / f"bench-{tag}-{i}"))
            path = root / f"bench-{tag}-{i}.json"
            path.write_text(json.dumps(cfg))
            return subprocess.Popen([str(root / ".venv/bin/python"), "-m", "autoexp_trainer", "train", "--config", str(path)], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def measure(tag: str, together: bool) -> tuple[float, int]:
            stop, peak = threading.Event(), [0]
            sampler = threading.Thread(target=gpu_memory_sampler, args=(stop, peak))
            sampler.start()
            t0 = time.perf_counter()
            if together:
                procs = [start(0, tag), start(1, tag)]
                codes = [p.wait() for p in procs]
            else:
                codes = [start(0, tag).wait(), start(1, tag).wait()]
            seconds = time.perf_counter() - t0
            stop.set()
            sampler.join()
            if any(codes):
                raise SystemExit(f"{tag}: a training failed ({codes})")
            return seconds, peak[0]

        seq_s, seq_mb = measure("sequential", False)
        par_s, par_mb = measure("shared", True)
        print(f"machine: {machine()}")
        print(f"two tiny experiments (max_steps {args.steps}) on one GPU")
        print(f"  one after the other   {seq_s:7.1f} s   peak GPU memory {seq_mb} MiB")
        print(f"  sharing the GPU       {par_s:7.1f} s   peak GPU memory {par_mb} MiB   speedup {seq_s / par_s:.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--experiments", type=int, default=4)
    p.add_argument("--devices", type=int, default=2)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--one-gpu", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the temp workspace")
    args = p.parse_args()
    one_gpu_bench(args) if args.one_gpu else pool_bench(args)


if __name__ == "__main__":
    main()
