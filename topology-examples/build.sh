#!/usr/bin/env bash
# Rebuilds the examples' BPF objects from their C sources (the .o files are checked in, so running an
# example needs no clang). Needs clang >= 14 with the BPF target and libbpf's headers (/usr/include/bpf).
#   ./build.sh              every example
#   ./build.sh ipip-3hop    one example folder
# Shared definitions live in include/lwt_common.h.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=("$here"/*/)
for dir in "${dirs[@]}"; do
  dir=$(cd "$here" && cd "$dir" && pwd)
  for src in "$dir"/*.c; do
    [ -e "$src" ] || continue
    "$CLANG" -O2 -g -target bpf -mcpu=v3 -I "$root/ebpf/src/test/bpf/include" -I "$here/include" -Wall \
      -c "$src" -o "${src%.c}.o"
    echo "built ${src#$here/}"
  done
done
