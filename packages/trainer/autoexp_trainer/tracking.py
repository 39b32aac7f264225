"""Which tracker runs (train.report_to) a training run logged to, recorded in autoexp_run.json
as `trackers: [{name, run_id, url, ...}]` so a submission can link to its wandb/mlflow/tensorboard run.

Trackers are read from modules already imported (sys.modules): the HF integrations import
and start them; we never import one ourselves, so a tracker not in use costs nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from transformers import TrainerCallback

from .logging_utils import warn
from .run_record import RunRecord

Tracker = dict[str, Any]


def _wandb(run_dir: Path, callbacks: Iterable) -> Tracker | None:
    run = getattr(sys.modules.get("wandb"), "run", None)
    if run is None:
        return None
    # url is None for offline runs.
    return {"name": "wandb", "run_id": str(run.id), "url": getattr(run, "url", None) or None,
            "project": getattr(run, "project", None)}


def _mlflow(run_dir: Path, callbacks: Iterable) -> Tracker | None:
    mlflow = sys.modules.get("mlflow")
    run = mlflow.active_run() if mlflow is not None else None
    if run is None:
        return None
    run_id, exp_id = str(run.info.run_id), str(run.info.experiment_id)
    uri = str(mlflow.get_tracking_uri() or "")
    # Only a tracking server has a web UI; a file:// or sqlite store has no URL to give.
    url = f"{uri.rstrip('/')}/#/experiments/{exp_id}/runs/{run_id}" if uri.startswith(("http://", "https://")) else None
    return {"name": "mlflow", "run_id": run_id, "url": url, "experiment_id": exp_id}


def _tensorboard(run_dir: Path, callbacks: Iterable) -> Tracker | None:
    for cb in callbacks:
        if type(cb).__name__ != "TensorBoardCallback":
            continue
        log_dir = getattr(getattr(cb, "tb_writer", None), "log_dir", None) or getattr(cb, "logging_dir", None)
        if not log_dir:
            return None
        path = Path(log_dir).resolve()
        try:
            run_id = path.relative_to(run_dir.resolve()).as_posix()  # stays valid when the run folder moves
        except ValueError:
            run_id = str(path)
        return {"name": "tensorboard", "run_id": run_id, "url": None}
    return None


EXTRACTORS: dict[str, Callable[[Path, Iterable], Tracker | None]] = {
    "wandb": _wandb, "mlflow": _mlflow, "tensorboard": _tensorboard}


def tracker_runs(report_to: Iterable[str] | str | None, run_dir: str | Path, callbacks: Iterable = ()) -> list[Tracker]:
    """The active run of each tracker in report_to that has one. Never raises: tracking is informational."""
    names = [report_to] if isinstance(report_to, str) else list(report_to or [])
    found = []
    for name in names:
        extract = EXTRACTORS.get(name)
        if extract is None:
            continue
        try:
            entry = extract(Path(run_dir), list(callbacks))
        except Exception as exc:  # a tracker's API drifting must not fail a training run
            warn(f"could not read the {name} run id for autoexp_run.json: {type(exc).__name__}: {exc}")
            continue
        if entry:
            found.append(entry)
    return found


class TrackerRunsCallback(TrainerCallback):
    """Add after the Trainer is built, so on_train_begin runs after the integrations started their runs.

    Refreshed at on_train_end too (e.g. a run URL known only later); mlflow ends its run in its own
    on_train_end, so what was found earlier is kept rather than replaced by nothing.
    """

    def __init__(self, record: RunRecord, callbacks: list):
        self.record, self.callbacks = record, callbacks  # the trainer's live callback list
        self.known: dict[str, Tracker] = {}

    def _refresh(self, args, state) -> None:
        if not state.is_world_process_zero:
            return
        found = {t["name"]: t for t in tracker_runs(args.report_to, self.record.path.parent, self.callbacks)}
        merged = {**self.known, **found}
        if merged != self.known:
            self.known = merged
            self.record.update(trackers=list(merged.values()))

    def on_train_begin(self, args, state, control, **kwargs):
        self._refresh(args, state)

    def on_train_end(self, args, state, control, **kwargs):
        self._refresh(args, state)
