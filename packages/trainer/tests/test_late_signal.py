"""A time-limit warning that comes as a finished training exits must not kill it
(the job would end FAILED with its last checkpoint saved): a real process,
signalled without pause while it shuts down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from helpers import PACKAGE_ROOT

# What `autoexp_trainer train` does around a run, then a teardown long enough to be hit:
# CPython turns Python signal handlers back to the default before it frees the modules.
CHILD = """
import sys
from autoexp_trainer.interrupt import catch_early_signals, ignore_late_time_limit_signal
catch_early_signals()
if sys.argv[1] == "after-run":
    ignore_late_time_limit_signal()
big = [[i] for i in range(3_000_000)]
print("exiting", flush=True)
"""


def _exit_status_under_sigusr1(mode: str) -> int:
    env = dict(os.environ, PYTHONPATH=str(PACKAGE_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "exiting"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            proc.send_signal(signal.SIGUSR1)
        except ProcessLookupError:
            break
        time.sleep(0.001)
    return proc.wait(timeout=60)


def test_a_time_limit_warning_during_the_exit_of_a_finished_run_does_not_kill_it():
    assert _exit_status_under_sigusr1("after-run") == 0
