#!/usr/bin/env bash
# Timings of the commands that run on a store after it was mapped, with the
# results the store keeps (issue 14: export graphml <= 2 s, show/query
# <= 100 ms, ingest of 1k more records <= 2 s and <= 500 MB at 100k works).
#
# Generates N works with ../shared/bench/gen_corpus.py (seed 42) and 1,000
# more (seed 43) into a temporary folder, builds the release binary once, then
# times under /usr/bin/time -v (wall clock, peak RSS):
#   ingest of the N works; the first export --format graphml (resolves,
#   analyses and keeps both); the same export again (reads them); show work
#   DOI; query coauthors NAME; ingest of the 1,000 more records.
# The temporary folder (corpus, store, outputs) is removed at the end.
#
# Usage: scripts/bench_store.sh [N]   (default 10000)
#
# Measured 2026-12-05 on the 2-core shared machine (release, other builds running):
#                                    N=10,000          N=100,000
#   ingest N works                    1.3 s    30 MB    17.2 s     32 MB
#   export graphml (first: computes) 14.4 s   965 MB   163.9 s   8768 MB
#   export graphml (kept)             5.0 s   490 MB    34.0 s   4524 MB
#   show work DOI                     1.6 s   254 MB    15.7 s   2236 MB
#   query coauthors NAME              2.2 s   255 MB    15.4 s   2280 MB
#   ingest 1,000 more works           0.9 s   183 MB     3.2 s    449 MB
#   export graphml (after ingest)    26.6 s  1105 MB   161.2 s   8999 MB
set -euo pipefail
n="${1:-10000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d /tmp/citemap-bench-store.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
python3 "$here/../shared/bench/gen_corpus.py" --n "$n" --seed 42 --formats jsonl --out "$dir/c" >/dev/null
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
        print(w["doi"].replace("https://doi.org/", ""), name.split()[-1])
        break
EOF
)

# time_it LABEL CMD...: runs CMD, prints LABEL, wall seconds and peak RSS (MB).
time_it() {
  local label="$1"
  shift
  local log="$dir/time.log"
  /usr/bin/time -v "$@" >"$dir/out.txt" 2>"$log" || { cat "$log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  printf '%-34s %9.2f s %8s MB   %s\n' "$label" "$wall" "$rss" "$(grep -E 'loaded from store|: computed' "$log" | sed -E 's/^\[[^]]*\] //' | paste -sd, -)"
}

echo "N=$n works; store $store; show work $doi; query coauthors $name"
time_it "ingest $n works" "$bin" --store "$store" ingest "$dir/c/works.jsonl"
time_it "export graphml (first: computes)" "$bin" --store "$store" export --format graphml --out "$dir/g1.graphml"
time_it "export graphml (kept)" "$bin" --store "$store" export --format graphml --out "$dir/g2.graphml"
cmp -s "$dir/g1.graphml" "$dir/g2.graphml" || { echo "graphml differs between the two runs" >&2; exit 1; }
time_it "show work DOI" "$bin" --store "$store" show work "$doi"
time_it "query coauthors NAME" "$bin" --store "$store" query coauthors "$name"
time_it "ingest 1000 more works" "$bin" --store "$store" ingest "$dir/more/works.jsonl"
time_it "export graphml (after ingest)" "$bin" --store "$store" export --format graphml --out "$dir/g3.graphml"
time_it "show work DOI (after ingest)" "$bin" --store "$store" show work "$doi"
ls -la "$store" | awk '{printf "store size %.1f MB\n", $5/1e6}'
