#!/usr/bin/env python3
"""Orchestration benchmark: Nx (+ the autoexp plugin, and plain nx:run-commands)
vs DVC on the same pipeline: N experiments x (train -> infer -> submit), every
stage a stand-in of stage.py that takes milliseconds, so only orchestration is
measured.

    python3 tools/bench/orchestration/bench.py [--experiments 20] [--runs 5] [--cases full,no-op,change]
        [--tools plugin,plugin-executors,run-commands,dvc] [--plugin-dist other/dist] [--keep] [--json out.json]

Needs the built plugin (npm run build) and DVC in tools/bench/.venv-dvc
(see tools/bench/README.md). Tools, each in its own generated git workspace:

    nx+autoexp         `nx run-many -t submit`, the plugin's inferred targets
                       (run-commands running `autoexp step`: the CheckpointFinder,
                       the strategy chain, the CSV manager)
    nx+autoexp executors  the same with the plugin option stepRunner: 'executor'
                       (one forked Nx executor process per task)
    nx run-commands    `nx run-many -t submit`, nx:run-commands targets running
                       exactly DVC's commands: what Nx itself costs
    dvc                `dvc repro` of a dvc.yaml with 3 stages per experiment

Nx runs with its daemon (NX_DAEMON=true) and without (false); CI is removed
from the environment because the daemon does not start under CI=true.
Cases, each measured --runs times with the tools interleaved (a shared
machine's load then hits every tool alike), median wall time reported:

    full     first full run: no outputs, empty cache (reset before each run, untimed)
    no-op    nothing changed: every stage is up to date
    change   one experiment's config changed (a new train.learning_rate): its 3 stages re-run

The "stages run" column checks that each tool did the work the case asks
for (full: 3N, no-op: 0, change: 3). A benchmark, not a test: prints figures
and ratios, asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import REPO, Timed, bench_env, machine, median, must, stamp, table, timed  # noqa: E402
from generate import commit, exp_name, generate, python_exe  # noqa: E402

DVC = REPO / "tools/bench/.venv-dvc/bin/dvc"
CASES = ("full", "no-op", "change")
NX_CACHED = re.compile(r"\[(local cache|remote cache|existing outputs match the cache, left as is)\]")


@dataclass
class Tool:
    label: str
    kind: str  # plugin | run-commands | dvc
    daemon: bool | None
    dist: Path | None = None  # another build of the plugin instead of the checkout's
    root: Path = Path()
    times: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CASES})
    ran: dict[str, list[int]] = field(default_factory=lambda: {c: [] for c in CASES})

    @property
    def is_nx(self) -> bool:
        return self.kind != "dvc"

    def env(self) -> dict[str, str]:
        extra = {"AUTOEXP_PYTHON": python_exe()}
        if self.daemon is not None:
            extra["NX_DAEMON"] = "true" if self.daemon else "false"
        return bench_env(**extra)

    def command(self) -> list[str]:
        if self.is_nx:
            return [str(self.root / "node_modules/.bin/nx"), "run-many", "-t", "submit", "--outputStyle=static"]
        return [str(DVC), "repro"]

    def stages_run(self, out: str) -> int:
        if self.is_nx:
            return sum(1 for line in out.splitlines() if line.startswith("> nx run ") and not NX_CACHED.search(line))
        return out.count("Running stage '")

    def reset(self) -> None:
        """Back to a fresh clone: no outputs, no cache, no daemon. `nx reset --only-cache`
        is not enough: Nx 22 keeps the cache records in .nx/workspace-data and then
        reports "[local cache]" hits that restore nothing."""
        for d in ("outputs", "runs", "prediction"):
            shutil.rmtree(self.root / d, ignore_errors=True)
        if self.is_nx:
            must(timed([str(self.root / "node_modules/.bin/nx"), "reset"], self.root, self.env()), f"{self.label}: nx reset")
        else:
            (self.root / "dvc.lock").unlink(missing_ok=True)
            shutil.rmtree(self.root / ".dvc/cache", ignore_errors=True)

    def run(self, case: str) -> Timed:
        t = must(timed(self.command(), self.root, self.env()), f"{self.label} ({case})")
        self.times[case].append(t.seconds)
        self.ran[case].append(self.stages_run(t.out))
        return t

    def stop(self) -> None:
        if self.is_nx and self.daemon:
            timed([str(self.root / "node_modules/.bin/nx"), "daemon", "--stop"], self.root, self.env())


def change_config(root: Path, experiment: str, rep: int) -> None:
    """A new learning rate (a new value each time, so never a cache hit)."""
    f = root / "experiments" / experiment / "experiment.yaml"
    text = f.read_text()
    new, n = re.subn(r"learning_rate: [0-9.e-]+", f"learning_rate: {0.001 + (rep + 1) * 1e-5:.5f}", text)
    if n != 1:
        raise SystemExit(f"{f}: no learning_rate line to change")
    f.write_text(new)


def use_package(root: Path, package: Path) -> None:
    """Point @autoexp/nx-autoexp and its bins at the build under test, with every other
    package still linked from the repo."""
    (root / "node_modules").unlink()
    (root / "node_modules").mkdir()
    for entry in (REPO / "node_modules").iterdir():
        if entry.name not in ("@autoexp", ".bin"):
            (root / "node_modules" / entry.name).symlink_to(entry)
    (root / "node_modules" / "@autoexp").mkdir()
    (root / "node_modules" / "@autoexp" / "nx-autoexp").symlink_to(package)
    # The package's bins too (the targets run `autoexp`; a `policy: path` infer's runtime input `autoexp-hash-input`):
    # the repo's .bin links resolve to the repo's build, not the one under test.
    bins = json.loads((package / "package.json").read_text()).get("bin", {})
    (root / "node_modules" / ".bin").mkdir()
    for entry in (REPO / "node_modules" / ".bin").iterdir():
        target = package / bins[entry.name] if entry.name in bins else entry
        (root / "node_modules" / ".bin" / entry.name).symlink_to(target)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--experiments", type=int, default=20)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of: " + ", ".join(CASES))
    p.add_argument("--tools", default="plugin,plugin-executors,run-commands,dvc", help="comma-separated subset of: plugin, plugin-executors, run-commands, dvc (dvc is always measured: it is the reference)")
    p.add_argument("--plugin-dist", type=Path, help="also measure another build of the plugin (its dist/ folder, e.g. a change under review), daemon on and off")
    p.add_argument("--keep", action="store_true", help="keep the generated workspaces")
    p.add_argument("--json", type=Path, help="also write the raw times here")
    a = p.parse_args()
    cases = [c for c in a.cases.split(",") if c]
    if unknown := set(cases) - set(CASES):
        p.error(f"unknown case(s) {sorted(unknown)}")
    if not DVC.exists():
        sys.exit(f"DVC not found at {DVC}: python3 -m venv tools/bench/.venv-dvc && tools/bench/.venv-dvc/bin/pip install dvc")
    if not (REPO / "packages/nx-autoexp/dist/plugin.js").exists():
        sys.exit("the plugin is not built: npm run build")

    kinds = set(a.tools.split(",")) | {"dvc"}
    if unknown := kinds - {"plugin", "plugin-executors", "run-commands", "dvc"}:
        p.error(f"unknown tool(s) {sorted(unknown)}")
    tools = [
        Tool("nx+autoexp, daemon", "plugin", True),
        Tool("nx+autoexp, no daemon", "plugin", False),
        Tool("nx+autoexp executors, daemon", "plugin-executors", True),
        Tool("nx+autoexp executors, no daemon", "plugin-executors", False),
        Tool("nx run-commands, daemon", "run-commands", True),
        Tool("nx run-commands, no daemon", "run-commands", False),
        Tool("dvc", "dvc", None),
    ]
    tools = [t for t in tools if t.kind in kinds]
    if a.plugin_dist:
        other = a.plugin_dist.resolve()
        tools[:0] = [Tool("nx+autoexp (other build), daemon", "plugin", True, dist=other), Tool("nx+autoexp (other build), no daemon", "plugin", False, dist=other)]
    work = Path(tempfile.mkdtemp(prefix="autoexp-bench-orchestration-"))
    print(f"# orchestration: {a.experiments} experiments x 3 stages, {a.runs} runs per case")
    print(f"# {stamp()}; {machine()}")
    print(f"# workspaces under {work}")
    if os.environ.get("NODE_EXTRA_CA_CERTS"):
        # Node 20 builds its root certificate store at every start when it is set (~45 ms on the dev box).
        # autoexp's bin starts its steps without it (bin/autoexp.js); Nx's processes and plugin workers
        # (ours one more than run-commands has) still pay it: say so beside the figures.
        print("# NODE_EXTRA_CA_CERTS is set: every Nx process and plugin worker also loads that CA bundle (env -u NODE_EXTRA_CA_CERTS to measure without)")
    try:
        for i, t in enumerate(tools):
            t.root = work / f"{i}-{t.kind}"
            generate(t.kind, t.root, a.experiments)
            if t.dist:
                nx_json = json.loads((t.root / "nx.json").read_text())
                nx_json["plugins"] = [{"plugin": str(t.dist / "plugin.js"), "options": {}}]
                (t.root / "nx.json").write_text(json.dumps(nx_json, indent=2))
                use_package(t.root, t.dist.parent)
                commit(t.root, "plugin under test")
        # Every case starts from a completed run; "full" resets before each of its runs.
        if "full" not in cases:
            for t in tools:
                must(timed(t.command(), t.root, t.env()), f"{t.label} (setup)")
        for case in cases:
            for rep in range(a.runs):
                # Rotating the order spreads any drift in the machine's load over all tools.
                for t in tools[rep % len(tools):] + tools[: rep % len(tools)]:
                    if case == "full":
                        t.reset()
                    elif case == "change":
                        change_config(t.root, exp_name(rep % a.experiments + 1), rep)
                    t.run(case)
                print(f"  {case} run {rep + 1}/{a.runs}: " + ", ".join(f"{t.label} {t.times[case][-1]:.2f}s" for t in tools), flush=True)
    finally:
        for t in tools:
            t.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    dvc = tools[-1]
    expected = {"full": 3 * a.experiments, "no-op": 0, "change": 3}
    rows = []
    for case in cases:
        d = median(dvc.times[case])
        for t in tools:
            m = median(t.times[case])
            ratio = "1.00" if t is dvc else f"{m / d:.2f}"
            verdict = "" if t is dvc else (f"{d / m:.2f}x faster" if m < d else f"{m / d:.2f}x slower")
            ran = sorted(set(t.ran[case]))
            ran_s = ",".join(map(str, ran)) + ("" if ran == [expected[case]] else f" (expected {expected[case]})")
            rows.append([case, t.label, f"{m:.2f}", f"{min(t.times[case]):.2f}-{max(t.times[case]):.2f}", ratio, verdict, ran_s])
    print()
    print(table(["case", "tool", "median s", "range s", "/ dvc", "vs dvc", "stages run"], rows))
    if a.json:
        a.json.write_text(json.dumps({"experiments": a.experiments, "runs": a.runs, "machine": machine(), "date": stamp(),
                                      "tools": {t.label: {"times": t.times, "stages_run": t.ran} for t in tools}}, indent=2))


if __name__ == "__main__":
    main()
