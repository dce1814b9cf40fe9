#!/usr/bin/env python3
"""One LeNet-300-100 IMP level the way open_lth trains it, for the GPU lottery issue's side-by-side bench:
eager PyTorch, masks applied by multiplying the weights in place before each step (open_lth's PrunedModel),
batch 60, Adam 1.2e-3, Glorot-normal init, MNIST (55K train / 5K validation, seeded draw), validation and
test evaluation every `--eval-every` iterations (lth's default, 100, the paper's early-stop protocol).

The ticket is level 1 of the paper's schedule (fc layers 80%, output 90% of weights, smallest initial |w|
pruned — timing does not depend on which weights). Prints iterations/s and the final accuracies; compare
with `lth lottery --preset lenet --levels 1 --device cuda` on the same GPU.

Usage: python3 scripts/gpu/torch_lenet_level.py --data DIR [--iterations 50000] [--eval-every 100]
       [--device cuda|cpu] [--json FILE]
DIR holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz,
t10k-labels-idx1-ubyte.gz (the MD5-checked MNIST files lth uses).
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    if magic >> 8 != 0x08:
        sys.exit(f"{path}: not an unsigned-byte IDX file (magic {magic:#x})")
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--iterations", type=int, default=50_000)
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        sys.exit("torch_lenet_level: no CUDA device visible to PyTorch")
    dev = torch.device(a.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(a.seed)
    files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    xs, ys, xt, yt = (read_idx(os.path.join(a.data, f)) for f in files)
    # Inputs scaled to [0, 1], as lth prepares MNIST.
    x_all = torch.tensor(xs.reshape(len(xs), -1), dtype=torch.float32) / 255.0
    y_all = torch.tensor(ys, dtype=torch.int64)
    perm = torch.randperm(len(x_all), generator=torch.Generator().manual_seed(a.seed))
    val_idx, train_idx = perm[:5000], perm[5000:]
    x_train, y_train = x_all[train_idx].to(dev), y_all[train_idx].to(dev)
    x_val, y_val = x_all[val_idx].to(dev), y_all[val_idx].to(dev)
    x_test = (torch.tensor(xt.reshape(len(xt), -1), dtype=torch.float32) / 255.0).to(dev)
    y_test = torch.tensor(yt, dtype=torch.int64).to(dev)

    layers = [torch.nn.Linear(784, 300), torch.nn.Linear(300, 100), torch.nn.Linear(100, 10)]
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(), layers[2]).to(dev)
    masks = {}
    for i, lin in enumerate(layers):
        torch.nn.init.xavier_normal_(lin.weight)
        torch.nn.init.zeros_(lin.bias)
        keep = 0.9 if i == len(layers) - 1 else 0.8
        w = lin.weight.detach().abs().flatten()
        k = int(round((1 - keep) * w.numel()))
        order = torch.argsort(w, stable=True)
        m = torch.ones_like(w)
        m[order[:k]] = 0
        masks[lin] = m.view_as(lin.weight)
    opt = torch.optim.Adam(model.parameters(), lr=1.2e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def apply_masks():
        with torch.no_grad():
            for lin, m in masks.items():
                lin.weight.mul_(m)

    def accuracy(x, y):
        with torch.no_grad():
            apply_masks()
            return (model(x).argmax(1) == y).float().mean().item()

    n = len(x_train)
    steps_per_epoch = n // 60
    order = torch.randperm(n, device=dev)
    evals = []
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for it in range(a.iterations):
        e, b = divmod(it, steps_per_epoch)
        if b == 0 and it > 0:
            order = torch.randperm(n, device=dev)
        idx = order[b * 60:(b + 1) * 60]
        apply_masks()
        opt.zero_grad()
        loss = loss_fn(model(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
        if (it + 1) % a.eval_every == 0:
            evals.append((it + 1, accuracy(x_val, y_val), accuracy(x_test, y_test)))
    apply_masks()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    best = max(evals, key=lambda r: r[1]) if evals else (0, float("nan"), float("nan"))
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"
    print(f"# PyTorch {torch.__version__} on {name}: LeNet-300-100 level 1 (fc 80% / out 90%), batch 60, Adam 1.2e-3")
    print(f"{a.iterations} iterations in {seconds:.2f} s = {a.iterations / seconds:.0f} it/s "
          f"({1e3 * seconds / a.iterations:.3f} ms/it incl. eval every {a.eval_every})")
    print(f"early stop (best validation) at {best[0]}: val {100 * best[1]:.2f}%, test {100 * best[2]:.2f}%; "
          f"final test {100 * evals[-1][2]:.2f}%" if evals else "no evaluation")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"device": name, "torch": torch.__version__, "iterations": a.iterations, "evalEvery": a.eval_every,
                       "seconds": seconds, "earlyStop": {"iteration": best[0], "val": best[1], "test": best[2]}}, f, indent=2)


if __name__ == "__main__":
    main()
