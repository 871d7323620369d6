#!/usr/bin/env bash
# The "remote shell" Open MPI uses to start its daemons on the hosts of the local namespace test
# cluster (cluster/local-cluster.sh passes it as `--mca plm_rsh_agent`). Open MPI calls it the
# way it calls ssh:
#
#     netns-rsh.sh HOST COMMAND...      e.g. netns-rsh.sh node2 PATH=/usr/bin:$PATH ; ... orted -mca ...
#
# Instead of logging in to HOST, it enters HOST's network namespace ($SWEEP_NETNS_PREFIX + HOST)
# and, inside a private UTS namespace, sets the host name to HOST so every daemon and rank sees
# its own host name (MPI_Get_processor_name, Open MPI's session directories). Then, like ssh,
# it joins COMMAND's words with spaces and hands the string to a shell: Open MPI quotes the
# daemon's arguments for exactly that.
set -euo pipefail

prefix="${SWEEP_NETNS_PREFIX:?netns-rsh.sh is started by cluster/local-cluster.sh, which sets SWEEP_NETNS_PREFIX}"
# ssh options Open MPI may add before the host (it adds none for an agent not named ssh/rsh,
# but be safe): skip leading words that start with '-'.
while [[ $# -gt 0 && $1 == -* ]]; do shift; done
(($# >= 2)) || { echo "netns-rsh.sh: usage: netns-rsh.sh HOST COMMAND..." >&2; exit 2; }
host="$1"; shift
# The host name goes into a shell command line below: accept only plain host names.
[[ $host =~ ^[A-Za-z0-9][A-Za-z0-9-]*$ ]] || { echo "netns-rsh.sh: not a test-cluster host name: $host" >&2; exit 2; }
[[ -e /run/netns/$prefix$host ]] || { echo "netns-rsh.sh: no network namespace $prefix$host for host $host" >&2; exit 255; }

exec ip netns exec "$prefix$host" unshare --uts -- /bin/sh -c "hostname $host && $*"
