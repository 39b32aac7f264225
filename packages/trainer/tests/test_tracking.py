"""train.report_to: the tracker runs a training run logged to end up in autoexp_run.json `trackers`."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from autoexp_trainer.commands import train as train_cmd
from autoexp_trainer.run_record import RunRecord
from autoexp_trainer.tracking import TrackerRunsCallback, tracker_runs

from conftest import make_config, write_config
from required import require

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning")


def test_tensorboard_run_dir_is_recorded_and_holds_the_events(tmp_path, dataset, monkeypatch):
    require("the tensorboard package", importlib.util.find_spec("tensorboard") is not None,
            "not installed (it is in the trainer's [test] extra: pip install -e 'packages/trainer[test]')")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    monkeypatch.delenv("TENSORBOARD_LOGGING_DIR", raising=False)
    cfg = make_config(tmp_path, dataset, report_to=["tensorboard"], max_steps=10, eval_steps=10, save_steps=10)
    with contextlib.redirect_stdout(io.StringIO()):
        rc = train_cmd.main(["--config", str(write_config(tmp_path, cfg))])
    assert rc == 0
    run_dir = Path(cfg["train"]["run_dir"])
    record = json.loads((run_dir / "autoexp_run.json").read_text())
    assert record["status"] == "completed"  # complete() kept the trackers written at train begin
    [tb] = record["trackers"]
    assert tb["name"] == "tensorboard" and tb["url"] is None
    assert not Path(tb["run_id"]).is_absolute()  # relative to the run folder, which may move
    log_dir = run_dir / tb["run_id"]
    assert log_dir.is_dir() and list(log_dir.glob("events.out.tfevents.*"))
    acc = EventAccumulator(str(log_dir))
    acc.Reload()
    assert "train/loss" in acc.Tags()["scalars"]  # the folder TensorBoardCallback really logged to


def _fake_mlflow(uri: str, run=True):
    active = SimpleNamespace(info=SimpleNamespace(run_id="4f2a", experiment_id="7")) if run else None
    return SimpleNamespace(active_run=lambda: active, get_tracking_uri=lambda: uri)


def test_wandb_run_id_url_and_project(monkeypatch, tmp_path):
    run = SimpleNamespace(id="abc123", url="https://wandb.ai/team/proj/runs/abc123", project="proj")
    monkeypatch.setitem(sys.modules, "wandb", SimpleNamespace(run=run))
    assert tracker_runs(["wandb"], tmp_path) == [
        {"name": "wandb", "run_id": "abc123", "url": "https://wandb.ai/team/proj/runs/abc123", "project": "proj"}]
    # offline run: no url
    monkeypatch.setitem(sys.modules, "wandb", SimpleNamespace(run=SimpleNamespace(id="off1", url=None, project="p")))
    assert tracker_runs("wandb", tmp_path)[0]["url"] is None
    monkeypatch.setitem(sys.modules, "wandb", SimpleNamespace(run=None))
    assert tracker_runs(["wandb"], tmp_path) == []


@pytest.mark.parametrize("uri, url", [
    ("http://mlflow.local:5000/", "http://mlflow.local:5000/#/experiments/7/runs/4f2a"),
    ("https://mlflow.example.com", "https://mlflow.example.com/#/experiments/7/runs/4f2a"),
    ("file:///work/mlruns", None),
    ("sqlite:///mlflow.db", None),
])
def test_mlflow_url_only_for_a_tracking_server(monkeypatch, tmp_path, uri, url):
    monkeypatch.setitem(sys.modules, "mlflow", _fake_mlflow(uri))
    assert tracker_runs(["mlflow"], tmp_path) == [{"name": "mlflow", "run_id": "4f2a", "url": url, "experiment_id": "7"}]


def test_trackers_not_imported_or_not_named_are_skipped(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "wandb", raising=False)
    monkeypatch.setitem(sys.modules, "mlflow", _fake_mlflow("http://x"))
    assert tracker_runs(["wandb", "comet_ml"], tmp_path) == []  # mlflow is imported but not asked for
    assert tracker_runs("none", tmp_path) == [] and tracker_runs([], tmp_path) == []


def test_a_broken_tracker_api_warns_and_the_others_are_kept(monkeypatch, tmp_path, capsys):
    class Run:
        @property
        def id(self):
            raise AttributeError("no id in this wandb version")

    monkeypatch.setitem(sys.modules, "wandb", SimpleNamespace(run=Run()))
    monkeypatch.setitem(sys.modules, "mlflow", _fake_mlflow("http://m"))
    assert [t["name"] for t in tracker_runs(["wandb", "mlflow"], tmp_path)] == ["mlflow"]
    assert "could not read the wandb run id" in capsys.readouterr().err


def test_tensorboard_dir_outside_the_run_folder_is_absolute(tmp_path):
    class TensorBoardCallback:  # matched by name, as transformers' own
        tb_writer = None
        logging_dir = str(tmp_path / "elsewhere" / "tb")

    [tb] = tracker_runs(["tensorboard"], tmp_path / "run", [TensorBoardCallback()])
    assert tb["run_id"] == str((tmp_path / "elsewhere" / "tb").resolve())


def _record(tmp_path) -> RunRecord:
    return RunRecord(tmp_path, run_id="r1", experiment="e", config_hash="0", model_type="seq2seq", adapter=False,
                     base_model=None, device="cpu", batch_size_used=8)


def test_callback_keeps_a_run_that_ended_before_on_train_end(monkeypatch, tmp_path):
    record = _record(tmp_path)
    cb = TrackerRunsCallback(record, [])
    args, state = SimpleNamespace(report_to=["mlflow"]), SimpleNamespace(is_world_process_zero=True)
    monkeypatch.setitem(sys.modules, "mlflow", _fake_mlflow("http://m"))
    cb.on_train_begin(args, state, None)
    monkeypatch.setitem(sys.modules, "mlflow", _fake_mlflow("http://m", run=False))  # MLflowCallback ended it
    cb.on_train_end(args, state, None)
    on_disk = json.loads(record.path.read_text())
    assert [t["run_id"] for t in on_disk["trackers"]] == ["4f2a"]


def test_callback_writes_only_on_the_main_process(monkeypatch, tmp_path):
    record = _record(tmp_path)
    monkeypatch.setitem(sys.modules, "mlflow", _fake_mlflow("http://m"))
    TrackerRunsCallback(record, []).on_train_begin(SimpleNamespace(report_to=["mlflow"]),
                                                   SimpleNamespace(is_world_process_zero=False), None)
    assert not record.path.exists()
