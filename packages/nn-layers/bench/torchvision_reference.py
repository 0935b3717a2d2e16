"""Reference values from torchvision for the models of @mlblocks/nn-layers/models.

Run with Debian's PyTorch (apt-get install python3-torch python3-torchvision; /usr/bin/python3).
Never a CI dependency: CI checks the committed fixtures this script wrote.

    /usr/bin/python3 bench/torchvision_reference.py fixtures
        writes test/fixtures/torchvision/ (committed, ~200 KB):
        - names.json: torchvision's state-dict keys, shapes and dtypes, parameter counts and leaf
          modules of alexnet() and resnet18() (1,000 classes);
        - resnet18-w4.safetensors: torchvision's ResNet-18 code at width 4 (every conv and batch
          norm rebuilt 16x narrower, 10 classes), random weights and batch-norm statistics;
        - resnet18-w4-io.safetensors: an input [2, 3, 32, 32], the eval-mode logits, the train-mode
          logits and the running statistics after that training-mode forward pass; a BatchNorm2d
          alone through two training steps and eval.

    /usr/bin/python3 bench/torchvision_reference.py export resnet18 OUT_DIR [--size 224] [--batch 1]
        [--weights IMAGENET1K_V1] [--seed 0]
        writes OUT_DIR/resnet18.safetensors (the state dict, torchvision's names) and
        OUT_DIR/resnet18-io.safetensors (input and eval-mode logits), for the full-size comparison
        test (skipped without Python) or for converting pretrained weights (--weights downloads them).
"""
import argparse
import json
import os
import struct
import sys

import torch
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures", "torchvision")

DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32", torch.float16: "F16"}


def save_safetensors(path, tensors, metadata=None):
    """A minimal safetensors writer (the format's public spec), so no extra Python package is needed:
    8-byte little-endian header size, JSON header padded to 8 bytes, then the raw data."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - (8 + len(text.encode())) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text.encode())))
        f.write(text.encode())
        for chunk in chunks:
            f.write(chunk)


def narrow(model, factor, num_classes):
    """torchvision's ResNet with every conv / batch norm / fc rebuilt `factor` times narrower: the
    same module tree and forward code, a fraction of the weights."""
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, torch.nn.Conv2d):
                cin = child.in_channels if child.in_channels == 3 else child.in_channels // factor
                new = torch.nn.Conv2d(cin, child.out_channels // factor, child.kernel_size, child.stride,
                                      child.padding, bias=child.bias is not None)
                setattr(module, child_name, new)
            elif isinstance(child, torch.nn.BatchNorm2d):
                setattr(module, child_name, torch.nn.BatchNorm2d(child.num_features // factor))
            elif isinstance(child, torch.nn.Linear):
                setattr(module, child_name, torch.nn.Linear(child.in_features // factor, num_classes))
    return model


def randomize_batch_norms(model, gen):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                m.bias.copy_(0.2 * torch.randn(c, generator=gen))
                m.running_mean.copy_(0.1 * torch.randn(c, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(c, generator=gen))
                m.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=gen)))


def names(model):
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "stateDict": [[k, list(v.shape), str(v.dtype).replace("torch.", "")] for k, v in model.state_dict().items()],
        "leafModules": [[n, type(m).__name__] for n, m in model.named_modules() if not list(m.children())],
    }


def dump_listing(listing):
    """JSON with one state-dict entry or module per line (readable diffs; Biome's layout)."""
    lines = ["{"]
    lines.append(f'  "torch": {json.dumps(listing["torch"])},')
    lines.append(f'  "torchvision": {json.dumps(listing["torchvision"])},')
    models = [k for k in listing if k not in ("torch", "torchvision")]
    for i, name in enumerate(models):
        m = listing[name]
        lines.append(f'  "{name}": {{')
        lines.append(f'    "parameters": {m["parameters"]},')
        for j, key in enumerate(["stateDict", "leafModules"]):
            lines.append(f'    "{key}": [')
            rows = [json.dumps(row) for row in m[key]]
            lines.extend(f"      {row}," for row in rows[:-1])
            lines.append(f"      {rows[-1]}")
            lines.append("    ]" + ("," if j == 0 else ""))
        lines.append("  }" + ("," if i < len(models) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def fixtures():
    os.makedirs(FIXTURES, exist_ok=True)
    torch.manual_seed(0)
    listing = {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "alexnet": names(torchvision.models.alexnet()),
        "resnet18": names(torchvision.models.resnet18()),
    }
    with open(os.path.join(FIXTURES, "names.json"), "w") as f:
        f.write(dump_listing(listing))

    gen = torch.Generator().manual_seed(1)
    model = narrow(torchvision.models.resnet18(), 16, 10)
    # torchvision's own initialisation (kaiming normal, fan_out) at the narrow sizes
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    randomize_batch_norms(model, gen)
    save_safetensors(os.path.join(FIXTURES, "resnet18-w4.safetensors"), model.state_dict(), {"format": "pt"})

    x = torch.randn(2, 3, 32, 32, generator=gen)
    io = {"input": x}
    model.eval()
    with torch.no_grad():
        io["logits_eval"] = model(x)
    model.train()
    with torch.no_grad():
        io["logits_train"] = model(x)
    for key in ["bn1", "layer1.0.bn2", "layer4.1.bn2", "layer4.0.downsample.1"]:
        bn = model.get_submodule(key)
        io[f"{key}.running_mean"] = bn.running_mean
        io[f"{key}.running_var"] = bn.running_var

    # BatchNorm2d on its own: two training steps (batch statistics, running averages with the
    # unbiased variance, momentum 0.1), then eval (running statistics)
    bn = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.5, 0.5, -1.0]))
        bn.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    xs = [torch.randn(4, 3, 5, 5, generator=gen) * 2 + 1, torch.randn(4, 3, 5, 5, generator=gen) - 0.5]
    bn.train()
    for i, xb in enumerate(xs):
        io[f"bn.x{i}"] = xb
        with torch.no_grad():
            io[f"bn.y{i}"] = bn(xb)
        io[f"bn.running_mean{i}"] = bn.running_mean.clone()
        io[f"bn.running_var{i}"] = bn.running_var.clone()
    bn.eval()
    with torch.no_grad():
        io["bn.y_eval"] = bn(xs[0])
    save_safetensors(os.path.join(FIXTURES, "resnet18-w4-io.safetensors"), io, {"format": "pt"})
    print("wrote", FIXTURES)


def export(name, out, size, batch, weights, seed):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=weights)
    if weights is None and name.startswith("resnet"):
        randomize_batch_norms(model, torch.Generator().manual_seed(seed + 1))
    model.eval()
    os.makedirs(out, exist_ok=True)
    save_safetensors(os.path.join(out, f"{name}.safetensors"), model.state_dict(), {"format": "pt"})
    x = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(seed + 2))
    with torch.no_grad():
        logits = model(x)
    save_safetensors(os.path.join(out, f"{name}-io.safetensors"), {"input": x, "logits": logits}, {"format": "pt"})
    print(json.dumps({"model": name, "parameters": sum(p.numel() for p in model.parameters()), "dir": out}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fixtures")
    e = sub.add_parser("export")
    e.add_argument("model", choices=["resnet18", "resnet34", "alexnet"])
    e.add_argument("out")
    e.add_argument("--size", type=int, default=224)
    e.add_argument("--batch", type=int, default=1)
    e.add_argument("--weights", default=None, help="e.g. IMAGENET1K_V1 (downloads them); default: random init")
    e.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.command == "fixtures":
        fixtures()
    else:
        export(args.model, args.out, args.size, args.batch, args.weights, args.seed)


if __name__ == "__main__":
    sys.exit(main())
