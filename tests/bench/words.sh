#!/usr/bin/env bash
# words.sh: the default word corpus (WordNet 3.0's glosses): how long it takes
# to load, how much of it the 17,000-word vocabulary covers, and the
# validation perplexity of the Kneser-Ney trigram the network is measured against.
# Usage: tests/bench/words.sh [build-dir] [repeats]   (a Release build with EMBEDVIZ_BENCH=ON)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
repeats=${2:-5}
if [ ! -f /usr/share/wordnet/data.noun ]; then echo "words: WordNet not installed (apt-get install wordnet-base); skipping"; exit 0; fi
exe="$build/tests/bench/embedviz-words"
if [ ! -x "$exe" ]; then echo "words: $exe not built (configure with -DEMBEDVIZ_BENCH=ON)"; exit 1; fi
echo "words: load average $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "words: peak memory %M KiB" "$exe" "$repeats"
