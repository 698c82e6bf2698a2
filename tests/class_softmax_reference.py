#!/usr/bin/python3
# class_softmax_reference.py: writes tests/fixtures/mlp_classes_reference.json,
# the reference class_softmax_test.cpp checks the MLP's class-factored softmax
# against: the same model in PyTorch (autograd, float64), with the output
#   log p(w | h) = log_softmax(h Wc^T + bc)[class(w)] + log_softmax(h Wo[class]^T + bo[class])[w],
# classes of consecutive ids (class c begins at ceil(c V / K)): fixed
# parameters, one batch, its loss, every gradient and every token's
# log-probability.
#
# Not run by the build or CI (they have no PyTorch); the fixture is committed.
# Regenerate with Debian's python3-torch:  /usr/bin/python3 tests/class_softmax_reference.py
import json
import math
import os

import torch

V, BLOCK, EMB, HIDDEN, K, B = 23, 3, 4, 16, 5, 12
SEED = 2011

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(SEED)
starts = [math.ceil(c * V / K) for c in range(K)] + [V]
cls = torch.zeros(V, dtype=torch.long)
for c in range(K):
    cls[starts[c]:starts[c + 1]] = c

params = {
    "C": torch.randn(V, EMB, generator=g),
    "W1": torch.randn(BLOCK * EMB, HIDDEN, generator=g) * 0.4,
    "b1": torch.randn(HIDDEN, generator=g) * 0.1,
    "Wo": torch.randn(V, HIDDEN, generator=g) * 0.3,
    "bo": torch.randn(V, generator=g) * 0.1,
    "Wc": torch.randn(K, HIDDEN, generator=g) * 0.3,
    "bc": torch.randn(K, generator=g) * 0.1,
}
names = ["C", "W1", "b1", "Wo", "bo", "Wc", "bc"]
params = {n: (torch.round(t * 1e4) / 1e4).requires_grad_() for n, t in params.items()}
X = torch.randint(0, V, (B, BLOCK), generator=g)
Y = torch.randint(0, V, (B,), generator=g)


def log_probs(p):
    h = torch.tanh(p["C"][X].view(B, -1) @ p["W1"] + p["b1"])       # (B, H)
    logp_class = torch.log_softmax(h @ p["Wc"].T + p["bc"], dim=1)   # (B, K)
    word_logits = h @ p["Wo"].T + p["bo"]                            # (B, V)
    out = torch.empty(B, V)
    for c in range(K):
        s, e = starts[c], starts[c + 1]
        out[:, s:e] = logp_class[:, c:c + 1] + torch.log_softmax(word_logits[:, s:e], dim=1)
    return out


logp = log_probs(params)
loss = -logp[torch.arange(B), Y].mean()
loss.backward()


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


out = {
    "shape": {"family": "mlp", "vocab": V, "block": BLOCK, "emb": EMB, "hidden": HIDDEN, "classes": K},
    "class_starts": starts,
    "params": {n: flat(params[n]) for n in names},
    "X": flat(X.double()),
    "Y": flat(Y.double()),
    "loss": float(loss),
    "grads": {n: flat(params[n].grad) for n in names},
    "log_probs": flat(logp),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "mlp_classes_reference.json")
with open(path, "w") as f:
    json.dump(out, f)
print(f"wrote {path}: loss {float(loss):.6f}, torch {torch.__version__}")
