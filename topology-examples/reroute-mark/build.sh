#!/usr/bin/env bash
# Rebuilds this example's BPF objects from their C sources (the .o files are checked in, so running the
# example needs no clang). Needs clang >= 14 with the BPF target and libbpf's headers (/usr/include/bpf).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
for src in "$here"/*.c; do
  "$CLANG" -O2 -g -target bpf -mcpu=v3 -I "$root/ebpf/src/test/bpf/include" -I "$here" -Wall \
    -c "$src" -o "${src%.c}.o"
  echo "built $(basename "${src%.c}.o")"
done
