#!/usr/bin/env bash
# Installs everything the workspace needs; re-running is fast when nothing changed.
#   node_modules  (npm ci, when package-lock.json changed)
#   .venv         (Python venv with torch + the trainer, when pyproject/constraints changed)
#   dist          (the compiled Nx plugin, incremental tsc)
# GPU users: create .venv with your own CUDA torch first (python -m venv .venv &&
# .venv/bin/pip install torch), or set AUTOEXP_TORCH_SPEC; the trainer states only torch>=2.5.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*"; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# --- Node ---------------------------------------------------------------
npm_stamp=$(hash_of package-lock.json)
if [ -L node_modules ]; then
  # A linked node_modules belongs to another checkout (the e2e workspaces): never reinstall through it.
  say "node_modules is a link to $(readlink node_modules); leaving it alone"
elif [ ! -f node_modules/.autoexp-stamp ] || [ "$(cat node_modules/.autoexp-stamp)" != "$npm_stamp" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_stamp" > node_modules/.autoexp-stamp
else
  say "node_modules up to date"
fi

# --- Python -------------------------------------------------------------
PY=${AUTOEXP_BOOTSTRAP_PYTHON:-}
if [ -z "$PY" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] || { echo "[setup] error: Python >= 3.10 not found; install python3.11 and re-run" >&2; exit 1; }
py_stamp=$(hash_of packages/trainer/pyproject.toml tools/python-constraints.txt)
if [ -L .venv ]; then
  say ".venv is a link to $(readlink .venv); leaving it alone"
  py_stamp=$(cat .venv/.autoexp-stamp 2>/dev/null || echo linked)
elif [ ! -x .venv/bin/python ]; then
  say "creating .venv with $PY"
  "$PY" -m venv .venv
fi
if [ ! -L .venv ] && { [ ! -f .venv/.autoexp-stamp ] || [ "$(cat .venv/.autoexp-stamp)" != "$py_stamp" ]; }; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  if ! .venv/bin/python -c 'import torch' 2>/dev/null; then
    # The CPU wheel of torch 2.13.0 is what this project tests with; any other
    # version would pull ~3 GB of CUDA packages on a machine without a GPU.
    say "installing ${AUTOEXP_TORCH_SPEC:-torch==2.13.0}"
    .venv/bin/python -m pip install -q "${AUTOEXP_TORCH_SPEC:-torch==2.13.0}"
  fi
  say "installing the trainer (editable) and its dependencies"
  .venv/bin/python -m pip install -q -c tools/python-constraints.txt -e "packages/trainer[test]"
  echo "$py_stamp" > .venv/.autoexp-stamp
else
  say ".venv up to date"
fi

# --- Plugin build -------------------------------------------------------
say "building the Nx plugin"
# npm run build (tsc, then the schema validators as standalone code: scripts/generate-validators.js),
# not `nx run @autoexp/nx-autoexp:build`: Nx loads this plugin from dist/ to compute the project
# graph, so on a fresh clone there is no graph before this build.
npm run -s build
say "ready"
