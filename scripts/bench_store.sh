#!/usr/bin/env bash
# Timings of `map` into a store and of the commands that run on the mapped
# store after it, with the results the store keeps (issue 14: on a mapped
# 100k store, export graphml <= 2 s, show/query <= 100 ms, ingest of 1k more
# records <= 2 s and <= 500 MB).
#
# Generates N works with ../shared/bench/gen_corpus.py (seed 42; or reuses
# $CORPUS/works.jsonl) and 1,000 more (seed 43) into a temporary folder
# under ${BENCH_TMP:-/tmp}, builds the release binary once, then times under
# /usr/bin/time -v (wall clock, peak RSS):
#   map of the N works into a new store (ingests, resolves, analyses, keeps
#   both, writes every map output); the same map again (reads them); export
#   --format graphml, dot, csv, json (read the kept network); export gexf
#   twice (the first lays the network out and keeps it); show work DOI;
#   query coauthors NAME; ingest of the 1,000 more records; export graphml
#   after that ingest (computes again).
# The temporary folder (corpus, store, outputs) is removed at the end.
#
# Usage: scripts/bench_store.sh [N]   (default 10000; CORPUS=DIR reuses DIR/works.jsonl)
#
# Measured 2026-12-05, session 7, on the 2-core shared machine (release,
# nothing else running), N=100,000 (CORPUS=/tmp/c100000, gen_corpus seed 42):
#   map N works (computes, keeps)      95.9 s   6653 MB
#   map again (reads kept results)     33.3 s   6137 MB
#   export graphml (kept)               5.2 s   1707 MB
#   export dot / csv / json (kept)      4.5 / 4.5 / 6.7 s   1707 MB
#   export gexf (lays out, keeps it)   64.0 s   1805 MB
#   export gexf (kept layout)           5.1 s   1714 MB
#   show work DOI                       0.03 s    49 MB
#   query coauthors NAME                0.08 s    70 MB
#   ingest 1,000 more works             1.1 s    195 MB
#   export graphml (after ingest)      77.4 s   6710 MB
# Session 6 (same machine, a test build beside it): map 164.9 s / 11.1 GB,
# map again 52.5 s / 9.8 GB, export graphml 8.4 s, query 0.16 s, ingest 1,000
# more 5.6 s / 623 MB. Before kept results (main at 59efc99): export graphml
# computing 163.9 s (8.8 GB); show 15.7 s (2.2 GB); query coauthors 15.4 s.
set -euo pipefail
n="${1:-10000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d "${BENCH_TMP:-/tmp}/citemap-bench-store.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
if [ -n "${CORPUS:-}" ]; then
  mkdir -p "$dir/c" && ln -s "$(cd "$CORPUS" && pwd)/works.jsonl" "$dir/c/works.jsonl"
else
  python3 "$here/../shared/bench/gen_corpus.py" --n "$n" --seed 42 --formats jsonl --out "$dir/c" >/dev/null
fi
python3 "$here/../shared/bench/gen_corpus.py" --n 1000 --seed 43 --formats jsonl --out "$dir/more" >/dev/null
cargo build --release --manifest-path "$here/Cargo.toml" >&2
bin="$here/target/release/citemap"
store="$dir/s.db"
# A DOI and an author name to ask for (the first record that has both).
read -r doi name < <(python3 - "$dir/c/works.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    w = json.loads(line)
    if w.get("doi") and w.get("authorships"):
        name = w["authorships"][0]["author"]["display_name"]
        print(w["doi"].replace("https://doi.org/", ""), name)
        break
EOF
)

# time_it LABEL CMD...: runs CMD, prints LABEL, wall seconds and peak RSS (MB).
# Exit codes up to $ok (default 0) count as answers (query: 3 not found, 4 ambiguous).
time_it() {
  local label="$1"
  shift
  local log="$dir/time.log" code=0
  /usr/bin/time -v "$@" >"$dir/out.txt" 2>"$log" || code=$?
  if [ "$code" -gt "${ok:-0}" ]; then cat "$log" >&2; exit 1; fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  printf '%-36s %9.2f s %8s MB   %s\n' "$label" "$wall" "$rss" "$(grep -E 'loaded from store|: computed' "$log" | sed -E 's/^\[[^]]*\] //' | paste -sd, -)"
}

echo "N=$n works; store $store; show work $doi; query coauthors \"$name\""
export SOURCE_DATE_EPOCH=1795000000
time_it "map N works (computes, keeps)" "$bin" --store "$store" map "$dir/c/works.jsonl" --out "$dir/m1"
time_it "map again (reads kept results)" "$bin" --store "$store" map "$dir/c/works.jsonl" --out "$dir/m2"
for f in "$dir"/m1/*; do
  cmp -s "$f" "$dir/m2/$(basename "$f")" || { echo "$(basename "$f") differs between the two maps" >&2; exit 1; }
done
rm -rf "$dir/m1" "$dir/m2"
for f in graphml dot csv json; do
  time_it "export $f (kept)" "$bin" --store "$store" export --format "$f" --out "$dir/g.$f"
  rm -f "$dir"/g.* "$dir"/g_*
done
time_it "export gexf (lays out, keeps it)" "$bin" --store "$store" export --format gexf --out "$dir/g1.gexf"
time_it "export gexf (kept layout)" "$bin" --store "$store" export --format gexf --out "$dir/g2.gexf"
cmp -s "$dir/g1.gexf" "$dir/g2.gexf" || { echo "gexf differs between the two runs" >&2; exit 1; }
rm -f "$dir"/g*.gexf
time_it "show work DOI" "$bin" --store "$store" show work "$doi"
ok=4 time_it "query coauthors NAME" "$bin" --store "$store" query coauthors "$name"
time_it "ingest 1000 more works" "$bin" --store "$store" ingest "$dir/more/works.jsonl"
time_it "export graphml (after ingest)" "$bin" --store "$store" export --format graphml --out "$dir/g3.graphml"
rm -f "$dir/g3.graphml"
ls -la "$store" | awk '{printf "store size %.1f MB\n", $5/1e6}'
