#!/usr/bin/env bash
# mpirun-two-namespaces.sh — runs `mpirun -np 2 <command>` with one rank in each of two network
# namespaces joined by a veth pair: two network stacks with a real TCP path between them, on one
# machine (issue 15's two-host test). Needs root and iproute2; exits 77 (skipped) with a message
# where namespaces cannot be made. The namespaces are removed on exit.
#
#   scripts/mpirun-two-namespaces.sh .build/release/paltrain pal --recipe ... --output runs/x
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 <command> [arguments...]" >&2; exit 2; }

tag=pt$$
a=$tag-a b=$tag-b
subnet=10.77.$(( $$ % 250 )).0/24 host_a=10.77.$(( $$ % 250 )).1 host_b=10.77.$(( $$ % 250 )).2
agent=$(mktemp)

cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; rm -f "$agent"; }
trap cleanup EXIT

if ! ip netns add "$a" 2>/dev/null || ! ip netns add "$b" 2>/dev/null \
   || ! ip link add "$tag-va" type veth peer name "$tag-vb" 2>/dev/null; then
    echo "skipped: cannot make network namespaces and a veth pair here (needs root with CAP_NET_ADMIN and iproute2)"
    exit 77
fi
ip link set "$tag-va" netns "$a"
ip link set "$tag-vb" netns "$b"
ip -n "$a" addr add "$host_a/24" dev "$tag-va"
ip -n "$b" addr add "$host_b/24" dev "$tag-vb"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "$tag-va" up
ip -n "$b" link set "$tag-vb" up

# mpirun (in namespace a) starts the remote daemon through this agent instead of ssh: "host" b is namespace b.
cat > "$agent" <<AGENT
#!/bin/sh
host=\$1; shift
case \$host in $host_a) ns=$a;; $host_b) ns=$b;; *) echo "unknown host \$host" >&2; exit 1;; esac
exec ip netns exec \$ns /bin/sh -c "\$*"
AGENT
chmod +x "$agent"

# TCP only (no shared memory between the ranks), on the veth subnet, for data and for the daemons.
ip netns exec "$a" mpirun --allow-run-as-root -np 2 --host "$host_a,$host_b" --mca plm_rsh_agent "$agent" \
    --mca btl tcp,self --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" \
    -x PALTRAIN_THREADS="${PALTRAIN_THREADS:-1}" --wdir "$PWD" "$@"
