#!/usr/bin/env python3
"""LeNet-300-100 training step (forward, backward, Adam) as a plain numpy loop: the baseline of the issue-16
comparison "lth training step vs numpy/OpenBLAS". Written the way a careful numpy user would: matmuls through
numpy (OpenBLAS sgemm), weights kept pre-masked, gradients masked, PyTorch-style Adam in place (preallocated
buffers for every weight-sized temporary).

Reads <dir>/manifest.json and raw float32/int32 files written by packages/bench/src/numpy-baseline.ts: the same
initial weights [out, in], biases, masks (0/1), batch x [B, 784] and labels y [B] lth trains on. Writes the
first step's loss and the updated weights (<dir>/after_<name>.f32) for the caller to validate against lth's
first step, then times `steps` more steps and prints one JSON line:
  {"loss": ..., "median_ms": ..., "min_ms": ..., "runs": ..., "numpy": ..., "blas": ..., "coretype": ...}
Threads: OPENBLAS_NUM_THREADS as the caller sets it. OPENBLAS_CORETYPE=Haswell forces OpenBLAS's AVX2 kernels.
"""
import json
import os
import sys
import time

import numpy as np


def load(d, name, dtype, shape):
    return np.fromfile(os.path.join(d, name), dtype=dtype).reshape(shape)


def main():
    d = sys.argv[1]
    man = json.load(open(os.path.join(d, "manifest.json")))
    layers = man["layers"]  # [{name, out, in}], in forward order; the last has no ReLU
    B = man["batch"]
    W = [load(d, f"{l['name']}.w.f32", np.float32, (l["out"], l["in"])) for l in layers]
    b = [load(d, f"{l['name']}.b.f32", np.float32, (l["out"],)) for l in layers]
    M = [load(d, f"{l['name']}.m.f32", np.float32, (l["out"], l["in"])) for l in layers]
    x = load(d, "x.f32", np.float32, (B, layers[0]["in"]))
    y = load(d, "y.i32", np.int32, (B,))
    lr, b1, b2, eps = (np.float32(man[k]) for k in ("lr", "beta1", "beta2", "eps"))
    W = [w * m for w, m in zip(W, M)]
    params = W + b
    masks = M + [None] * len(b)
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    onehot = np.zeros((B, layers[-1]["out"]), np.float32)
    onehot[np.arange(B), y] = 1
    t = [0]

    # Buffers for the weight-sized temporaries, reused every step: numpy would otherwise allocate (and the
    # kernel fault in) fresh ~1 MB arrays for every product and Adam term, which dominated the step here.
    gW = [np.empty_like(w) for w in W]
    tmp = [np.empty_like(p) for p in params]

    def step():
        # forward: h_{i+1} = relu(h_i · W_iᵀ + b_i), logits without ReLU
        hs = [x]
        for i in range(len(W)):
            z = hs[-1] @ W[i].T + b[i]
            hs.append(np.maximum(z, 0) if i < len(W) - 1 else z)
        z = hs[-1]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.log(p[np.arange(B), y]).mean())
        # backward
        dz = (p - onehot) / np.float32(B)
        gb = [None] * len(W)
        for i in reversed(range(len(W))):
            np.matmul(dz.T, hs[i], out=gW[i])
            gW[i] *= M[i]
            gb[i] = dz.sum(axis=0)
            if i > 0:
                dz = (dz @ W[i]) * (hs[i] > 0)
        # Adam (PyTorch form), in place; pruned weights and their moments stay 0 (their gradients are 0)
        t[0] += 1
        c1, c2 = 1 - b1 ** t[0], 1 - b2 ** t[0]
        for k, g in enumerate(gW + gb):
            m1[k] *= b1
            np.multiply(g, 1 - b1, out=tmp[k])
            m1[k] += tmp[k]
            m2[k] *= b2
            np.multiply(g, g, out=tmp[k])
            tmp[k] *= 1 - b2
            m2[k] += tmp[k]
            np.divide(m2[k], c2, out=tmp[k])
            np.sqrt(tmp[k], out=tmp[k])
            tmp[k] += eps
            np.divide(m1[k], tmp[k], out=tmp[k])
            tmp[k] *= lr / c1
            params[k] -= tmp[k]
        return loss

    loss0 = step()
    for l, w, bb in zip(layers, W, b):
        w.astype(np.float32).tofile(os.path.join(d, f"after_{l['name']}.w.f32"))
        bb.astype(np.float32).tofile(os.path.join(d, f"after_{l['name']}.b.f32"))
    for _ in range(man["warmup"]):
        step()
    samples = []
    start = time.perf_counter()
    while len(samples) < man["min_runs"] or (time.perf_counter() - start) * 1e3 < man["min_time_ms"]:
        t0 = time.perf_counter()
        step()
        samples.append((time.perf_counter() - t0) * 1e3)
    samples.sort()
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas_name = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: no dict form
        blas_name = "unknown"
    print(json.dumps({
        "loss": loss0, "median_ms": samples[len(samples) // 2], "min_ms": samples[0], "runs": len(samples),
        "numpy": np.__version__, "blas": blas_name, "coretype": os.environ.get("OPENBLAS_CORETYPE", "auto"),
        "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }))


if __name__ == "__main__":
    main()
