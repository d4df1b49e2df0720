#!/usr/bin/env python3
"""Ground truth of a corpus written by ../shared/bench/gen_corpus.py, for tests/dedup.rs.

Usage: dedup_truth.py GEN_CORPUS_PY OUT_DIR

Reads OUT_DIR/manifest.json (the parameters gen_corpus.py was run with),
rebuilds the same model in memory (the generator is deterministic per seed),
checks that its counts equal the manifest's, and prints JSON:
  records   {OpenAlex W id of each record: index of the distinct work it describes}
  cited_by  {W id of each cited work (a distinct work's first record, or an
             outside work): number of distinct citing works}
"""
import importlib.util
import json
import os
import sys


def main():
    script, out = sys.argv[1], sys.argv[2]
    spec = importlib.util.spec_from_file_location("gen_corpus", script)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    p = manifest["params"]
    c = gen.Corpus(p["n"], p["seed"], p["dup_rate"], p["external_rate"], p["external_new_rate"],
                   p["mean_refs"], p["hyper_rate"], p["abstract_rate"], p["topics"] or None)
    c.generate()
    stats = c.stats()
    for k in ("distinct_works", "duplicate_records", "references_total"):
        if stats[k] != manifest["stats"][k]:
            sys.exit("regenerated corpus differs from the manifest: %s %r != %r"
                     % (k, stats[k], manifest["stats"][k]))
    c.build_caches()
    short = lambda w: w.rsplit("/", 1)[-1]
    n_rec = c.n + len(c.dup_of)
    records = {short(c.wid[r]): c.rec_orig(r) for r in range(n_rec)}
    citing = {}
    for r in range(n_rec):
        src = c.rec_orig(r)
        for code in c.refs[r]:
            key = short(c.wid[c.rec_orig(code)]) if code >= 0 else short(c.ext_id(-code - 1))
            citing.setdefault(key, set()).add(src)
    cited_by = {k: len(v) for k, v in citing.items()}
    json.dump({"records": records, "cited_by": cited_by}, sys.stdout)


if __name__ == "__main__":
    main()
