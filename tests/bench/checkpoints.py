#!/usr/bin/env python3
"""Writes the checkpoint files of the Your model benchmark, with seeded random float32 weights:

    OUT/resnet50.safetensors   ResNet-50's state_dict (convs, BatchNorms, classifier), 102 MB
    OUT/resnet50.pt            the same, torch.save (zip)        (only where torch is installed)
    OUT/resnet50-legacy.pt     the same, legacy torch format     (only where torch is installed)
    OUT/run/epoch_NN.safetensors  ten ResNet-18 state_dicts along a made-up run, 45 MB each

    checkpoints.py OUT     (numpy and safetensors: the reference venv has them; torch for the .pt)
"""
import os
import sys

import numpy as np
from safetensors.numpy import save_file

out = sys.argv[1]
os.makedirs(f"{out}/run", exist_ok=True)
rng = np.random.default_rng(24)


def conv(sd, name, cin, cout, k):
    sd[f"{name}.weight"] = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)


def bn(sd, name, c):
    sd[f"{name}.weight"] = np.ones(c, np.float32)
    sd[f"{name}.bias"] = np.zeros(c, np.float32)
    sd[f"{name}.running_mean"] = np.zeros(c, np.float32)
    sd[f"{name}.running_var"] = np.ones(c, np.float32)
    sd[f"{name}.num_batches_tracked"] = np.zeros((), np.int64)


def resnet(blocks, bottleneck):
    sd = {}
    conv(sd, "conv1", 3, 64, 7)
    bn(sd, "bn1", 64)
    cin = 64
    for s, (width, n) in enumerate(zip([64, 128, 256, 512], blocks)):
        for b in range(n):
            p = f"layer{s + 1}.{b}"
            cout = width * 4 if bottleneck else width
            if bottleneck:
                conv(sd, f"{p}.conv1", cin, width, 1); bn(sd, f"{p}.bn1", width)
                conv(sd, f"{p}.conv2", width, width, 3); bn(sd, f"{p}.bn2", width)
                conv(sd, f"{p}.conv3", width, cout, 1); bn(sd, f"{p}.bn3", cout)
            else:
                conv(sd, f"{p}.conv1", cin, width, 3); bn(sd, f"{p}.bn1", width)
                conv(sd, f"{p}.conv2", width, width, 3); bn(sd, f"{p}.bn2", width)
            if b == 0 and (cin != cout or s > 0):
                conv(sd, f"{p}.downsample.0", cin, cout, 1); bn(sd, f"{p}.downsample.1", cout)
            cin = cout
    sd["fc.weight"] = (rng.standard_normal((1000, cin)) * 0.01).astype(np.float32)
    sd["fc.bias"] = np.zeros(1000, np.float32)
    return sd


r50 = resnet([3, 4, 6, 3], True)
save_file(r50, f"{out}/resnet50.safetensors")
try:
    import torch
    t = {k: torch.from_numpy(v) for k, v in r50.items()}
    torch.save(t, f"{out}/resnet50.pt")
    torch.save(t, f"{out}/resnet50-legacy.pt", _use_new_zipfile_serialization=False)
except ImportError:
    print("no torch: the .pt files are not written", file=sys.stderr)
r18 = resnet([2, 2, 2, 2], False)
drift = {k: rng.standard_normal(v.shape).astype(np.float32) * 0.01 for k, v in r18.items() if v.ndim == 4}
for e in range(1, 11):
    save_file({k: v + e * drift[k] if k in drift else v for k, v in r18.items()}, f"{out}/run/epoch_{e:02d}.safetensors")
for root, _, files in os.walk(out):
    for f in sorted(files):
        print(f"{os.path.getsize(os.path.join(root, f)) / 2**20:8.1f} MiB  {os.path.join(root, f)}")
