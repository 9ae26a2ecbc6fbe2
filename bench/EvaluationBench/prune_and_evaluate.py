"""PyTorch's side of EvaluationBench: the same prune-and-evaluate work as AutoDesign's PruningEvaluator, on the same
weights, images and policies, written out by the C# driver. For each candidate it ranks each channel group's filters
by their L1 norm (groups in network order, each after the columns of the groups before it were cut), cuts producers'
rows, consumers' columns and followers' rows, and scores the pruned network on the validation images with the
functional API (no module construction: the fastest PyTorch path), in inference mode. It reads candidate numbers on
standard input and answers "accuracy seconds" for each, so that the driver can interleave the two implementations.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

folder = sys.argv[1]
torch.set_num_threads(int(sys.argv[2]))
model = json.load(open(f"{folder}/model.json"))
raw = np.fromfile(f"{folder}/weights.bin", dtype=np.float32)
base = {k: torch.from_numpy(raw[o:o + int(np.prod(s))].reshape(s).copy()) for k, (o, s) in model["weights"].items()}
n, c, h, w = model["images"]
images = torch.from_numpy(np.fromfile(f"{folder}/images.bin", dtype=np.float32).reshape(n, c, h, w))
labels = torch.from_numpy(np.fromfile(f"{folder}/labels.bin", dtype=np.int64))
policies = json.load(open(f"{folder}/policies.json"))
layers = model["layers"]
index = {layer["name"]: i for i, layer in enumerate(layers)}


def prune(keep):
    state = dict(base)
    width = {g["id"]: g["channels"] for g in model["groups"]}
    kept = {}
    for g in model["groups"]:
        k = keep.get(g["key"])
        if k is None or k == g["channels"]:
            continue
        score = None
        for p in g["producers"]:
            weight = state.get(f"{p}.conv.weight", state.get(f"{p}.fc.weight"))
            norm = weight.flatten(1).abs().sum(1)
            score = norm if score is None else score + norm
        rows = torch.topk(score, k).indices.sort().values
        kept[g["id"]] = rows
        for p in g["producers"]:
            select_rows(state, p, rows)
        for consumer in dict.fromkeys(g["consumers"]):
            columns, offset = [], 0
            for segment, channels in model["layouts"][consumer]:
                columns.append((rows if segment == g["id"] else torch.arange(width[segment])) + offset)
                offset += width[segment]
            columns = torch.cat(columns)
            layer = layers[index[consumer]]
            if layer["op"] == "linear":
                plane = layer["plane"]
                if plane > 1:
                    columns = (columns.unsqueeze(1) * plane + torch.arange(plane).unsqueeze(0)).flatten()
                state[f"{consumer}.fc.weight"] = state[f"{consumer}.fc.weight"].index_select(1, columns)
            else:
                state[f"{consumer}.conv.weight"] = state[f"{consumer}.conv.weight"].index_select(1, columns)
        width[g["id"]] = k
    for follower in dict.fromkeys(f for g in model["groups"] for f in g["followers"]):
        layout = model["layouts"][follower]
        if any(segment in kept for segment, _ in layout):
            parts, offset = [], 0
            for segment, channels in layout:
                parts.append((kept[segment] if segment in kept else torch.arange(channels)) + offset)
                offset += channels
            select_rows(state, follower, torch.cat(parts))
    return state


def select_rows(state, layer, rows):
    for key in [k for k in state if k.startswith(layer + ".") and not k.endswith("num_batches_tracked")]:
        state[key] = state[key].index_select(0, rows)


def activate(x, activation):
    return F.relu(x) if activation == "relu" else x


def forward(state, x):
    outputs = []
    for layer in layers:
        sources = [x if s < 0 else outputs[s] for s in layer["inputs"]]
        name, op = layer["name"], layer["op"]
        if op in ("conv", "dwconv"):
            weight = state[f"{name}.conv.weight"]
            groups = weight.shape[0] if op == "dwconv" else 1
            y = F.conv2d(sources[0], weight, state.get(f"{name}.conv.bias"), layer["stride"], layer["padding"], 1, groups)
            if layer["bn"]:
                y = F.batch_norm(y, state[f"{name}.bn.running_mean"], state[f"{name}.bn.running_var"],
                                 state[f"{name}.bn.weight"], state[f"{name}.bn.bias"], False, 0.0, 1e-5)
        elif op == "linear":
            y = F.linear(sources[0].flatten(1), state[f"{name}.fc.weight"], state[f"{name}.fc.bias"])
        elif op == "max-pool":
            y = F.max_pool2d(sources[0], layer["kernel"], layer["stride"], layer["padding"])
        elif op == "avg-pool":
            y = F.avg_pool2d(sources[0], layer["kernel"], layer["stride"], layer["padding"])
        elif op == "global-avg-pool":
            y = sources[0].mean((2, 3))
        elif op == "add":
            y = sum(sources[1:], sources[0])
        else:
            raise SystemExit(f"operator {op} is not in this benchmark's PyTorch peer")
        outputs.append(activate(y, layer["activation"]))
    return outputs[-1]


def score(keep):
    with torch.inference_mode():
        state = prune(keep)
        correct = 0
        for start in range(0, n, 500):
            correct += (forward(state, images[start:start + 500]).argmax(1) == labels[start:start + 500]).sum().item()
        return correct / n


print("ready", torch.__version__, torch.get_num_threads(), flush=True)
for line in sys.stdin:
    candidate = int(line)
    start = time.perf_counter()
    accuracy = score(policies[candidate])
    print(f"{accuracy:.6f} {time.perf_counter() - start:.6f}", flush=True)
