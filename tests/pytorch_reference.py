#!/usr/bin/python3
# pytorch_reference.py: writes tests/fixtures/mlp_reference.json and
# mlp_direct_reference.json, the references that pytorch_reference_test.cpp
# checks the hand-written forward/backward against. The same MLP in PyTorch
# (autograd, float64), the second with the direct connections of Bengio et al.
# (2003), y = b2 + x Wd + tanh(b1 + x W1) W2: fixed parameters, one batch, its
# logits, loss and every gradient, then 10 plain SGD steps with the batch of
# each step recorded so the C++ side can replay them.
#
# Not run by the build or CI (they have no PyTorch); the fixtures are committed.
# Regenerate with Debian's python3-torch:  /usr/bin/python3 tests/pytorch_reference.py
import json
import os

import torch
import torch.nn.functional as F

V, BLOCK, EMB, HIDDEN, B = 27, 3, 4, 32, 16  # small, so the fixture stays small
LR, STEPS = 0.1, 10
SEED = 2003

torch.set_default_dtype(torch.float64)


def make(direct):
    g = torch.Generator().manual_seed(SEED)
    # Scaled so tanh is not saturated: every gradient path carries real signal.
    params = {
        "C": torch.randn(V, EMB, generator=g),                               # (V, d)
        "W1": torch.randn(BLOCK * EMB, HIDDEN, generator=g) * 0.4,           # (block*d, H)
        "b1": torch.randn(HIDDEN, generator=g) * 0.1,                        # (H)
        "W2": torch.randn(HIDDEN, V, generator=g) * 0.3,                     # (H, V)
        "b2": torch.randn(V, generator=g) * 0.1,                             # (V)
    }
    names = ["C", "W1", "b1", "W2", "b2"]
    if direct:
        params["Wd"] = torch.randn(BLOCK * EMB, V, generator=g) * 0.2        # (block*d, V)
        names.append("Wd")
    # Rounded to 4 decimals: short in the file, and exactly what both sides start from.
    params = {n: torch.round(t * 1e4) / 1e4 for n, t in params.items()}

    def batch():
        # Random contexts: with 48 lookups into 27 rows, some rows repeat, which
        # exercises the scatter-add of the embedding gradient.
        X = torch.randint(0, V, (B, BLOCK), generator=g)  # (B, block)
        Y = torch.randint(0, V, (B,), generator=g)         # (B)
        return X, Y

    def forward(p, X, Y):
        emb = p["C"][X].view(X.shape[0], -1)      # (B, block*d)
        h = torch.tanh(emb @ p["W1"] + p["b1"])   # (B, H)
        logits = h @ p["W2"] + p["b2"]            # (B, V)
        if direct:
            logits = logits + emb @ p["Wd"]       # (B, V)
        return logits, F.cross_entropy(logits, Y)

    def flat(t):
        return [float(v) for v in t.detach().reshape(-1).tolist()]

    out = {
        "about": "makemore MLP reference from tests/pytorch_reference.py (PyTorch %s, float64); "
                 "tensors are flat, row-major" % torch.__version__,
        "shape": {"vocab": V, "block": BLOCK, "emb": EMB, "hidden": HIDDEN, "batch": B, "direct": direct},
        "params": {n: flat(params[n]) for n in names},
    }

    # One forward/backward on a fixed batch.
    p = {n: t.clone().requires_grad_(True) for n, t in params.items()}
    X, Y = batch()
    logits, loss = forward(p, X, Y)
    loss.backward()
    out["X"] = X.reshape(-1).tolist()
    out["Y"] = Y.tolist()
    out["logits"] = flat(logits)
    out["loss"] = float(loss)
    out["grads"] = {n: flat(p[n].grad) for n in names}

    # Plain SGD: the loss of each step is measured before its update.
    p = {n: t.clone().requires_grad_(True) for n, t in params.items()}
    steps = []
    for _ in range(STEPS):
        X, Y = batch()
        _, loss = forward(p, X, Y)
        for t in p.values():
            t.grad = None
        loss.backward()
        with torch.no_grad():
            for t in p.values():
                t -= LR * t.grad
        steps.append({"X": X.reshape(-1).tolist(), "Y": Y.tolist(), "loss": float(loss)})
    out["sgd"] = {"lr": LR, "steps": steps, "params_after": {n: flat(p[n]) for n in names}}

    name = "mlp_direct_reference.json" if direct else "mlp_reference.json"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s: loss %.6f, SGD losses %.4f -> %.4f" % (path, out["loss"], steps[0]["loss"], steps[-1]["loss"]))


make(False)
make(True)
