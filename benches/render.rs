//! Render benchmarks (harness = false, run with `cargo bench --bench render`):
//! ForceAtlas2 layout of a 10k-node graph, layout + PNG of a 50k-node graph
//! with the peak resident memory (VmHWM), and GraphML export of 100k works
//! against networkx's `write_graphml` on the same graph
//! (scripts/networkx_graphml_bench.py, skipped when networkx is missing).
//!
//! Graphs are synthetic and seeded (tests/support/render_graphs.rs).

#[path = "../tests/support/render_graphs.rs"]
mod graphs;

use citemap::export::{graphml, json};
use citemap::layout::{layout, LayoutOptions};
use citemap::render::svg::{render_png, render_svg, RenderOptions};
use std::process::Command;
use std::time::Instant;

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs a tiny smoke version.
    let full = std::env::args().any(|a| a == "--bench");
    let (n_layout, n_render, n_export) = if full { (10_000, 50_000, 100_000) } else { (500, 1_000, 2_000) };

    let g = graphs::sample(n_layout, 12, 3, 1);
    let t = Instant::now();
    let p = layout(&g, &LayoutOptions::default());
    println!(
        "layout: {} nodes, {} edges, {} iterations: {:.2} s",
        g.node_count(),
        g.edge_count(),
        LayoutOptions::default().iterations_for(g.node_count()),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(p.len(), g.node_count());

    let g = graphs::sample(n_render, 20, 3, 2);
    let t = Instant::now();
    let p = layout(&g, &LayoutOptions::default());
    let t_layout = t.elapsed().as_secs_f64();
    let opts =
        RenderOptions { title: "Benchmark".into(), date: Some("2026-11-22".into()), ..Default::default() };
    let t = Instant::now();
    let svg = render_svg(&g, &p, &opts);
    let t_svg = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let png = render_png(&g, &p, &opts).expect("png");
    let t_png = t.elapsed().as_secs_f64();
    println!(
        "render: {} nodes, {} edges: layout {:.2} s ({} iterations), svg {:.2} s ({} KB), svg+png {:.2} s ({} KB); VmHWM {}",
        g.node_count(),
        g.edge_count(),
        t_layout,
        LayoutOptions::default().iterations_for(g.node_count()),
        t_svg,
        svg.len() / 1024,
        t_png,
        png.len() / 1024,
        vm_hwm()
    );
    // Kept for a person to look at.
    let keep = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/render-test");
    if std::fs::create_dir_all(&keep).is_ok() {
        let _ = std::fs::write(keep.join(format!("bench-{}.png", g.node_count())), &png);
    }
    drop((svg, png, p, g));

    let g = graphs::sample(n_export, 20, 3, 3);
    let mut out = Vec::with_capacity(64 << 20);
    let t = Instant::now();
    graphml::write(&g, &mut out, &graphml::Options::default()).expect("graphml");
    println!(
        "graphml (citemap): {} nodes, {} edges: {:.2} s, {} KB",
        g.node_count(),
        g.edge_count(),
        t.elapsed().as_secs_f64(),
        out.len() / 1024
    );
    let dir = std::env::temp_dir().join(format!("citemap-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("graph.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    json::write(&g, &mut f, &json::Options::default()).expect("json");
    drop(f);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/networkx_graphml_bench.py");
    match Command::new("python3").arg(script).arg(&path).output() {
        Ok(o) if o.status.success() => print!("{}", String::from_utf8_lossy(&o.stdout)),
        Ok(o) => println!("graphml (networkx): skipped: {}", String::from_utf8_lossy(&o.stderr).trim()),
        Err(e) => println!("graphml (networkx): skipped: python3 not runnable: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
