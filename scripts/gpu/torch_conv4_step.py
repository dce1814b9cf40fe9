#!/usr/bin/env python3
"""PyTorch side of the Conv-4 training-step line (GPU lottery issue): one step of Conv-4 (ICLR 2019 v5: conv 64,
64, pool, 128, 128, pool, fc 256, 256, 10; ReLU), batch 60, Adam 3e-4, CIFAR-10-shaped input, the way open_lth
runs it (eager PyTorch, weights multiplied by their masks before the forward), cuDNN with TF32 off (fp32, as lth).
Reads the loss back every step (`.item()`), as lth's trainer does. Compare with
`node scripts/gpu/conv4_step.mjs --device cuda` on the same GPU.

Usage: python3 scripts/gpu/torch_conv4_step.py [--device cuda|cpu] [--steps 200] [--json FILE]
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv4(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(3, 64, 3, padding=1), nn.Conv2d(64, 64, 3, padding=1),
                                    nn.Conv2d(64, 128, 3, padding=1), nn.Conv2d(128, 128, 3, padding=1)])
        self.fcs = nn.ModuleList([nn.Linear(8192, 256), nn.Linear(256, 256), nn.Linear(256, 10)])

    def forward(self, x):
        for i, c in enumerate(self.convs):
            x = F.relu(c(x))
            if i % 2 == 1:
                x = F.max_pool2d(x, 2)
        x = x.flatten(1)
        for i, f in enumerate(self.fcs):
            x = f(x)
            if i < len(self.fcs) - 1:
                x = F.relu(x)
        return x


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.device == "cuda" and not torch.cuda.is_available():
        sys.exit("torch_conv4_step: no CUDA device visible to PyTorch")
    dev = torch.device(a.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    model = Conv4().to(dev)
    masks = {n: (torch.rand_like(p) < 0.5).float() for n, p in model.named_parameters() if n.endswith("weight")}
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)
    x = torch.rand(60, 3, 32, 32, device=dev) * 2 - 1
    y = torch.randint(0, 10, (60,), device=dev)

    def step():
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n in masks:
                    p.mul_(masks[n])
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(10):
        step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        last = step()
    ms = (time.perf_counter() - t0) * 1e3 / a.steps
    name = torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu"
    print(f"torch {torch.__version__} {name}: Conv-4 training step (batch 60, Adam, masks) {ms:.3f} ms "
          f"(mean of {a.steps}; last loss {last:.4f})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"impl": "torch", "device": name, "torch": torch.__version__, "steps": a.steps, "msPerStep": ms}, f, indent=2)


if __name__ == "__main__":
    main()
