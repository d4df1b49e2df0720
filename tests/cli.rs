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

fn citemap_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .expect("citemap runs")
}

fn envelope(o: &Output) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    for key in ["query", "status", "results", "candidates", "warnings"] {
        assert!(v.get(key).is_some(), "{key} missing from {v}");
    }
    assert!(v["results"].is_array() && v["candidates"].is_array() && v["warnings"].is_array(), "{v}");
    v
}

#[test]
fn queries_share_one_json_envelope_and_exit_with_their_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let q = |args: &[&str]| {
        let mut all = vec!["--store", store.as_str(), "--json", "query"];
        all.extend_from_slice(args);
        citemap(&all)
    };
    // Found: code 0, the answer in `results`.
    let o = q(&["top", "--by", "works", "-n", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = envelope(&o);
    assert_eq!(v["status"], "found");
    assert_eq!(v["query"]["command"], "top");
    assert_eq!(v["query"]["by"], "works");
    assert_eq!(v["results"].as_array().map(Vec::len), Some(3));
    let o = q(&["coauthors", "C IMBERT"]);
    assert_eq!(o.status.code(), Some(0));
    let v = envelope(&o);
    assert_eq!((v["status"].as_str(), v["query"]["name"].as_str()), (Some("found"), Some("C IMBERT")));
    assert_eq!(v["results"][0]["person"]["name"], "C IMBERT");
    // Not found: 3.
    let o = q(&["author", "Nobody Zzyzx"]);
    assert_eq!(o.status.code(), Some(3));
    let v = envelope(&o);
    assert_eq!(v["status"], "not_found");
    assert_eq!(v["results"], serde_json::json!([]));
    // No co-authorship chain between two people who exist: 5, with and without --json.
    let o = q(&["path", "C IMBERT", "Wen Ting-Dun"]);
    assert_eq!(o.status.code(), Some(5));
    let v = envelope(&o);
    assert_eq!(v["status"], "no_path");
    assert_eq!(v["results"][0]["to"]["name"], "Wen Ting-Dun");
    let o = citemap(&["--store", &store, "query", "path", "C IMBERT", "Wen Ting-Dun"]);
    assert_eq!(o.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&o.stdout).contains("not connected"));
    // An unknown ranking is a usage error before any work.
    let o = q(&["top", "--by", "fame"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pagerank"));
}

#[test]
fn an_ambiguous_name_lists_the_candidates_and_exits_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ris = dir.path().join("two.ris");
    std::fs::write(
        &ris,
        "TY  - JOUR\nAU  - Smith, John\nTI  - Soil carbon under alpine meadows after grazing\nPY  - 2019\nER  - \n\n\
         TY  - JOUR\nAU  - Smith, Jane\nTI  - Postnatal depression screening in primary care clinics\nPY  - 2021\nER  - \n",
    )
    .expect("write");
    let store = dir.path().join("s.db").to_string_lossy().into_owned();
    let o = citemap(&["-q", "--store", &store, "ingest", ris.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = citemap(&["--store", &store, "--json", "query", "coauthors", "Smith, J"]);
    assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stdout));
    let v = envelope(&o);
    assert_eq!(v["status"], "ambiguous");
    let names: Vec<&str> =
        v["candidates"].as_array().expect("array").iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names.len(), 2, "{v}");
    let o = citemap(&["--store", &store, "query", "author", "Smith, J"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&o.stdout).contains("matches 2 people"));
}

#[test]
fn configuration_sections_set_every_stage_and_flags_override_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store(dir.path());
    let network = |extra: &[&str]| {
        let mut args = vec!["--store", store.as_str(), "network"];
        args.extend_from_slice(extra);
        let o = citemap_in(dir.path(), &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    // Without a configuration the kind is chosen from the corpus.
    assert!(network(&[]).starts_with("network: hybrid ("), "{}", network(&[]));
    // [network] kind in ./config.toml is used; --kind beats it.
    std::fs::write(
        dir.path().join("config.toml"),
        "[network]\nkind = \"coupling\"\n\n[picture]\nwidth = 800\n",
    )
    .expect("write");
    assert!(network(&[]).starts_with("network: coupling\n"), "{}", network(&[]));
    assert!(network(&["--kind", "coauthor"]).starts_with("network: coauthor\n"));
    let o = citemap_in(dir.path(), &["config"]);
    let effective = citemap::config::Config::from_toml(&String::from_utf8_lossy(&o.stdout)).expect("parses");
    assert_eq!(effective.picture.width, 800);
    assert_eq!(effective.network.kind, Some(citemap::analysis::network::NetworkKind::Coupling));
    assert_eq!(effective.layout, citemap::layout::LayoutOptions::default());
    // A bad value in a flag the library cannot check is a usage error too.
    let o = citemap_in(dir.path(), &["--store", &store, "network", "--hybrid", "fame=1"]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_config_toml_of_another_tool_is_said_once_and_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A Python project's config.toml, say.
    std::fs::write(dir.path().join("config.toml"), "[tool.black]\nline-length = 100\n").expect("write");
    let o = citemap_in(dir.path(), &["config"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("not a citemap configuration").count(), 1, "{err}");
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(printed.starts_with("# effective configuration: built-in defaults"), "{printed}");
    assert_eq!(
        citemap::config::Config::from_toml(&printed).expect("parses"),
        citemap::config::Config::default()
    );
    // Named with --config, the same file is a usage error; so is a citemap
    // section with a mistyped key in ./config.toml.
    let o = citemap_in(dir.path(), &["--config", "config.toml", "config"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a valid citemap configuration"));
    std::fs::write(dir.path().join("config.toml"), "[cluster]\nsede = 1\n").expect("write");
    let o = citemap_in(dir.path(), &["config"]);
    assert_eq!(o.status.code(), Some(2));
    // A missing --config file is a failure (1), not a usage error.
    let o = citemap_in(dir.path(), &["--config", "nowhere.toml", "config"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn every_graph_export_is_written_as_the_render_format_of_its_name() {
    for f in citemap::export::Format::value_variants() {
        let name = f.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
        let as_render = citemap::render::Format::from_str(&name, false);
        match f.target() {
            citemap::export::Target::Graph => assert!(as_render.is_ok(), "{name} is no render::Format"),
            _ => assert!(as_render.is_err(), "{name}"),
        }
    }
}
