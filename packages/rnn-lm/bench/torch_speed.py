"""The LSTM LM training step of bench/speed.ts on PyTorch (1 thread): embedding E, one LSTM layer H,
decoder to V, a batch of B streams of T tokens, plain SGD; prints {"version", "tokensPerSecond"}.
Run by speed.ts with OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE; never a test or CI dependency.

usage: python3 torch_speed.py '{"vocab": 10000, "embedding": 128, "hidden": 256, "seq": 35, "batch": 20, "seconds": 5}'
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
s = json.loads(sys.argv[1])
V, E, H, T, B = s["vocab"], s["embedding"], s["hidden"], s["seq"], s["batch"]
emb, lstm, dec = nn.Embedding(V, E), nn.LSTM(E, H), nn.Linear(H, V)
params = [*emb.parameters(), *lstm.parameters(), *dec.parameters()]
opt = torch.optim.SGD(params, lr=0.1)
x = torch.randint(0, V, (T, B))
y = torch.randint(0, V, (T * B,))
h = None


def step():
    global h
    out, h = lstm(emb(x), h)
    h = tuple(t.detach() for t in h)
    loss = F.cross_entropy(dec(out).view(-1, V), y)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 0.25)
    opt.step()
    loss.item()


step()
step()
times = []
start = time.perf_counter()
while time.perf_counter() - start < s["seconds"] or len(times) < 3:
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"version": torch.__version__, "tokensPerSecond": T * B / times[len(times) // 2]}))
