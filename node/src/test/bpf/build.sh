#!/usr/bin/env bash
# Rebuilds the node module's prebuilt BPF test objects (checked in so tests need no clang). Uses the LWT
# test header of the ebpf module (ebpf/src/test/bpf/lwt/lwt_common.h) and libbpf's bpf_helpers.h.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
for src in $(find "$here" -name '*.c' | sort); do
  "$CLANG" -O2 -g -target bpf -mcpu=v3 -I "$here/../../../../ebpf/src/test/bpf/lwt" \
    -I "$here/../../../../ebpf/src/test/bpf/include" -Wall -c -o "${src%.c}.o" "$src"
  echo "built ${src#$here/}"
done
