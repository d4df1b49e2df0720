//! Headless Chromium test of the HTML export: the page runs without console
//! errors, a URL fragment search finds a known node, a screenshot shows the
//! graph, and a hostile title stays text. Skips with a message when no
//! Chromium is installed, fails when CI is set (`.ci/run` installs the Debian
//! `chromium` package).

#[path = "support/render_graphs.rs"]
mod graphs;
#[path = "support/tools.rs"]
mod tools;

use citemap::export::html;
use citemap::layout::{layout, LayoutOptions};
use resvg::tiny_skia;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs headless Chromium on `url` with `extra` flags; returns (stdout, stderr).
fn run(browser: &str, profile: &Path, url: &str, extra: &[&str]) -> (String, String) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let o = child.wait_with_output().expect("output");
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("Uncaught") || (l.contains("CONSOLE") && l.contains("ERROR")))
        .collect()
}

fn page(dir: &Path) -> PathBuf {
    let g = graphs::sample(80, 4, 2, 5);
    let p = layout(&g, &LayoutOptions::default());
    let mut out = Vec::new();
    let opts =
        html::Options { title: "Browser test".into(), date: Some("2026-11-22".into()), positions: Some(p) };
    html::write(&g, &mut out, &opts).unwrap();
    let path = dir.join("map.html");
    std::fs::write(&path, out).unwrap();
    path
}

/// A 1200x800 screenshot of `url` in a fresh profile `dir/profile`, with no
/// console error; kept as `target/render-test/keep` for a look.
fn screenshot(browser: &str, dir: &Path, profile: &str, url: &str, keep: &str) -> tiny_skia::Pixmap {
    let shot = dir.join(format!("{profile}.png"));
    let (_, err) = run(
        browser,
        &dir.join(profile),
        url,
        &[&format!("--screenshot={}", shot.display()), "--window-size=1200,800", "--hide-scrollbars"],
    );
    assert!(console_errors(&err).is_empty(), "console errors: {:?}", console_errors(&err));
    let png = std::fs::read(&shot).expect("screenshot written");
    let kept = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/render-test");
    std::fs::create_dir_all(&kept).unwrap();
    std::fs::write(kept.join(keep), &png).unwrap();
    tiny_skia::Pixmap::decode_png(&png).unwrap()
}

#[test]
fn html_page_works_in_headless_chromium() {
    let Some(browser) = tools::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = page(dir.path());
    let url = format!("file://{}", file.display());

    // Search through the fragment; the DOM the script built lists the hits.
    let (dom, err) = run(browser, &dir.path().join("p1"), &format!("{url}#search=Hayes"), &["--dump-dom"]);
    assert!(console_errors(&err).is_empty(), "console errors: {:?}", console_errors(&err));
    assert!(dom.contains(r#"data-ready="true""#), "the script ran to the end");
    let results = &dom[dom.find(r#"<ol id="results">"#).expect("results list")..];
    let results = &results[..results.find("</ol>").unwrap()];
    assert!(results.matches("<li").count() >= 3, "search hits listed: {results}");
    assert!(results.contains("Hayes"));
    assert!(dom.contains("found"));

    // Open the node with the hostile title: it is shown as text, not markup.
    let (dom, err) =
        run(browser, &dir.path().join("p2"), &format!("{url}#node=W000000000000"), &["--dump-dom"]);
    assert!(console_errors(&err).is_empty(), "console errors: {:?}", console_errors(&err));
    assert!(dom.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), "title shown as text");
    assert!(!dom.contains("<img"), "no element was injected");
    assert!(dom.contains("Provenance") && dom.contains("refs.ris:1 [R0]"));

    // A screenshot shows the graph: plenty of non-white pixels in the canvas area.
    let pix = screenshot(browser, dir.path(), "p3", &url, "browser.png");
    let (w, h) = (pix.width() as usize, pix.height() as usize);
    let coloured = (h / 8..h)
        .flat_map(|y| (0..w * 2 / 3).map(move |x| y * w + x))
        .filter(|&i| {
            let c = pix.pixels()[i];
            c.red().abs_diff(c.blue()) > 40 || c.green().abs_diff(c.blue()) > 40
        })
        .count();
    assert!(coloured > 3000, "graph drawn on the canvas: {coloured} coloured pixels");
}

/// The graph data a page embeds (`<script type="application/json" id="graph-data">`).
fn page_data(html: &str) -> serde_json::Value {
    let start = html.find(r#"id="graph-data">"#).expect("data block") + r#"id="graph-data">"#.len();
    let end = start + html[start..].find("</script>").expect("end of data");
    serde_json::from_str(&html[start..end]).expect("data is JSON")
}

#[test]
fn html_map_of_the_seeds_meets_what_a_reviewer_checks() {
    // Issue 17: every node in a legend line (a cluster or "unclustered"),
    // the year filter spans the corpus's real years, search finds authors
    // and DOIs, and no label is cut by the side panel (screenshot).
    let Some(browser) = tools::chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let file = dir.path().join("map.html");
    let cli = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
            .arg("--quiet")
            .arg("--store")
            .arg(&store)
            .args(args)
            .env("SOURCE_DATE_EPOCH", "1795305600")
            .output()
            .expect("citemap runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    cli(&["ingest", "../shared/seeds"]);
    cli(&["export", "--format", "html", "--out", file.to_str().unwrap()]);
    let html = std::fs::read_to_string(&file).unwrap();
    let data = page_data(&html);
    let nodes = data["nodes"].as_array().unwrap();
    assert!(nodes.len() > 20, "the seeds map: {} nodes", nodes.len());
    let url = format!("file://{}", file.display());

    // Legend: one line per cluster the nodes carry, counts adding up to every node.
    let (dom, err) = run(browser, &dir.path().join("p1"), &url, &["--dump-dom"]);
    assert!(console_errors(&err).is_empty(), "console errors: {:?}", console_errors(&err));
    let legend = &dom[dom.find(r#"<ul id="legend">"#).expect("legend")..];
    let legend = &legend[..legend.find("</ul>").unwrap()];
    let mut by_cluster: std::collections::BTreeMap<i64, usize> = Default::default();
    for n in nodes {
        *by_cluster.entry(n["c"].as_i64().unwrap_or(0)).or_insert(0) += 1;
    }
    assert_eq!(legend.matches("<li").count(), by_cluster.len(), "a legend line per cluster: {legend}");
    for (c, k) in &by_cluster {
        let line = if *c == 0 { format!("unclustered ({k})") } else { format!("{c}. ") };
        assert!(legend.contains(&line), "legend shows {line:?}: {legend}");
    }
    let counted: usize =
        legend.split(" (").skip(1).filter_map(|s| s.split(')').next()?.parse::<usize>().ok()).sum();
    assert_eq!(counted, nodes.len(), "every node is in a legend line");

    // Labels are unique ("BMC Psychiatry 2022" was shown twice).
    let labels: std::collections::BTreeSet<String> =
        nodes.iter().map(|n| n["label"].as_str().unwrap().to_lowercase()).collect();
    assert_eq!(labels.len(), nodes.len(), "every node has its own label");

    // Year filter: the papers' own years, not a cited work from antiquity.
    let years: Vec<i64> =
        nodes.iter().filter(|n| n["kind"] == "paper").filter_map(|n| n["year"].as_i64()).collect();
    let (lo, hi) = (years.iter().min().unwrap(), years.iter().max().unwrap());
    let from = &dom[dom.find(r#"id="year-from""#).expect("year filter")..];
    let from = &from[..from.find('>').unwrap()];
    assert!(from.contains(&format!(r#"min="{lo}""#)) && from.contains(&format!(r#"max="{hi}""#)), "{from}");
    assert!(*lo >= 1900 && *hi <= 2026, "a real range: {lo}-{hi}");

    // Search by an author who is not first in any label, and by a DOI.
    let mut author_case = None;
    for n in nodes {
        for a in n["authors"].as_array().into_iter().flatten().filter_map(|a| a.as_str()) {
            // "Family, G." or "G Family".
            let family = match a.split_once(',') {
                Some((f, _)) => f.trim(),
                None => a.split_whitespace().last().unwrap_or(""),
            };
            let in_labels = nodes.iter().any(|m| m["label"].as_str().unwrap_or("").contains(family));
            if family.len() > 3 && !in_labels && author_case.is_none() {
                author_case = Some((family.to_string(), n["label"].as_str().unwrap().to_string()));
            }
        }
    }
    let (family, label) = author_case.expect("a co-author who is in no label");
    let (dom, err) = run(browser, &dir.path().join("p2"), &format!("{url}#search={family}"), &["--dump-dom"]);
    assert!(console_errors(&err).is_empty(), "console errors: {:?}", console_errors(&err));
    let results = &dom[dom.find(r#"<ol id="results">"#).unwrap()..];
    let results = &results[..results.find("</ol>").unwrap()];
    assert!(results.contains(&label), "searching {family:?} finds {label:?}: {results}");
    let doi_node =
        nodes.iter().find(|n| n["attrs"]["doi"].is_string()).expect("a work with a DOI in the seeds");
    let doi = doi_node["attrs"]["doi"].as_str().unwrap();
    let (dom, _) = run(browser, &dir.path().join("p3"), &format!("{url}#search={doi}"), &["--dump-dom"]);
    assert!(dom.contains(">1 found<"), "the DOI finds its one work");
    assert!(dom.contains(doi_node["label"].as_str().unwrap()));

    // Screenshot: the canvas ends at the panel (340 px wide); no label
    // text (dark pixels) in the canvas's last columns, so none is cut there,
    // and every cluster colour is drawn.
    let pix = screenshot(browser, dir.path(), "p4", &url, "browser-seeds.png");
    let (w, h) = (pix.width() as usize, pix.height() as usize);
    let px = |x: usize, y: usize| pix.pixels()[y * w + x];
    let dark = |x: usize, y: usize| {
        let c = px(x, y);
        c.red() < 100 && c.green() < 100 && c.blue() < 100
    };
    // The panel's left border: the first column from the right of the page
    // 340 px in (±2 for the border).
    let edge = w - 340;
    let text_rows = (60..h).filter(|&y| (edge - 4..edge - 1).any(|x| dark(x, y))).count();
    assert_eq!(text_rows, 0, "label text runs into the panel's edge in {text_rows} rows");
    let labelled = (60..h).filter(|&y| (0..edge - 4).any(|x| dark(x, y))).count();
    assert!(labelled > 50, "labels are drawn on the canvas ({labelled} rows with text)");
    for c in data["clusters"].as_array().unwrap() {
        let hex = c["colour"].as_str().unwrap();
        let rgb = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
        let (r, g, b) = (rgb(1), rgb(3), rgb(5));
        let drawn = (60..h)
            .flat_map(|y| (0..edge).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = px(x, y);
                p.red().abs_diff(r) < 6 && p.green().abs_diff(g) < 6 && p.blue().abs_diff(b) < 6
            })
            .count();
        assert!(drawn > 20, "cluster {} drawn in {hex}: {drawn} pixels", c["label"]);
    }
}
