#!/usr/bin/env bash
# Build and check the CUDA backend on a GPU machine that has nvcc, cmake and Python/PyTorch but no Node.js.
# Prepare here: `node scripts/gpu/pack.mjs` (writes gpu-bundle/: node + the npm packages needed).
# On the GPU machine, from the repository root:  bash scripts/gpu/run.sh [phase ...]
#   phases (default: all, in this order):
#     setup     unpack node and the packages (idempotent)
#     build     build the addon with LTH_CUDA=ON (archs 80;90, or $LTH_CUDA_ARCHS) and print capabilities
#     test      the native-sparse suite; the case tables run on the `cuda` target (fast CPU, CPU reference, CUDA);
#               the tests that need tfjs / onnxruntime (tfjs cross-check, bench tests) stay out (not in the bundle)
#     sanitize  compute-sanitizer memcheck over the CUDA-target tests
#     bench     the issue's GPU lines: torch_kernels.py (cuBLAS/torch) and bench/gpu-targets.ts (ours) at the same
#               shapes, side by side with verdicts; the full kernel bench on CUDA where ort/tfjs are installed
#     lottery   core's resident-data and lottery tests (CUDA rows included), then one LeNet-300-100 level
#               (50K iterations, batch 60) with lth on CUDA beside the open_lth-style PyTorch loop
#               (scripts/gpu/torch_lenet_level.py) on the same GPU, and 5 lth trials sequential and batched;
#               a Conv-4 training step (batch 60) with lth and with PyTorch + cuDNN
# Results go to $OUT (default ./gpu-out): logs, vitest JSON, bench JSON/markdown, nvidia-smi.
# A device command runs at most 10 minutes: split the phases over calls on a warm machine, e.g.
#   1) setup build test   2) setup build bench lottery   3) setup build sanitize
# (a machine released between calls starts bare: build again; LTH_CUDA_ARCHS=90 halves the compile on H100/H200;
# LTH_GPU_TRIAL_ITERS shortens the 5-trial rows)
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-$ROOT/gpu-out}
mkdir -p "$OUT"
PHASES=("$@")
[ ${#PHASES[@]} -eq 0 ] && PHASES=(setup build test sanitize bench lottery)
NODE_DIR=${LTH_NODE_DIR:-/tmp/lth-node}
export PATH="$NODE_DIR/bin:/usr/local/cuda/bin:$PATH"
status=0

log() { echo "[gpu-run $(date +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }

setup() {
  if [ ! -x "$NODE_DIR/bin/node" ]; then
    [ -f gpu-bundle/node.xz ] || { log "gpu-bundle/node.xz missing: run node scripts/gpu/pack.mjs and carry gpu-bundle"; return 1; }
    mkdir -p "$NODE_DIR/bin"
    xz -dc gpu-bundle/node.xz > "$NODE_DIR/bin/node" && chmod +x "$NODE_DIR/bin/node"
  fi
  # Unpack when the bundle changed (a warm machine keeps the last unpacked dist folders otherwise).
  local stamp=node_modules/.lth-bundle-stamp sum
  sum=$(cksum < gpu-bundle/modules.tar.xz)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    rm -rf packages/native-sparse/dist packages/core/dist
    tar -xJf gpu-bundle/modules.tar.xz && echo "$sum" > "$stamp"
  fi
  # Workspace links the tests resolve (npm would create these).
  mkdir -p node_modules/@lth
  ln -sfn ../../packages/native-sparse node_modules/@lth/native-sparse
  log "node $(node --version); $(nvcc --version | tail -1)"
  nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || log "nvidia-smi failed"
}

build() {
  log "building the addon (LTH_CUDA=ON)"
  # LTH_CUDA_ARCHS (e.g. 90) narrows the targets; default 80;90.
  (cd packages/native-sparse && LTH_CUDA=ON CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) node scripts/build-native.mjs) > "$OUT/build.log" 2>&1
  local rc=$?
  tail -5 "$OUT/build.log"
  [ $rc -eq 0 ] || { log "build failed (see build.log)"; return 1; }
  node --input-type=module -e "import { capabilities } from '@lth/native-sparse'; console.log(JSON.stringify(capabilities(), null, 2));" \
    | tee "$OUT/capabilities.json"
}

run_tests() {
  log "native-sparse suite (CUDA target included when a device is visible)"
  node node_modules/vitest/vitest.mjs run --root packages/native-sparse --exclude test/tfjs-crosscheck.test.ts --exclude 'test/bench-*.test.ts' \
    --reporter=default --reporter=json --outputFile="$OUT/vitest.json" > "$OUT/tests.txt" 2>&1
  local rc=$?
  grep -E "Test Files|Tests |FAIL" "$OUT/tests.txt" | tail -40
  return $rc
}

sanitize() {
  command -v compute-sanitizer >/dev/null || { log "compute-sanitizer not found"; return 1; }
  log "compute-sanitizer memcheck over the CUDA-target tests"
  compute-sanitizer --tool memcheck --target-processes all --error-exitcode 99 --log-file "$OUT/memcheck.%p.log" \
    node node_modules/vitest/vitest.mjs run --root packages/native-sparse --exclude test/tfjs-crosscheck.test.ts --exclude 'test/bench-*.test.ts' \
      -t '\[cuda\]' > "$OUT/sanitize.txt" 2>&1
  local rc=$?
  grep -hE "ERROR SUMMARY|Invalid|out of bounds" "$OUT"/memcheck.*.log | sort | uniq -c | head -20
  return $rc
}

bench() {
  local rc=0
  # The issue's GPU lines (masked dense 4096 B512, CSR SpMM 4096^2, global selection over 25.6M) on both sides.
  if python3 -c 'import torch' 2>/dev/null; then
    log "PyTorch on the same GPU"
    python3 scripts/gpu/torch_kernels.py --json "$OUT/torch-kernels.json" > "$OUT/torch-kernels.md" 2>&1 || rc=1
    cat "$OUT/torch-kernels.md"
  else
    log "no PyTorch: side-by-side rows skipped"
  fi
  log "lth CUDA kernels at the same shapes"
  local torch_arg=()
  [ -f "$OUT/torch-kernels.json" ] && torch_arg=(--torch "$OUT/torch-kernels.json")
  node --import tsx packages/native-sparse/bench/gpu-targets.ts --device cuda --json "$OUT/gpu-targets.json" "${torch_arg[@]}" \
    > "$OUT/gpu-targets.md" 2>&1 || rc=1
  cat "$OUT/gpu-targets.md"
  # Not under LTH_CUDA_ASYNC=1: the timer would see only the queueing of work (the LeNet level measures async).
  # The kernel bench's CUDA rows need onnxruntime-node and tfjs (their baselines and validation): only where
  # they are installed (the GPU bundle leaves them out: hundreds of MB).
  if [ -f node_modules/onnxruntime-node/package.json ] && [ -f node_modules/@tensorflow/tfjs/package.json ]; then
    log "kernel bench on CUDA"
    (cd packages/native-sparse && node --import tsx bench/kernels.ts --device cuda) > "$OUT/bench-cuda.txt" 2>&1 || rc=1
    cp packages/native-sparse/bench-results/kernels.* "$OUT/" 2>/dev/null
    tail -40 "$OUT/bench-cuda.txt"
  else
    log "kernel bench (ort/tfjs baselines) skipped: onnxruntime-node / tfjs not installed here"
  fi
  return $rc
}

lottery() {
  local data=$ROOT/gpu-bundle/data rc=0
  # One level at the paper's 50K iterations beside PyTorch; the 5-trial comparison (a ratio) at fewer.
  local trial_iters=${LTH_GPU_TRIAL_ITERS:-10000}
  [ -d "$data/mnist" ] || { log "gpu-bundle/data/mnist missing (pack.mjs copies it from ../shared/data)"; return 1; }
  log "core resident-data and lottery tests"
  LTH_DATA_DIR=$data node node_modules/vitest/vitest.mjs run --root packages/core test/resident.test.ts test/lottery.test.ts test/batched.test.ts \
    > "$OUT/core-tests.txt" 2>&1 || rc=1
  grep -E "Test Files|Tests |FAIL|skip" "$OUT/core-tests.txt" | tail -20
  log "one LeNet-300-100 level on CUDA (lth)"
  node scripts/gpu/lenet_level.mjs --device cuda --data "$data" --json "$OUT/lenet-level-cuda.json" 2>&1 | tee "$OUT/lenet-level.txt" || rc=1
  log "the same level with LTH_CUDA_ASYNC=1 (ops return without a stream synchronize)"
  LTH_CUDA_ASYNC=1 node scripts/gpu/lenet_level.mjs --device cuda --data "$data" --json "$OUT/lenet-level-cuda-async.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  log "5 sequential lth trials of that level (the baseline batched trials must beat by 3x)"
  node scripts/gpu/lenet_level.mjs --device cuda --data "$data" --iterations "$trial_iters" --trials 5 --json "$OUT/lenet-level-cuda-5.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  log "the same 5 trials batched (--batch-trials: target >= 3x faster than sequential)"
  node scripts/gpu/lenet_level.mjs --device cuda --data "$data" --iterations "$trial_iters" --trials 5 --batch-trials --json "$OUT/lenet-level-cuda-5-batched.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  log "CPU vs GPU: the same preset and seeds (3 trials x 5000 iterations) must reach the same accuracy within trial noise"
  node scripts/gpu/lenet_level.mjs --device cpu --data "$data" --iterations 5000 --trials 3 --json "$OUT/cpu-vs-gpu-cpu.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  node scripts/gpu/lenet_level.mjs --device cuda --data "$data" --iterations 5000 --trials 3 --json "$OUT/cpu-vs-gpu-cuda.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  log "Conv-4 training step (batch 60) on CUDA (lth; first step checked against the CPU)"
  node scripts/gpu/conv4_step.mjs --device cuda --json "$OUT/conv4-step-cuda.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  LTH_CUDA_ASYNC=1 node scripts/gpu/conv4_step.mjs --device cuda --json "$OUT/conv4-step-cuda-async.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  if python3 -c 'import torch' 2>/dev/null; then
    log "Conv-4 step in PyTorch + cuDNN (TF32 off)"
    python3 scripts/gpu/torch_conv4_step.py --device cuda --json "$OUT/torch-conv4-step.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
    log "the same level in eager PyTorch (open_lth style)"
    python3 scripts/gpu/torch_lenet_level.py --data "$data/mnist" --device cuda --json "$OUT/torch-lenet-level.json" 2>&1 | tee -a "$OUT/lenet-level.txt" || rc=1
  else
    log "no PyTorch: side-by-side row skipped"
  fi
  return $rc
}

for phase in "${PHASES[@]}"; do
  case $phase in
    setup) setup || status=1 ;;
    build) build || status=1 ;;
    test) run_tests || status=1 ;;
    sanitize) sanitize || status=1 ;;
    bench) bench || status=1 ;;
    lottery) lottery || status=1 ;;
    *) log "unknown phase '$phase' (setup build test sanitize bench lottery)"; status=2 ;;
  esac
done
log "done, status $status"
exit $status
