#!/usr/bin/env bash
# Prepares one node to run DiffusionSweep ranks: the Debian packages (through
# scripts/install-deps.sh, the one place that lists them), then the release build, then a
# one-process MPI check. Idempotent: installs only missing packages and rebuilds only what
# changed, so it is safe to run again after a `git pull`. Run it on every node from the same
# checkout path, or once on a shared filesystem that every node mounts at the same path.
#
#     cluster/setup-node.sh
#     for node in node01 node02; do ssh "$node" "cd $PWD && cluster/setup-node.sh"; done
set -euo pipefail
# shellcheck source=cluster/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
report_errors
cd "$SWEEP_REPO_ROOT"

# Sourced rather than run: it puts /opt/swift/usr/bin on PATH when the toolchain lives there.
# shellcheck source=scripts/install-deps.sh
source scripts/install-deps.sh
swift build -c release
require_executable .build/release/sweep "swift build -c release did not produce it"

# A singleton MPI start (no mpirun) proves Open MPI's libraries load on this node.
.build/release/sweep mpi-check >/dev/null || die "sweep mpi-check failed on $(hostname): is Open MPI installed correctly?"
echo "setup-node: $(hostname) is ready: $SWEEP_REPO_ROOT/.build/release/sweep"
