#!/usr/bin/env bash
# Rebuilds the sim-tests' own BPF objects (checked in) with clang >= 14 and libbpf's headers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
for src in "$here"/*.c; do
  "$CLANG" -O2 -g -target bpf -mcpu=v3 -I "$root/ebpf/src/test/bpf/include" -I "$root/topology-examples/include" \
    -Wall -c "$src" -o "${src%.c}.o"
  echo "built ${src#$here/}"
done
