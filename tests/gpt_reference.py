#!/usr/bin/python3
# gpt_reference.py: writes tests/fixtures/gpt_reference.json, the reference
# pytorch_reference_test.cpp checks the transformer's hand-written forward,
# backward and Adam against. microgpt's model (Karpathy) in PyTorch (autograd,
# float64), batched over padded items: wte + wpe, RMSNorm, per layer causal
# self-attention and a ReLU MLP with residuals, no biases, lm_head; the mean
# cross-entropy over the targets that are not -1. Fixed parameters, a batch,
# its loss and every gradient, then 3 Adam steps (beta1 0.85, beta2 0.99,
# eps 1e-8, the rate falling linearly, as microgpt updates) with their batches.
#
# Not run by the build or CI (they have no PyTorch); the fixture is committed.
# Regenerate with Debian's python3-torch:  /usr/bin/python3 tests/gpt_reference.py
import json
import math
import os

import torch
import torch.nn.functional as F

V, BLOCK, EMB, HEADS, LAYERS, B = 7, 6, 8, 2, 2, 4  # small, so the fixture stays small
LR, LINEAR_STEPS, STEPS = 0.01, 10, 3
BETA1, BETA2, EPS = 0.85, 0.99, 1e-8
SEED = 2026

torch.set_default_dtype(torch.float64)


def names():
    out = ["wte", "wpe"]
    for i in range(LAYERS):
        out += [f"h{i}.{n}" for n in ("wq", "wk", "wv", "wo", "fc1", "fc2")]
    return out + ["lm_head"]


def shapes():
    d = EMB
    s = {"wte": (V, d), "wpe": (BLOCK, d), "lm_head": (V, d)}
    for i in range(LAYERS):
        for n in ("wq", "wk", "wv", "wo"):
            s[f"h{i}.{n}"] = (d, d)
        s[f"h{i}.fc1"] = (4 * d, d)
        s[f"h{i}.fc2"] = (d, 4 * d)
    return s


def rmsnorm(x):
    return x * (x.pow(2).mean(-1, keepdim=True) + 1e-5).rsqrt()


def forward(p, X, Y):
    Bn, T = X.shape
    hd = EMB // HEADS
    x = rmsnorm(p["wte"][X] + p["wpe"][:T])                          # (B, T, d)
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for i in range(LAYERS):
        h = f"h{i}."
        a = rmsnorm(x)
        q = (a @ p[h + "wq"].T).view(Bn, T, HEADS, hd).transpose(1, 2)  # (B, H, T, hd)
        k = (a @ p[h + "wk"].T).view(Bn, T, HEADS, hd).transpose(1, 2)
        v = (a @ p[h + "wv"].T).view(Bn, T, HEADS, hd).transpose(1, 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)               # (B, H, T, T)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(Bn, T, EMB)             # (B, T, d)
        x = x + y @ p[h + "wo"].T
        m = rmsnorm(x)
        x = x + F.relu(m @ p[h + "fc1"].T) @ p[h + "fc2"].T
    logits = x @ p["lm_head"].T                                       # (B, T, V)
    return F.cross_entropy(logits.view(-1, V), Y.view(-1), ignore_index=-1)


def batch(g):
    # Items of random lengths 1..BLOCK+2 framed as microgpt frames them: the
    # boundary 0, the item, 0, cut at BLOCK + 1 tokens; padding X 0, Y -1.
    X = torch.zeros(B, BLOCK, dtype=torch.long)
    Y = torch.full((B, BLOCK), -1, dtype=torch.long)
    for b in range(B):
        n_item = int(torch.randint(1, BLOCK + 3, (1,), generator=g))
        toks = [0] + torch.randint(1, V, (n_item,), generator=g).tolist() + [0]
        n = min(BLOCK, len(toks) - 1)
        X[b, :n] = torch.tensor(toks[:n])
        Y[b, :n] = torch.tensor(toks[1 : n + 1])
    return X, Y


def flat(t):
    return [float(v) for v in t.reshape(-1)]


def main():
    g = torch.Generator().manual_seed(SEED)
    sh = shapes()
    # Wider than microgpt's 0.08 so the attention is far from uniform, rounded
    # to 4 decimals: exactly what both sides start from.
    params = {n: torch.round(torch.randn(*sh[n], generator=g) * 0.3 * 1e4) / 1e4 for n in names()}
    out = {
        "shape": {"family": "gpt", "vocab": V, "block": BLOCK, "emb": EMB, "heads": HEADS, "layers": LAYERS,
                  "batch": B},
        "adam": {"lr": LR, "linear_steps": LINEAR_STEPS, "beta1": BETA1, "beta2": BETA2, "eps": EPS},
        "params": {n: flat(t) for n, t in params.items()},
    }
    p = {n: t.clone().requires_grad_(True) for n, t in params.items()}
    X, Y = batch(g)
    loss = forward(p, X, Y)
    loss.backward()
    out["batch"] = {"X": X.reshape(-1).tolist(), "Y": Y.reshape(-1).tolist()}
    out["loss"] = float(loss)
    out["grads"] = {n: flat(p[n].grad) for n in names()}

    # microgpt's Adam, the rate lr * (1 - step / LINEAR_STEPS).
    m = {n: torch.zeros_like(t) for n, t in params.items()}
    v = {n: torch.zeros_like(t) for n, t in params.items()}
    steps = []
    for step in range(STEPS):
        if step > 0:
            X, Y = batch(g)
        for t in p.values():
            t.grad = None
        loss = forward(p, X, Y)
        loss.backward()
        lr_t = LR * (1 - step / LINEAR_STEPS)
        with torch.no_grad():
            for n, t in p.items():
                m[n] = BETA1 * m[n] + (1 - BETA1) * t.grad
                v[n] = BETA2 * v[n] + (1 - BETA2) * t.grad ** 2
                m_hat = m[n] / (1 - BETA1 ** (step + 1))
                v_hat = v[n] / (1 - BETA2 ** (step + 1))
                t -= lr_t * m_hat / (v_hat.sqrt() + EPS)
        steps.append({"X": X.reshape(-1).tolist(), "Y": Y.reshape(-1).tolist(), "loss": float(loss)})
    out["steps"] = steps
    out["after"] = {n: flat(t.detach()) for n, t in p.items()}

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "gpt_reference.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print(f"wrote {path}: loss {out['loss']:.6f}, {STEPS} Adam steps")


if __name__ == "__main__":
    main()
