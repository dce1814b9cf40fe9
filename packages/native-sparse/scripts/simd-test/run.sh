#!/usr/bin/env bash
# Builds kernel_test.cpp with every CPU kernel source (src/cpu/*.cpp, src/parallel.cpp; no Node) and runs it on
# each SIMD path (env LTH_SIMD) against the plain reference loops:
#   native   with the host compiler, on every path this CPU has (x86-64: generic, avx2, avx512 where present)
#   cross    cross-compiled with Debian's aarch64 toolchain (aarch64-linux-gnu-g++, static) and run under
#            qemu-user (qemu-aarch64) on the neon and generic paths; the N-API binding sources are compiled
#            for aarch64 too (syntax and types only, against node's headers and node-addon-api), so the whole
#            addon source is known to build there
#   all      both (CI); a missing cross toolchain or qemu is then an error, not a skip
#   bench    micro_bench.cpp (fastest of N runs of each kernel) natively on every path; not a test
# Usage: run.sh [native|cross|all|bench]   (default: native, plus cross when the tools are installed)
# Emulation proves the arithmetic and the control flow of the NEON code; it says nothing about speed, and the
# Node addon itself (N-API, cmake-js) is not built or run for aarch64 here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
mode=${1:-auto}
out="$pkg/build/simd-test"
mkdir -p "$out"
flags=(-std=c++17 -O2 -pthread -fno-math-errno -ffp-contract=fast -fopenmp-simd -Wall -Wextra -Wno-unused-parameter
       -I"$pkg/src")
main_src=$here/kernel_test.cpp
[ "$mode" = bench ] && main_src=$here/micro_bench.cpp
srcs=("$pkg"/src/cpu/*.cpp "$pkg/src/parallel.cpp" "$main_src")

# Compile each source to an object in parallel (2 cores in CI), then link.
build() {  # build <compiler> <dir> [extra link flags...]
  local cxx=$1 dir=$2
  shift 2
  mkdir -p "$dir"
  local pids=() objs=()
  for f in "${srcs[@]}"; do
    local o="$dir/$(basename "$f" .cpp).o"
    objs+=("$o")
    "$cxx" "${flags[@]}" -c "$f" -o "$o" & pids+=($!)
    if [ ${#pids[@]} -ge 4 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  "$cxx" -pthread "${objs[@]}" "$@" -o "$dir/$(basename "$main_src" .cpp)"
}

if [ "$mode" = bench ]; then
  build "${CXX:-g++}" "$out/native"
  for p in $("$out/native/micro_bench" --list); do LTH_SIMD=$p "$out/native/micro_bench"; done
  exit 0
fi

status=0
run_paths() {  # run_paths <label> <runner...> -- <paths...>
  local label=$1
  shift
  local runner=()
  while [ "$1" != -- ]; do runner+=("$1"); shift; done
  shift
  for p in "$@"; do
    if ! LTH_SIMD=$p "${runner[@]}"; then echo "simd-test: $label $p FAILED"; status=1; fi
  done
}

if [ "$mode" = native ] || [ "$mode" = all ] || [ "$mode" = auto ]; then
  build "${CXX:-g++}" "$out/native"
  mapfile -t paths < <("$out/native/kernel_test" --list)
  run_paths native "$out/native/kernel_test" -- "${paths[@]}"
fi

have_cross=1
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || have_cross=0
command -v qemu-aarch64 >/dev/null 2>&1 || have_cross=0
if [ "$mode" = cross ] || [ "$mode" = all ] || { [ "$mode" = auto ] && [ $have_cross = 1 ]; }; then
  if [ $have_cross = 0 ]; then
    echo "simd-test: cross mode needs aarch64-linux-gnu-g++ and qemu-aarch64 (apt-get install g++-aarch64-linux-gnu qemu-user)"
    exit 1
  fi
  build aarch64-linux-gnu-g++ "$out/aarch64" -static
  node_inc=$(node -p "require('path').join(process.execPath, '../../include/node')")
  napi_inc=$(cd "$pkg" && node -p "require('path').dirname(require.resolve('node-addon-api/package.json'))")
  pids=()
  for f in "$pkg"/src/binding/*.cpp "$pkg"/src/tensor.cpp "$pkg"/src/cuda_runtime_none.cpp; do
    aarch64-linux-gnu-g++ "${flags[@]}" -fsyntax-only -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_DISABLE_DEPRECATED \
      -isystem "$node_inc" -isystem "$napi_inc" "$f" & pids+=($!)
    if [ ${#pids[@]} -ge 4 ]; then wait "${pids[0]}" || status=1; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
  [ $status -eq 0 ] || echo "simd-test: the binding sources do not compile for aarch64"
  run_paths aarch64 qemu-aarch64 "$out/aarch64/kernel_test" -- neon generic
elif [ "$mode" = auto ]; then
  echo "simd-test: aarch64 cross check skipped (aarch64-linux-gnu-g++ or qemu-aarch64 not installed)"
fi
[ $status -eq 0 ] && echo "simd-test: passed" || echo "simd-test: FAILED"
exit $status
