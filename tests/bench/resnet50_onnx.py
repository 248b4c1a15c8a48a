#!/usr/bin/env python3
"""Writes an ONNX model with ResNet-50's convolutions (the 7x7 stem, every 1x1 and 3x3 conv of the
16 bottleneck blocks and the 4 projection shortcuts) and its 1000-way classifier, with seeded random
float32 weights: 25.5 M parameters, about 100 MB, for the Your model benchmark.

    resnet50_onnx.py OUT.onnx      (needs the onnx package: the reference venv has it)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(50)
nodes, inits = [], []


def conv(x, cin, cout, k, stride=1, name=None):
    name = name or f"conv{len(nodes)}"
    w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
    inits.append(numpy_helper.from_array(w, f"{name}.w"))
    nodes.append(helper.make_node("Conv", [x, f"{name}.w"], [name], name=name, strides=[stride, stride],
                                  pads=[k // 2] * 4))
    return name


def relu(x):
    y = f"relu{len(nodes)}"
    nodes.append(helper.make_node("Relu", [x], [y]))
    return y


x = relu(conv("input", 3, 64, 7, 2, "stem"))
cin = 64
for stage, (width, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
    for b in range(blocks):
        stride = 2 if b == 0 and stage > 0 else 1
        y = relu(conv(x, cin, width, 1))
        y = relu(conv(y, width, width, 3, stride))
        y = conv(y, width, width * 4, 1)
        short = conv(x, cin, width * 4, 1, stride) if b == 0 else x
        s = f"add{len(nodes)}"
        nodes.append(helper.make_node("Add", [y, short], [s]))
        x, cin = relu(s), width * 4
nodes.append(helper.make_node("GlobalAveragePool", [x], ["pool"]))
nodes.append(helper.make_node("Flatten", ["pool"], ["flat"]))
inits.append(numpy_helper.from_array((rng.standard_normal((1000, 2048)) * 0.01).astype(np.float32), "fc.w"))
nodes.append(helper.make_node("Gemm", ["flat", "fc.w"], ["logits"], transB=1))
g = helper.make_graph(nodes, "resnet50-shaped", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
                      [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])], inits)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
with open(sys.argv[1], "wb") as f:
    f.write(m.SerializeToString())
print(sum(int(np.prod(t.dims)) for t in inits), "parameters")
