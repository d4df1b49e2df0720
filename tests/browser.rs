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
    let shot = dir.path().join("shot.png");
    let (_, err) = run(
        browser,
        &dir.path().join("p3"),
        &url,
        &[&format!("--screenshot={}", shot.display()), "--window-size=1200,800", "--hide-scrollbars"],
    );
    assert!(console_errors(&err).is_empty(), "console errors: {:?}", console_errors(&err));
    let png = std::fs::read(&shot).expect("screenshot written");
    let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/render-test");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::write(keep.join("browser.png"), &png).unwrap();
    let pix = tiny_skia::Pixmap::decode_png(&png).unwrap();
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
