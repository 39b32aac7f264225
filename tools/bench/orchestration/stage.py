#!/usr/bin/env python3
"""Cheap stand-in for the three pipeline stages, shared by every tool the
orchestration benchmark compares (so only orchestration differs).

    stage.py train  --config FILE --run-dir DIR [--step-after-siblings]
    stage.py infer  --checkpoint DIR --input CSV --output CSV
    stage.py submit --predictions CSV --sample CSV --output CSV

train writes a minimal checkpoint that autoexp's CheckpointFinder accepts
(config.json, model.safetensors with a valid header, tokenizer.json,
trainer_state.json) whose weights depend on the config's bytes, so a config
change changes the weights, the predictions and the submission, as with a
real model. With --step-after-siblings the checkpoint's step is one more
than the number of earlier run folders beside DIR (autoexp's runs are
outputs/<exp>/<run_id>/, and policy `latest` must pick the new run's
checkpoint). infer writes `fname,summary` for the input's fnames. submit checks
the fnames against the sample submission and copies the predictions (only
the DVC and plain run-commands pipelines use it; the plugin has its own).
Standard library only: it must start in milliseconds.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import struct
import sys


def write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def train(config: str, run_dir: str, after_siblings: bool) -> None:
    with open(config, "rb") as f:
        digest = hashlib.sha256(f.read()).digest()
    step = 1
    parent = os.path.dirname(os.path.abspath(run_dir))
    if after_siblings and os.path.isdir(parent):
        step += sum(1 for d in os.listdir(parent) if os.path.isdir(os.path.join(parent, d)) and d != os.path.basename(os.path.abspath(run_dir)))
    ckpt = os.path.join(run_dir, f"checkpoint-{step}")
    header = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
    write(os.path.join(ckpt, "model.safetensors"), struct.pack("<Q", len(header)) + header + digest[:8])
    write(os.path.join(ckpt, "config.json"), json.dumps({"model_type": "bart", "stand_in": digest.hex()}).encode())
    write(os.path.join(ckpt, "tokenizer.json"), b'{"version":"1.0","model":{"type":"WordLevel","vocab":{}}}')
    state = {"global_step": step, "best_model_checkpoint": None, "log_history": []}
    write(os.path.join(ckpt, "trainer_state.json"), json.dumps(state).encode())


def fnames_of(path: str) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [row["fname"] for row in csv.DictReader(f)]


def infer(checkpoint: str, input_csv: str, output: str) -> None:
    with open(os.path.join(checkpoint, "model.safetensors"), "rb") as f:
        tag = hashlib.sha256(f.read()).hexdigest()[:8]
    os.makedirs(os.path.dirname(output) or ".", exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["fname", "summary"])
        for name in fnames_of(input_csv):
            w.writerow([name, f"요약 {tag} {name}"])


def submit(predictions: str, sample: str, output: str) -> None:
    if fnames_of(predictions) != fnames_of(sample):
        sys.exit(f"{predictions}: fnames differ from {sample}")
    with open(predictions, "rb") as f:
        write(output, f.read())


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="stage", required=True)
    t = sub.add_parser("train")
    t.add_argument("--config", required=True)
    t.add_argument("--run-dir", required=True)
    t.add_argument("--step-after-siblings", action="store_true")
    i = sub.add_parser("infer")
    i.add_argument("--checkpoint", required=True)
    i.add_argument("--input", required=True)
    i.add_argument("--output", required=True)
    s = sub.add_parser("submit")
    s.add_argument("--predictions", required=True)
    s.add_argument("--sample", required=True)
    s.add_argument("--output", required=True)
    a = p.parse_args()
    if a.stage == "train":
        train(a.config, a.run_dir, a.step_after_siblings)
    elif a.stage == "infer":
        infer(a.checkpoint, a.input, a.output)
    else:
        submit(a.predictions, a.sample, a.output)


if __name__ == "__main__":
    main()
