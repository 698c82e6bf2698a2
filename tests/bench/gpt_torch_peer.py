"""The PyTorch peer of the transformer (Karpathy's microgpt batched: wte + wpe,
RMSNorm, causal self-attention, a ReLU MLP, residuals, no biases, lm_head),
float32, trained with torch.optim.Adam (beta1 0.85, beta2 0.99, eps 1e-8) at
0.01 falling linearly to 0, on batches of 32 whole items cut at block 16,
padded, the loss ignoring the padding. Each batch is cut after its last
position with a target, as the hand-written model does.

Two modes, each printing one JSON line:
  speed:   gpt_torch_peer.py names.txt [steps]
           its own split of the names; times the training loop only, in steps
           per second of CPU time (steps_per_s; the machine may be shared) and
           of wall time, and names the BLAS library the matrix products ran on
           (torch_peer.py's check).
  quality: gpt_torch_peer.py --from DIR [steps]
           the initial parameters and the training and validation rows that
           tests/bench/gpt_quality wrote; prints the validation loss after the steps.

Run it with one thread and OpenBLAS as gpt_speed.sh does:
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
  /usr/bin/python3 tests/bench/gpt_torch_peer.py names.txt 2000
"""
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_peer import blas_info, blas_library  # noqa: E402

BLOCK, EMB, HEADS, LAYERS, BATCH, LR = 16, 16, 4, 1, 32, 0.01


def rmsnorm(x):
    return x * (x.pow(2).mean(-1, keepdim=True) + 1e-5).rsqrt()


class Gpt(torch.nn.Module):
    def __init__(self, V, params=None):
        super().__init__()
        d = EMB
        shapes = [("wte", (V, d)), ("wpe", (BLOCK, d))]
        for i in range(LAYERS):
            shapes += [(f"h{i}.wq", (d, d)), (f"h{i}.wk", (d, d)), (f"h{i}.wv", (d, d)), (f"h{i}.wo", (d, d)),
                       (f"h{i}.fc1", (4 * d, d)), (f"h{i}.fc2", (d, 4 * d))]
        shapes.append(("lm_head", (V, d)))
        self.names = [n for n, _ in shapes]
        self.p = torch.nn.ParameterList()
        for n, shape in shapes:
            t = params[n] if params is not None else torch.randn(shape) * 0.08
            self.p.append(torch.nn.Parameter(t.clone().reshape(shape)))
        self.w = dict(zip(self.names, self.p))
        self.mask = torch.ones(BLOCK, BLOCK, dtype=torch.bool).tril()

    def forward(self, X, Y):
        w, (B, T), hd = self.w, X.shape, EMB // HEADS
        x = rmsnorm(F.embedding(X, w["wte"]) + w["wpe"][:T])                  # (B, T, d)
        for i in range(LAYERS):
            h = f"h{i}."
            a = rmsnorm(x)
            q = (a @ w[h + "wq"].T).view(B, T, HEADS, hd).transpose(1, 2)     # (B, H, T, hd)
            k = (a @ w[h + "wk"].T).view(B, T, HEADS, hd).transpose(1, 2)
            v = (a @ w[h + "wv"].T).view(B, T, HEADS, hd).transpose(1, 2)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)                  # (B, H, T, T)
            att = att.masked_fill(~self.mask[:T, :T], float("-inf")).softmax(-1)
            y = (att @ v).transpose(1, 2).reshape(B, T, EMB)                 # (B, T, d)
            x = x + y @ w[h + "wo"].T
            x = x + F.relu(rmsnorm(x) @ w[h + "fc1"].T) @ w[h + "fc2"].T
        logits = x @ w["lm_head"].T                                          # (B, T, V)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), Y.reshape(-1), ignore_index=-1)


def trim(X, Y):
    """The batch up to its last position with a target: later ones change nothing."""
    last = int((Y >= 0).any(0).nonzero().max()) + 1
    return X[:, :last], Y[:, :last]


def train(model, X, Y, steps, g):
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.85, 0.99), eps=1e-8)
    t0, c0 = time.perf_counter(), time.process_time()
    for step in range(steps):
        ix = torch.randint(0, X.shape[0], (BATCH,), generator=g)
        loss = model(*trim(X[ix], Y[ix]))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        for group in opt.param_groups:
            group["lr"] = LR * (1 - step / steps)
        opt.step()
    return time.perf_counter() - t0, time.process_time() - c0, loss.item()


def items(path):
    """Rows as microgpt frames them: the boundary 0, the name, 0, cut at BLOCK + 1 tokens."""
    words = [w for w in open(path, encoding="utf-8").read().splitlines() if w]
    stoi = {c: i + 1 for i, c in enumerate(sorted(set("".join(words))))}
    random.seed(42)
    random.shuffle(words)
    X = torch.zeros(len(words), BLOCK, dtype=torch.long)
    Y = torch.full((len(words), BLOCK), -1, dtype=torch.long)
    for r, w in enumerate(words):
        toks = [0] + [stoi[c] for c in w] + [0]
        n = min(BLOCK, len(toks) - 1)
        X[r, :n] = torch.tensor(toks[:n])
        Y[r, :n] = torch.tensor(toks[1:n + 1])
    n_train = int(0.8 * len(words))
    return len(stoi) + 1, X[:n_train], Y[:n_train]


def read_i32(path):
    with open(path, "rb") as f:
        return torch.frombuffer(bytearray(f.read()), dtype=torch.int32).long().view(-1, BLOCK)


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    if sys.argv[1] == "--from":
        d = sys.argv[2]
        steps = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
        flat = torch.frombuffer(bytearray(open(os.path.join(d, "params.f32"), "rb").read()), dtype=torch.float32)
        params, at, V = {}, 0, None
        for line in open(os.path.join(d, "table.txt")):
            name, rows, cols = line.split()
            rows, cols = int(rows), int(cols)
            params[name] = flat[at:at + rows * cols].reshape(rows, cols)
            at += rows * cols
            if name == "wte":
                V = rows
        model = Gpt(V, params)
        X, Y = read_i32(os.path.join(d, "train_X.i32")), read_i32(os.path.join(d, "train_Y.i32"))
        vX, vY = read_i32(os.path.join(d, "val_X.i32")), read_i32(os.path.join(d, "val_Y.i32"))
        with torch.no_grad():
            before = model(vX, vY).item()
        seconds, _, _ = train(model, X, Y, steps, g)
        with torch.no_grad():
            val = model(vX, vY).item()
        print(json.dumps({"steps": steps, "val_before": before, "val_loss": val, "seconds": seconds}))
        return
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    V, X, Y = items(sys.argv[1])
    model = Gpt(V)
    seconds, cpu, last = train(model, X, Y, steps, g)
    print(json.dumps({"steps": steps, "seconds": seconds, "wall_steps_per_s": steps / seconds,
                      "steps_per_s": steps / cpu, "last_loss": last,
                      "threads": torch.get_num_threads(), "blas": blas_library(), "blas_info": blas_info(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
