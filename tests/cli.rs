//! Command-line conventions: closed choices are usage errors (exit 2) found
//! by clap before any work, with the valid names taken from the enums.

use clap::ValueEnum;
use std::path::Path;
use std::process::{Command, Output};

fn citemap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citemap"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .expect("citemap runs")
}

fn names<E: ValueEnum>() -> Vec<String> {
    E::value_variants()
        .iter()
        .filter_map(|v| v.to_possible_value())
        .map(|p| p.get_name().to_string())
        .collect()
}

/// A store of 32 public WoS records (../shared/fixtures, see its PROVENANCE.md).
fn store(dir: &Path) -> String {
    let store = dir.join("s.db").to_str().expect("utf-8 path").to_string();
    let input = "../shared/fixtures/formats/wos-plaintext/wos_savedrecs_32_records.txt";
    let o = citemap(&["--quiet", "--store", &store, "ingest", input]);
    assert!(o.status.success(), "ingest failed: {}", String::from_utf8_lossy(&o.stderr));
    store
}

#[test]
fn unknown_export_format_is_a_usage_error_before_any_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let out = dir.path().join("g.graphmlx");
    let started = std::time::Instant::now();
    let o = citemap(&[
        "--store",
        &store,
        "export",
        "--format",
        "graphmlx",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains("graphmlx"), "{err}");
    // The whole list, generated from the enum: records formats too, no pdf.
    let valid = names::<citemap::export::Format>();
    for name in &valid {
        assert!(err.contains(name.as_str()), "{name} missing from: {err}");
    }
    assert!(valid.iter().any(|n| n == "ris") && valid.iter().any(|n| n == "csl-json"));
    assert!(!valid.iter().any(|n| n == "pdf"), "export cannot write pdf: {valid:?}");
    assert!(!err.contains("pdf"), "{err}");
    // Nothing analysed, nothing written (no progress lines, no file).
    assert!(!err.contains("building") && !err.contains("clustering"), "{err}");
    assert!(!out.exists());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn every_closed_choice_rejects_unknown_names_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("none.db");
    let store = store.to_str().expect("utf-8");
    let out = dir.path().join("x.svg");
    let out = out.to_str().expect("utf-8");
    // The store does not exist: a late check would fail with exit 1 instead.
    let cases: [(&[&str], Vec<String>); 6] = [
        (&["render", "--out", out, "--engine", "circo"], names::<citemap::render::Engine>()),
        (&["render", "--out", out, "--format", "eps"], names::<citemap::render::Format>()),
        (&["network", "--kind", "friendship"], names::<citemap::analysis::network::NetworkKind>()),
        (&["clusters", "--quality", "surprise"], names::<citemap::analysis::cluster::Quality>()),
        (&["map", "x.ris", "--out", out, "--format", "svg,pdf"], names::<citemap::config::MapFormat>()),
        (&["export", "--out", out, "--format", "pdf"], names::<citemap::export::Format>()),
    ];
    for (args, valid) in cases {
        let mut all = vec!["--store", store];
        all.extend_from_slice(args);
        let o = citemap(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(valid.len() >= 2, "{args:?}");
        for name in &valid {
            assert!(err.contains(name.as_str()), "{args:?}: {name} missing from {err}");
        }
    }
    assert!(!dir.path().join("none.db").exists());
}

#[test]
fn choices_ignore_case_and_aliases_still_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let out = dir.path().join("records.json");
    let o = citemap(&[
        "--quiet",
        "--store",
        &store,
        "export",
        "--format",
        "CSL-JSON",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).expect("written");
    assert!(text.trim_start().starts_with('['), "{text}");
    let o = citemap(&["--quiet", "--store", &store, "network", "--kind", "co-citation"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(said.contains("network: cocitation"), "{said}");
}

#[test]
fn completions_and_man_page_come_from_the_clap_definition() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("citemap runs");
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).expect("UTF-8")
    };
    // A broken config.toml does not stop them.
    std::fs::write(dir.path().join("config.toml"), "not toml [").expect("write");
    let bash = run(&["completions", "bash"]);
    assert!(bash.contains("_citemap()"), "{bash}");
    for word in ["export", "dedup-report", "--format", "--engine"] {
        assert!(bash.contains(word), "{word} missing from the bash completions");
    }
    // Closed choices are completed with the enum's names.
    for name in names::<citemap::export::Format>() {
        assert!(bash.contains(&name), "{name} missing from the bash completions");
    }
    let fish = run(&["completions", "FISH"]);
    assert!(fish.contains("complete -c citemap"), "{fish}");
    let man = run(&["man"]);
    assert!(man.starts_with(".ie") || man.contains(".TH citemap"), "{}", &man[..man.len().min(300)]);
    assert!(man.contains(".TH citemap") && man.contains("dedup\\-report"), "{man}");
    let o = Command::new(env!("CARGO_BIN_EXE_citemap")).args(["completions", "tcsh"]).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
}
