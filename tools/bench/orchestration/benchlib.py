"""Small helpers shared by the benchmarks in tools/bench/{orchestration,pipeline-overhead,scale}."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
NX_VARS_TO_DROP = ("CI", "NX_SKIP_NX_CACHE", "NX_CACHE_DIRECTORY", "NX_DAEMON", "NX_WORKSPACE_DATA_DIRECTORY")


def bench_env(**extra: str) -> dict[str, str]:
    """The caller's environment without CI (the Nx daemon refuses to start under CI=true)
    and without Nx overrides that would change what is measured."""
    env = {k: v for k, v in os.environ.items() if k not in NX_VARS_TO_DROP}
    env.update({"NX_NO_CLOUD": "true", "NX_TUI": "false", "FORCE_COLOR": "0", "NX_VERBOSE_LOGGING": "false"})
    env.update(extra)
    return env


@dataclass
class Timed:
    seconds: float
    code: int
    out: str


def timed(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 1800) -> Timed:
    """Wall time of one command, output captured (never printed: it would cost time)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return Timed(time.perf_counter() - t0, p.returncode, p.stdout)


def must(t: Timed, what: str) -> Timed:
    if t.code != 0:
        tail = "\n".join(t.out.splitlines()[-40:])
        raise SystemExit(f"{what} failed (exit {t.code}):\n{tail}")
    return t


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def machine() -> str:
    try:
        load = "load %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "load ?"
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}, Node {node}, {load}"


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (pastes into tools/bench/README.md as is)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


# What a fresh clone does not have (or gets linked instead of copied); as e2e/workspace.ts.
COPY_SKIP = {"node_modules", ".venv", ".venv-dvc", ".nx", "outputs", "runs", "prediction", ".git", "coverage", "tmp", ".pytest_cache", "__pycache__", "e2e", "reports"}


def copy_repo(dest: Path) -> Path:
    """A throwaway copy of the checkout (built plugin included, as after `npm run setup`),
    node_modules and .venv linked, its own git repository and Nx cache."""
    import shutil

    shutil.copytree(REPO, dest, ignore=lambda d, names: [n for n in names if n in COPY_SKIP], symlinks=True)
    (dest / "node_modules").symlink_to(REPO / "node_modules")
    # A package's own node_modules (e.g. the plugin's yaml 2) too, as e2e/workspace.ts does.
    for nested in (REPO / "packages").glob("*/node_modules"):
        if (dest / "packages" / nested.parent.name).is_dir():
            (dest / "packages" / nested.parent.name / "node_modules").symlink_to(nested)
    if (REPO / ".venv").exists():
        (dest / ".venv").symlink_to(REPO / ".venv")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "user.email=bench@autoexp", "-c", "user.name=bench", "commit", "-qm", "bench"]):
        subprocess.run(["git", *args], cwd=dest, check=True, stdout=subprocess.DEVNULL)
    return dest
