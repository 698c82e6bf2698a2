"""The PyTorch peer for the word-level model of Bengio et al. (2003) at full
size: a vocabulary of V words (17,000 by default), a table C of V x 30, a
context of 3 words, a tanh hidden layer of 100, softmax over V, batch 32,
plain SGD; written the way the makemore lecture writes its MLP. A step's cost
does not depend on which words are in the batch, so the contexts and targets
are random ids. Times the training loop only; prints one JSON line naming the
BLAS library sgemm_ resolved to (see torch_peer.py).

Usage: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
       /usr/bin/python3 tests/bench/word_torch_peer.py [V] [steps] [threads]
"""
import json
import sys
import time

import torch

from torch_peer import blas_info, blas_library


def main():
    V = int(sys.argv[1]) if len(sys.argv) > 1 else 17000
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    torch.set_num_threads(threads)
    block, emb, hidden, batch, lr = 3, 30, 100, 32, 0.05
    g = torch.Generator().manual_seed(2147483647)
    X = torch.randint(0, V, (200000, block), generator=g)
    Y = torch.randint(0, V, (200000,), generator=g)
    C = torch.randn((V, emb), generator=g)
    W1 = torch.randn((block * emb, hidden), generator=g) * (block * emb) ** -0.5
    b1 = torch.zeros(hidden)
    W2 = torch.randn((hidden, V), generator=g) * 0.01
    b2 = torch.zeros(V)
    params = [C, W1, b1, W2, b2]
    for p in params:
        p.requires_grad = True

    def step():
        ix = torch.randint(0, X.shape[0], (batch,), generator=g)
        e = C[X[ix]]                                        # (B, block, emb)
        h = torch.tanh(e.view(-1, block * emb) @ W1 + b1)   # (B, hidden)
        logits = h @ W2 + b2                                # (B, V)
        loss = torch.nn.functional.cross_entropy(logits, Y[ix])
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data += -lr * p.grad
        return loss

    for _ in range(10):  # warm-up: first-call allocations
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = step()
    seconds = time.perf_counter() - t0
    print(json.dumps({"steps": steps, "seconds": seconds, "steps_per_s": steps / seconds, "vocab": V,
                      "threads": threads, "last_loss": loss.item(), "blas": blas_library(), "blas_info": blas_info(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
