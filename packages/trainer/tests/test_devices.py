"""Device ids in the run record, and one writer under torchrun (issue 20)."""

import json

from autoexp_trainer.devices import assigned_devices, is_main_process
from autoexp_trainer.run_record import RunRecord
from autoexp_trainer.training import make_score_fn


def _record(tmp_path, device="cpu", devices=None):
    return RunRecord(tmp_path, run_id="r", experiment="e", config_hash="h", model_type="seq2seq",
                     adapter=False, base_model=None, device=device, batch_size_used=8, devices=devices)


def test_pseudo_devices_are_the_ids_the_pool_set(monkeypatch):
    monkeypatch.setenv("AUTOEXP_FAKE_DEVICES", "2")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    assert assigned_devices("cpu") == ["1"]


def test_a_cpu_run_outside_a_pool_lists_no_device(monkeypatch):
    monkeypatch.delenv("AUTOEXP_FAKE_DEVICES", raising=False)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")  # set, but the run did not use a GPU
    assert assigned_devices("cpu") == []


def test_cuda_run_lists_visible_devices_as_strings(monkeypatch):
    monkeypatch.delenv("AUTOEXP_FAKE_DEVICES", raising=False)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    assert assigned_devices("cuda") == ["2", "3"]


def test_run_record_lists_devices(tmp_path, monkeypatch):
    monkeypatch.delenv("RANK", raising=False)
    _record(tmp_path, devices=["0", "1"]).start()
    assert json.loads((tmp_path / "autoexp_run.json").read_text())["devices"] == ["0", "1"]


def test_only_rank_zero_writes_the_run_record(tmp_path, monkeypatch):
    monkeypatch.setenv("RANK", "1")
    assert not is_main_process()
    _record(tmp_path).start()
    assert not (tmp_path / "autoexp_run.json").exists()
    monkeypatch.setenv("RANK", "0")
    _record(tmp_path).start()
    assert (tmp_path / "autoexp_run.json").exists()


def test_score_ignores_the_wrap_around_rows_of_a_distributed_eval():
    refs = ["#Person1#는 회의에 늦었다.", "#Person2#가 표를 샀다."]
    score = make_score_fn(refs)
    exact = score(list(refs))
    # Two processes padded the last batch with the first rows again.
    assert score(list(refs) + [refs[0], refs[1]]) == exact
