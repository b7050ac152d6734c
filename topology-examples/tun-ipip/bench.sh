#!/usr/bin/env bash
# Packets per second from a host namespace through a TUN device, 3 emulated routers (the BPF IPIP tunnel of this
# example) and out of the second TUN device, next to the kernel's own chain of 3 router namespaces joined by veth
# pairs (plain forwarding: this kernel has no ipip module). Both use the same iperf3 UDP stream; the figure is
# what the receiver got per second. Needs root, iproute2, iperf3 and a built lwtemu (./mvnw -q -DskipTests package).
#   topology-examples/tun-ipip/bench.sh [SECONDS] [PAYLOAD_BYTES] [RATE]     (defaults 10, 64, 0 = as fast as possible)
set -euo pipefail
secs=${1:-10}
len=${2:-64}
rate=${3:-0}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

received_pps() { # iperf3 JSON on stdin -> received packets per second
  python3 -c 'import json,sys; s=json.load(sys.stdin)["end"]["sum"]; print("%.0f sent/s, %.0f received/s, %.2f%% lost" % (s["packets"]/s["seconds"], (s["packets"]-s["lost_packets"])/s["seconds"], s["lost_percent"]))'
}

stream() { # NS_FROM NS_TO DEST
  ip netns exec "$2" iperf3 -s -1 -B "$3" >/dev/null 2>&1 &
  local srv=$!
  sleep 1
  ip netns exec "$1" iperf3 -c "$3" -u -b "$rate" -l "$len" -t "$secs" -J | received_pps
  wait $srv || true
}

echo "== lwtemu: h1 -> TUN -> r1 (BPF IPIP encap) -> r2 -> r3 (decap) -> TUN -> h2, ${len}-byte UDP payloads"
"$root/lwtemu" run "$here/topology.yaml" --duration $((secs + 15))s ${LWTEMU_RUN_OPTS:-} >/tmp/lwtemu-tun-bench.log 2>&1 &
emu=$!
for _ in $(seq 1 60); do
  ip -n h2 link show lwt0 >/dev/null 2>&1 && ip -n h1 link show lwt0 >/dev/null 2>&1 && break
  sleep 0.5
done
sleep 1
stream h1 h2 10.0.3.2
wait $emu || true
grep -E "^(tun:r1:eth0|TOTAL|wall time)" /tmp/lwtemu-tun-bench.log || true

echo "== kernel: k1 -> veth -> kr1 -> kr2 -> kr3 -> veth -> k2 (namespaces, ip_forward=1)"
cleanup() { for n in k1 kr1 kr2 kr3 k2; do ip netns del $n 2>/dev/null || true; done; }
trap cleanup EXIT
cleanup
for n in k1 kr1 kr2 kr3 k2; do ip netns add $n; ip -n $n link set lo up; done
pair() { # NS_A IF_A ADDR_A NS_B IF_B ADDR_B
  ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
  ip -n "$1" addr add "$3" dev "$2"; ip -n "$1" link set "$2" up
  ip -n "$4" addr add "$6" dev "$5"; ip -n "$4" link set "$5" up
}
pair k1 eth0 10.9.1.2/24 kr1 eth0 10.9.1.1/24
pair kr1 eth1 10.9.12.1/24 kr2 eth0 10.9.12.2/24
pair kr2 eth1 10.9.23.2/24 kr3 eth0 10.9.23.3/24
pair kr3 eth1 10.9.3.1/24 k2 eth0 10.9.3.2/24
for n in kr1 kr2 kr3; do ip netns exec $n sysctl -qw net.ipv4.ip_forward=1; done
ip -n k1 route add default via 10.9.1.1
ip -n k2 route add default via 10.9.3.1
ip -n kr1 route add 10.9.3.0/24 via 10.9.12.2
ip -n kr2 route add 10.9.3.0/24 via 10.9.23.3
ip -n kr2 route add 10.9.1.0/24 via 10.9.12.1
ip -n kr3 route add 10.9.1.0/24 via 10.9.23.2
stream k1 k2 10.9.3.2
