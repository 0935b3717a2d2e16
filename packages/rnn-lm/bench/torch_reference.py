"""The issue's quality targets on PyTorch (Debian's python3-torch, 1 thread): the same data (the
int32 id files bench/export-data.ts writes), model, optimizer, seed-independent protocol and
evaluation as bench/quality.ts, printing one JSON line per evaluation. Never a test or CI
dependency.

usage: OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 torch_reference.py DATA_DIR TARGET [SEED]
       (TARGET: word-lstm | window | char-lstm | char-rnn)
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
data_dir, name = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
torch.manual_seed(seed)
spec = json.load(open(f"{data_dir}/targets.json"))
target = next(t for t in spec["targets"] if t["name"] == name)
corpus = spec["corpora"][target["corpus"]]
cfg, tr = target["config"], target["train"]
V = corpus["vocabSize"]


def ids(split):
    return torch.from_numpy(np.fromfile(f"{data_dir}/{target['corpus']}.{split}.i32", dtype="<i4").astype(np.int64))


def batchify(x, b):
    steps = x.numel() // b
    return x[: steps * b].view(b, steps)  # row b = tokens [b*steps, (b+1)*steps), as datasets' batchify


class RecurrentLM(nn.Module):
    def __init__(self):
        super().__init__()
        E, H, L = cfg["embeddingDim"], cfg["hiddenSize"], cfg["numLayers"]
        self.drop = nn.Dropout(cfg["dropout"])
        self.encoder = nn.Embedding(V, E) if E > 0 else None
        Layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cfg["model"]]
        self.rnn = Layer(E if E > 0 else V, H, L, dropout=cfg["dropout"] if L > 1 else 0)
        self.decoder = nn.Linear(H, V)
        r = cfg["initRange"]
        if r is not None:
            if self.encoder is not None:
                nn.init.uniform_(self.encoder.weight, -r, r)
            nn.init.uniform_(self.decoder.weight, -r, r)
            nn.init.zeros_(self.decoder.bias)

    def forward(self, x, h):  # x [T, B]
        e = self.encoder(x) if self.encoder is not None else F.one_hot(x, V).float()
        out, h = self.rnn(self.drop(e), h)
        return self.decoder(self.drop(out)).view(-1, V), h


class WindowLM(nn.Module):
    def __init__(self):
        super().__init__()
        n, E, H = cfg["context"], cfg["embeddingDim"], cfg["hiddenSize"]
        self.embedding = nn.Embedding(V, E)
        self.hidden = nn.Linear(n * E, H)
        self.output = nn.Linear(H, V)

    def forward(self, ctx):
        x = self.embedding(ctx).view(ctx.shape[0], -1)
        return self.output(torch.tanh(self.hidden(x)))


def detach(h):
    return tuple(x.detach() for x in h) if isinstance(h, tuple) else h.detach()


def contexts(stream, positions, n, pad):
    padded = torch.cat([torch.full((n,), pad, dtype=torch.long), stream])
    idx = positions.unsqueeze(1) + torch.arange(n).unsqueeze(0)  # padded[p .. p+n) = the n tokens before p
    return padded[idx], stream[positions]


def evaluate(model, split):
    model.eval()
    total, count = 0.0, 0
    stream = ids(split)
    with torch.no_grad():
        if cfg["model"] == "window":
            for s in range(0, stream.numel(), 1024):
                pos = torch.arange(s, min(s + 1024, stream.numel()))
                c, y = contexts(stream, pos, cfg["context"], corpus["eos"])
                total += F.cross_entropy(model(c), y, reduction="sum").item()
                count += y.numel()
        else:
            data = batchify(stream, tr["evalBatchSize"]).t().contiguous()  # [steps, B]
            h = None
            for i in range(0, data.size(0) - 1, tr["bptt"]):
                L = min(tr["bptt"], data.size(0) - 1 - i)
                out, h = model(data[i : i + L], h)
                y = data[i + 1 : i + 1 + L].reshape(-1)
                total += F.cross_entropy(out, y, reduction="sum").item()
                count += y.numel()
    model.train()
    return total / count


model = WindowLM() if cfg["model"] == "window" else RecurrentLM()
opt = (
    torch.optim.Adam(model.parameters(), lr=tr["lr"])
    if tr.get("optimizer") == "adam"
    else torch.optim.SGD(model.parameters(), lr=tr["lr"])
)
train = ids("train")
start = time.time()
tokens = 0
model.train()
if cfg["model"] == "window":
    order = torch.randperm(train.numel())
    B = tr["batchSize"]
    k = 0
else:
    data = batchify(train, tr["batchSize"]).t().contiguous()
    h, i = None, 0
for step in range(1, target["steps"] + 1):
    if cfg["model"] == "window":
        if k * B >= train.numel():
            order, k = torch.randperm(train.numel()), 0
        c, y = contexts(train, order[k * B : (k + 1) * B], cfg["context"], corpus["eos"])
        k += 1
        loss = F.cross_entropy(model(c), y)
    else:
        if i >= data.size(0) - 1:
            h, i = None, 0
        L = min(tr["bptt"], data.size(0) - 1 - i)
        out, h = model(data[i : i + L], h)
        h = detach(h)
        y = data[i + 1 : i + 1 + L].reshape(-1)
        i += tr["bptt"]
        loss = F.cross_entropy(out, y)
    opt.zero_grad()
    loss.backward()
    if tr.get("clip"):
        torch.nn.utils.clip_grad_norm_(model.parameters(), tr["clip"])
    opt.step()
    tokens += y.numel()
    if step in target["evalAt"]:
        elapsed = time.time() - start
        v = evaluate(model, "valid")
        print(json.dumps({"tool": "pytorch", "version": torch.__version__, "target": name, "step": step,
                          "trainLoss": loss.item(), "validLoss": v, "validPerplexity": math.exp(v),
                          "tokensPerSecond": tokens / elapsed, "seed": seed}), flush=True)
        start, tokens = time.time(), 0
