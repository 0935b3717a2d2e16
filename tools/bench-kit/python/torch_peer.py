"""The bench workloads (tools/bench-kit/src/workloads/spec.ts) on PyTorch, one thread, timed like
bench-kit's timeStep (the fastest sample): prints one JSON object. Run by torch-peer.ts with
OMP_WAIT_POLICY=PASSIVE; never a test or CI dependency.

usage: python3 torch_peer.py SPEC_JSON   (SPEC_JSON: {"sizes": [...], "mlp": {...}|null, "cnn": {...}|null})
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def fastest(step, budget=1.5, min_reps=3):
    step()
    step()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_reps or time.perf_counter() - start < budget:
        t0 = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t0)
        if len(samples) >= 50:
            break
    return min(samples)


def matmul(n):
    a, b = torch.randn(n, n), torch.randn(n, n)
    reps = max(1, min(200, round(0.2 / fastest(lambda: a @ b, budget=0.2))))

    def batch():
        for _ in range(reps):
            a @ b

    return 2 * n**3 * reps / fastest(batch) / 1e9


def train_step(model, x, y, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()

    return x.shape[0] / fastest(step)


def mlp(s):
    model = torch.nn.Sequential(
        torch.nn.Linear(s["inputs"], s["hidden"]), torch.nn.ReLU(), torch.nn.Linear(s["hidden"], s["classes"])
    )
    x = torch.randn(s["batch"], s["inputs"])
    return train_step(model, x, torch.randint(0, s["classes"], (s["batch"],)), s["lr"])


def cnn(s):
    c0, c1, c2 = s["channels"]
    model = torch.nn.Sequential(
        torch.nn.Conv2d(c0, c1, s["kernel"]), torch.nn.ReLU(),
        torch.nn.Conv2d(c1, c2, s["kernel"]), torch.nn.ReLU(),
        torch.nn.MaxPool2d(s["pool"]), torch.nn.Flatten(), torch.nn.Linear(s["flat"], s["classes"]),
    )
    x = torch.randn(s["batch"], c0, s["size"], s["size"])
    return train_step(model, x, torch.randint(0, s["classes"], (s["batch"],)), s["lr"])


spec = json.loads(sys.argv[1])
out = {"version": torch.__version__, "threads": torch.get_num_threads()}
out["matmul"] = {str(n): matmul(n) for n in spec.get("sizes", [])}
if spec.get("mlp"):
    out["mlp"] = mlp(spec["mlp"])
if spec.get("cnn"):
    out["cnn"] = cnn(spec["cnn"])
print(json.dumps(out))
