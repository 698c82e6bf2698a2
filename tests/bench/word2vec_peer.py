#!/usr/bin/python3
# word2vec_peer.py: the reference a user would compare embedviz's word vectors
# with: gensim's word2vec (Mikolov et al. 2013; Debian's python3-gensim, for
# benchmarks only) trained on the same WordNet glosses, tokenized by the same
# rules, then scored by embedviz itself: the vectors are loaded with
# --init-vectors into a run of no steps, whose report gives the neighbour
# shares (parts of speech, word groups) of exactly the probes a word run uses.
#
#   tests/bench/word2vec_peer.py build [--epochs 5] [--dim 30] [--sg]
#
# gensim sees every gloss (the training split and the held-out ones: a small
# advantage); its vocabulary is then cut to embedviz's 17,000 tokens.
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

WORDNET = "/usr/share/wordnet"
TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")


def glosses():
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(WORDNET, "data." + pos), encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("  ") or "| " not in line:
                    continue  # the licence at the top of each file
                yield TOKEN.findall(line.split("| ", 1)[1].lower())


def main():
    ap = argparse.ArgumentParser(description="gensim word2vec on the WordNet glosses, scored by embedviz-train")
    ap.add_argument("build", help="embedviz's build folder")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--dim", type=int, default=30)
    ap.add_argument("--sg", action="store_true", help="skip-gram instead of CBOW")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    try:
        import gensim
        from gensim.models import Word2Vec
    except ImportError:
        sys.exit("word2vec_peer: gensim is missing: apt-get install python3-gensim")
    sentences = list(glosses())
    t0 = time.time()
    model = Word2Vec(sentences, vector_size=a.dim, window=5, min_count=1, sg=1 if a.sg else 0,
                     epochs=a.epochs, workers=a.workers, seed=1)
    seconds = time.time() - t0
    train = os.path.join(a.build, "src", "cli", "embedviz-train")
    with tempfile.TemporaryDirectory() as d:
        vectors = os.path.join(d, "w2v.txt")
        model.wv.save_word2vec_format(vectors)
        out = subprocess.run([train, "--tokenizer", "word", "--emb", str(a.dim), "--steps", "0", "--init-vectors",
                              vectors, "--json", "-q"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("word2vec_peer: embedviz-train failed: " + out.stderr.strip())
    j = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"gensim {gensim.__version__} word2vec ({'skip-gram' if a.sg else 'CBOW'}, {a.dim} dimensions, "
          f"window 5, {a.epochs} epochs, {a.workers} workers): {len(sentences)} glosses in {seconds:.1f} s")
    print(f"init-vectors: {j.get('init_vectors', '?')}")
    for s in j.get("neighbour_shares", []):
        print(f"  {s['probe']}: {s['share']:.3f} of {s['queries']} words' {s['k']} nearest (chance {s['chance']:.3f})")


if __name__ == "__main__":
    main()
