#!/bin/sh
# 3-router namespace chain h1 - r1 - r2 - r3 - h2 as topology-examples/ipip-3hop: LWT xmit IPIP encap at r1
# (the example's ipip_encap.o), decap at r3 by a tc ingress program (no ipip module here).
set -e
here=$(cd "$(dirname "$0")" && pwd)
OBJ=${1:-$here/../../topology-examples/ipip-3hop/ipip_encap.o}
[ -f "$here/decap.o" ] || clang-19 -O2 -g -target bpf -I/usr/include/$(gcc -print-multiarch) -c "$here/decap.c" -o "$here/decap.o"
[ -x "$here/blast" ] || gcc -O2 -o "$here/blast" "$here/blast.c"
for n in h1 r1 r2 r3 h2; do ip netns del kb-$n 2>/dev/null || true; ip netns add kb-$n; ip -n kb-$n link set lo up; done
pair() { ip link add "$2" netns "kb-$1" type veth peer name "$4" netns "kb-$3"; ip -n kb-$1 link set "$2" up; ip -n kb-$3 link set "$4" up; }
pair h1 eth0 r1 eth0
pair r1 eth1 r2 eth0
pair r2 eth1 r3 eth0
pair r3 eth1 h2 eth0
ip -n kb-h1 addr add 10.0.1.2/24 dev eth0; ip -n kb-h1 route add default via 10.0.1.1
ip -n kb-r1 addr add 10.0.1.1/24 dev eth0; ip -n kb-r1 addr add 10.0.12.1/24 dev eth1
ip -n kb-r2 addr add 10.0.12.2/24 dev eth0; ip -n kb-r2 addr add 10.0.23.2/24 dev eth1
ip -n kb-r3 addr add 10.0.23.3/24 dev eth0; ip -n kb-r3 addr add 10.0.3.1/24 dev eth1
ip -n kb-h2 addr add 10.0.3.2/24 dev eth0; ip -n kb-h2 route add default via 10.0.3.1
for r in r1 r2 r3; do ip netns exec kb-$r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; done
ip -n kb-r1 route add 10.0.23.0/24 via 10.0.12.2 dev eth1
ip -n kb-r1 route add 10.0.3.0/24 encap bpf xmit obj "$OBJ" section lwt_xmit/ipip headroom 20 via 10.0.12.2 dev eth1
ip -n kb-r2 route add 10.0.1.0/24 via 10.0.12.1 dev eth0
ip -n kb-r3 route add 10.0.1.0/24 via 10.0.23.2 dev eth0
ip -n kb-r3 route add 10.0.12.0/24 via 10.0.23.2 dev eth0
for r in r3; do ip netns exec kb-$r sysctl -qw net.ipv4.conf.eth0.rp_filter=0; done
ip netns exec kb-r3 tc qdisc add dev eth0 clsact
ip netns exec kb-r3 tc filter add dev eth0 ingress bpf direct-action obj "$here/decap.o" sec tc
echo "ready: $(dirname "$0")/run.sh SECONDS blasts h1 -> h2; remove with: for n in h1 r1 r2 r3 h2; do ip netns del kb-\$n; done"
