#!/usr/bin/env bash
# Checks the CUDA kernels without a GPU: compiles src/cuda/{gemm,masked_dense,elementwise,loss,optim}.cu as host
# C++ against the emulated runtime here (every CUDA thread a std::thread, real barriers and warp shuffles), then
#   gemm_tiles   the tiled GEMM kernel on every path (tile shapes, transposes, masks, scalar/vector loads,
#                split-K, epilogue, ragged edges, out-of-range guards) against a double loop;
#   ops_vs_ref   each CUDA op against lth::cpu::ref (the definition of the op);
#   batched_vs_solo  the ops over a trial axis: each trial bit-identical to the unbatched CUDA op, and vs ref.
# It proves index math, bounds, barrier placement (a divergent barrier hangs) and semantics; not speed, not
# memory-model details of real hardware. Needs g++ >= 11 (C++20 <barrier>) and node. Takes a few minutes.
# Usage: packages/native-sparse/scripts/cuda-emulation/run.sh [gemm|dense|elem|loss|optim|batched]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
out="$pkg/build/cuda-emulation"
rm -rf "$out" && mkdir -p "$out/src/cuda" "$out/obj" "$out/main"
cp "$pkg"/src/*.h "$pkg"/src/kernel_decls.inc "$out/src/"
cp "$pkg"/src/cuda/*.cuh "$out/src/cuda/"
ops=(gemm masked_dense elementwise loss optim masked_dense_batched loss_batched)
for f in "${ops[@]}"; do node "$here/rewrite-launches.mjs" "$pkg/src/cuda/$f.cu" "$out/src/cuda/$f.cpp"; done

cxx=${CXX:-g++}
flags=(-std=c++20 -O1 -pthread -DLTH_WITH_CUDA=1 -Wall -Wextra -Wno-unknown-pragmas -Wno-unused-parameter)
emu=(-include "$here/cuda_runtime.h" -I"$here" -I"$out/src" -I"$out/src/cuda")
# The CPU definitions (ref loops live beside the fast kernels, which need the GEMM driver and the thread pool).
cpu=(gemm gemm_driver gemm_avx2 gemm_avx512 gemm_generic masked_dense relu dropout add softmax_cross_entropy
     sigmoid_bce optim_sgd optim_adam masked_dense_batched softmax_cross_entropy_batched)
pids=()
cpu_flags=(-std=c++17 -O2 -pthread -w)  # warnings of these files are the addon build's business
for f in "${cpu[@]}"; do "$cxx" "${cpu_flags[@]}" -I"$pkg/src" -c "$pkg/src/cpu/$f.cpp" -o "$out/obj/cpu_$f.o" & pids+=($!); done
"$cxx" "${cpu_flags[@]}" -I"$pkg/src" -c "$pkg/src/parallel.cpp" -o "$out/obj/parallel.o" & pids+=($!)
for f in "${ops[@]}"; do "$cxx" "${flags[@]}" "${emu[@]}" -c "$out/src/cuda/$f.cpp" -o "$out/obj/cuda_$f.o" & pids+=($!); done
"$cxx" "${flags[@]}" "${emu[@]}" -c "$here/emu_runtime.cpp" -o "$out/obj/emu_runtime.o" & pids+=($!)
"$cxx" "${flags[@]}" "${emu[@]}" -c "$here/ops_vs_ref.cpp" -o "$out/main/ops_vs_ref.o" & pids+=($!)
"$cxx" "${flags[@]}" "${emu[@]}" -c "$here/batched_vs_solo.cpp" -o "$out/main/batched_vs_solo.o" & pids+=($!)
for p in "${pids[@]}"; do wait "$p"; done
"$cxx" -pthread "$out"/obj/*.o "$out/main/ops_vs_ref.o" -o "$out/ops_vs_ref"
"$cxx" -pthread "$out"/obj/*.o "$out/main/batched_vs_solo.o" -o "$out/batched_vs_solo"
"$cxx" "${flags[@]}" -I"$here" -I"$out/src" -I"$out/src/cuda" "$here/gemm_tiles.cpp" -o "$out/gemm_tiles"

status=0
if [ $# -eq 0 ] || [ "$1" = gemm ]; then "$out/gemm_tiles" || status=1; fi
if [ $# -eq 0 ] || [ "$1" = batched ]; then "$out/batched_vs_solo" || status=1; fi
if [ $# -eq 0 ] || [ "$1" != batched ]; then "$out/ops_vs_ref" "$@" || status=1; fi
exit $status
