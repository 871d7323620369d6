#!/usr/bin/env bash
# Installs anything missing, builds in release mode, and runs the demo across local MPI ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release
ranks="${RANKS:-2}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -np "$ranks" .build/release/sweep mpi-check
mkdir -p out/demo
.build/release/sweep generate --model Tests/Fixtures/models/sd1-tiny --prompt "a lighthouse on a cliff at sunset" \
    --seed 42 --steps 20 --scheduler dpm++2m-karras --output out/demo/lighthouse.png
echo "MPI works on $ranks local ranks; wrote out/demo/lighthouse.png with the tiny test model."
echo "Rendering whole jobs across ranks (sweep render Jobs/demo.yaml) arrives with the sweep and cluster issues."
