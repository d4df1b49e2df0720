#!/usr/bin/env bash
# citemap `map` against an igraph + scipy pipeline on the same generated
# corpus (../shared/bench/gen_corpus.py --n N --seed 42), in one run: builds
# the release binary, installs python-igraph, scipy and numpy when missing,
# and prints stage times, wall time, peak memory and ratios.
#
# Usage: scripts/bench_vs_igraph.sh [N] [WORKDIR] [--leiden-iterations K]
#   (defaults: 10000, /tmp/citemap-bench, 2 = igraph's default; -1 iterates until stable)
set -euo pipefail
n="${1:-10000}"
dir="${2:-/tmp/citemap-bench}"
here="$(cd "$(dirname "$0")/.." && pwd)"
python3 -c 'import igraph, scipy, numpy' 2>/dev/null || python3 -m pip install --quiet python-igraph scipy numpy
cargo build --release --manifest-path "$here/Cargo.toml" >&2
exec python3 "$here/scripts/bench_vs_igraph.py" --n "$n" --workdir "$dir" --citemap "$here/target/release/citemap" "${@:3}"
