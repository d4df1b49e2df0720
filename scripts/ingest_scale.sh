#!/usr/bin/env bash
# Scale check of `citemap ingest` (streaming into the SQLite store): generates
# N works with ../shared/bench/gen_corpus.py (seed 42) as OpenAlex JSON Lines
# and WoS plain text, ingests each into a fresh store with the release binary
# under /usr/bin/time -v, and prints wall time, peak RSS and the store size.
#
# Usage: scripts/ingest_scale.sh [N] [WORKDIR]   (defaults: 100000, /tmp/citemap-ingest)
set -euo pipefail
n="${1:-100000}"
dir="${2:-/tmp/citemap-ingest}/n$n"
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir"
if [ ! -s "$dir/works.jsonl" ] || [ ! -s "$dir/works.wos.txt" ]; then
  python3 "$here/../shared/bench/gen_corpus.py" --n "$n" --seed 42 --formats jsonl,wos --out "$dir" >/dev/null
fi
cargo build --release --manifest-path "$here/Cargo.toml" >&2
for f in works.jsonl works.wos.txt; do
  store="$dir/ingest-$f.db"
  rm -f "$store" "$store-wal" "$store-shm"
  echo "== $f ($(stat -c %s "$dir/$f") bytes)"
  printf '[store]\npath = "%s"\n' "$store" > "$dir/config.toml"
  /usr/bin/time -v "$here/target/release/citemap" --config "$dir/config.toml" ingest "$dir/$f" \
    2> >(grep -E '^\[|Elapsed|Maximum resident' >&2) | tail -1
  echo "store size: $(stat -c %s "$store") bytes"
done
