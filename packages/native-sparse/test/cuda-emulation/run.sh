#!/usr/bin/env bash
# Checks the CUDA kernels without a GPU, in two parts:
#   gemm    gemm_tiles.cpp: the tiled GEMM kernel (src/cuda/gemm_kernel.cuh) on the paths no lib call can pick:
#           both tile shapes forced × four transposes, masks on either operand, scalar loads of misaligned
#           pointers, forced split-K, the full epilogue, with NaN guards around every buffer. It stays a C++
#           program because those choices are made inside gemm.cu from the problem (lib passes aligned, unmasked-
#           or-masked operands of its own choosing), so the parity table reaches only the paths a real call takes.
#   parity  the addon built against the emulated runtime (npm run build:cuda-emulated: every src/cuda/*.cu as
#           host C++, launches rewritten by rewrite-launches.mjs, CUDA threads as pooled host threads with real
#           barriers and warp shuffles, CUB by cub/cub.cuh), loaded with LTH_ADDON_VARIANT=cuda-emulated so its
#           `cuda` device runs the real kernels; then the vitest parity table (test/cuda-parity.test.ts: every op
#           of test/cases, cuda vs the fast CPU kernels) on its small cases (LTH_PARITY_SIZES=small), and the
#           batched-vs-unbatched bit-identity test (test/batched.test.ts) on every target, the emulated one included.
# It proves index math, bounds, barrier placement (a divergent barrier hangs: the time limit turns that into a
# failure) and semantics; not speed, not memory-model details of real hardware, not the absence of races.
# Needs g++ >= 11 (C++20 <barrier>), cmake, node and coreutils timeout. About 8 minutes on 2 cores, most of it
# building the emulated addon (incremental afterwards).
# Usage: packages/native-sparse/test/cuda-emulation/run.sh [gemm|parity]   (default: both)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(cd "$here/../.." && pwd)
what=${1:-all}
limit=${EMU_TIMEOUT:-1800}
status=0
check() {
  local rc=0
  timeout "$limit" "$@" || rc=$?
  if [ $rc -eq 124 ]; then echo "cuda-emulation: $* ran past ${limit}s (a hang at a barrier?)"; fi
  if [ $rc -ne 0 ]; then status=1; fi
}

if [ "$what" = all ] || [ "$what" = gemm ]; then
  out="$pkg/build/cuda-emulation"
  rm -rf "$out" && mkdir -p "$out/src/cuda"
  for f in "$pkg"/src/cuda/*.cuh; do node "$here/rewrite-launches.mjs" "$f" "$out/src/cuda/$(basename "$f")"; done
  "${CXX:-g++}" -std=c++20 -O1 -pthread -Wall -Wextra -Wno-unknown-pragmas -Wno-unused-parameter \
    -I"$here" -I"$pkg/src" -I"$out/src/cuda" "$here/gemm_tiles.cpp" -o "$out/gemm_tiles"
  check "$out/gemm_tiles"
fi

if [ "$what" = all ] || [ "$what" = parity ]; then
  (cd "$pkg" && node scripts/build-native.mjs --cuda-emulated)
  cd "$pkg/../.."
  check env LTH_ADDON_VARIANT=cuda-emulated LTH_PARITY_SIZES=small npx vitest run --project native-sparse \
    packages/native-sparse/test/cuda-parity.test.ts packages/native-sparse/test/batched.test.ts
fi

[ $status -eq 0 ] && echo "cuda-emulation: passed" || echo "cuda-emulation: FAILED"
exit $status
