#!/usr/bin/env bash
# End-to-end scale check of `citemap map` on a synthetic OpenAlex corpus:
# generates N works with ../shared/bench/gen_corpus.py (seed 42), runs the
# release binary under /usr/bin/time -v and prints the progress lines (time and
# peak memory per step), wall time and peak RSS.
#
# Usage: scripts/map_scale.sh [N] [WORKDIR]   (defaults: 10000, /tmp/citemap-scale)
set -euo pipefail
n="${1:-10000}"
dir="${2:-/tmp/citemap-scale}/n$n"
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir"
if [ ! -s "$dir/works.jsonl" ]; then
  python3 "$here/../shared/bench/gen_corpus.py" --n "$n" --seed 42 --formats jsonl --out "$dir"
fi
cargo build --release --manifest-path "$here/Cargo.toml" >&2
/usr/bin/time -v "$here/target/release/citemap" map "$dir/works.jsonl" --out "$dir/map" --date 2026-11-22 \
  2> >(grep -E '^\[|Elapsed|Maximum resident' >&2) | grep -E '^(read|network|edges)'
