#!/usr/bin/python3
# tsne_peer.py: the reference for embedviz's t-SNE: scikit-learn's Barnes-Hut
# t-SNE (Debian's python3-sklearn; van der Maaten 2014) on the same word2vec
# text file with the same settings as layout_bench: 2 components, perplexity
# 30, angle (theta) 0.5, a random N(0, 1e-4) start, the automatic learning
# rate (Belkina et al. 2019), early exaggeration 12 for 250 iterations.
#
#   tests/bench/tsne_peer.py FILE [--iterations 1000] [--metric euclidean|cosine]
#
# Prints the BLAS and OpenMP pools in use (threadpoolctl), the seconds and the
# final KL divergence; the last line is a JSON summary. scikit-learn stops
# early when 300 iterations pass without progress: n_iter says how many ran.
import argparse
import json
import sys
import time

import numpy as np


def read_word2vec(path):
    with open(path, encoding="utf-8") as f:
        n, d = (int(v) for v in f.readline().split())
        X = np.empty((n, d), dtype=np.float32)
        for i in range(n):
            X[i] = np.asarray(f.readline().rstrip("\n").split(" ")[-d:], dtype=np.float32)
    return X


def pools():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl missing: pools unknown"
    return "; ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
                     for p in threadpool_info()) or "none loaded"


def main():
    ap = argparse.ArgumentParser(description="scikit-learn's Barnes-Hut t-SNE of a word2vec text file")
    ap.add_argument("file")
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--perplexity", type=float, default=30)
    ap.add_argument("--metric", choices=("euclidean", "cosine"), default="euclidean")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    try:
        import sklearn
        from sklearn.manifold import TSNE
    except ImportError:
        sys.exit("tsne_peer: scikit-learn is missing: apt-get install python3-sklearn")
    X = read_word2vec(a.file)
    tsne = TSNE(n_components=2, perplexity=a.perplexity, n_iter=a.iterations, method="barnes_hut", angle=0.5,
                init="random", learning_rate="auto", metric=a.metric, random_state=a.seed)
    t0 = time.time()
    tsne.fit_transform(X)
    seconds = time.time() - t0
    print(f"pools in use: {pools()}")
    print(f"scikit-learn {sklearn.__version__} TSNE of {X.shape[0]} x {X.shape[1]} ({a.metric}, perplexity "
          f"{a.perplexity:g}, angle 0.5): {tsne.n_iter_} iterations in {seconds:.2f} s, KL {tsne.kl_divergence_:.4f}")
    print(json.dumps({"n": X.shape[0], "d": X.shape[1], "metric": a.metric, "iterations": int(tsne.n_iter_),
                      "seconds": round(seconds, 3), "kl": round(float(tsne.kl_divergence_), 5),
                      "sklearn": sklearn.__version__, "pools": pools()}))


if __name__ == "__main__":
    main()
