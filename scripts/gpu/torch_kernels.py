#!/usr/bin/env python3
"""PyTorch side of the CUDA kernel bench (the CUDA backend issue's performance lines), run on the same GPU
as `node --import tsx packages/native-sparse/bench/kernels.ts --device cuda`:

  masked dense forward, 4096 -> 4096 at batch 512:  y = relu(x @ (W * mask).T + b), cuBLAS fp32, TF32 off
  dense 4096 x 4096 at batch 512 (the baseline our CSR SpMM must beat from 80% sparsity)
  global magnitude selection over 25.6M weights: torch.kthvalue on |w| (+ the mask), and the time of one
  read of the weights (w.sum()) with the bandwidth it implies — the target is <= 2x one read

Medians of CUDA-event timings after warm-up; every result checked against a float64 CPU computation on a
slice before timing. Usage: python3 scripts/gpu/torch_kernels.py [--json FILE] [--device cuda|cpu] [--quick]
(--device cpu exists to check the script on a machine without a GPU; its timings mean nothing for the issue).
"""
import argparse
import json
import statistics
import sys
import time

import torch


def timer(device):
    if device.type == "cuda":
        def run(fn, reps):
            times = []
            for _ in range(reps):
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                torch.cuda.synchronize()
                times.append(start.elapsed_time(end))
            return statistics.median(times)
    else:
        def run(fn, reps):
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t0) * 1e3)
            return statistics.median(times)
    return run


def check_close(name, got, want, rtol=1e-4):
    got = got.double().cpu()
    want = want.double().cpu()
    scale = want.abs().max().item() or 1.0
    err = (got - want).abs().max().item()
    if err > rtol * scale:
        raise SystemExit(f"{name}: max |diff| {err:.3g} exceeds {rtol} x {scale:.3g}; not timing a wrong result")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", help="write the rows as JSON here")
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repetitions")
    args = ap.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("torch_kernels: no CUDA device visible to PyTorch (use --device cpu to check the script)")
    dev = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    g = torch.Generator(device="cpu").manual_seed(0)
    time_ms = timer(dev)
    reps = 5 if args.quick else 30
    width, batch = (1024, 128) if args.quick else (4096, 512)
    n_select = 2_560_000 if args.quick else 25_600_000
    rows = []
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"

    # Masked dense forward (fp32, TF32 off).
    x = torch.randn(batch, width, generator=g).to(dev)
    W = torch.randn(width, width, generator=g).to(dev) / width ** 0.5
    mask = (torch.rand(width, width, generator=g) < 0.5).to(dev)
    b = torch.randn(width, generator=g).to(dev)

    def masked_dense():
        return torch.relu(torch.addmm(b, x, (W * mask).t()))

    ref = torch.relu(x[:8].double().cpu() @ (W.double().cpu() * mask.cpu()).t() + b.double().cpu())
    check_close("masked dense", masked_dense()[:8], ref)
    for _ in range(3):
        masked_dense()
    flops = 2.0 * batch * width * width
    ms = time_ms(masked_dense, reps)
    rows.append({"case": f"masked dense fwd {width}->{width} B{batch} (mask multiply + addmm + relu)", "impl": "torch", "ms": ms, "gflops": flops / ms / 1e6})
    dense = lambda: torch.mm(x, W.t())
    check_close("dense", dense()[:8], x[:8].double().cpu() @ W.double().cpu().t())
    for _ in range(3):
        dense()
    ms = time_ms(dense, reps)
    rows.append({"case": f"dense GEMM {width}x{width} B{batch} (cuBLAS fp32, the CSR SpMM baseline)", "impl": "torch", "ms": ms, "gflops": flops / ms / 1e6})

    # Global magnitude selection: prune the 80% smallest |w| of n weights.
    w = torch.randn(n_select, generator=g).to(dev)
    k = int(0.8 * n_select)

    def select():
        a = w.abs()
        thr = torch.kthvalue(a.cpu() if dev.type == "cpu" else a, k).values
        return a > thr

    m = select()
    kept = int(m.sum().item())
    if kept != n_select - k:
        raise SystemExit(f"selection kept {kept}, expected {n_select - k} (ties are measure-zero for randn)")
    for _ in range(2):
        select()
    ms_sel = time_ms(select, max(3, reps // 3))
    ms_read = time_ms(lambda: w.sum(), reps)
    gbps = 4.0 * n_select / ms_read / 1e6
    rows.append({"case": f"global magnitude selection, {n_select / 1e6:.1f}M weights, 80%", "impl": "torch kthvalue", "ms": ms_sel})
    rows.append({"case": f"one read of {n_select / 1e6:.1f}M fp32 weights (w.sum)", "impl": "torch", "ms": ms_read, "gbps": gbps})

    print(f"# PyTorch {torch.__version__} on {name}" + (" (QUICK sizes)" if args.quick else ""))
    print("| case | impl | median ms | GFLOP/s or GB/s |")
    print("|---|---|---:|---:|")
    for r in rows:
        extra = f"{r['gflops']:.0f} GFLOP/s" if "gflops" in r else f"{r['gbps']:.0f} GB/s" if "gbps" in r else ""
        print(f"| {r['case']} | {r['impl']} | {r['ms']:.4f} | {extra} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": name, "torch": torch.__version__, "quick": args.quick, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
