#!/usr/bin/env bash
# `npm test`: install everything, then run every test: the plugin's unit and
# integration tests and the e2e suite (jest, real nx), and the trainer (pytest).
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# One intra-op thread per trainer: the tests' models are tiny and jest runs several at once, so more
# threads only wait on each other (see tools/demo.sh). Set it to override.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# One temp folder per test run, removed at the end: whatever a test forgets in os.tmpdir() goes with it
# (AUTOEXP_E2E_KEEP=1 keeps it, with the workspaces, for a look after a failure).
export TMPDIR="$(mktemp -d "${TMPDIR:-/tmp}/autoexp-test.XXXXXX")"
[ "${AUTOEXP_E2E_KEEP:-}" = 1 ] && echo "keeping test temp folder $TMPDIR" || trap 'rm -rf "$TMPDIR"' EXIT
status=0
echo "=== pytest: packages/trainer ==="
.venv/bin/python -m pytest packages/trainer/tests -q -p no:cacheprovider || status=1
echo "=== tsc: the tests type-check (ts-jest only transpiles them: isolatedModules) ==="
npx tsc --noEmit -p packages/nx-autoexp/tsconfig.spec.json && npx tsc --noEmit -p e2e/tsconfig.json || status=1
echo "=== jest: plugin unit + integration, e2e ==="
# No --forceExit: every suite closes its handles (checked suite by suite), and a new leak should show, not be hidden.
npx jest --ci || status=1
exit $status
