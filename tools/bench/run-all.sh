#!/usr/bin/env bash
# Runs every benchmark of tools/bench, one after another (in parallel they
# would disturb each other's timings), and prints each one's figures.
#
#   bash tools/bench/run-all.sh            # the documented sizes (about 45 min on 2 shared cores)
#   bash tools/bench/run-all.sh --quick    # small sizes: checks that every benchmark runs (about 5 min)
#
# Builds the plugin first; creates tools/bench/.venv-dvc (DVC from PyPI) on
# first use. Needs .venv (npm run setup). A benchmark that fails is reported
# and the others still run; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
unset CI # the Nx daemon does not start under CI=true (the orchestration bench measures it)

QUICK=0
case "${1:-}" in
  --quick) QUICK=1 ;;
  "") ;;
  *) echo "usage: bash tools/bench/run-all.sh [--quick]" >&2; exit 2 ;;
esac

DVC_VERSION=3.67.1
if [ ! -x tools/bench/.venv-dvc/bin/dvc ]; then
  echo "== creating tools/bench/.venv-dvc (dvc==$DVC_VERSION)"
  python3 -m venv tools/bench/.venv-dvc && tools/bench/.venv-dvc/bin/pip install -q "dvc==$DVC_VERSION" || { echo "cannot install DVC" >&2; exit 1; }
fi
if [ ! -x .venv/bin/python ]; then
  echo "no .venv: run npm run setup first" >&2
  exit 1
fi
echo "== building the plugin"
npm run -s build || { echo "build failed" >&2; exit 1; }

failed=()
bench() {
  local name=$1
  shift
  echo
  echo "== $name: $*"
  local t0=$SECONDS
  if "$@"; then
    echo "== $name: done in $((SECONDS - t0)) s"
  else
    echo "== $name: FAILED (exit $?)"
    failed+=("$name")
  fi
}

if [ "$QUICK" = 1 ]; then
  bench orchestration python3 tools/bench/orchestration/bench.py --experiments 3 --runs 1
  bench pipeline-overhead python3 tools/bench/pipeline-overhead/bench.py --runs 1
  bench scale python3 tools/bench/scale/bench.py --experiments 50 --runs 1
  bench checkpoints npx ts-node --transpile-only tools/bench/checkpoints/bench.ts --runs 20 --checkpoints 5 --repeats 3
  bench generation .venv/bin/python tools/bench/generation.py --rows 16 --repeats 1
  bench devices python3 tools/bench/devices/bench.py --experiments 2 --devices 2 --steps 4
else
  bench orchestration python3 tools/bench/orchestration/bench.py --experiments 20 --runs 5
  bench pipeline-overhead python3 tools/bench/pipeline-overhead/bench.py --runs 2
  bench scale python3 tools/bench/scale/bench.py --experiments 1000 --runs 3
  bench checkpoints npx ts-node --transpile-only tools/bench/checkpoints/bench.ts
  bench generation .venv/bin/python tools/bench/generation.py
  bench devices python3 tools/bench/devices/bench.py --experiments 4 --devices 2 --steps 20 --runs 3
fi

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "== failed: ${failed[*]}"
  exit 1
fi
echo "== all benchmarks ran"
