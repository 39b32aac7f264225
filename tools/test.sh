#!/usr/bin/env bash
# `npm test`: install everything, then run every test: the plugin's unit and
# integration tests and the e2e suite (jest, real nx), and the trainer (pytest).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# One intra-op thread per trainer: the tests' models are tiny and jest runs a suite per core, so more
# threads only wait on each other (see tools/demo.sh). Set it to override.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# One temp folder per test run, removed at the end: whatever a test forgets in os.tmpdir() goes with it
# (AUTOEXP_E2E_KEEP=1 keeps it, with the workspaces, for a look after a failure).
export TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/autoexp-test.XXXXXX")"
[ "${AUTOEXP_E2E_KEEP:-}" = 1 ] && echo "keeping test temp folder $TMPDIR" || trap 'rm -rf "$TMPDIR"' EXIT
status=0
# Each phase header says when it started (seconds since npm test began), so a slow phase shows in any log.
phase() { echo "=== $1 [${SECONDS}s] ==="; }
phase "pytest: packages/trainer"
.venv/bin/python -m pytest packages/trainer/tests -q -p no:cacheprovider || status=1
phase "tsc: the tests type-check (ts-jest only transpiles them: isolatedModules)"
npx tsc --noEmit -p packages/nx-autoexp/tsconfig.spec.json && npx tsc --noEmit -p e2e/tsconfig.json || status=1
# One jest worker per core (jest's default is cores - 1): an e2e suite spends much of its time
# waiting on nx, Python and SLURM processes, so on 2 cores one worker left a core idle.
# nproc without the OpenMP variables: GNU nproc honours OMP_NUM_THREADS (set to 1 above) and would say 1.
workers="${AUTOEXP_JEST_WORKERS:-$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}"
phase "jest: plugin unit + integration, e2e ($workers workers)"
# No --forceExit: every suite closes its handles (checked suite by suite), and a new leak should show, not be hidden.
npx jest --ci --maxWorkers="$workers" || status=1
phase "done, status $status"
exit $status
