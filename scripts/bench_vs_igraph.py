#!/usr/bin/env python3
"""citemap `map` against an igraph pipeline on the same corpus, in one run.

Usage:
  python3 scripts/bench_vs_igraph.py --n 10000 [--workdir /tmp/citemap-bench]
         [--citemap target/release/citemap] [--seed 42]

Generates `works.jsonl` with ../shared/bench/gen_corpus.py (kept and reused),
then runs, one after the other, each in its own process:

* `citemap map works.jsonl --out DIR` (every output: graph.dot, graph.graphml,
  map.svg, map.png, overview pictures for big corpora, summary.json);
* the igraph pipeline below (`--pipeline`), what a performance-minded user
  would write: load the JSON Lines, citation graph, co-authorship,
  bibliographic coupling and co-citation as scipy sparse products
  (A^T A, R R^T, R^T R, upper triangle), igraph's C Leiden (modularity,
  `--leiden-iterations`, default 2 as in igraph) on citation + coupling, GraphML of the citation graph with title, year and
  cluster.

Prints each side's stage times, wall time and peak memory (the child's
`ru_maxrss`, from `wait4`) and the ratios. Needs python-igraph, scipy and
numpy (`pip install python-igraph scipy numpy`).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def measured(cmd, cwd=None):
    """Runs `cmd` under a small Python wrapper whose only child it is, so the
    wrapper's RUSAGE_CHILDREN peak is the command's own peak RSS.
    Returns (wall seconds, peak RSS bytes, stdout, stderr, exit code)."""
    wrapper = [
        sys.executable,
        "-c",
        "import os,resource,sys,time,subprocess;"
        "t=time.perf_counter();r=subprocess.run(sys.argv[1:]);w=time.perf_counter()-t;"
        "sys.stderr.write('\\n@@measure %f %d\\n'%(w,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss*1024));"
        "sys.exit(r.returncode)",
    ] + cmd
    p = subprocess.run(wrapper, cwd=cwd, capture_output=True)
    out, err, code = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), p.returncode
    wall = 0.0
    m = re.search(r"@@measure ([0-9.]+) ([0-9]+)", err)
    if m:
        wall, peak = float(m.group(1)), int(m.group(2))
        err = err[: m.start()]
    else:
        peak = 0
    return wall, peak, out, err, code


# ----------------------------------------------------------------- igraph side


def pipeline(jsonl, out_dir, leiden_iterations=2):
    """The igraph pipeline; prints one JSON object with stage times."""
    import igraph as ig
    import numpy as np
    import scipy.sparse as sp

    times = {}
    t = time.perf_counter()

    def stage(name):
        nonlocal t
        now = time.perf_counter()
        times[name] = now - t
        t = now

    ids, titles, years, authors_of, refs_of = [], [], [], [], []
    with open(jsonl, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            w = json.loads(line)
            ids.append(w.get("id"))
            titles.append(w.get("title") or "")
            years.append(w.get("publication_year") or 0)
            authors_of.append([a["author"]["id"] for a in w.get("authorships") or [] if a.get("author", {}).get("id")])
            refs_of.append(w.get("referenced_works") or [])
    stage("load")

    # Works: the records (first record of an id wins) plus every cited id.
    index = {}
    for i, wid in enumerate(ids):
        index.setdefault(wid, len(index))
    n_papers = len(index)
    for refs in refs_of:
        for r in refs:
            if r not in index:
                index[r] = len(index)
    n = len(index)
    src, dst = [], []
    seen_paper = set()
    for wid, refs in zip(ids, refs_of):
        a = index[wid]
        if a in seen_paper:
            continue
        seen_paper.add(a)
        for r in set(refs):
            b = index[r]
            if a != b:
                src.append(a)
                dst.append(b)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    cit = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
    stage("citation graph")

    # Co-authorship: A (papers x authors), C = A^T A off the diagonal.
    aindex = {}
    rows, cols = [], []
    for wid, auths in zip(ids, authors_of):
        for a in set(auths):
            rows.append(index[wid])
            cols.append(aindex.setdefault(a, len(aindex)))
    A = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n_papers, len(aindex)))
    A.data[:] = 1.0
    C = sp.triu(A.T @ A, k=1).tocoo()
    coauth = ig.Graph(n=len(aindex), edges=np.column_stack([C.row, C.col]).tolist())
    coauth.es["weight"] = C.data.tolist()
    stage("co-authorship")

    # R: papers x works (references).
    R = sp.csr_matrix((np.ones(len(src), dtype=np.float32), (src, dst)), shape=(n_papers, n))
    R.data[:] = 1.0
    B = sp.triu(R @ R.T, k=1).tocoo()
    stage("coupling")
    K = sp.triu(R.T @ R, k=1).tocoo()
    cocit_edges = K.nnz
    del K
    stage("co-citation")

    # Leiden on citation (undirected) + coupling, both restricted to works.
    W = sp.coo_matrix((np.ones(len(src)), (np.minimum(src, dst), np.maximum(src, dst))), shape=(n, n)).tocsr()
    W = W + sp.coo_matrix((B.data.astype(np.float64), (B.row, B.col)), shape=(n, n)).tocsr()
    W = W.tocoo()
    und = ig.Graph(n=n, edges=np.column_stack([W.row, W.col]).tolist())
    und.es["weight"] = W.data.tolist()
    part = und.community_leiden(objective_function="modularity", weights="weight", n_iterations=leiden_iterations)
    modularity = und.modularity(part.membership, weights="weight")
    stage("leiden")

    titles_all = [""] * n
    years_all = [0] * n
    for wid, ti, y in zip(ids, titles, years):
        titles_all[index[wid]] = ti
        years_all[index[wid]] = y
    cit.vs["name"] = list(index.keys())
    cit.vs["title"] = titles_all
    cit.vs["year"] = years_all
    cit.vs["cluster"] = part.membership
    os.makedirs(out_dir, exist_ok=True)
    cit.write_graphml(os.path.join(out_dir, "citation.graphml"))
    stage("graphml")
    print(
        json.dumps(
            {
                "times": times,
                "works": n,
                "papers": n_papers,
                "citation_edges": cit.ecount(),
                "coauthor_edges": coauth.ecount(),
                "coupling_edges": int(B.nnz),
                "cocitation_edges": int(cocit_edges),
                "clusters": len(set(part.membership)),
                "modularity": modularity,
            }
        )
    )


# ----------------------------------------------------------------- driver


def citemap_stages(stderr, wall):
    """Stage durations from citemap's progress lines `[  12.3 s, 1.2 GB] what`:
    each line starts a step, which lasts until the next line (the first step,
    reading, from the start; the last one until the process ends). Lines
    printed at the same moment are steps that run side by side (the network
    and the full graph; clustering and both graphs' metrics): they are one
    stage, named together."""
    marks = [(0.0, "start (reading the input)")]
    for line in stderr.splitlines():
        m = re.match(r"\[\s*([0-9.]+) s(?:,\s*([0-9.]+) GB)?\] (.*)", line)
        if m:
            t, what = float(m.group(1)), m.group(3)
            if marks and marks[-1][0] == t and len(marks) > 1:
                marks[-1] = (t, marks[-1][1] + " + " + what)
            else:
                marks.append((t, what))
    ends = [t for t, _ in marks[1:]] + [max(wall, marks[-1][0])]
    return [(what, t1 - t0) for (t0, what), t1 in zip(marks, ends)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", default="/tmp/citemap-bench")
    ap.add_argument("--citemap", default=os.path.join(REPO, "target", "release", "citemap"))
    ap.add_argument(
        "--leiden-iterations",
        type=int,
        default=2,
        help="igraph Leiden n_iterations (2: igraph's default; -1: until stable)",
    )
    ap.add_argument("--pipeline", nargs=2, metavar=("JSONL", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pipeline:
        pipeline(*args.pipeline, leiden_iterations=args.leiden_iterations)
        return

    d = os.path.join(args.workdir, f"n{args.n}")
    jsonl = os.path.join(d, "works.jsonl")
    if not os.path.exists(jsonl):
        os.makedirs(d, exist_ok=True)
        gen = os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py")
        subprocess.run(
            [sys.executable, gen, "--n", str(args.n), "--seed", str(args.seed), "--formats", "jsonl", "--out", d],
            check=True,
        )
    size = os.path.getsize(jsonl)
    print(f"corpus: {jsonl} ({size / 2**20:.1f} MiB), n = {args.n}, seed = {args.seed}")

    # citemap (no config.toml of the repo: run from the corpus folder).
    cw, cpeak, cout, cerr, ccode = measured(
        [args.citemap, "map", "works.jsonl", "--out", "citemap-out", "--date", "2026-01-01"], cwd=d
    )
    if ccode != 0:
        sys.stderr.write(cerr)
        sys.exit(f"citemap failed ({ccode})")
    stages = citemap_stages(cerr, cw)
    summary = json.load(open(os.path.join(d, "citemap-out", "summary.json")))
    print(f"\ncitemap map: {cw:.1f} s wall, peak {cpeak / 1e9:.2f} GB, modularity {summary['modularity']}")
    for what, secs in stages:
        print(f"  {secs:8.1f} s  {what}")

    iw, ipeak, iout, ierr, icode = measured(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--pipeline",
            "works.jsonl",
            "igraph-out",
            "--leiden-iterations",
            str(args.leiden_iterations),
        ],
        cwd=d,
    )
    if icode != 0:
        sys.stderr.write(ierr)
        sys.exit(f"igraph pipeline failed ({icode})")
    res = json.loads(iout.strip().splitlines()[-1])
    print(f"\nigraph pipeline: {iw:.1f} s wall, peak {ipeak / 1e9:.2f} GB, modularity {res['modularity']:.4f}")
    for what, secs in res["times"].items():
        print(f"  {secs:8.1f} s  {what}")
    print(
        f"  ({res['works']} works, {res['citation_edges']} citations, {res['coauthor_edges']} co-author, "
        f"{res['coupling_edges']} coupling, {res['cocitation_edges']} co-citation pairs, {res['clusters']} clusters)"
    )
    print("\n| n | citemap map | igraph pipeline | time ratio (citemap / igraph) | memory ratio |")
    print("|---|---|---|---|---|")
    print(
        f"| {args.n} | {cw:.1f} s, {cpeak / 1e9:.2f} GB | {iw:.1f} s, {ipeak / 1e9:.2f} GB | "
        f"{cw / iw:.2f} | {cpeak / max(ipeak, 1):.2f} |"
    )


if __name__ == "__main__":
    main()
