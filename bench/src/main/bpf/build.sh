#!/usr/bin/env bash
# Rebuilds the benchmark BPF objects (checked in next to their sources, so running the benchmarks needs
# no clang). Same flags as ebpf/src/test/bpf/build.sh; the programs share the LWT test programs' header.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
for src in "$here"/*.c; do
  "$CLANG" -O2 -g -mcpu=v3 -target bpf -Wall -I "$here/../../../../ebpf/src/test/bpf/include" \
    -I "$here/../../../../ebpf/src/test/bpf/lwt" -c -o "${src%.c}.o" "$src"
  echo "built $(basename "$src")"
done
