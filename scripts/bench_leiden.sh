#!/usr/bin/env bash
# citemap's Leiden against igraph's C Leiden on the same graph (issue 14:
# Leiden at least 2x igraph's at modularity within 0.5%).
#
# Generates N works (../shared/bench/gen_corpus.py --seed 42, or reuses
# $CORPUS/works.jsonl), runs `cargo bench --bench analysis` on them (which
# clusters the citation network with the library's Leiden, timing it, and
# writes the graph it clustered as citation_edges.tsv), then
# scripts/leidenalg_compare.py on that graph (igraph's C Leiden, 2 iterations
# and until stable; leidenalg when installed).
#
# Usage: scripts/bench_leiden.sh [N] [WORKDIR]   (defaults: 100000, /tmp/citemap-leiden)
set -euo pipefail
n="${1:-100000}"
dir="${2:-/tmp/citemap-leiden}"
here="$(cd "$(dirname "$0")/.." && pwd)"
python3 -c 'import igraph' 2>/dev/null || python3 -m pip install --quiet python-igraph
mkdir -p "$dir"
if [ -n "${CORPUS:-}" ]; then
  ln -sf "$(cd "$CORPUS" && pwd)/works.jsonl" "$dir/works.jsonl"
elif [ ! -s "$dir/works.jsonl" ]; then
  python3 "$here/../shared/bench/gen_corpus.py" --n "$n" --seed 42 --formats jsonl --out "$dir" >/dev/null
fi
CITEMAP_BENCH_CORPORA="$dir/works.jsonl" cargo bench --manifest-path "$here/Cargo.toml" --bench analysis
python3 "$here/scripts/leidenalg_compare.py" "$dir"
