"""The Nx cache keys of train and infer (nx.json namedInputs trainerTraining /
trainerPrediction) leave out modules a command never imports. A module left
out that the command does import is a stale cache hit: an edit to it would
not retrain (or re-predict). This follows every import, lazy ones included."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

TRAINER = Path(__file__).resolve().parents[1]
PACKAGE = TRAINER / "autoexp_trainer"
NX_JSON = TRAINER.parents[1] / "nx.json"


def module_file(name: str) -> Path | None:
    path = PACKAGE.joinpath(*name.split(".")) if name else PACKAGE
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports_of(name: str) -> set[str]:
    """Package modules `name` imports anywhere in its file (function-level imports too)."""
    file = module_file(name)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("autoexp_trainer"):
                target = node.module.removeprefix("autoexp_trainer").lstrip(".")
            else:
                continue
            found.add(target)
            found.update(f"{target}.{a.name}".lstrip(".") for a in node.names)  # `from . import x` (a module)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("autoexp_trainer").lstrip(".") for a in node.names if a.name.startswith("autoexp_trainer"))
    return {m for m in found if module_file(m)}


def closure(*entries: str) -> set[Path]:
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen or not module_file(name):
            continue
        seen.add(name)
        todo.extend(imports_of(name))
    return {module_file(m).relative_to(TRAINER) for m in seen}


def excluded(named_input: str) -> set[Path]:
    patterns = json.loads(NX_JSON.read_text(encoding="utf-8"))["namedInputs"][named_input]
    return {Path(p[len("!{projectRoot}/"):]) for p in patterns if p.startswith("!{projectRoot}/")}


# __main__ dispatches to autoexp_trainer.commands.<name> by importlib, so the commands are the entries.
@pytest.mark.parametrize(
    "named_input, commands",
    [("trainerTraining", ["train"]), ("trainerPrediction", ["predict", "score", "baselines", "ensemble"])],
)
def test_modules_left_out_of_a_cache_key_are_never_imported_by_its_commands(named_input, commands):
    left_out = excluded(named_input)
    assert left_out, f"{named_input} leaves nothing out"
    assert all((TRAINER / p).is_file() for p in left_out), f"{named_input} names a file that does not exist: {sorted(left_out)}"
    used = closure("__main__", "cli", *(f"commands.{c}" for c in commands))
    assert not (used & left_out), f"{named_input} leaves out {sorted(map(str, used & left_out))}, which {commands} import"


def test_the_import_walk_sees_lazy_imports():
    # training.py imports the generation and modeling modules inside functions: a walk that missed
    # them would let the test above pass for a wrong nx.json.
    used = closure("commands.train")
    assert Path("autoexp_trainer/modeling.py") in used
    assert Path("autoexp_trainer/generation.py") in used
    assert Path("autoexp_trainer/checkpoint.py") not in used
