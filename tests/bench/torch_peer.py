"""The PyTorch peer for embedviz-train's speed: the makemore MLP (block 3,
emb 10, hidden 200, batch 32, plain SGD) written the way the lecture writes
it, on the same data, timing the training loop only. Prints one JSON line,
which names the BLAS library PyTorch's matrix products actually ran on (the
file that the process resolves `sgemm_` to), since Debian's PyTorch takes
whatever libblas.so.3 the dynamic linker finds: OpenBLAS or the slow reference
BLAS. speed.sh chooses it per process with LD_LIBRARY_PATH.

Usage: OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
       /usr/bin/python3 tests/bench/torch_peer.py names.txt [steps] [threads]
"""
import ctypes
import json
import os
import random
import sys
import time

import torch


def blas_library():
    """The shared object libtorch_cpu's sgemm_ resolves to (dlsym through its
    handle searches it and its dependencies in load order), by dladdr."""
    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]
    libc = ctypes.CDLL(None)
    libtorch = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
    try:
        addr = ctypes.cast(ctypes.CDLL(libtorch).sgemm_, ctypes.c_void_p)
    except AttributeError:
        return "unknown (no sgemm_ in the process)"
    info = DlInfo()
    if not libc.dladdr(addr, ctypes.byref(info)) or not info.dli_fname:
        return "unknown"
    return os.path.realpath(info.dli_fname.decode())


def blas_info():
    """What the OpenBLAS in this process chose: its core type and build
    configuration (openblas_get_corename, openblas_get_config, asked of the
    library file found in /proc/self/maps), and OPENBLAS_CORETYPE as set."""
    info = {"coretype_env": os.environ.get("OPENBLAS_CORETYPE"), "l2_env": os.environ.get("OPENBLAS_L2_SIZE")}
    with open("/proc/self/maps") as maps:
        files = sorted({line.split()[-1] for line in maps if "openblas" in line and line.split()[-1].startswith("/")})
    for path in files:
        lib = ctypes.CDLL(path)
        for key, fn in (("core", "openblas_get_corename"), ("config", "openblas_get_config")):
            if hasattr(lib, fn):
                f = getattr(lib, fn)
                f.restype = ctypes.c_char_p
                info[key] = f().decode()
        if "core" in info:
            info["library"] = path
            break
    return info


def main():
    path = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    torch.set_num_threads(threads)
    block, emb, hidden, batch, lr = 3, 10, 200, 32, 0.1

    words = [w for w in open(path, encoding="utf-8").read().splitlines() if w]
    chars = sorted(set("".join(words)))
    stoi = {c: i + 1 for i, c in enumerate(chars)}
    stoi["."] = 0
    V = len(stoi)
    random.seed(42)
    random.shuffle(words)
    X, Y = [], []
    for w in words[: int(0.8 * len(words))]:
        ctx = [0] * block
        for ch in w + ".":
            ix = stoi[ch]
            X.append(ctx)
            Y.append(ix)
            ctx = ctx[1:] + [ix]
    X, Y = torch.tensor(X), torch.tensor(Y)

    g = torch.Generator().manual_seed(2147483647)
    C = torch.randn((V, emb), generator=g)
    W1 = torch.randn((block * emb, hidden), generator=g)
    b1 = torch.randn(hidden, generator=g)
    W2 = torch.randn((hidden, V), generator=g)
    b2 = torch.randn(V, generator=g)
    params = [C, W1, b1, W2, b2]
    for p in params:
        p.requires_grad = True

    t0 = time.perf_counter()
    for i in range(steps):
        ix = torch.randint(0, X.shape[0], (batch,), generator=g)
        e = C[X[ix]]                                  # (B, block, emb)
        h = torch.tanh(e.view(-1, block * emb) @ W1 + b1)  # (B, hidden)
        logits = h @ W2 + b2                          # (B, V)
        loss = torch.nn.functional.cross_entropy(logits, Y[ix])
        for p in params:
            p.grad = None
        loss.backward()
        rate = lr if i < steps // 2 else lr * 0.1
        for p in params:
            p.data += -rate * p.grad
    seconds = time.perf_counter() - t0
    print(json.dumps({"steps": steps, "seconds": seconds, "steps_per_s": steps / seconds,
                      "threads": threads, "last_loss": loss.item(), "blas": blas_library(),
                      "blas_info": blas_info(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
