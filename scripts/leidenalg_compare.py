#!/usr/bin/env python3
"""Compare citemap's Leiden with igraph's C Leiden (and leidenalg) on one graph.

Usage: python3 scripts/leidenalg_compare.py DIR
Reads DIR/citation_edges.tsv (written by `cargo bench --bench analysis`:
first line `# nodes N`, then `a<TAB>b<TAB>weight`, undirected, 0-based) and
DIR/citemap_modularity.txt (per line: citemap's modularity, the seconds its
Leiden took, which run), then runs on the same weighted graph, each timed on its own:

* igraph's C Leiden (`Graph.community_leiden`, objective modularity), with
  igraph's default of 2 iterations and iterated until stable (-1);
* leidenalg (modularity, seed 42, until stable), when it is installed.

Prints each one's modularity, community count and seconds, and citemap's time
against igraph's (ratio > 1: citemap faster) and its modularity against
igraph's best (relative difference). `scripts/bench_leiden.sh N` runs the
whole comparison. Needs `pip install python-igraph` (leidenalg optional).
"""
import sys
import time

import igraph as ig


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "/tmp/c100k"
    n = 0
    edges, weights = [], []
    with open(f"{d}/citation_edges.tsv") as f:
        for line in f:
            if line.startswith("# nodes"):
                n = int(line.split()[2])
                continue
            a, b, w = line.split("\t")
            edges.append((int(a), int(b)))
            weights.append(float(w))
    g = ig.Graph(n=n, edges=edges, directed=False)
    g.es["weight"] = weights
    print(f"graph: {n} nodes, {len(edges)} edges")
    ours = []
    try:
        for line in open(f"{d}/citemap_modularity.txt"):
            q, secs, label = line.split(" ", 2)
            ours.append((label.strip(), float(q), float(secs)))
    except (OSError, ValueError):
        ours = []
    results = []
    for iters in (2, -1):
        ig.set_random_number_generator(__import__("random").Random(42))
        t = time.perf_counter()
        p = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=iters)
        dt = time.perf_counter() - t
        q = g.modularity(p.membership, weights="weight")
        label = f"igraph C Leiden (n_iterations={iters})"
        results.append((label, q, dt))
        print(f"{label}: modularity {q:.6f}, {len(set(p.membership))} communities, {dt:.2f} s")
    try:
        import leidenalg

        t = time.perf_counter()
        p = leidenalg.find_partition(
            g, leidenalg.ModularityVertexPartition, weights="weight", n_iterations=-1, seed=42
        )
        dt = time.perf_counter() - t
        q = g.modularity(p.membership, weights="weight")
        print(f"leidenalg (until stable): modularity {q:.6f}, {len(p)} communities, {dt:.2f} s")
    except ImportError:
        print("leidenalg: not installed (pip install leidenalg), skipped")
    if not ours:
        print("citemap: citemap_modularity.txt missing (run cargo bench --bench analysis)")
        return
    for label, q_ours, s_ours in ours:
        print(f"citemap Leiden, {label}: modularity {q_ours:.6f}, {s_ours:.2f} s")
        for ilabel, q, dt in results:
            print(f"  vs {ilabel}: {dt / s_ours:.2f}x igraph's speed, modularity {100 * (q_ours - q) / q:+.2f}%")


if __name__ == "__main__":
    main()
