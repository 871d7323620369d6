#!/usr/bin/env bash
# Runs `sweep bench` and its PyTorch twin alternately (ours, torch, ours, torch, …) so both sides
# see the same machine load, then prints ours ÷ PyTorch per item (bench/compare.py).
#
#   bench/interleave.sh OUTDIR ROUNDS --model-config sd1 --threads 2 --runs 3 --image-steps 0
#
# SWEEP (default .build/release/sweep) and PYTHON (default /opt/torchenv/bin/python) choose the
# two programs; every option after ROUNDS goes to both.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/interleave.sh OUTDIR ROUNDS BENCH-OPTIONS..." >&2; exit 64; }
out=$1 rounds=$2
shift 2
SWEEP=${SWEEP:-.build/release/sweep}
PYTHON=${PYTHON:-/opt/torchenv/bin/python}
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
    echo "== round $round: ours ($(uptime | sed 's/.*load/load/'))"
    $SWEEP bench "$@" --json "$out/ours-$round.json"
    echo "== round $round: torch ($(uptime | sed 's/.*load/load/'))"
    "$PYTHON" bench/torch_bench.py "$@" --json "$out/torch-$round.json" 2> >(grep -v '^\[transformers\]' >&2)
done
python3 bench/compare.py "$out"/ours-*.json "$out"/torch-*.json
