#!/usr/bin/env bash
# Seeds fuzz/corpus/TARGET/ for every fuzz target with real files from the
# shared test data (../shared from the worktree root) and tests/fixtures,
# each truncated to at most 64 KiB. Corpora are not committed (.gitignore).
#
# Usage (from anywhere): fuzz/seed_corpus.sh [SHARED_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shared="${1:-$root/../shared}"
fmt="$shared/fixtures/formats"
api="$shared/fixtures/api"
seeds="$shared/seeds"
own="$root/tests/fixtures"
max=65536

# seed TARGET FILE... : copy each existing FILE (first $max bytes) into corpus/TARGET
seed() {
    local target="$1"
    shift
    local dir="$here/corpus/$target"
    mkdir -p "$dir"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        head -c "$max" "$f" >"$dir/$(basename "$f")"
    done
}

seed ris "$fmt"/ris/* "$own"/formats_a/*.ris "$own"/merge/*.ris
seed bibtex "$fmt"/bibtex/* "$own"/formats_a/*.bib
seed medline "$fmt"/medline-nbib/*
seed pubmed_xml "$fmt"/pubmed-xml/* "$own"/formats_a/*.xml "$api"/pubmed-eutils/efetch_*.xml
seed endnote_xml "$fmt"/endnote-xml/*
seed csl_json "$fmt"/csl-json/* "$own"/formats_a/*.json
seed wos "$fmt"/wos-plaintext/* "$own"/formats_b/*.wos.txt "$own"/merge/*.wos.txt
seed wos_tab "$fmt"/wos-tab-delimited/*
seed scopus_csv "$fmt"/scopus-csv/*
seed lens_csv "$fmt"/lens-csv/*
seed openalex "$api"/openalex/* "$own"/formats_b/*.jsonl
seed openalex_csv "$fmt"/openalex-csv/*
seed crossref "$api"/crossref/*
seed semantic_scholar "$api"/semantic-scholar/*
seed aggregator_page "$seeds"/000_*
seed abstract_page "$seeds"/002_* "$seeds"/003_*
seed listing "$seeds"/004_*
seed fulltext "$seeds"/001_*
seed general_page "$own"/pages/*.txt "$seeds"/00*
seed callouts "$seeds"/001_* "$seeds"/003_*
seed refs "$seeds"/001_* "$seeds"/004_* "$fmt"/wos-plaintext/*
seed matrix "$own"/overlap/*.csv "$shared"/fixtures/umbrella/*.csv "$shared"/fixtures/umbrella/*.xlsx
# detect (decode + detect + parse): one file of every kind.
seed detect "$fmt"/*/* "$api"/openalex/* "$api"/crossref/* "$api"/semantic-scholar/* "$seeds"/*
rm -f "$here"/corpus/*/PROVENANCE.md "$here"/corpus/*/README.md "$here"/corpus/*/API-NOTES.md

for d in "$here"/corpus/*/; do
    printf '%-18s %3d files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
