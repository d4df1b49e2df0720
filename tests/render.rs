//! Layout and picture tests: determinism, frame filling, SVG escaping and
//! validity, PNG pixels, label placement in real pictures, Graphviz engine.

#[path = "support/render_graphs.rs"]
mod graphs;
#[path = "support/tools.rs"]
mod tools;

use citemap::graph::{Attrs, CitationGraph, Node, NodeKind};
use citemap::layout::{bounds, layout, LayoutOptions};
use citemap::render::graphviz;
use citemap::render::svg::{render_png, render_svg, select_edges, RenderOptions};
use quick_xml::events::Event;
use resvg::tiny_skia;

fn opts() -> RenderOptions {
    RenderOptions { title: "Test map".into(), date: Some("2026-11-22".into()), ..RenderOptions::default() }
}

/// Writes a picture under target/render-test/ so a person can look at it.
fn keep(name: &str, bytes: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/render-test");
    std::fs::create_dir_all(&dir).expect("create target/render-test");
    std::fs::write(dir.join(name), bytes).expect("write picture");
}

/// Text of the drawn labels (`<g id="labels">`, the fill copies), from the
/// SVG itself: (x, baseline y, font size, text).
fn label_texts(svg: &str) -> Vec<(f32, f32, f32, String)> {
    let mut r = quick_xml::Reader::from_str(svg);
    let mut in_labels = false;
    let mut cur: Option<(f32, f32, f32, String)> = None;
    let mut out = Vec::new();
    loop {
        match r.read_event().expect("well-formed svg") {
            Event::Start(e) if e.name().0 == "g" => {
                in_labels = e.attributes().flatten().any(|a| a.key.0 == "id" && a.value == "labels");
            }
            Event::End(e) if e.name().0 == "g" => in_labels = false,
            Event::Start(e) if in_labels && e.name().0 == "text" => {
                let get = |k: &str| {
                    e.attributes().flatten().find(|a| a.key.0 == k).map(|a| a.value.parse::<f32>().unwrap())
                };
                let halo = e.attributes().flatten().any(|a| a.key.0 == "stroke");
                cur = (!halo).then(|| {
                    (get("x").unwrap(), get("y").unwrap(), get("font-size").unwrap(), String::new())
                });
            }
            Event::Text(t) => {
                if let Some(c) = cur.as_mut() {
                    c.3.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(g) => {
                if let Some(c) = cur.as_mut() {
                    c.3.push_str(match g.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(e) if e.name().0 == "text" => out.extend(cur.take()),
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn layout_is_deterministic_and_independent_of_node_order() {
    let g = graphs::sample(300, 5, 2, 7);
    let o = LayoutOptions::default();
    let a = layout(&g, &o);
    assert_eq!(a, layout(&g, &o), "same input, same positions");
    assert_eq!(a.len(), g.node_count());
    assert!(a.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
    let other = layout(&g, &LayoutOptions { seed: 9, ..o.clone() });
    assert_ne!(a, other, "the seed matters");
    // Start positions hash node ids, so a graph with the nodes in reverse
    // order starts from the same places (checked with no iterations).
    let zero = LayoutOptions { iterations: Some(0), prevent_overlap: false, ..o };
    let mut rev = CitationGraph::new();
    let nodes: Vec<Node> = g.graph.node_weights().cloned().collect();
    for n in nodes.into_iter().rev() {
        rev.add_node(n);
    }
    let p = layout(&g, &zero);
    let q = layout(&rev, &zero);
    for (i, n) in g.graph.node_weights().enumerate() {
        assert_eq!(p[i], q[rev.index[&n.id].index()]);
    }
}

#[test]
fn disconnected_components_stay_together() {
    // Two clusters with no edge between them plus 20 isolated nodes.
    let mut g = graphs::sample(120, 3, 2, 3);
    for i in 0..20 {
        g.add_node(Node {
            id: format!("X{i}"),
            kind: NodeKind::CitedWork,
            label: format!("Isolated {i}"),
            attrs: Attrs::new(),
            sources: vec![],
        });
    }
    let p = layout(&g, &LayoutOptions::default());
    let (x0, y0, x1, y1) = bounds(&p).unwrap();
    let side = (x1 - x0).max(y1 - y0);
    // The median distance from the centre is a sizeable part of the extent:
    // nothing flew off so far that the core shrinks to a dot.
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let mut d: Vec<f32> = p.iter().map(|(x, y)| (x - cx).hypot(y - cy)).collect();
    d.sort_by(f32::total_cmp);
    let median = d[d.len() / 2];
    assert!(median > side * 0.12, "median {median} vs side {side}");
}

#[test]
fn svg_is_deterministic_valid_and_escaped() {
    let g = graphs::sample(50, 4, 2, 11);
    let p = layout(&g, &LayoutOptions::default());
    let o = RenderOptions { title: "Review <map> & \"friends\"".into(), ..opts() };
    let svg = render_svg(&g, &p, &o);
    assert_eq!(svg, render_svg(&g, &p, &o), "byte-identical");
    assert!(!svg.contains("<img"), "hostile title never becomes markup");
    assert!(svg.contains("Review &lt;map&gt; &amp; &quot;friends&quot;"));
    assert!(svg.contains("2026-11-22"));
    // Parses as XML all the way through.
    let mut r = quick_xml::Reader::from_str(&svg);
    let mut elements = 0;
    loop {
        match r.read_event().expect("well-formed") {
            Event::Eof => break,
            Event::Start(_) | Event::Empty(_) => elements += 1,
            _ => {}
        }
    }
    assert!(elements > 100);
    // Legend shows cluster names.
    assert!(svg.contains("depression screening"));
}

#[test]
fn drawn_labels_do_not_overlap_and_png_has_ink() {
    let g = graphs::sample(50, 4, 2, 11);
    let p = layout(&g, &LayoutOptions::default());
    let svg = render_svg(&g, &p, &opts());
    let labels = label_texts(&svg);
    assert!(labels.len() >= 15, "most of 50 nodes labelled: {}", labels.len());
    let boxes: Vec<(f32, f32, f32, f32)> = labels
        .iter()
        .map(|(x, y, s, t)| {
            let w = citemap::render::glyph_widths::text_width(t, *s, false);
            (*x, y - s * 0.928, x + w, y + s * 0.236)
        })
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap = a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
            assert!(!overlap, "labels overlap: {a:?} {b:?}");
        }
    }
    let png = render_png(&g, &p, &opts()).expect("png");
    keep("sample-50.png", &png);
    let pix = tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!((pix.width(), pix.height()), (1600, 1200));
    let dark = pix.pixels().iter().filter(|c| c.red() < 90 && c.green() < 90 && c.blue() < 90).count();
    assert!(dark > 2000, "text drawn: {dark} dark pixels");
    let coloured = pix.pixels().iter().filter(|c| c.red().abs_diff(c.blue()) > 60).count();
    assert!(coloured > 2000, "coloured nodes: {coloured}");
    // The graph fills the frame: ink in all four quadrants of the plot.
    let (w, h) = (pix.width() as usize, pix.height() as usize);
    for (qx, qy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
        let ink = (0..h / 2)
            .flat_map(|y| (0..w / 2).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let px = pix.pixels()[(qy * h / 2 + y) * w + qx * w / 2 + x];
                px.red() < 200 || px.green() < 200 || px.blue() < 200
            })
            .count();
        assert!(ink > 500, "quadrant {qx},{qy} has ink: {ink}");
    }
}

#[test]
fn big_graph_is_thinned_and_renders() {
    let g = graphs::sample(3000, 12, 6, 5);
    let p = layout(&g, &LayoutOptions { iterations: Some(80), ..LayoutOptions::default() });
    let edges = select_edges(&g, 3000, 3, 40_000);
    assert!(edges.len() < g.edge_count(), "thinned: {} of {}", edges.len(), g.edge_count());
    // Thinning keeps every connected node attached by at least one edge.
    let mut touched = vec![false; g.node_count()];
    for &e in &edges {
        let (a, b) = g.graph.edge_endpoints(e).unwrap();
        touched[a.index()] = true;
        touched[b.index()] = true;
    }
    for n in g.graph.node_indices() {
        let connected = g.graph.neighbors_undirected(n).any(|m| m != n);
        assert!(!connected || touched[n.index()], "node {} lost all its edges", n.index());
    }
    let svg = render_svg(&g, &p, &opts());
    assert!(svg.contains(" drawn)"));
    let labels = label_texts(&svg);
    assert!(labels.len() <= 50 && labels.len() >= 10, "{} labels", labels.len());
    let png = render_png(&g, &p, &opts()).expect("png");
    keep("sample-3000.png", &png);
    assert!(!svg.contains("more clusters"), "twelve clusters fit the palette: none grouped as other");
    assert!(svg.contains(">12. "), "the twelfth cluster has its own legend line");
}

#[test]
fn empty_and_degenerate_graphs_render() {
    let g = CitationGraph::new();
    let svg = render_svg(&g, &[], &opts());
    assert!(svg.starts_with("<svg"));
    assert!(render_png(&g, &[], &opts()).is_ok());
    let g = graphs::sample(1, 1, 0, 1);
    let p = layout(&g, &LayoutOptions::default());
    assert!(render_png(&g, &p, &opts()).is_ok());
    // Missing or non-finite positions do not panic.
    let g = graphs::sample(10, 2, 1, 1);
    let svg = render_svg(&g, &[(f32::NAN, 1.0)], &opts());
    assert!(!svg.contains("NaN"));
}

#[test]
fn graphviz_renders_dot_text() {
    if !tools::graphviz() {
        return;
    }
    let dot = "digraph G { \"a <b>\" -> \"c & d\"; \"c & d\" -> e; }";
    for engine in [graphviz::Engine::Dot, graphviz::Engine::Sfdp, graphviz::Engine::Neato] {
        let svg = graphviz::render(dot, engine, graphviz::OutputFormat::Svg).expect("renders");
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg") && svg.contains("c &amp; d"), "{engine:?}");
    }
    let png = graphviz::render(dot, graphviz::Engine::Dot, graphviz::OutputFormat::Png).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    match graphviz::render("digraph { a -> }", graphviz::Engine::Dot, graphviz::OutputFormat::Svg) {
        Err(graphviz::Error::Failed(msg)) => assert!(msg.contains("syntax"), "{msg}"),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

/// Prints a fingerprint of a layout when run by `layout_ignores_thread_count`.
#[test]
fn layout_fingerprint_helper() {
    if std::env::var_os("CITEMAP_LAYOUT_FINGERPRINT").is_none() {
        return;
    }
    let g = graphs::sample(400, 5, 2, 17);
    let p = layout(&g, &LayoutOptions::default());
    let bits: Vec<String> =
        p.iter().map(|(x, y)| format!("{:08x}{:08x}", x.to_bits(), y.to_bits())).collect();
    println!("FINGERPRINT {}", bits.join(""));
}

#[test]
fn layout_ignores_thread_count() {
    let exe = std::env::current_exe().expect("test binary");
    let run = |threads: &str| {
        let o = std::process::Command::new(&exe)
            .args(["--exact", "layout_fingerprint_helper", "--nocapture", "--test-threads=1"])
            .env("CITEMAP_LAYOUT_FINGERPRINT", "1")
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("runs");
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let at = out.find("FINGERPRINT ").expect("fingerprint printed") + "FINGERPRINT ".len();
        out[at..].split_whitespace().next().expect("fingerprint").to_string()
    };
    let one = run("1");
    assert_eq!(one, run("3"), "rayon thread count changes the layout");
}

/// Prints how rendering fails when run by `missing_graphviz_is_a_clear_error`.
#[test]
fn missing_graphviz_helper() {
    if std::env::var_os("CITEMAP_NO_GRAPHVIZ").is_none() {
        return;
    }
    match graphviz::render("digraph { a -> b }", graphviz::Engine::Dot, graphviz::OutputFormat::Svg) {
        Err(e @ graphviz::Error::NotInstalled) => println!("NOTINSTALLED {e}"),
        other => println!("OTHER {other:?}"),
    }
}

#[test]
fn missing_graphviz_is_a_clear_error() {
    // Run the helper with an empty PATH so `dot` cannot be found.
    let exe = std::env::current_exe().expect("test binary");
    let o = std::process::Command::new(&exe)
        .args(["--exact", "missing_graphviz_helper", "--nocapture", "--test-threads=1"])
        .env("CITEMAP_NO_GRAPHVIZ", "1")
        .env("PATH", "")
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("NOTINSTALLED"), "{out}");
    assert!(out.contains("apt-get install graphviz") && out.contains("brew install graphviz"), "{out}");
}

/// Worst ratio, over pairs of clusters, of the mean distance between their
/// nodes to the larger mean distance inside either: above 1 the clusters sit
/// apart, near 1 they are mixed.
fn worst_separation(pos: &[(f32, f32)], cluster: &[i64]) -> f32 {
    let mut groups: std::collections::BTreeMap<i64, Vec<(f32, f32)>> = Default::default();
    for (p, &c) in pos.iter().zip(cluster) {
        groups.entry(c).or_default().push(*p);
    }
    let mean = |a: &[(f32, f32)], b: &[(f32, f32)], same: bool| {
        let (mut s, mut k) = (0.0f32, 0usize);
        for (i, p) in a.iter().enumerate() {
            for (j, q) in b.iter().enumerate() {
                if !(same && i == j) {
                    s += (p.0 - q.0).hypot(p.1 - q.1);
                    k += 1;
                }
            }
        }
        s / k.max(1) as f32
    };
    let g: Vec<&Vec<(f32, f32)>> = groups.values().collect();
    let mut worst = f32::INFINITY;
    for i in 0..g.len() {
        for j in i + 1..g.len() {
            let inside = mean(g[i], g[i], true).max(mean(g[j], g[j], true));
            worst = worst.min(mean(g[i], g[j], false) / inside);
        }
    }
    worst
}

#[test]
fn each_cluster_gets_its_own_area_despite_crossing_edges() {
    // Three clusters of 8 papers, each a ring with chords, and every paper
    // tied to two papers of other clusters (as text-similarity edges tie the
    // seed listing's records): the clusters must still be drawn apart.
    use citemap::graph::{attr, Attr, Edge, EdgeKind};
    let mut g = CitationGraph::new();
    let (k, m) = (3usize, 8usize);
    for c in 0..k {
        for i in 0..m {
            let mut attrs = Attrs::new();
            attrs.insert(attr::CLUSTER, Attr::Int(c as i64 + 1));
            g.add_node(Node {
                id: format!("W{c}_{i}"),
                kind: NodeKind::Paper,
                label: format!("P{c}.{i}"),
                attrs,
                sources: vec![],
            });
        }
    }
    let idx = |c: usize, i: usize| petgraph::graph::NodeIndex::new(c * m + i % m);
    let edge = || Edge { kind: EdgeKind::Similarity, weight: 1.0, attrs: Attrs::new(), sources: vec![] };
    for c in 0..k {
        for i in 0..m {
            g.graph.add_edge(idx(c, i), idx(c, i + 1), edge());
            g.graph.add_edge(idx(c, i), idx(c, i + 3), edge());
            g.graph.add_edge(idx(c, i), idx((c + 1) % k, i), edge());
            g.graph.add_edge(idx(c, i), idx((c + 2) % k, i + 5), edge());
        }
    }
    let cl: Vec<i64> = (0..k * m).map(|n| (n / m) as i64).collect();
    let separated = worst_separation(&layout(&g, &LayoutOptions::default()), &cl);
    assert!(separated > 1.5, "clusters mixed: separation {separated}");
    // The same graph laid out without regard to clusters mixes them: the
    // test above measures the option, not the graph.
    let plain = layout(
        &g,
        &LayoutOptions { cluster_separation: 1.0, cluster_start: false, ..LayoutOptions::default() },
    );
    let plain = worst_separation(&plain, &cl);
    assert!(plain < 1.2, "without the option the clusters mix ({plain}), so the test measures the option");
}

/// (cx, cy, fill) of the node discs of a built-in SVG (`<g id="nodes">`).
fn node_discs(svg: &str) -> Vec<(f64, f64, String)> {
    let nodes =
        svg.split("<g id=\"nodes\">").nth(1).and_then(|s| s.split("</g>").next()).expect("node group");
    let attr = |el: &str, k: &str| -> Option<String> {
        let start = el.find(&format!(" {k}=\""))? + k.len() + 3;
        Some(el[start..].split('"').next()?.to_string())
    };
    nodes
        .split("<circle")
        .skip(1)
        .filter_map(|el| {
            Some((attr(el, "cx")?.parse().ok()?, attr(el, "cy")?.parse().ok()?, attr(el, "fill")?))
        })
        .collect()
}

#[test]
fn every_cluster_up_to_thirty_has_its_own_colour_then_one_other() {
    use citemap::render::svg::{cluster_colour, OTHER_COLOUR, PALETTE};
    let g = graphs::sample(320, 32, 2, 5);
    let p = layout(&g, &LayoutOptions::default());
    let svg = render_svg(&g, &p, &RenderOptions { height: 1800, ..opts() });
    let cl = citemap::layout::clusters(&g);
    let discs = node_discs(&svg);
    assert!(discs.len() >= 320, "every work is a disc");
    for (i, &c) in cl.iter().enumerate().filter(|&(_, &c)| c > 0) {
        let fill = cluster_colour(c);
        assert!(discs.iter().any(|d| d.2 == fill), "cluster {c} of node {i} drawn in {fill}");
    }
    let drawn: std::collections::BTreeSet<&str> = discs.iter().map(|d| d.2.as_str()).collect();
    for c in 1..=30 {
        assert!(drawn.contains(PALETTE[c - 1]), "cluster {c} has its colour");
    }
    assert_eq!(PALETTE.iter().collect::<std::collections::BTreeSet<_>>().len(), 30, "30 distinct colours");
    assert!(drawn.contains(OTHER_COLOUR), "clusters 31 and 32 share the other colour");
    assert!(svg.contains("2 more clusters"), "the legend names the other rule");
}

#[test]
fn overlay_year_colours_by_year_and_density_draws_a_density() {
    use citemap::render::svg::{sequential_colour, View};
    let g = graphs::sample(60, 4, 2, 21);
    let p = layout(&g, &LayoutOptions::default());
    let svg = render_svg(&g, &p, &RenderOptions { view: View::OverlayYear, ..opts() });
    let discs = node_discs(&svg);
    let fills: std::collections::BTreeSet<&str> = discs.iter().map(|d| d.2.as_str()).collect();
    assert!(fills.contains(sequential_colour(0.0).as_str()), "the oldest works take the start of the scale");
    assert!(fills.contains(sequential_colour(1.0).as_str()), "the newest works take its end");
    assert!(fills.len() > 8, "years spread over the scale: {fills:?}");
    assert!(svg.contains("Publication year") && svg.contains(">1990<"), "legend shows the year range");
    keep(
        "overlay-year.png",
        &render_png(&g, &p, &RenderOptions { view: View::OverlayYear, ..opts() }).unwrap(),
    );

    let dens = render_svg(&g, &p, &RenderOptions { view: View::Density, ..opts() });
    let cells = dens
        .split("<g id=\"density\" shape-rendering=\"crispEdges\">")
        .nth(1)
        .and_then(|s| s.split("</g>").next())
        .expect("density");
    assert!(cells.matches("<rect").count() > 200, "a density surface is drawn");
    assert!(cells.contains(&sequential_colour(1.0)), "its peak takes the top colour");
    assert!(!dens.contains("<path stroke="), "no edges in the density view");
    assert!(!label_texts(&dens).is_empty(), "labels stay");
    keep("density.png", &render_png(&g, &p, &RenderOptions { view: View::Density, ..opts() }).unwrap());
}

#[test]
fn timeline_puts_years_in_order_and_draws_citation_arrows() {
    use citemap::render::svg::View;
    use citemap::render::timeline::select_works;
    let g = graphs::sample(120, 4, 3, 9);
    let o = RenderOptions { view: View::Timeline, max_labels: Some(30), ..opts() };
    let svg = render_svg(&g, &[], &o);
    let chosen = select_works(&g, 30);
    let discs = node_discs(&svg);
    assert_eq!(discs.len(), chosen.len());
    // x grows with the year: discs at the same x share a year.
    let year = |i: usize| match g.graph[petgraph::graph::NodeIndex::new(i)].attrs.get("year") {
        Some(citemap::graph::Attr::Int(y)) => *y,
        _ => panic!("chosen works have years"),
    };
    let mut years: Vec<i64> = chosen.iter().map(|&i| year(i)).collect();
    years.sort();
    years.dedup();
    let mut xs: Vec<f64> = discs.iter().map(|d| d.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    assert_eq!(xs.len(), years.len(), "one column per year");
    let arrows = svg.matches("marker-end=\"url(#arrow)\"").count();
    let expected = g
        .graph
        .edge_indices()
        .filter(|&e| g.graph[e].kind == citemap::graph::EdgeKind::Cites)
        .filter_map(|e| g.graph.edge_endpoints(e))
        .filter(|(a, b)| a != b && chosen.contains(&a.index()) && chosen.contains(&b.index()))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(expected > 0 && arrows == expected, "{arrows} arrows for {expected} citations among the works");
    assert!(svg.contains(&format!(">{}<", years[0])), "year axis");
    let png = render_png(&g, &[], &o).expect("renders");
    keep("timeline.png", &png);
}

#[test]
fn transparent_background_and_dpi() {
    use citemap::render::raster::with_dpi;
    let g = graphs::sample(30, 3, 2, 3);
    let p = layout(&g, &LayoutOptions::default());
    let svg = render_svg(&g, &p, &RenderOptions { transparent: true, ..opts() });
    assert!(!svg.contains(r##"<rect width="1600" height="1200" fill="#ffffff"/>"##), "no background");
    assert!(render_svg(&g, &p, &opts()).contains(r##"<rect width="1600" height="1200" fill="#ffffff"/>"##));
    let png = render_png(&g, &p, &RenderOptions { transparent: true, scale: 2.0, ..opts() }).unwrap();
    let pix = tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!((pix.width(), pix.height()), (3200, 2400), "scale 2 doubles the pixels");
    assert_eq!(pix.pixel(1, pix.height() - 2).unwrap().alpha(), 0, "the corner is transparent");
    let opaque = render_png(&g, &p, &opts()).unwrap();
    let pix = tiny_skia::Pixmap::decode_png(&opaque).unwrap();
    assert_eq!(pix.pixel(1, pix.height() - 2).unwrap().alpha(), 255, "default background is white");
    let tagged = with_dpi(opaque.clone(), 300.0);
    let at = tagged.windows(4).position(|w| w == b"pHYs").expect("pHYs chunk");
    let ppm = u32::from_be_bytes(tagged[at + 4..at + 8].try_into().unwrap());
    assert_eq!(ppm, 11811, "300 dpi = 11811 pixels per metre");
    let back = tiny_skia::Pixmap::decode_png(&tagged).expect("still a valid PNG (CRC checked)");
    assert_eq!(back.width(), 1600);
}

/// Largest share of a colour's discs in one blob: discs are joined when
/// their centres are closer than `reach` (single linkage).
fn largest_blob_share(points: &[(f64, f64)], reach: f64) -> f64 {
    let n = points.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    // Grid of cells of side `reach`: only neighbouring cells are compared.
    let mut cells: std::collections::HashMap<(i64, i64), Vec<usize>> = Default::default();
    for (i, p) in points.iter().enumerate() {
        cells.entry(((p.0 / reach).floor() as i64, (p.1 / reach).floor() as i64)).or_default().push(i);
    }
    for (&(cx, cy), members) in &cells {
        for dx in -1..=1 {
            for dy in -1..=1 {
                let Some(other) = cells.get(&(cx + dx, cy + dy)) else { continue };
                for &a in members {
                    for &b in other {
                        let (p, q) = (points[a], points[b]);
                        if (p.0 - q.0).hypot(p.1 - q.1) <= reach {
                            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                            parent[ra] = rb;
                        }
                    }
                }
            }
        }
    }
    let mut size: std::collections::HashMap<usize, usize> = Default::default();
    for i in 0..n {
        *size.entry(find(&mut parent, i)).or_insert(0) += 1;
    }
    size.values().copied().max().unwrap_or(0) as f64 / n.max(1) as f64
}

/// Checks issue 17's rule on the node discs of a cluster picture: the
/// largest connected blob of each cluster colour (10 or more discs, the
/// "other" and unclustered greys aside) holds at least 90% of that colour's
/// discs. Returns the number of colours checked.
fn assert_clusters_contiguous(discs: &[(f64, f64, String)]) -> usize {
    // Reach: twice the median distance to the nearest disc (a neighbour one
    // disc away; a blob cannot hop over another cluster).
    let mut nearest: Vec<f64> = discs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            discs
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, q)| (p.0 - q.0).hypot(p.1 - q.1))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    nearest.sort_by(f64::total_cmp);
    let reach = 2.0 * nearest[nearest.len() / 2].max(1.0);
    let mut by_fill: std::collections::BTreeMap<&str, Vec<(f64, f64)>> = Default::default();
    for d in discs {
        by_fill.entry(d.2.as_str()).or_default().push((d.0, d.1));
    }
    let mut checked = 0;
    for (fill, pts) in &by_fill {
        if pts.len() < 10
            || *fill == citemap::render::svg::OTHER_COLOUR
            || *fill == citemap::render::svg::UNCLUSTERED_COLOUR
        {
            continue;
        }
        let share = largest_blob_share(pts, reach);
        assert!(
            share >= 0.9,
            "cluster drawn in {fill} is split: its largest blob holds {:.0}% of {} nodes",
            share * 100.0,
            pts.len()
        );
        checked += 1;
    }
    checked
}

#[test]
fn each_cluster_of_a_real_map_is_one_contiguous_region() {
    // Public WoS and Scopus exports with reference lists (../shared/fixtures,
    // provenance in its PROVENANCE.md) through the real `map` command.
    let fixtures = std::path::Path::new("../shared/fixtures/formats");
    let inputs = [
        fixtures.join("wos-plaintext/wos_savedrecs_32_records.txt"),
        fixtures.join("wos-plaintext/wos_sample_bibliometrix.txt"),
        fixtures.join("scopus-csv/scopus_sample_with_references.csv"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
        .args(["--quiet", "map", "--format", "svg", "--date", "2026-11-22"])
        .args(inputs.iter().map(|p| p.to_string_lossy().to_string()))
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("citemap runs");
    assert!(o.status.success(), "map failed: {}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    keep("fixtures-map.svg", svg.as_bytes());
    let discs = node_discs(&svg);
    assert!(discs.len() > 100, "a real map: {} nodes", discs.len());
    let checked = assert_clusters_contiguous(&discs);
    assert!(checked >= 2, "several clusters checked ({checked})");
}

#[test]
fn committed_seed_views_are_current() {
    // graphs/seeds-views/<view>.png: the seeds drawn in each view by the real
    // `map` command with the committed date; regenerate with
    // `citemap map ../shared/seeds --format png --view V --date 2026-11-22 --out DIR`
    // and copy DIR/map.png to graphs/seeds-views/V.png.
    for view in ["timeline", "overlay-year", "density", "umbrella"] {
        let dir = tempfile::tempdir().unwrap();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
            .args([
                "--quiet",
                "map",
                "../shared/seeds",
                "--format",
                "png",
                "--view",
                view,
                "--date",
                "2026-11-22",
                "--out",
            ])
            .arg(dir.path())
            .output()
            .expect("citemap runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let new = std::fs::read(dir.path().join("map.png")).unwrap();
        let old = std::fs::read(format!("graphs/seeds-views/{view}.png")).unwrap_or_default();
        assert!(new == old, "graphs/seeds-views/{view}.png is stale");
        let pix = tiny_skia::Pixmap::decode_png(&new).unwrap();
        assert_eq!((pix.width(), pix.height()), (1600, 1200));
    }
}

/// Runs the `citemap` binary with `args` (quiet, date pinned) and panics
/// with its standard error when it fails.
fn citemap_run(args: &[&str], out: &std::path::Path) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
        .arg("--quiet")
        .args(args)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1795305600") // 2026-11-22, for `overlap`
        .output()
        .expect("citemap runs");
    assert!(o.status.success(), "citemap {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
}

/// Compares a freshly drawn picture with the committed one; with
/// `CITEMAP_UPDATE_GRAPHS=1` in the environment writes it instead.
fn committed_matches(new: &[u8], committed: &str, how: &str) {
    if std::env::var_os("CITEMAP_UPDATE_GRAPHS").is_some() {
        let p = std::path::Path::new(committed);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, new).unwrap();
        return;
    }
    let old = std::fs::read(committed).unwrap_or_default();
    assert!(
        new == old,
        "{committed} is stale: regenerate with {how}, or run this test with CITEMAP_UPDATE_GRAPHS=1"
    );
}

/// (x, y, font-size, text) of every `<text>` inside the group `<g id="{id}">`.
fn texts_in_group(svg: &str, id: &str) -> Vec<(f32, f32, f32, String)> {
    let part = svg
        .split(&format!("<g id=\"{id}\""))
        .nth(1)
        .and_then(|s| s.split_once('>'))
        .and_then(|(_, s)| s.split("</g>").next())
        .unwrap_or("");
    let attr = |el: &str, k: &str| -> Option<String> {
        let start = el.find(&format!(" {k}=\""))? + k.len() + 3;
        Some(el[start..].split('"').next()?.to_string())
    };
    part.split("<text")
        .skip(1)
        .filter_map(|el| {
            let text = el.split_once('>')?.1.split("</text>").next()?.replace("&amp;", "&");
            Some((
                attr(el, "x")?.parse().ok()?,
                attr(el, "y")?.parse().ok()?,
                attr(el, "font-size")?.parse().ok()?,
                text,
            ))
        })
        .collect()
}

#[test]
fn umbrella_view_from_a_matrix_and_from_a_corpus() {
    // graphs/umbrella/: ccaR's 23 reviews x 339 studies matrix through
    // `overlap` (../shared/fixtures/umbrella, provenance in its PROVENANCE.md),
    // and a WoS export whose two reviews cite their studies through `map --view umbrella`.
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("matrix");
    citemap_run(&["overlap", "--matrix", "../shared/fixtures/umbrella/ccaR_cca_23sr_339ps.csv"], &m);
    let svg = std::fs::read_to_string(m.join("review_study.svg")).unwrap();
    for term in
        ["review (23)", "primary study (339)", "included in 4 reviews (5)", "included in 1 review (195)"]
    {
        assert!(svg.contains(term), "legend says {term:?}");
    }
    assert!(!svg.contains("cited work") && !svg.contains(">paper"), "legend in umbrella terms");
    let reviews = svg.split("<g id=\"reviews\">").nth(1).unwrap().split("</g>").next().unwrap();
    assert_eq!(reviews.matches("<rect").count(), 23, "one square per review");
    assert_eq!(node_discs(&svg).len(), 339, "one disc per primary study");
    let edges = svg.split("<g id=\"edges\"").nth(1).unwrap().split("</g>").next().unwrap();
    assert_eq!(edges.matches('M').count(), 563, "one line per inclusion");
    // Every review is labelled, inside the picture, labels never repeat.
    let labels = texts_in_group(&svg, "review-labels");
    assert_eq!(labels.len(), 23);
    assert!(labels.iter().all(|l| l.0 > 0.0 && !l.3.ends_with('…')));
    let study_labels = label_texts(&svg);
    let distinct: std::collections::BTreeSet<&String> = study_labels.iter().map(|l| &l.3).collect();
    assert_eq!(distinct.len(), study_labels.len(), "study labels are unique");
    let png = std::fs::read(m.join("review_study.png")).unwrap();
    committed_matches(
        &png,
        "graphs/umbrella/ccaR_cca_23sr_339ps.png",
        "`SOURCE_DATE_EPOCH=1795305600 citemap overlap --matrix ../shared/fixtures/umbrella/ccaR_cca_23sr_339ps.csv --out DIR` (DIR/review_study.png)",
    );

    let c = dir.path().join("corpus");
    citemap_run(
        &[
            "map",
            "../shared/fixtures/formats/wos-plaintext/wos_savedrecs_32_records.txt",
            "--format",
            "png,svg",
            "--view",
            "umbrella",
            "--date",
            "2026-11-22",
        ],
        &c,
    );
    let svg = std::fs::read_to_string(c.join("map.svg")).unwrap();
    assert!(
        svg.contains("review (2)") && svg.contains("reviews: the works typed as reviews"),
        "the two typed reviews"
    );
    assert!(node_discs(&svg).len() > 100, "their cited works are the primary studies");
    committed_matches(
        &std::fs::read(c.join("map.png")).unwrap(),
        "graphs/umbrella/wos_savedrecs_32_records.png",
        "`citemap map ../shared/fixtures/formats/wos-plaintext/wos_savedrecs_32_records.txt --format png --view umbrella --date 2026-11-22 --out DIR` (DIR/map.png)",
    );
}

#[test]
fn timeline_fills_the_canvas_and_no_legend_text_is_cut() {
    use citemap::graph::{attr, Attr};
    use citemap::render::svg::View;
    let mut g = graphs::sample(120, 4, 3, 9);
    // Cluster names as long as real ones.
    for n in g.graph.node_weights_mut() {
        if let Some(Attr::Int(c)) = n.attrs.get(attr::CLUSTER).cloned() {
            n.attrs.insert(
                attr::CLUSTER_NAME,
                Attr::text(format!("community mental health, complex emotional needs, long term care {c}")),
            );
        }
    }
    let o = RenderOptions { view: View::Timeline, max_labels: Some(30), ..opts() };
    let svg = render_svg(&g, &[], &o);
    let legend = texts_in_group(&svg, "legend");
    assert!(legend.len() >= 5, "legend drawn: {legend:?}");
    for (x, _, size, t) in &legend {
        let w = citemap::render::glyph_widths::text_width(t, *size, false);
        assert!(x + w <= 1600.0, "legend text {t:?} runs past the edge: {x} + {w}");
        assert!(!t.ends_with('…'), "legend text cut: {t:?}");
    }
    let joined: String = legend.iter().map(|l| l.3.as_str()).collect::<Vec<_>>().join(" ");
    assert!(joined.contains("long term care 1"), "whole names shown: {joined}");
    // The drawing fills the canvas: discs span most of its height and width.
    let discs = node_discs(&svg);
    let span = |f: fn(&(f64, f64, String)) -> f64| {
        let v: Vec<f64> = discs.iter().map(f).collect();
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
    };
    assert!(span(|d| d.1) > 0.7 * 1200.0, "vertical span {}", span(|d| d.1));
    assert!(span(|d| d.0) > 0.5 * 1600.0, "horizontal span {}", span(|d| d.0));
    keep("timeline-long-names.png", &render_png(&g, &[], &o).unwrap());
}

#[test]
fn drawn_labels_of_the_seed_pictures_are_unique() {
    // The committed seeds map (kept current by tests/seeds.rs) had two
    // "BMC Psychiatry 2022" labels.
    let svg = std::fs::read_to_string("graphs/seeds/map.svg").expect("graphs/seeds/map.svg");
    let labels = label_texts(&svg);
    assert!(labels.len() > 20, "labels drawn: {}", labels.len());
    let mut seen = std::collections::BTreeSet::new();
    for l in &labels {
        assert!(seen.insert(l.3.to_lowercase()), "label drawn twice: {:?}", l.3);
    }
    assert!(
        labels.iter().any(|l| l.3.starts_with("BMC Psychiatry 2022")),
        "the venue-year works are labelled"
    );
    // The timeline of the seeds too.
    let dir = tempfile::tempdir().unwrap();
    citemap_run(
        &["map", "../shared/seeds", "--format", "svg", "--view", "timeline", "--date", "2026-11-22"],
        dir.path(),
    );
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    let labels = label_texts(&svg);
    let distinct: std::collections::BTreeSet<String> = labels.iter().map(|l| l.3.to_lowercase()).collect();
    assert_eq!(distinct.len(), labels.len(), "timeline labels unique: {labels:?}");
}

#[test]
fn committed_fixture_views_are_current() {
    // graphs/fixtures/: all 35 public export files of ../shared/fixtures/formats
    // (about 9,000 works; provenance in its PROVENANCE.md) drawn in every
    // view by the real `map` command. Debug-build runtime of this test:
    // 50-95 s on the shared 2-core machine (measured 2026-12-05; five map
    // runs of 7-11 s each).
    let how = |v: &str| {
        format!("`citemap map ../shared/fixtures/formats --format png,svg --view {v} --date 2026-11-22 --out DIR`")
    };
    for view in ["clusters", "overlay-year", "density", "timeline", "umbrella"] {
        let dir = tempfile::tempdir().unwrap();
        citemap_run(
            &[
                "map",
                "../shared/fixtures/formats",
                "--format",
                "png,svg",
                "--view",
                view,
                "--date",
                "2026-11-22",
            ],
            dir.path(),
        );
        let png = std::fs::read(dir.path().join("map.png")).unwrap();
        let pix = tiny_skia::Pixmap::decode_png(&png).unwrap();
        assert_eq!((pix.width(), pix.height()), (1600, 1200));
        committed_matches(&png, &format!("graphs/fixtures/{view}.png"), &how(view));
        let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
        let labels = label_texts(&svg);
        let distinct: std::collections::BTreeSet<String> =
            labels.iter().map(|l| l.3.to_lowercase()).collect();
        assert_eq!(distinct.len(), labels.len(), "{view}: labels unique");
        if view == "clusters" {
            // Issue 17: each cluster's colour one blob holding >= 90% of its drawn nodes.
            let discs = node_discs(&svg);
            assert!(discs.len() > 1000, "the drawn part of the map: {}", discs.len());
            let checked = assert_clusters_contiguous(&discs);
            assert!(checked >= 15, "most of the clusters checked ({checked})");
            committed_matches(
                &std::fs::read(dir.path().join("overview.png")).unwrap(),
                "graphs/fixtures/overview.png",
                &how(view),
            );
        }
    }
}

#[test]
fn the_exported_map_opens_in_graphviz() {
    // Issue 17: each export validated by its tool; networkx and igraph read
    // the others (tests/exports.rs), Graphviz reads the DOT of the map.
    if !tools::graphviz() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_citemap"))
            .arg("--quiet")
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .expect("citemap runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&["ingest", "../shared/fixtures/formats/wos-plaintext/wos_savedrecs_32_records.txt"]);
    let dot = dir.path().join("map.dot");
    let json = dir.path().join("map.json");
    run(&["export", "--format", "dot", "--out", dot.to_str().unwrap()]);
    run(&["export", "--format", "json", "--out", json.to_str().unwrap()]);
    let nodes = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&json).unwrap()).unwrap()
        ["nodes"]
        .as_array()
        .unwrap()
        .len();
    let svg = graphviz::render(
        &std::fs::read_to_string(&dot).unwrap(),
        graphviz::Engine::Dot,
        graphviz::OutputFormat::Svg,
    )
    .expect("Graphviz reads the map's DOT");
    let svg = String::from_utf8(svg).unwrap();
    assert!(nodes > 50, "a real map: {nodes} works");
    assert_eq!(svg.matches("class=\"node\"").count(), nodes, "Graphviz draws every work of the map");
}
