#!/usr/bin/env bash
# Debian packages the test suite uses for real (needs root; skipped when present).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "[ci] apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# Single-node SLURM (slurm-wlm + munge) for the launcher tests; if it cannot start they fail under CI (skip elsewhere), saying why.
bash tools/slurm/start-test-cluster.sh || echo "[ci] slurm test cluster unavailable: under CI=true the slurm tests fail and say why"
