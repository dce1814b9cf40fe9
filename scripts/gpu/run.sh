#!/usr/bin/env bash
# The whole GPU verification in ONE device call (a GPU machine with nvcc, cmake, python3/PyTorch, no Node.js).
# Prepare here: `node scripts/gpu/pack.mjs` (gpu-bundle/: node, the prebuilt CUDA addon, npm packages, MNIST).
# On the device, from the repository root, with gpu-bundle carried:   bash scripts/gpu/run.sh
# Phases run in order of value, each under its own cap (`timeout`) and within a total budget; each writes
# $OUT/<phase>.log (+ its result files) and a summary line the moment it ends, and summary.json / summary.md are
# rewritten after every phase, so a run cut anywhere still returns what finished. Statuses: pass, fail,
# timed-out, skipped (with the reason: no GPU, no torch, no compute-sanitizer, budget spent).
# Environment: OUT (default ./gpu-out); LTH_GPU_BUDGET_S total seconds (default 330); LTH_GPU_TRIAL_ITERS
# iterations of the 5-trial rows (default 10000); LTH_GPU_ONLY="parity memcheck" runs only those phases (after
# setup and addon: a rerun after a fix); LTH_GPU_FORCE_BUILD=1 builds the addon here instead of using
# the prebuilt one (LTH_GPU_FALLBACK_CUDA=OFF makes that build CPU-only: a dry run of the fallback path);
# LTH_GPU_DRY_RUN=1 (no GPU only) runs each GPU phase's CPU analog at tiny sizes, to check the
# script and the bundle — recorded as skipped, with the dry run's result beside it.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export OUT=${OUT:-$ROOT/gpu-out}
mkdir -p "$OUT/phases"
: > "$OUT/phases.jsonl"
: > "$OUT/summary.txt"
BUDGET=${LTH_GPU_BUDGET_S:-330}
START=$(date +%s)
export NODE_DIR=${LTH_NODE_DIR:-/tmp/lth-node}
export PATH="$NODE_DIR/bin:/usr/local/cuda/bin:/usr/local/cuda/compute-sanitizer:$PATH"
export BUNDLE=$ROOT/gpu-bundle DATA=$ROOT/gpu-bundle/data
export TRIAL_ITERS=${LTH_GPU_TRIAL_ITERS:-10000}
DRY=${LTH_GPU_DRY_RUN:-0}
# Plain logs: the phases grep them (vitest colours its output otherwise).
export NO_COLOR=1 FORCE_COLOR=0
VITEST="node node_modules/vitest/vitest.mjs run"
NATIVE_EXCLUDES="--exclude test/tfjs-crosscheck.test.ts --exclude test/bench-*.test.ts"
GPU=0 GPU_REASON="not probed yet"

log() { echo "[gpu-run +$(( $(date +%s) - START ))s] $*" | tee -a "$OUT/run.log"; }
jstr() { printf '"%s"' "$(printf '%s' "$1" | tr '\n\t' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

write_summary() {
  local elapsed=$(( $(date +%s) - START ))
  { printf '{"startedAt":%s,"budgetS":%s,"elapsedS":%s,"gpu":%s,"gpuReason":%s,"phases":[' \
      "$(jstr "$(date -u -d "@$START" +%FT%TZ)")" "$BUDGET" "$elapsed" "$([ "$GPU" = 1 ] && echo true || echo false)" "$(jstr "$GPU_REASON")"
    paste -sd, "$OUT/phases.jsonl"; printf ']}\n'; } > "$OUT/summary.json"
  { echo "# GPU verification: $(date -u -d "@$START" +%FT%TZ), ${elapsed}s of ${BUDGET}s"
    echo
    echo "GPU: $([ "$GPU" = 1 ] && echo "yes — $GPU_REASON" || echo "none — $GPU_REASON")"
    echo
    echo '| # | phase | status | seconds | cap | note |'
    echo '|---:|---|---|---:|---:|---|'
    cat "$OUT/phases.md.rows" 2>/dev/null; } > "$OUT/summary.md"
}

N=0
# record NAME STATUS SECONDS CAP NOTE: one result file, one summary line, the summaries rewritten.
record() {
  N=$((N + 1))
  local line
  line=$(printf '{"n":%s,"phase":%s,"status":%s,"seconds":%s,"capS":%s,"note":%s}' "$N" "$(jstr "$1")" "$(jstr "$2")" "$3" "$4" "$(jstr "$5")")
  echo "$line" >> "$OUT/phases.jsonl"
  echo "$line" > "$OUT/phases/$1.json"
  echo "| $N | $1 | $2 | $3 | $4 | $(printf '%s' "$5" | tr '\n|' ' /') |" >> "$OUT/phases.md.rows"
  printf '%-16s %-9s %4ss (cap %ss)  %s\n' "$1" "$2" "$3" "$4" "$5" | tee -a "$OUT/summary.txt"
  write_summary
}

# run_capped NAME CAP FN: FN (an exported function) under `timeout`, output in $OUT/NAME.log; sets RC, SECS.
run_capped() {
  local t0=$(date +%s)
  timeout -k 5 "$2" bash -c "$3" > "$OUT/$1.log" 2>&1
  RC=$?
  SECS=$(( $(date +%s) - t0 ))
}

# phase NAME CAP NEEDS FN [DRY_FN]: NEEDS is a space-separated subset of: node gpu torch sanitizer.
phase() {
  local name=$1 cap=$2 needs=$3 fn=$4 dry_fn=${5:-} why="" left status note
  left=$(( BUDGET - ($(date +%s) - START) ))
  local missing=()
  for need in $needs; do
    case $need in
      node) [ "$NODE_OK" = 1 ] || missing+=("node or the addon unusable (see setup.log / addon.log)") ;;
      gpu) [ "$GPU" = 1 ] || missing+=("no GPU: $GPU_REASON") ;;
      torch) [ "$TORCH_OK" = 1 ] || missing+=("no torch: $TORCH_REASON") ;;
      sanitizer) command -v compute-sanitizer > /dev/null || missing+=("no compute-sanitizer on PATH") ;;
    esac
  done
  [ ${#missing[@]} -gt 0 ] && why=$(printf '%s; ' "${missing[@]}") && why=${why%; }
  if [ -z "$why" ] && [ -n "${LTH_GPU_ONLY:-}" ] && [[ " setup addon $LTH_GPU_ONLY " != *" $name "* ]]; then why="not selected (LTH_GPU_ONLY)"; fi
  if [ -z "$why" ] && [ "$left" -lt 10 ]; then why="total budget of ${BUDGET}s spent"; fi
  if [ -n "$why" ]; then
    note=$why
    if [ "$DRY" = 1 ] && [ -n "$dry_fn" ] && [ "$GPU" != 1 ] && [ "$left" -ge 10 ]; then
      log "$name: skipped ($why); CPU dry run of its script"
      run_capped "$name.dry" "$(( cap < left ? cap : left ))" "$dry_fn"
      note="$why; CPU dry run: $(rc_word $RC) in ${SECS}s ($name.dry.log)"
    fi
    record "$name" skipped 0 "$cap" "$note"
    return
  fi
  [ "$cap" -gt "$left" ] && cap=$left
  log "$name (cap ${cap}s)"
  run_capped "$name" "$cap" "$fn"
  status=$(rc_word $RC)
  note=$(cat "$OUT/$name.note" 2>/dev/null || true)
  # Without a note of its own, a phase's last two lines (the benches end with their figures) say what it did.
  [ -z "$note" ] && note="$([ "$status" = pass ] || echo "exit $RC; ")$(tail -2 "$OUT/$name.log" | tr '\n' ' ' | cut -c1-300)"
  record "$name" "$status" "$SECS" "$cap" "$note"
}
rc_word() { case $1 in 0) echo pass ;; 124|137) echo timed-out ;; *) echo fail ;; esac; }

# ---- phase bodies (exported: they run under `timeout bash -c`) ---------------------------------------------------
setup() {
  if [ ! -x "$NODE_DIR/bin/node" ]; then
    [ -f "$BUNDLE/node.xz" ] || { echo "gpu-bundle/node.xz missing: run node scripts/gpu/pack.mjs and carry gpu-bundle"; return 1; }
    mkdir -p "$NODE_DIR/bin" && xz -dc "$BUNDLE/node.xz" > "$NODE_DIR/bin/node" && chmod +x "$NODE_DIR/bin/node" || return 1
  fi
  # Unpack when the bundle changed (a warm machine keeps the last unpacked folders otherwise).
  local stamp=node_modules/.lth-bundle-stamp sum
  sum=$(cksum < "$BUNDLE/modules.tar.xz")
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    rm -rf packages/native-sparse/dist packages/core/dist
    tar -xJf "$BUNDLE/modules.tar.xz" && echo "$sum" > "$stamp" || return 1
  fi
  mkdir -p node_modules/@lth && ln -sfn ../../packages/native-sparse node_modules/@lth/native-sparse
  { echo "node: $(command -v node) $(node --version)"; echo "nvcc: $(nvcc --version 2>/dev/null | tail -1)"
    echo "python3: $(python3 --version 2>&1)"; echo "uname: $(uname -srm)"; echo "cores: $(nproc)"
    cat "$BUNDLE/manifest.json" 2>/dev/null; } | tee "$OUT/env.txt"
  nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || echo "nvidia-smi: not available" | tee "$OUT/nvidia-smi.txt"
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv >> "$OUT/nvidia-smi.txt" 2>&1 || true
  python3 -c 'import torch; print(torch.__version__, torch.cuda.is_available())' > "$OUT/torch.txt" 2>&1 || true
  local gpu; gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)
  echo "node $(node --version); GPU: ${gpu:-none (no nvidia-smi or no GPU)}; torch: $(tail -1 "$OUT/torch.txt" | cut -c1-80)" > "$OUT/setup.note"
  node --version > /dev/null
}

# The prebuilt addon; again with the carried libstdc++ if it does not load; else built here from the sources.
# Writes $OUT/addon.env (LTH_NATIVE_PATH, LD_LIBRARY_PATH, GPU, GPU_REASON) for the later phases.
addon() {
  local gpus dir=$NODE_DIR/prebuilt rc lib="" path reason
  gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
  mkdir -p $dir && xz -dc "$BUNDLE/addon/lth_native.node.xz" > $dir/lth_native.node || return 1
  probe() { LTH_NATIVE_PATH=$1 LD_LIBRARY_PATH=$2${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} node scripts/gpu/probe.mjs "$OUT/capabilities.json" > "$OUT/probe.out" 2> "$OUT/probe.err"; rc=$?; cat "$OUT/probe.out" "$OUT/probe.err"; }
  path=$dir/lth_native.node
  if [ "${LTH_GPU_FORCE_BUILD:-0}" = 1 ]; then rc=forced; echo "LTH_GPU_FORCE_BUILD=1: not using the prebuilt addon"
  else
    echo "prebuilt: $(head -2 "$BUNDLE/addon/requires.txt" | tr '\n' ' ')"
    probe $path ""
    if [ $rc = 1 ]; then lib=$BUNDLE/lib; echo "retrying with the carried libstdc++"; probe $path "$lib"; fi
  fi
  # Build when the prebuilt one cannot run CUDA on a machine that has a GPU (old driver, other arch) or is forced.
  if [ "$rc" = forced ] || [ "$rc" = 1 ] || [ "$rc" = 4 ] || { [ "$rc" = 3 ] && [ "$gpus" -gt 0 ]; }; then
    local cc archs cuda=${LTH_GPU_FALLBACK_CUDA:-ON}
    cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '. ')
    archs=${cc:-90}
    command -v nvcc > /dev/null || cuda=OFF
    echo "building the addon here: LTH_CUDA=$cuda archs $archs ($(nproc) jobs; log build.log)"
    (cd packages/native-sparse && LTH_CUDA=$cuda LTH_CUDA_ARCHS=$archs LTH_NATIVE_BUILD_DIR=$ROOT/build/native-cuda-device \
      CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) node scripts/build-native.mjs) > "$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; return 1; }
    path=$ROOT/build/native-cuda-device/Release/lth_native.node lib=""
    probe $path ""
  fi
  reason=$(sed 's/^probe: //' "$OUT/probe.err" | tail -1)
  { echo "export LTH_NATIVE_PATH=$path"; [ -n "$lib" ] && echo "export LD_LIBRARY_PATH=$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
    if [ $rc = 0 ]; then echo "GPU=1"; echo "GPU_REASON=$(printf %q "$(sed 's/^probe: //' "$OUT/probe.out")")"
    elif [ "$gpus" = 0 ]; then echo "GPU=0"; echo "GPU_REASON=$(printf %q "nvidia-smi $(command -v nvidia-smi > /dev/null && echo 'lists no GPU' || echo 'not found')")"
    else echo "GPU=0"; echo "GPU_REASON=$(printf %q "$reason")"; fi; } > "$OUT/addon.env"
  echo "addon: $path (probe exit $rc)" > "$OUT/addon.note"
  # Loads and, where nvidia-smi sees a GPU, runs CUDA: else this phase failed.
  [ $rc = 0 ] || { [ $rc = 3 ] && [ "$gpus" = 0 ]; }
}

# vitest_phase NAME ARGS...: one vitest run with a JSON report; on a GPU, a CUDA row skipped is a failure.
vitest_phase() {
  local name=$1; shift
  $VITEST "$@" --reporter=default --reporter=json --outputFile="$OUT/$name.vitest.json"
  local rc=$?
  node -e "const r=require(process.argv[1]);console.log(r.numPassedTests+' passed, '+r.numFailedTests+' failed, '+r.numPendingTests+' skipped or filtered out')" \
    "$OUT/$name.vitest.json" > "$OUT/$name.note" 2>/dev/null || echo "no vitest report" > "$OUT/$name.note"
  local skips; skips=$(grep -c '^\[skip\].*cuda\|skipped — ' "$OUT/$name.log" 2>/dev/null || true)
  [ "$GPU" != 1 ] && [ "$skips" -gt 0 ] && echo "; CUDA rows skipped visibly (no GPU)" >> "$OUT/$name.note"
  if [ "$GPU" = 1 ] && [ "$skips" -gt 0 ]; then echo "; CUDA rows SKIPPED on a GPU machine" >> "$OUT/$name.note"; return 1; fi
  tr -d '\n' < "$OUT/$name.note" > "$OUT/$name.note.1" && mv "$OUT/$name.note.1" "$OUT/$name.note"
  return $rc
}

parity() {
  LTH_PARITY_REPORT=1 vitest_phase parity --root packages/native-sparse test/cuda-parity.test.ts; local rc=$?
  { echo '| pair | op: case | worst \|Δ\|/bound per output |'; echo '|---|---|---|'
    grep -h '^\[parity\]' "$OUT/parity.log" | sed 's/^\[parity\] //' | awk -F' [|] ' '{ gsub(/\|/, "\\|", $3); printf "| %s | %s | %s |\n", $1, $2, $3 }'; } > "$OUT/parity-table.md"
  return $rc
}
native_cuda() { vitest_phase native-cuda --root packages/native-sparse $NATIVE_EXCLUDES --exclude test/cuda-parity.test.ts -t '\[cuda'; }
core_cuda() {
  LTH_DATA_DIR=$DATA LTH_TEST_DEVICE=$([ "$GPU" = 1 ] && echo cuda || echo cpu) \
    vitest_phase core-cuda --root packages/core test/resident.test.ts test/batched.test.ts test/lottery.test.ts
}
memcheck() {
  # The parity table on cuda (every op family) under memcheck: kernels are checked, not the host.
  compute-sanitizer --tool memcheck --target-processes all --error-exitcode 99 --log-file "$OUT/memcheck.%p.log" \
    $VITEST --root packages/native-sparse test/cuda-parity.test.ts -t 'cuda vs'
  local rc=$? errs
  errs=$(grep -h 'ERROR SUMMARY' "$OUT"/memcheck.*.log 2>/dev/null | awk '{s += $4} END {print s + 0}')
  echo "memcheck: $errs errors over $(ls "$OUT"/memcheck.*.log 2>/dev/null | wc -l) processes (memcheck.*.log)" > "$OUT/memcheck.note"
  [ $rc = 0 ] && [ "$errs" = 0 ]
}
lenet() { node scripts/gpu/lenet_level.mjs --device cuda --data "$DATA" --json "$OUT/lenet-level-cuda.json" "$@"; }
lenet_lth() { lenet; }
lenet_lth_dry() { node scripts/gpu/lenet_level.mjs --device cpu --data "$DATA" --iterations 200 --eval-every 100 --json "$OUT/lenet-level-dry.json"; }
lenet_torch() { python3 scripts/gpu/torch_lenet_level.py --data "$DATA/mnist" --device cuda --json "$OUT/torch-lenet-level.json"; }
kernels_torch() { python3 scripts/gpu/torch_kernels.py --json "$OUT/torch-kernels.json"; }
gpu_targets() {
  local t=(); [ -f "$OUT/torch-kernels.json" ] && t=(--torch "$OUT/torch-kernels.json")
  node --import tsx packages/native-sparse/bench/gpu-targets.ts --json "$OUT/gpu-targets.json" "$@" "${t[@]}"
}
kernels_lth() { gpu_targets --device cuda; }
kernels_lth_dry() { gpu_targets --device cpu --quick; }
trials() { node scripts/gpu/lenet_level.mjs --device "$1" --data "$DATA" --iterations "$2" --trials 5 "${@:3}"; }
trials_seq() { trials cuda "$TRIAL_ITERS" --json "$OUT/lenet-5-sequential.json"; }
trials_batched() { trials cuda "$TRIAL_ITERS" --batch-trials --json "$OUT/lenet-5-batched.json"; }
trials_seq_dry() { trials cpu 60 --eval-every 30; }
trials_batched_dry() { trials cpu 60 --eval-every 30 --batch-trials; }
conv4_lth() { node scripts/gpu/conv4_step.mjs --device cuda --json "$OUT/conv4-step-cuda.json"; }
conv4_lth_dry() { node scripts/gpu/conv4_step.mjs --device cpu --steps 2; }
conv4_torch() { python3 scripts/gpu/torch_conv4_step.py --device cuda --json "$OUT/torch-conv4-step.json"; }
lenet_async() { LTH_CUDA_ASYNC=1 node scripts/gpu/lenet_level.mjs --device cuda --data "$DATA" --json "$OUT/lenet-level-cuda-async.json"; }
conv4_async() { LTH_CUDA_ASYNC=1 node scripts/gpu/conv4_step.mjs --device cuda --json "$OUT/conv4-step-cuda-async.json"; }
# The same preset and seeds on both devices: accuracies must agree within trial noise (read from the JSON).
cpu_vs_gpu() {
  node scripts/gpu/lenet_level.mjs --device cuda --data "$DATA" --iterations 5000 --trials 3 --json "$OUT/cpu-vs-gpu-cuda.json" &&
    node scripts/gpu/lenet_level.mjs --device cpu --data "$DATA" --iterations 5000 --trials 3 --json "$OUT/cpu-vs-gpu-cpu.json" || return 1
  node -e "const acc=(f)=>require(f).trialsRun.map((r)=>(100*r.testAccuracy).toFixed(2)+'%').join(' ');
    console.log('test accuracy per trial: cuda '+acc(process.argv[1])+', cpu '+acc(process.argv[2]))" \
    "$OUT/cpu-vs-gpu-cuda.json" "$OUT/cpu-vs-gpu-cpu.json" | tee "$OUT/cpu-vs-gpu.note"
}
export -f log jstr setup addon vitest_phase parity native_cuda core_cuda memcheck lenet lenet_lth lenet_lth_dry lenet_torch \
  kernels_torch gpu_targets kernels_lth kernels_lth_dry trials trials_seq trials_batched trials_seq_dry trials_batched_dry \
  conv4_lth conv4_lth_dry conv4_torch lenet_async conv4_async cpu_vs_gpu
export ROOT START VITEST NATIVE_EXCLUDES

# ---- the phases, most valuable first -----------------------------------------------------------------------------
NODE_OK=1 TORCH_OK=0 TORCH_REASON="not checked"
phase setup 60 "" setup
[ "${RC:-1}" = 0 ] || NODE_OK=0
if grep -q ' True$' "$OUT/torch.txt" 2>/dev/null; then TORCH_OK=1
elif grep -q ' False$' "$OUT/torch.txt" 2>/dev/null; then TORCH_REASON="PyTorch $(cut -d' ' -f1 "$OUT/torch.txt") sees no CUDA device"
else TORCH_REASON="python3 cannot import torch"; fi
phase addon 240 node addon
[ "$RC" = 0 ] || NODE_OK=0
# shellcheck disable=SC1091
[ -f "$OUT/addon.env" ] && . "$OUT/addon.env"
export GPU GPU_REASON LTH_NATIVE_PATH="${LTH_NATIVE_PATH:-}" LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}"
write_summary
phase parity 60 node parity
phase native-cuda 60 node native_cuda
phase core-cuda 120 node core_cuda
phase memcheck 120 "node gpu sanitizer" memcheck
phase lenet-lth 75 "node gpu" lenet_lth lenet_lth_dry
phase lenet-torch 90 "gpu torch" lenet_torch
phase kernels-torch 60 "gpu torch" kernels_torch
phase kernels-lth 60 "node gpu" kernels_lth kernels_lth_dry
phase trials5-seq 75 "node gpu" trials_seq trials_seq_dry
phase trials5-batched 45 "node gpu" trials_batched trials_batched_dry
phase conv4-lth 30 "node gpu" conv4_lth conv4_lth_dry
phase conv4-torch 30 "gpu torch" conv4_torch
phase lenet-lth-async 45 "node gpu" lenet_async
phase conv4-lth-async 20 "node gpu" conv4_async
phase cpu-vs-gpu 90 "node gpu" cpu_vs_gpu
fails=$(grep -c '"status":"\(fail\|timed-out\)"' "$OUT/phases.jsonl" || true)
log "done in $(( $(date +%s) - START ))s: $fails phase(s) failed or timed out; $OUT/summary.md"
cat "$OUT/summary.md"
[ "$fails" = 0 ]
