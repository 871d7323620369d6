#!/usr/bin/env bash
# A local test cluster: N "hosts" in Linux network namespaces on one machine, and an MPI job run
# across them over TCP exactly as it would run across real nodes.
#
#     cluster/local-cluster.sh [--hosts N] [--ranks-per-host R] -- COMMAND [ARGS...]
#     cluster/local-cluster.sh -- .build/release/sweep mpi-check
#
# Layout (addresses in a private test subnet that exists only inside these namespaces; the
# machine's own network is never touched):
#
#     namespace dsweep-hub:    bridge br0 10.77.0.1/24, host name "head"; mpirun runs here
#     namespace dsweep-nodeK:  eth0 10.77.0.(10+K)/24, host name "nodeK", veth to br0
#
# Each namespace gets an /etc/netns/<ns>/hosts naming head and every node (`ip netns exec`
# bind-mounts it over /etc/hosts), so host names resolve as on a real cluster. mpirun gets a
# hostfile of the nodes and starts one Open MPI daemon per node through cluster/netns-rsh.sh,
# which stands in for ssh: it enters the node's namespace and sets its host name. Ranks talk over
# TCP only, on the test subnet only (no shared memory, no UCX), so every byte between hosts
# crosses the veths; the byte counts per host are printed at the end.
#
# Exit status: the command's (mpirun's) status; 77 with a one-line reason when namespaces
# cannot be made here (not root, no `ip`/`unshare`, no veth or bridge support), so tests can skip;
# 2 for bad usage. Everything is torn down on exit, also on failure or Ctrl-C, and leftovers of a
# killed run are removed first. Runs are serialized with a lock: they share the namespace names.
set -euo pipefail
# shellcheck source=cluster/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
report_errors

readonly prefix="dsweep-"           # every namespace this script makes starts with this
readonly hub="${prefix}hub"
readonly subnet="10.77.0.0/24"
readonly hub_address="10.77.0.1"
node_address() { echo "10.77.0.$((10 + $1))"; }

usage() {
    cat <<USAGE
usage: $(basename "$0") [--hosts N] [--ranks-per-host R] -- COMMAND [ARGS...]
  --hosts N            hosts (network namespaces) in the test cluster, 1-99 (default 3)
  --ranks-per-host R   MPI ranks (hostfile slots) per host (default 1); mpirun -np N*R
Runs COMMAND under mpirun across the hosts over TCP. Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN);
exits 77 with a reason when network namespaces cannot be created.
USAGE
}

hosts=3
ranks_per_host=1
while (($#)); do
    case $1 in
        --hosts) hosts="${2:-}"; shift 2 || true ;;
        --ranks-per-host) ranks_per_host="${2:-}"; shift 2 || true ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        *) usage >&2; die "unknown argument: $1" 2 ;;
    esac
done
[[ $hosts =~ ^[1-9][0-9]?$ ]] || die "--hosts must be 1-99, got '$hosts'" 2
[[ $ranks_per_host =~ ^[1-9][0-9]*$ ]] || die "--ranks-per-host must be a positive number, got '$ranks_per_host'" 2
(($#)) || { usage >&2; die "no command given after --" 2; }

# Reasons to skip (status 77) are checked before anything is created.
skip() {
    echo "$(basename "$0"): skipped: $1" >&2
    exit 77
}
for tool in ip unshare flock; do
    command -v "$tool" >/dev/null || skip "'$tool' is not installed (iproute2/util-linux), so no network namespaces"
done
[[ $(id -u) -eq 0 ]] || skip "network namespaces need root (CAP_NET_ADMIN and CAP_SYS_ADMIN); running as uid $(id -u)"
command -v mpirun >/dev/null || die "mpirun not found: install openmpi-bin (scripts/install-deps.sh)"

# A relative command path must keep working from inside the namespaces (same filesystem; Open MPI
# starts ranks in this directory), but make it absolute so mpirun never searches PATH for it.
command_path="$1"; shift
if [[ $command_path == */* ]]; then
    [[ -x $command_path ]] || die "$command_path is missing or not executable (build it: swift build -c release)"
    command_path="$(cd "$(dirname "$command_path")" && pwd)/$(basename "$command_path")"
fi

# Runs are serialized: two runs would fight over the same namespace names.
lock_dir=/run/lock
[[ -d $lock_dir && -w $lock_dir ]] || lock_dir=/tmp
exec 9>"$lock_dir/dsweep-local-cluster.lock"
flock -w 300 9 || die "another local-cluster.sh run held $lock_dir/dsweep-local-cluster.lock for 5 minutes"

# Removes every namespace with our prefix, and its files: this run's, or a killed run's.
# Processes still inside them (daemons or ranks of a killed run) are ended first, by pid, or the
# namespace would live on. Runs as root only (checked above), hence uid 0 in Open MPI's session
# directory names.
remove_cluster() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk -v p="$prefix" 'index($1, p) == 1 { print $1 }'); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
        rm -rf "/etc/netns/$ns"
    done
    # Open MPI's session directories are named after the host names, which exist only in this
    # cluster; a normal run removes its own, a killed one leaves them.
    rm -rf "${TMPDIR:-/tmp}"/ompi.head.0 "${TMPDIR:-/tmp}"/ompi.node[0-9]*.0
}

work_dir=""
mpirun_pid=""
# shellcheck disable=SC2317  # reached through the traps below
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [[ -n $mpirun_pid ]] && kill -0 "$mpirun_pid" 2>/dev/null; then
        # mpirun passes TERM on to its daemons and ranks; give it 5 s before KILL.
        kill -TERM "$mpirun_pid" 2>/dev/null || true
        for _ in {1..50}; do kill -0 "$mpirun_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$mpirun_pid" 2>/dev/null || true
    fi
    remove_cluster
    [[ -n $work_dir ]] && rm -rf "$work_dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

remove_cluster
# One fixed scratch directory (hostfile, hosts file): runs are serialized, and a fixed name lets
# the next run remove what a killed one left.
work_dir="${TMPDIR:-/tmp}/dsweep-local-cluster"
rm -rf "$work_dir"
mkdir -p "$work_dir"

# The first failures say whether this kernel/container allows namespaces, veths and bridges at
# all: those are skips. Later failures are real errors.
error_text() { tr '\n' ' ' <"$work_dir/ip.err" | sed 's/ *$//'; }
ip netns add "$hub" 2>"$work_dir/ip.err" || skip "cannot create a network namespace: $(error_text)"
ip -n "$hub" link set lo up
ip -n "$hub" link add br0 type bridge 2>"$work_dir/ip.err" || skip "cannot create a bridge: $(error_text)"
ip -n "$hub" addr add "$hub_address/24" dev br0
ip -n "$hub" link set br0 up

hosts_file="$work_dir/hosts"
{
    echo "127.0.0.1 localhost"
    echo "$hub_address head"
    for ((k = 1; k <= hosts; k++)); do echo "$(node_address "$k") node$k"; done
} >"$hosts_file"
mkdir -p "/etc/netns/$hub"
cp "$hosts_file" "/etc/netns/$hub/hosts"

hostfile="$work_dir/hostfile"
: >"$hostfile"
for ((k = 1; k <= hosts; k++)); do
    ns="${prefix}node$k"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # One veth pair per host: "vethK" on the hub's bridge, "eth0" inside the host.
    ip -n "$hub" link add "veth$k" type veth peer name eth0 netns "$ns" 2>"$work_dir/ip.err" ||
        skip "cannot create a veth pair: $(error_text)"
    ip -n "$hub" link set "veth$k" master br0 up
    ip -n "$ns" addr add "$(node_address "$k")/24" dev eth0
    ip -n "$ns" link set eth0 up
    mkdir -p "/etc/netns/$ns"
    cp "$hosts_file" "/etc/netns/$ns/hosts"
    echo "node$k slots=$ranks_per_host" >>"$hostfile"
done

# Bytes through each host's veth, seen from the hub: what the host sent (rx on the hub side) plus
# what it received (tx).
veth_bytes() {
    local k=$1 direction=$2
    ip netns exec "$hub" cat "/sys/class/net/veth$k/statistics/${direction}_bytes"
}
declare -a sent_before received_before
for ((k = 1; k <= hosts; k++)); do
    sent_before[k]=$(veth_bytes "$k" rx)
    received_before[k]=$(veth_bytes "$k" tx)
done

allow_mpirun_as_root
export SWEEP_NETNS_PREFIX="$prefix"   # read by netns-rsh.sh to map a host to its namespace
# shellcheck disable=SC2054  # "tcp,self" is one MCA value, not two array elements
mpirun_args=(
    --hostfile "$hostfile" -np "$((hosts * ranks_per_host))"
    # Daemons start through our ssh stand-in, each straight from mpirun (no tree spawn).
    --mca plm_rsh_agent "$SWEEP_REPO_ROOT/cluster/netns-rsh.sh"
    --mca plm_rsh_no_tree_spawn 1
    # TCP only: ob1 with the tcp and self BTLs, so neither shared memory (vader) nor UCX (whose
    # pml would bring its own shared-memory transports) carries anything; MPI traffic and Open
    # MPI's own control traffic (oob) only on the test subnet.
    --mca pml ob1 --mca btl tcp,self
    --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet"
    # The "hosts" share this machine's cores, and Open MPI's default binding (one core per rank
    # for 2 ranks or fewer) would silently give a rank one thread's worth of CPU.
    --bind-to none
    # openib/UCX components would warn that they found no hardware; they are not used.
    --mca btl_base_warn_component_unused 0 --mca osc '^ucx'
)
echo "local-cluster: $hosts hosts (node1-node$hosts, $(node_address 1)-$(node_address "$hosts")), $ranks_per_host rank(s) each, TCP over veths" >&2

# mpirun runs in the hub as host "head", in the background so a TERM/INT reaches our trap at once
# (bash runs traps only after a foreground child ends); the trap ends mpirun, then tears down.
# It must not inherit the lock (fd 9): daemons outliving a killed run would hold it.
ip netns exec "$hub" unshare --uts -- /bin/sh -c 'hostname head && exec "$@"' sh \
    mpirun "${mpirun_args[@]}" "$command_path" "$@" 9>&- &
mpirun_pid=$!
status=0
wait "$mpirun_pid" || status=$?
mpirun_pid=""

for ((k = 1; k <= hosts; k++)); do
    sent=$(($(veth_bytes "$k" rx) - sent_before[k]))
    received=$(($(veth_bytes "$k" tx) - received_before[k]))
    echo "local-cluster: node$k $(node_address "$k") TCP traffic over its veth: sent $sent bytes, received $received bytes" >&2
done
exit "$status"
