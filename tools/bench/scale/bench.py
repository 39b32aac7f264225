#!/usr/bin/env python3
"""Scale: a generated workspace with 1,000 experiments in experiments/ (the
orchestration benchmark's stand-in experiments), Nx daemon off:

    nx show projects                 listing (every run computes the project graph)
    nx graph --file=graph.json       project-graph creation, written to a file
    nx show projects --affected      after one experiment.yaml changed (must list only that one)

the same on one sweep file of as many variants (experiments/sweep/experiment.yaml,
`sweep: {grid: {train.seed: [1..N]}}`, plus one plain experiment that carries
the one-time costs), and the plugin's createNodes cost per experiment measured directly
(create-nodes.js: the compiled createNodesV2 over the 1,000 files with the
context Nx passes; cold = first parse in a process, warm = the in-process
parsed-config cache). As a baseline the same commands run on a workspace of
1,000 plain project.json projects (no plugin): the difference is the
plugin's share.

    python3 tools/bench/scale/bench.py [--experiments 1000] [--runs 3] [--no-baseline] [--keep] [--plugin DIST]

--plugin measures another build of the plugin (its dist/ folder, e.g. a
change under review compiled elsewhere) instead of packages/nx-autoexp/dist.

A benchmark, not a test: prints figures, asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "orchestration"))
from benchlib import REPO, bench_env, machine, median, must, stamp, table, timed  # noqa: E402
from generate import commit, exp_name, generate, plugin_experiment, python_exe  # noqa: E402

GOAL_MS = 2.0


def nx(root: Path, *args: str):
    return must(timed([str(root / "node_modules/.bin/nx"), *args], root, bench_env(NX_DAEMON="false")), f"nx {' '.join(args)}")


def make_sweep(root: Path, n: int) -> None:
    """The plugin workspace with its N experiment files replaced by one sweep of N variants (and one plain experiment)."""
    generate("plugin", root, 1)
    text = plugin_experiment(python_exe(), "sweep")
    seeds = ", ".join(str(i) for i in range(1, n + 1))
    sweep = root / "experiments" / "sweep" / "experiment.yaml"
    sweep.parent.mkdir(parents=True)
    sweep.write_text(text + f"sweep:\n  max_variants: {n}\n  grid:\n    train.seed: [{seeds}]\n")
    commit(root, "one sweep")


def measure(root: Path, runs: int, n: int, affected: bool = True) -> dict[str, dict[str, float]]:
    """Cold (no .nx/workspace-data) and the median of the next runs, per command."""
    out: dict[str, dict[str, float]] = {}
    commands = {
        "nx show projects": ["show", "projects"],
        "nx graph --file=graph.json": ["graph", f"--file={root / 'graph.json'}"],
    }
    for label, args in commands.items():
        shutil.rmtree(root / ".nx", ignore_errors=True)
        times = []
        for _ in range(runs + 1):
            t = nx(root, *args)
            times.append(t.seconds)
        if label == "nx show projects":
            listed = len(t.out.split())
            if listed < n:
                raise SystemExit(f"nx show projects listed {listed} projects, expected at least {n}")
        out[label] = {"cold": times[0], "warm": median(times[1:])}
    if not affected:
        return out
    # One change: a new learning rate for the first experiment (uncommitted; base = main).
    f = root / "experiments" / exp_name(1) / "experiment.yaml"
    f.write_text(f.read_text().replace("learning_rate: 0.001", "learning_rate: 0.002"))
    times = []
    for _ in range(runs):
        t = nx(root, "show", "projects", "--affected")
        times.append(t.seconds)
        if t.out.split() != [f"exp-{exp_name(1)}"]:
            raise SystemExit(f"nx show projects --affected listed {t.out.split()[:10]}..., expected only exp-{exp_name(1)}")
    out["nx show projects --affected (1 change)"] = {"cold": float("nan"), "warm": median(times)}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--experiments", type=int, default=1000)
    p.add_argument("--runs", type=int, default=3, help="warm runs per command (after one cold run)")
    p.add_argument("--no-baseline", action="store_true", help="skip the plain project.json workspace")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--plugin", type=Path, help="another build of the plugin: its dist/ folder")
    a = p.parse_args()
    if not (REPO / "packages/nx-autoexp/dist/plugin.js").exists():
        sys.exit("the plugin is not built: npm run build")
    n = a.experiments
    work = Path(tempfile.mkdtemp(prefix="autoexp-bench-scale-"))
    print(f"# scale: {n} experiments, daemon off, {a.runs} warm run(s) per command; plugin {a.plugin or 'packages/nx-autoexp/dist'}; {stamp()}; {machine()}")
    try:
        plugin_ws = work / "plugin"
        generate("plugin", plugin_ws, n)
        extra: list[str] = []
        if a.plugin:
            dist = a.plugin.resolve()
            nx_json = json.loads((plugin_ws / "nx.json").read_text())
            nx_json["plugins"] = [{"plugin": str(dist / "plugin.js"), "options": {}}]
            (plugin_ws / "nx.json").write_text(json.dumps(nx_json, indent=2))
            commit(plugin_ws, "plugin under test")  # else every project is affected by nx.json
            extra = ["--plugin", str(dist)]
        direct_cmd = ["node", str(HERE / "create-nodes.js"), str(plugin_ws), "--warm-runs", "5", *extra]
        direct = json.loads(must(timed(direct_cmd, plugin_ws, bench_env()), "create-nodes.js").out.strip().splitlines()[-1])
        # Again in a new process, nothing changed: what a daemon-less `nx` command pays.
        again = json.loads(must(timed(direct_cmd, plugin_ws, bench_env()), "create-nodes.js").out.strip().splitlines()[-1])
        if direct["invalid"]:
            raise SystemExit(f"{direct['invalid']} generated experiments were invalid configs")
        plugin = measure(plugin_ws, a.runs, n)
        sweep_ws = work / "sweep"
        make_sweep(sweep_ws, n)
        sweep_cmd = ["node", str(HERE / "create-nodes.js"), str(sweep_ws), "--warm-runs", "5", *extra]
        if a.plugin:
            nx_json = json.loads((sweep_ws / "nx.json").read_text())
            nx_json["plugins"] = [{"plugin": str(a.plugin.resolve() / "plugin.js"), "options": {}}]
            (sweep_ws / "nx.json").write_text(json.dumps(nx_json, indent=2))
            commit(sweep_ws, "plugin under test")
        sweep_direct = json.loads(must(timed(sweep_cmd, sweep_ws, bench_env()), "create-nodes.js (sweep)").out.strip().splitlines()[-1])
        sweep_again = json.loads(must(timed(sweep_cmd, sweep_ws, bench_env()), "create-nodes.js (sweep)").out.strip().splitlines()[-1])
        if sweep_direct["invalid"] or sweep_direct["cold_projects"] != n:
            raise SystemExit(f"the sweep gave {sweep_direct['cold_projects']} projects ({sweep_direct['invalid']} invalid), expected {n}")
        sweep = measure(sweep_ws, a.runs, n, affected=False)
        base = None
        if not a.no_baseline:
            base_ws = work / "plain"
            generate("run-commands", base_ws, n)
            base = measure(base_ws, a.runs, n)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)

    rows = []
    for label, t in plugin.items():
        b = base[label] if base else None
        fmt = lambda x: "-" if x != x else f"{x:.2f}"  # NaN: not measured
        rows.append([label, fmt(t["cold"]), fmt(t["warm"]), f"{t['warm'] * 1000 / n:.2f}",
                     fmt(b["warm"]) if b else "-", f"{(t['warm'] - b['warm']) * 1000 / n:.2f}" if b else "-"])
    print()
    print(table(["command", "cold s", "warm s (median)", "ms / experiment", "plain project.json s", "plugin's extra ms / experiment"], rows))
    print()
    cold, warm = direct["cold_ms_per_experiment"], direct["warm_ms_per_experiment"]
    print(table(
        ["createNodesV2 (direct)", "value"],
        [
            ["experiments", str(direct["experiments"])],
            ["require dist/plugin.js", f"{direct['require_ms']:.0f} ms"],
            ["first experiment (one-time costs)", f"{direct['first_call_ms']:.0f} ms"],
            ["cold (first parse), per experiment", f"{cold:.3f} ms ({'under' if cold < GOAL_MS else 'OVER'} the {GOAL_MS:g} ms goal)"],
            ["new process, configs unchanged, per experiment", f"{again['cold_ms_per_experiment']:.3f} ms (+ {again['first_call_ms']:.0f} ms first experiment)"],
            ["warm (in-process cache), per experiment", f"{warm:.4f} ms"],
            ["createDependencies, all", f"{direct['create_dependencies_ms']:.0f} ms ({direct['dependencies']} edges)"],
        ],
    ))
    print()
    sc = sweep_direct["cold_ms_per_project"]
    print(table(
        [f"one sweep file of {n} variants", "value", f"{n} experiment files"],
        [
            ["projects from the sweep file", str(sweep_direct["cold_projects"]), str(direct["experiments"])],
            ["cold (first parse), per variant / experiment", f"{sc:.3f} ms ({'under' if sc < GOAL_MS else 'OVER'} the {GOAL_MS:g} ms goal)", f"{cold:.3f} ms"],
            ["new process, config unchanged, per variant / experiment", f"{sweep_again['cold_ms_per_project']:.3f} ms", f"{again['cold_ms_per_experiment']:.3f} ms"],
            ["warm (in-process cache), per variant / experiment", f"{sweep_direct['warm_ms_per_project']:.4f} ms", f"{warm:.4f} ms"],
            ["createDependencies, all", f"{sweep_direct['create_dependencies_ms']:.0f} ms ({sweep_direct['dependencies']} edges)", f"{direct['create_dependencies_ms']:.0f} ms"],
            *[[f"{label}: cold / warm s", f"{sweep[label]['cold']:.2f} / {sweep[label]['warm']:.2f}", f"{plugin[label]['cold']:.2f} / {plugin[label]['warm']:.2f}"] for label in sweep],
        ],
    ))


if __name__ == "__main__":
    main()
