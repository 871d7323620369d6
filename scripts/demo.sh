#!/usr/bin/env bash
# Installs anything missing, builds in release mode, and renders the demo job (Jobs/demo.yaml,
# the tiny test model) across local MPI ranks into out/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release
ranks="${RANKS:-2}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Unbound: Open MPI would pin each of 2 ranks to one core, leaving --threads no room.
mpirun --oversubscribe --bind-to none -np "$ranks" .build/release/sweep render Jobs/demo.yaml --output out/demo
echo "Rendered Jobs/demo.yaml on $ranks MPI ranks: out/demo/images, out/demo/grids, out/demo/manifest.csv."
