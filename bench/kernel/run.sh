#!/bin/sh
# Blasts 64-byte IP packets (36-byte UDP payload) from h1 to h2 for $1 seconds; prints what reached h2.
S=${1:-5}
rx() { ip netns exec kb-h2 cat /sys/class/net/eth0/statistics/rx_packets; }
a=$(rx)
ip netns exec kb-h1 "$(dirname "$0")/blast" 10.0.3.2 5000 36 "$S"
b=$(rx)
echo "h2 eth0 received $((b - a)) packets: $(( (b - a) / S )) packets/s"
ip netns exec kb-r1 ip -s link show eth1 | sed -n '4p;6p'
