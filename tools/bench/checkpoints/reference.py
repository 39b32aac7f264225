"""The reference users call today: transformers' get_last_checkpoint on a run
folder, then trainer_state.json of that checkpoint for best_model_checkpoint.
No validation. Timed inside Python so interpreter start and the transformers
import are excluded; argv: <runs_root> <one_run_dir> <repeats_one> <repeats_all>.
With argv `once <run_dir>` it resolves once and prints the result, for timing
the whole process (start + import + resolve) from outside, as a user runs it.
"""
import json
import os
import statistics
import sys
import time

t_import = time.perf_counter()
from transformers.trainer_utils import get_last_checkpoint  # noqa: E402

import_s = time.perf_counter() - t_import


def resolve(run_dir):
    last = get_last_checkpoint(run_dir)
    if last is None:
        return None
    with open(os.path.join(last, "trainer_state.json"), encoding="utf-8") as f:
        state = json.load(f)
    return state.get("best_model_checkpoint") or last


def timed(fn, repeats):
    """(median, min) in ms after a warm-up, as the Node side does."""
    fn()
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), min(samples)


def main():
    if sys.argv[1] == "once":
        print(resolve(sys.argv[2]))
        return
    root, one, rep_one, rep_all = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    run_dirs = [os.path.join(root, d) for d in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, d))]
    best_one = resolve(one)
    one_ms, one_min_ms = timed(lambda: resolve(one), rep_one)
    all_ms, all_min_ms = timed(lambda: [resolve(d) for d in run_dirs], rep_all)
    print(json.dumps({"one_ms": one_ms, "one_min_ms": one_min_ms, "all_ms": all_ms, "all_min_ms": all_min_ms,
                      "import_s": import_s, "best_one": best_one, "runs": len(run_dirs)}))


main()
