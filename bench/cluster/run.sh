#!/usr/bin/env bash
# Cross-member throughput benchmark (BENCHMARKS.md, "Cluster"): starts two member JVMs on free loopback ports,
# runs TOPOLOGY on them RUNS times from a client JVM, then the same topology embedded, and prints per run the
# running phase (first tick to results), packet events/s, and the CPU seconds each JVM spent on that run.
#   bench/cluster/run.sh [TOPOLOGY (default bench/cluster/chain-64b.yaml)] [RUNS (default 3)]
# LWTEMU_JAR picks another shaded jar (default node/target/lwtemu-node-*-all.jar); MEMBER_OPTS and CLIENT_OPTS add JVM
# options (e.g. MEMBER_OPTS="-XX:StartFlightRecording=filename=/tmp/MEMBER.jfr", MEMBER = a or b; the recording is
# dumped before the members are stopped).
# The client is a new JVM per run that only coordinates rounds: with C2 it spent 3.5-4 s of CPU per 1 s run compiling
# (the members' CPU on 2 cores), so it runs C1-only (CLIENT_JIT, empty for the JVM's default); members keep C2.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
topo=${1:-$here/bench/cluster/chain-64b.yaml}
runs=${2:-3}
jar=${LWTEMU_JAR:-$(ls "$here"/node/target/lwtemu-node-*-all.jar | head -n 1)}
work=$(mktemp -d)
pids=()
cleanup() {
  local k=0
  for p in "${pids[@]}"; do
    # A member's flight recording (MEMBER_OPTS) is written now to its filename=: members are killed, so
    # dumponexit never comes.
    m=$([ $k = 0 ] && echo a || echo b); k=$((k + 1))
    opts=${MEMBER_OPTS:-}; opts=${opts//MEMBER/$m}
    if [[ $opts =~ StartFlightRecording.*filename=([^, ]+) ]]; then
      jcmd "$p" JFR.dump filename="${BASH_REMATCH[1]}" > /dev/null 2>&1 || true
    fi
    kill "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$1/stat"; }

# Members and the embedded run use the collector ./lwtemu picks (Parallel: G1's write barrier costs ~17% per hop);
# MEMBER_GC= (empty) keeps the JVM default.
gc=${MEMBER_GC--XX:+UseParallelGC}
pa=$(free_port); pb=$(free_port)
for m in a b; do
  port=$([ $m = a ] && echo "$pa" || echo "$pb")
  cat > "$work/member-$m.conf" <<CONF
include "$here/cluster-config/cluster-common.conf"
akka.remote.artery.canonical.port = $port
akka.cluster.seed-nodes = ["akka://lwtemu@127.0.0.1:$pa", "akka://lwtemu@127.0.0.1:$pb"]
lwtemu.cluster.member-name = member-$m
CONF
  opts=${MEMBER_OPTS:-}
  java $gc ${opts//MEMBER/$m} -jar "$jar" node --config "$work/member-$m.conf" > "$work/$m.log" 2>&1 &
  pids+=($!)
done
until grep -q "member up: .*127.0.0.1:$pb" "$work/a.log" 2>/dev/null; do
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "a member did not start:"; tail -5 "$work"/?.log; exit 1; }
  done
  sleep 1
done
echo "members up ($jar); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$runs"); do
  a0=$(cpu "${pids[0]}"); b0=$(cpu "${pids[1]}")
  java ${CLIENT_JIT--XX:TieredStopAtLevel=1} ${CLIENT_OPTS:-} -jar "$jar" run "$topo" --cluster "$work/member-a.conf" --members 2 > "$work/run.log" 2>&1
  a1=$(cpu "${pids[0]}"); b1=$(cpu "${pids[1]}")
  phase=$(grep -o "[0-9]* rounds in .*" "$work/run.log" || echo "failed: $(tail -3 "$work/run.log")")
  total=$(grep "^TOTAL" "$work/run.log" | tr -s ' ')
  pps=$(echo "$phase $total" | awk '{for (i = 1; i < NF; i++) { if ($(i+1) == "of" && $i ~ /s$/) t = $i; if ($i == "TOTAL") p = $(i+1) }
    sub(/s$/, "", t); if (t > 0) printf "%.0f k packets/s", p / t / 1000}')
  echo "cluster run $i: $pps | $phase | member CPU s: a $(echo "$a1 - $a0" | bc), b $(echo "$b1 - $b0" | bc)" \
    "(with the start of the run) | $total | load $(cut -d' ' -f1 /proc/loadavg)"
done
java $gc -jar "$jar" run "$topo" > "$work/embedded.log" 2>&1
echo "embedded: $(grep -o "wall time.*" "$work/embedded.log") | $(grep "^TOTAL" "$work/embedded.log" | tr -s ' ')" \
  "| load $(cut -d' ' -f1 /proc/loadavg)"
