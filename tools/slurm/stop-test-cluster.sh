#!/usr/bin/env bash
# Stops the single-node test cluster that start-test-cluster.sh started:
# cancels its jobs, then stops slurmd, slurmctld and munged. Safe to run twice.
#   sudo bash tools/slurm/stop-test-cluster.sh [--keep-munge]
set -uo pipefail

say() { echo "slurm-test: $*"; }

# Only touch a cluster this tooling configured.
if ! grep -q '^# autoexp test cluster' /etc/slurm/slurm.conf 2>/dev/null; then
  say "no autoexp test cluster configured in /etc/slurm/slurm.conf: nothing to stop"
  exit 0
fi

if timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'; then
  timeout 10 scancel --partition=debug >/dev/null 2>&1 || true
fi

stop_pidfile() { # name pidfile
  local name=$1 pidfile=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $name ($pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

stop_pidfile slurmd /run/slurmd-test.pid
stop_pidfile slurmctld /run/slurmctld-test.pid
if [ "${1:-}" != "--keep-munge" ]; then
  stop_pidfile munged /run/munge/munged.pid
fi
say "stopped"
