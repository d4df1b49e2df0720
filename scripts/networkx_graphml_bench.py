#!/usr/bin/env python3
"""Time networkx's write_graphml on the graph citemap's bench wrote as node-link JSON.

Usage: networkx_graphml_bench.py GRAPH.json
Prints one line comparable with the `graphml (citemap)` line of benches/render.rs.
Only write_graphml is timed (loading the JSON is not).
"""
import io
import json
import sys
import time

try:
    import networkx as nx
    from networkx.readwrite import json_graph
except ImportError:
    sys.exit("networkx is not installed (pip install networkx)")


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    try:
        g = json_graph.node_link_graph(data, edges="links")
    except TypeError:  # networkx < 3.4 has no `edges` argument
        g = json_graph.node_link_graph(data)
    out = io.BytesIO()
    start = time.perf_counter()
    nx.write_graphml(g, out)
    took = time.perf_counter() - start
    print(
        f"graphml (networkx {nx.__version__}): {g.number_of_nodes()} nodes, "
        f"{g.number_of_edges()} edges: {took:.2f} s, {len(out.getvalue()) // 1024} KB"
    )


if __name__ == "__main__":
    main()
