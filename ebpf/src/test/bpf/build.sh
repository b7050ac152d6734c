#!/usr/bin/env bash
# Rebuilds the prebuilt BPF test objects from their C sources. The .o files are checked in so tests
# need no clang; run this after changing a .c file (needs clang with the BPF target, >= 17 for -mcpu=v4).
#
# Every FILE.c under this folder becomes FILE.o (clang -O2 -g -target bpf -mcpu=v3).
# A line "// variants: NAME..." in the C file builds extra objects FILE.NAME.o, where NAME is one of
#   v1 v2 v3 v4  -> -mcpu=vN        nodebug -> without -g
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
common=(-O2 -target bpf -I "$here/include" -Wall -Wno-unused-function)

build() { # out.o extra-flags... -- src.c
  local out=$1; shift
  "$CLANG" "${common[@]}" "$@" -c -o "$out"
}

find "$here" -name '*.c' | sort | while read -r src; do
  base=${src%.c}
  build "$base.o" -g -mcpu=v3 "$src"
  variants=$(sed -n 's#^// variants:##p' "$src" | head -n 1)
  for v in $variants; do
    case "$v" in
      v1|v2|v3|v4) build "$base.$v.o" -g "-mcpu=$v" "$src" ;;
      nodebug) build "$base.$v.o" -mcpu=v3 "$src" ;;
      *) echo "$src: unknown variant '$v'" >&2; exit 1 ;;
    esac
  done
  echo "built ${src#$here/}"
done
