#!/usr/bin/env bash
# `npm run demo`: install everything, then train -> infer -> submit the demo experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# One intra-op thread: the demo's tensors are tiny, and on a busy or shared machine more threads only
# wait on each other (60 steps took 178 s with 2 threads vs 12 s with 1 under load). Set it to override.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
npx nx run exp-demo:submit
echo
npx autoexp leaderboard
latest=$(ls -dt prediction/exp-demo_*/ prediction/demo_*/ 2>/dev/null | head -n 1 || true)
echo
echo "Submission: ${latest}output.csv"
echo "Latest:     prediction/latest_output.csv"
echo "Index:      prediction/experiment_index.csv"
