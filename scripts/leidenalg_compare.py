#!/usr/bin/env python3
"""Compare citemap's Leiden modularity with Python leidenalg on the same graph.

Usage: python3 scripts/leidenalg_compare.py /tmp/c100k
Reads DIR/citation_edges.tsv (written by `cargo bench --bench analysis`:
first line `# nodes N`, then `a<TAB>b<TAB>weight`, undirected, 0-based) and
DIR/citemap_modularity.txt, runs leidenalg (modularity, seed 42, iterate until
stable) and prints both modularities and leidenalg's time.
Needs `pip install leidenalg igraph`.
"""
import sys
import time

import igraph as ig
import leidenalg


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
    t = time.time()
    p = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, weights="weight", n_iterations=-1, seed=42
    )
    dt = time.time() - t
    q = g.modularity(p.membership, weights="weight")
    try:
        ours = open(f"{d}/citemap_modularity.txt").read().strip()
    except OSError:
        ours = "?"
    print(f"graph: {n} nodes, {len(edges)} edges")
    print(f"leidenalg: modularity {q:.6f}, {len(p)} communities, {dt:.2f} s")
    print(f"citemap:   modularity {ours}")


if __name__ == "__main__":
    main()
