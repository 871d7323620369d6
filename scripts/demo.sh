#!/usr/bin/env bash
# Installs anything missing, builds in release mode, and runs the demo across local MPI ranks.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release
ranks="${RANKS:-2}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun --oversubscribe -np "$ranks" .build/release/sweep mpi-check
echo "MPI works on $ranks local ranks. Rendering the demo job (sweep render Jobs/demo.yaml) arrives with"
echo "the model, pipeline and sweep issues; for now try: .build/release/sweep bench --quick"
