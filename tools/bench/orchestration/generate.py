#!/usr/bin/env python3
"""Writes a benchmark workspace: N experiments x 3 stages (train -> infer ->
submit) whose stage commands are the stand-ins of stage.py, for one tool:

    plugin        Nx + the autoexp plugin (experiment.yaml with train.command /
                  infer.command; submit is the plugin's CompetitionCSVManager)
    run-commands  Nx with plain nx:run-commands targets (a project.json per
                  experiment), the same commands DVC runs: Nx's cost alone
    dvc           one dvc.yaml with 3 stages per experiment (deps/outs)
    plugin-executors  the same as plugin with the plugin option stepRunner:
                  'executor' (the plugin's executors, one forked Nx executor process
                  per task, instead of run-commands targets running `autoexp step`)

    python3 tools/bench/orchestration/generate.py KIND DIR [--experiments 20]

Every workspace is its own git repository (the Nx daemon and DVC need one)
with node_modules linked from the repo, so nothing touches the checkout.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
KINDS = ("plugin", "plugin-executors", "run-commands", "dvc")
DATA = "data/bench"
ROWS = 20


def exp_name(i: int) -> str:
    return f"e{i:04d}"


def python_exe() -> str:
    """The real interpreter (not a pyenv shim, which costs ~50 ms a start)."""
    return os.path.realpath(sys.executable)


def write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def write_csv(root: Path, rel: str, header: list[str], rows: list[list[str]]) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def write_data(root: Path, nx_project: bool) -> None:
    # dev has no summary column: the plugin then skips the Python scorer, which
    # no stand-in pipeline runs either (only orchestration is compared).
    dialogue = "#Person1#: 안녕하세요.\n#Person2#: 네, 안녕하세요."
    write_csv(root, f"{DATA}/train.csv", ["fname", "dialogue", "summary"], [[f"train_{i}", dialogue, "인사한다."] for i in range(ROWS)])
    write_csv(root, f"{DATA}/dev.csv", ["fname", "dialogue"], [[f"dev_{i}", dialogue] for i in range(ROWS)])
    write_csv(root, f"{DATA}/test.csv", ["fname", "dialogue"], [[f"test_{i}", dialogue] for i in range(ROWS)])
    write_csv(root, f"{DATA}/sample_submission.csv", ["fname", "summary"], [[f"test_{i}", ""] for i in range(ROWS)])
    if nx_project:
        write(root, f"{DATA}/project.json", json.dumps({"name": "data-bench", "projectType": "library", "targets": {}}, indent=2))


def write_trainer(root: Path, nx_project: bool) -> None:
    dst = root / "packages/trainer/stage.py"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "stage.py", dst)
    if nx_project:
        project = {"name": "trainer", "root": "packages/trainer", "namedInputs": {"production": ["{projectRoot}/**/*"]}, "targets": {}}
        write(root, "packages/trainer/project.json", json.dumps(project, indent=2))


def stage_cmd(py: str, *args: str) -> str:
    return " ".join([py, "packages/trainer/stage.py", *args])


def plugin_experiment(py: str, name: str) -> str:
    train = stage_cmd(py, "train", "--config {config}", "--run-dir {run_dir}", "--step-after-siblings")
    infer = stage_cmd(py, "infer", "--checkpoint {checkpoint}", "--input {input}", "--output {output}")
    return f"""description: stand-in experiment {name}
tags: [bench]
data:
  dir: {DATA}
model:
  type: seq2seq
  init: random
  architecture: bart
train:
  learning_rate: 0.001
  command: "{train}"
checkpoint:
  policy: latest
infer:
  device: cpu
  command: "{infer}"
"""


def plain_experiment(name: str) -> str:
    return f"description: stand-in experiment {name}\ntrain:\n  learning_rate: 0.001\n"


def stage_commands(py: str, name: str) -> dict[str, str]:
    """The same three commands for DVC and for nx:run-commands."""
    ckpt = f"outputs/{name}/run/checkpoint-1"
    return {
        "train": stage_cmd(py, "train", f"--config experiments/{name}/experiment.yaml", f"--run-dir outputs/{name}/run"),
        "infer": stage_cmd(py, "infer", f"--checkpoint {ckpt}", f"--input {DATA}/dev.csv", f"--output runs/{name}/infer/dev.csv")
        + " && "
        + stage_cmd(py, "infer", f"--checkpoint {ckpt}", f"--input {DATA}/test.csv", f"--output runs/{name}/infer/test.csv"),
        "submit": stage_cmd(py, "submit", f"--predictions runs/{name}/infer/test.csv", f"--sample {DATA}/sample_submission.csv", f"--output prediction/{name}/output.csv"),
    }


def run_commands_project(py: str, name: str) -> dict:
    c = stage_commands(py, name)
    ws = "{workspaceRoot}"
    trainer = {"input": "production", "projects": "trainer"}
    return {
        "name": f"exp-{name}",
        "root": f"experiments/{name}",
        "targets": {
            "train": {
                "executor": "nx:run-commands",
                "options": {"command": c["train"], "cwd": "."},
                "inputs": ["{projectRoot}/experiment.yaml", f"{ws}/config/base.yaml", trainer, f"{ws}/{DATA}/train.csv", f"{ws}/{DATA}/dev.csv"],
                "outputs": [f"{ws}/outputs/{name}"],
                "cache": True,
                "parallelism": False,
            },
            "infer": {
                "executor": "nx:run-commands",
                "options": {"command": c["infer"], "cwd": "."},
                "dependsOn": ["train"],
                "inputs": [trainer, f"{ws}/{DATA}/dev.csv", f"{ws}/{DATA}/test.csv", {"dependentTasksOutputFiles": "**/model.safetensors", "transitive": False}],
                "outputs": [f"{ws}/runs/{name}/infer"],
                "cache": True,
            },
            "submit": {
                "executor": "nx:run-commands",
                "options": {"command": c["submit"], "cwd": "."},
                "dependsOn": ["infer"],
                "inputs": [trainer, f"{ws}/{DATA}/sample_submission.csv", {"dependentTasksOutputFiles": "**/*.csv", "transitive": False}],
                "outputs": [f"{ws}/prediction/{name}"],
                "cache": True,
            },
        },
    }


def dvc_yaml(py: str, names: list[str]) -> str:
    stages: dict[str, dict] = {}
    for name in names:
        c = stage_commands(py, name)
        stages[f"train-{name}"] = {
            "cmd": c["train"],
            "deps": [f"experiments/{name}/experiment.yaml", "config/base.yaml", "packages/trainer", f"{DATA}/train.csv", f"{DATA}/dev.csv"],
            "outs": [f"outputs/{name}"],
        }
        stages[f"infer-{name}"] = {
            "cmd": c["infer"],
            "deps": ["packages/trainer", f"outputs/{name}", f"{DATA}/dev.csv", f"{DATA}/test.csv"],
            "outs": [f"runs/{name}/infer"],
        }
        stages[f"submit-{name}"] = {
            "cmd": c["submit"],
            "deps": ["packages/trainer", f"runs/{name}/infer", f"{DATA}/sample_submission.csv"],
            "outs": [f"prediction/{name}"],
        }
    # JSON is YAML: no YAML library needed here.
    return json.dumps({"stages": stages}, indent=2)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, stdout=subprocess.DEVNULL)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "-c", "user.email=bench@autoexp", "-c", "user.name=bench", "commit", "-qm", message)


def link_node_modules(root: Path) -> None:
    (root / "node_modules").symlink_to(REPO / "node_modules")


def base_nx(root: Path, plugin: bool, plugin_options: dict | None = None) -> None:
    """package.json, its lockfile, nx.json and config/ from the repo; the plugin entry only where it is measured.
    The lockfile is where Nx finds the npm packages the plugin's targets name as externalDependencies."""
    shutil.copyfile(REPO / "package.json", root / "package.json")
    shutil.copyfile(REPO / "package-lock.json", root / "package-lock.json")
    nx = json.loads((REPO / "nx.json").read_text())
    nx["$schema"] = "./node_modules/nx/schemas/nx-schema.json"
    if not plugin:
        nx.pop("plugins", None)
    elif plugin_options:
        nx["plugins"] = [{"plugin": "@autoexp/nx-autoexp", "options": plugin_options}]
    write(root, "nx.json", json.dumps(nx, indent=2))
    shutil.copytree(REPO / "config", root / "config")
    write(root, ".gitignore", "node_modules\n.nx/\noutputs/\nruns/\nprediction/\n")
    link_node_modules(root)


def generate(kind: str, root: Path, experiments: int = 20, py: str | None = None) -> list[str]:
    """Writes the workspace and commits it; returns the experiment names."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    py = py or python_exe()
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty: give a new folder")
    names = [exp_name(i) for i in range(1, experiments + 1)]
    git(root, "init", "-q", "-b", "main")
    nx_project = kind != "dvc"
    write_data(root, nx_project)
    write_trainer(root, nx_project)
    if kind in ("plugin", "plugin-executors"):
        base_nx(root, plugin=True, plugin_options={"stepRunner": "executor"} if kind == "plugin-executors" else None)
        for n in names:
            write(root, f"experiments/{n}/experiment.yaml", plugin_experiment(py, n))
    elif kind == "run-commands":
        base_nx(root, plugin=False)
        for n in names:
            write(root, f"experiments/{n}/experiment.yaml", plain_experiment(n))
            write(root, f"experiments/{n}/project.json", json.dumps(run_commands_project(py, n), indent=2))
    else:
        shutil.copytree(REPO / "config", root / "config")
        for n in names:
            write(root, f"experiments/{n}/experiment.yaml", plain_experiment(n))
        write(root, "dvc.yaml", dvc_yaml(py, names))
    commit(root, "bench workspace")
    if kind == "dvc":
        dvc = REPO / "tools/bench/.venv-dvc/bin/dvc"
        subprocess.run([str(dvc), "init", "-q"], cwd=root, check=True)
        subprocess.run([str(dvc), "config", "core.analytics", "false"], cwd=root, check=True)
        commit(root, "dvc init")
    return names


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=KINDS)
    p.add_argument("dir", type=Path)
    p.add_argument("--experiments", type=int, default=20)
    a = p.parse_args()
    names = generate(a.kind, a.dir.resolve(), a.experiments)
    print(f"{a.dir}: {a.kind} workspace with {len(names)} experiments")


if __name__ == "__main__":
    main()
