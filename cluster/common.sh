# shellcheck shell=bash
# Shared helpers for the scripts in cluster/. Sourced, never run: each script sets its own
# `set -euo pipefail`; this file only defines functions and one variable.

# The repository root, from this file's own location, so scripts work from any directory.
# (sweep.sbatch cannot use this: Slurm runs a copy of the batch script from its spool
# directory, so it finds the repository through SLURM_SUBMIT_DIR before sourcing this file.)
# shellcheck disable=SC2034  # used by the scripts that source this file
SWEEP_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# One line on stderr naming the script, then exit with status $2 (default 1). Every failure
# in cluster/ goes through here so errors look the same and stay on one line.
die() {
    echo "$(basename "$0"): error: $1" >&2
    exit "${2:-1}"
}

# Makes an unexpected failure (set -e) end with one line naming the script, line and command,
# after whatever the failing command printed itself.
report_errors() {
    # shellcheck disable=SC2154  # failed_status is assigned inside the trap string
    trap 'failed_status=$?; echo "$(basename "$0"): error: line $LINENO: \"$BASH_COMMAND\" failed with status $failed_status" >&2' ERR
}

# Open MPI's mpirun refuses to start as root unless both variables are set. Containers and
# test machines often run as root; a real cluster account is not root and needs neither.
allow_mpirun_as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
}

# Fails with a clear message unless $1 is an executable file; $2 says how to get one.
require_executable() {
    [[ -f $1 && -x $1 ]] || die "$1 is missing or not executable${2:+ ($2)}"
}
