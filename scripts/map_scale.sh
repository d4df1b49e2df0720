#!/usr/bin/env bash
# End-to-end scale check of `citemap map` on a synthetic corpus: generates N
# works with ../shared/bench/gen_corpus.py (seed 42) as OpenAlex JSON Lines
# (the default), RIS with free-text references (Scopus style) or WoS plain
# text, runs the release binary under /usr/bin/time -v and prints the
# progress lines (time and peak memory per step), wall time and peak RSS.
#
# Usage: scripts/map_scale.sh [N] [WORKDIR] [jsonl|ris|wos]
#        (defaults: 10000, /tmp/citemap-scale, jsonl)
set -euo pipefail
n="${1:-10000}"
dir="${2:-/tmp/citemap-scale}/n$n"
format="${3:-jsonl}"
case "$format" in
  jsonl) file=works.jsonl ;;
  ris) file=works.ris ;;
  wos) file=works.wos.txt ;;
  *) echo "map_scale.sh: format is jsonl, ris or wos, not $format" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir"
if [ ! -s "$dir/$file" ]; then
  python3 "$here/../shared/bench/gen_corpus.py" --n "$n" --seed 42 --formats "$format" --out "$dir"
fi
cargo build --release --manifest-path "$here/Cargo.toml" >&2
/usr/bin/time -v "$here/target/release/citemap" map "$dir/$file" --out "$dir/map-$format" --date 2026-11-22 \
  2> >(grep -E '^\[|Elapsed|Maximum resident' >&2) | grep -E '^(read|network|edges)'
