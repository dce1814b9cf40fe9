#!/usr/bin/env bash
# Checks the CUDA kernels without a GPU: compiles every src/cuda/*.cu (runtime.cu aside) as host C++ against
# the emulated runtime here (cuda_runtime.h: every CUDA thread a pooled host thread, real barriers and warp
# shuffles; the few CUB calls by cub/cub.cuh, sequential), then
#   gemm_tiles   the tiled GEMM kernel on every path (tile shapes, transposes, masks, scalar/vector loads,
#                split-K, epilogue, ragged edges, out-of-range guards) against a double loop;
#   ops_vs_ref   each CUDA op against lth::cpu::ref (the definition of the op): ops_vs_ref.cpp, conv_vs_ref.cpp,
#                pool_bn_vs_ref.cpp, sparse_vs_ref.cpp;
#   batched_vs_solo  the ops over a trial axis: each trial bit-identical to the unbatched CUDA op, and vs ref.
# It proves index math, bounds, barrier placement (a divergent barrier hangs) and semantics; not speed, not
# memory-model details of real hardware, not the absence of races (the threads do run concurrently, so a
# missing barrier often shows, but not always). Needs g++ >= 11 (C++20 <barrier>), node and coreutils timeout.
# About a minute on 2 cores, most of it compiling.
# Usage: packages/native-sparse/scripts/cuda-emulation/run.sh [gemm|batched|dense|elem|loss|optim|conv|pool|bn|gather|csr|mask|prune]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
out="$pkg/build/cuda-emulation"
rm -rf "$out" && mkdir -p "$out/src/cuda" "$out/obj" "$out/main"
cp "$pkg"/src/*.h "$pkg"/src/kernel_decls.inc "$out/src/"
ops=()  # every kernel file; runtime.cu is replaced by emu_runtime.cpp
for f in "$pkg"/src/cuda/*.cu; do b=$(basename "$f" .cu); [ "$b" = runtime ] || ops+=("$b"); done
for f in "${ops[@]}"; do node "$here/rewrite-launches.mjs" "$pkg/src/cuda/$f.cu" "$out/src/cuda/$f.cpp"; done
for f in "$pkg"/src/cuda/*.cuh; do node "$here/rewrite-launches.mjs" "$f" "$out/src/cuda/$(basename "$f")"; done

cxx=${CXX:-g++}
# EMU_SANITIZE=address (or undefined, or address,undefined): every object built with that sanitizer, so an
# out-of-range access by a kernel is reported even when it does not change a result (slower; not the default).
san=()
if [ -n "${EMU_SANITIZE:-}" ]; then san=(-fsanitize="$EMU_SANITIZE" -fno-omit-frame-pointer -g); fi
flags=(-std=c++20 -O1 -pthread -DLTH_WITH_CUDA=1 -Wall -Wextra -Wno-unknown-pragmas -Wno-unused-parameter "${san[@]}")
emu=(-include "$here/cuda_runtime.h" -I"$here" -I"$out/src" -I"$out/src/cuda")
# The CPU definitions (ref loops live beside the fast kernels, which need the GEMM driver and the thread pool).
cpu=(simd gemm gemm_driver gemm_avx2 gemm_avx512 gemm_neon gemm_generic masked_dense relu dropout add softmax_cross_entropy
     sigmoid_bce optim_sgd optim_adam conv2d maxpool2d avgpool2d global_avgpool batchnorm gather_rows flip_translate csr_convert
     csr_spmm mask_ops magnitude_prune masked_dense_batched softmax_cross_entropy_batched)
tests=(ops_vs_ref conv_vs_ref pool_bn_vs_ref sparse_vs_ref)
pids=()
cpu_flags=(-std=c++17 -O2 -pthread -w "${san[@]}")  # warnings of these files are the addon build's business
for f in "${cpu[@]}"; do "$cxx" "${cpu_flags[@]}" -I"$pkg/src" -c "$pkg/src/cpu/$f.cpp" -o "$out/obj/cpu_$f.o" & pids+=($!); done
"$cxx" "${cpu_flags[@]}" -I"$pkg/src" -c "$pkg/src/parallel.cpp" -o "$out/obj/parallel.o" & pids+=($!)
for f in "${ops[@]}"; do "$cxx" "${flags[@]}" "${emu[@]}" -c "$out/src/cuda/$f.cpp" -o "$out/obj/cuda_$f.o" & pids+=($!); done
"$cxx" "${flags[@]}" "${emu[@]}" -c "$here/emu_runtime.cpp" -o "$out/obj/emu_runtime.o" & pids+=($!)
# Test objects: the ops_vs_ref group shares one main (ops_vs_ref.cpp); batched_vs_solo has its own.
for f in "${tests[@]}"; do "$cxx" "${flags[@]}" "${emu[@]}" -c "$here/$f.cpp" -o "$out/main/$f.o" & pids+=($!); done
"$cxx" "${flags[@]}" "${emu[@]}" -c "$here/batched_vs_solo.cpp" -o "$out/main/batched_vs_solo.o" & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
test_objs=(); for f in "${tests[@]}"; do test_objs+=("$out/main/$f.o"); done
"$cxx" -pthread "${san[@]}" "$out"/obj/*.o "${test_objs[@]}" -o "$out/ops_vs_ref"
"$cxx" -pthread "${san[@]}" "$out"/obj/*.o "$out/main/batched_vs_solo.o" -o "$out/batched_vs_solo"
"$cxx" "${flags[@]}" -I"$here" -I"$out/src" -I"$out/src/cuda" "$here/gemm_tiles.cpp" -o "$out/gemm_tiles"

# A kernel with a divergent barrier hangs the emulation: a time limit turns that into a failure.
limit=${EMU_TIMEOUT:-600}
status=0
check() {
  local rc=0
  timeout "$limit" "$@" || rc=$?
  if [ $rc -eq 124 ]; then echo "cuda-emulation: $(basename "$1") ran past ${limit}s (a hang at a barrier?)"; fi
  if [ $rc -ne 0 ]; then status=1; fi
}
if [ $# -eq 0 ] || [ "$1" = gemm ]; then check "$out/gemm_tiles"; fi
if [ $# -eq 0 ] || [ "$1" = batched ]; then check "$out/batched_vs_solo"; fi
if [ $# -eq 0 ] || [ "$1" != batched ]; then check "$out/ops_vs_ref" "$@"; fi
[ $status -eq 0 ] && echo "cuda-emulation: passed" || echo "cuda-emulation: FAILED"
exit $status
