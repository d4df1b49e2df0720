//! Results kept in the store: a command on an unchanged store reads the
//! resolved corpus and the analysis back instead of recomputing them, and
//! writes byte for byte what a fresh computation writes; a new input, other
//! settings or another build computes again.
//!
//! Fixtures: `tests/fixtures/merge` (the same 15 synthetic works exported as
//! WoS plain text and as RIS, see its README).

use std::path::Path;
use std::process::Command;

const WOS: &str = "tests/fixtures/merge/works.wos.txt";
const RIS: &str = "tests/fixtures/merge/works.ris";

/// Runs citemap on `store`; returns stdout and stderr (progress lines on).
fn run(store: &Path, args: &[&str]) -> (Vec<u8>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .expect("citemap runs");
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "citemap {args:?} failed: {err}");
    (o.stdout, err)
}

fn ingest(store: &Path, files: &[&str]) {
    for f in files {
        run(store, &["--quiet", "ingest", f]);
    }
}

/// `export --format graphml` into `dir`; returns the bytes and stderr.
fn graphml(store: &Path, dir: &Path, extra: &[&str]) -> (Vec<u8>, String) {
    let out = dir.join("g.graphml");
    let mut args = extra.to_vec();
    args.extend(["export", "--format", "graphml", "--out", out.to_str().expect("utf-8")]);
    let (_, err) = run(store, &args);
    (std::fs::read(&out).expect("graphml written"), err)
}

fn loaded(err: &str, what: &str) -> bool {
    err.contains(&format!("{what}: loaded from store"))
}

fn computed(err: &str, what: &str) -> bool {
    err.contains(&format!("{what}: computed"))
}

#[test]
fn warm_runs_read_what_cold_runs_computed_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.db");
    ingest(&a, &[WOS]);

    // show: the first run resolves, the second reads the kept corpus (and
    // prints what a fresh store prints). `--json` turns progress lines off.
    let show = ["show", "work", "Composites-informed brand loyalty"];
    let (cold, err) = run(&a, &show);
    assert!(computed(&err, "corpus"), "{err}");
    // (It answers from the indexed look-up kept with the corpus; tests/lookup.rs.)
    let (warm, err) = run(&a, &show);
    assert!(err.contains("read from the look-up") && !err.contains("resolving"), "{err}");
    assert_eq!(cold, warm, "show differs when read from the store");
    let fresh = dir.path().join("fresh.db");
    ingest(&fresh, &[WOS]);
    let show = ["--json", "show", "work", "Composites-informed brand loyalty"];
    assert_eq!(run(&fresh, &show).0, run(&a, &show).0, "show --json differs when read from the store");
    assert!(String::from_utf8_lossy(&warm).contains("Composites-informed"));

    // export: the analysis is computed once, then read.
    let (g_cold, err) = graphml(&a, dir.path(), &[]);
    assert!(loaded(&err, "corpus") && computed(&err, "analysis"), "{err}");
    let (g_warm, err) = graphml(&a, dir.path(), &[]);
    assert!(loaded(&err, "analysis"), "{err}");
    assert!(!err.contains("resolving") && !err.contains("clustering"), "warm run recomputed: {err}");
    assert_eq!(g_cold, g_warm, "graphml differs when read from the store");

    // The same export as the very first command of a fresh store (nothing kept).
    let b = dir.path().join("b.db");
    ingest(&b, &[WOS]);
    let (g_fresh, err) = graphml(&b, dir.path(), &[]);
    assert!(computed(&err, "corpus") && computed(&err, "analysis"), "{err}");
    assert_eq!(g_fresh, g_warm);

    // query: coauthors needs the corpus, top the analysis too.
    let queries: [&[&str]; 2] =
        [&["--json", "query", "coauthors", "Fenelli"], &["--json", "query", "top", "-n", "5"]];
    for (i, q) in queries.into_iter().enumerate() {
        let c = dir.path().join(format!("c{i}.db"));
        ingest(&c, &[WOS]);
        let (cold, _) = run(&c, q);
        let (warm, _) = run(&a, q);
        let (_, err) = run(&a, &q[1..]);
        assert!(
            loaded(&err, "corpus") || loaded(&err, "analysis") || err.contains("read from the look-up"),
            "{err}"
        );
        assert!(!err.contains("resolving") && !err.contains("clustering"), "{q:?} recomputed: {err}");
        assert_eq!(cold, warm, "{q:?} differs when read from the store");
        assert!(!warm.is_empty());
    }
}

#[test]
fn a_new_input_or_other_settings_compute_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.db");
    ingest(&a, &[WOS]);
    let (g1, _) = graphml(&a, dir.path(), &[]);
    let (_, err) = graphml(&a, dir.path(), &[]);
    assert!(loaded(&err, "analysis"), "{err}");

    // Another input: resolved again, and what is written is what a store
    // that held both from the start writes.
    ingest(&a, &[RIS]);
    let kept: i64 = rusqlite::Connection::open(&a)
        .expect("open")
        .query_row("SELECT COUNT(*) FROM results", [], |r| r.get(0))
        .expect("count");
    assert_eq!(kept, 0, "results of the old inputs are dropped by the ingest");
    let (g2, err) = graphml(&a, dir.path(), &[]);
    assert!(err.contains("resolving 30 records") && computed(&err, "analysis"), "{err}");
    assert_ne!(g1, g2, "the second export adds sources");
    let both = dir.path().join("both.db");
    ingest(&both, &[WOS, RIS]);
    let (g_both, _) = graphml(&both, dir.path(), &[]);
    assert_eq!(g2, g_both);
    let (g3, err) = graphml(&a, dir.path(), &[]);
    assert!(loaded(&err, "analysis"), "{err}");
    assert_eq!(g2, g3);

    // The same input again changes nothing: still read from the store.
    ingest(&a, &[RIS]);
    let (_, err) = graphml(&a, dir.path(), &[]);
    assert!(loaded(&err, "analysis"), "{err}");

    // An analysis setting: the corpus is read, the analysis computed.
    let cfg = dir.path().join("no-subjects.toml");
    std::fs::write(&cfg, "[graph]\nsubjects = false\n").expect("config");
    let cfg = cfg.to_str().expect("utf-8");
    let (g4, err) = graphml(&a, dir.path(), &["--config", cfg]);
    assert!(loaded(&err, "corpus") && computed(&err, "analysis"), "{err}");
    let (g5, err) = graphml(&a, dir.path(), &["--config", cfg]);
    assert!(loaded(&err, "analysis"), "{err}");
    assert_eq!(g4, g5);
    // The default analysis is still kept beside it.
    let (g6, err) = graphml(&a, dir.path(), &[]);
    assert!(loaded(&err, "analysis"), "{err}");
    assert_eq!(g6, g2);

    // A resolution setting: resolved and analysed again.
    let cfg = dir.path().join("strict.toml");
    std::fs::write(&cfg, "[resolve]\ntitle_similarity = 0.99\n").expect("config");
    let (_, err) = graphml(&a, dir.path(), &["--config", cfg.to_str().expect("utf-8")]);
    assert!(computed(&err, "corpus") && computed(&err, "analysis"), "{err}");

    // A network flag is a setting too (render: no picture needed, DOT is enough).
    let out = dir.path().join("n.dot");
    let render = ["render", "--kind", "citation", "--out", out.to_str().expect("utf-8")];
    let (_, err) = run(&a, &render);
    assert!(computed(&err, "analysis"), "{err}");
    let first = std::fs::read(&out).expect("dot");
    let (_, err) = run(&a, &render);
    assert!(loaded(&err, "analysis"), "{err}");
    assert_eq!(first, std::fs::read(&out).expect("dot"));
}

/// What a full resolution of every record of `stored` and `new` says
/// about `new` (its label): its records in works other inputs also
/// describe, works holding only its records, its records merged into works
/// of the stored inputs; and how many citation edges the corpus gains.
fn full_counts(stored: &[&str], new: &str) -> (u64, u64, u64, i64) {
    let config = citemap::config::Config::default();
    let mut records = Vec::new();
    for f in stored.iter().chain([&new]) {
        let bytes = std::fs::read(f).expect("fixture");
        let (_, parsed) = citemap::ingest::read(f, &bytes, &config.ingest.options());
        records.extend(parsed.records);
    }
    let corpus = citemap::resolve::resolve(&records, &config.resolve);
    let (mut merged, mut added, mut into) = (0, 0, 0);
    for w in corpus.works.iter().filter(|w| w.kind == citemap::model::WorkKind::Paper) {
        let inputs: std::collections::BTreeSet<&str> = w.sources.iter().map(|p| &*p.input).collect();
        let ours = w.sources.iter().filter(|p| &*p.input == new).count() as u64;
        if inputs.len() > 1 {
            merged += ours;
            into += ours;
        } else if inputs.contains(new) {
            added += 1;
        }
    }
    let edges = corpus.cites.len() as i64 - full_edges(stored) as i64;
    (merged, added, into, edges)
}

/// The citation edges a full resolution of every record of `files` finds.
fn full_edges(files: &[&str]) -> usize {
    let config = citemap::config::Config::default();
    let mut records = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).expect("fixture");
        let (_, parsed) = citemap::ingest::read(f, &bytes, &config.ingest.options());
        records.extend(parsed.records);
    }
    citemap::resolve::resolve(&records, &config.resolve).cites.len()
}

#[test]
fn an_incremental_ingest_counts_what_a_full_resolution_counts() {
    let f = "../shared/fixtures/formats";
    let scopus = [
        format!("{f}/scopus-csv/scopus_sample_with_references.csv"),
        format!("{f}/ris/scopus_with_references.ris"),
        format!("{f}/scopus-csv/scopus_2021_bom_58_records.csv"),
        format!("{f}/medline-nbib/pubmed_mcda_crlf.nbib"),
    ];
    let scopus_bib = format!("{f}/bibtex/scopus_export_2023.bib");
    let pubmed = format!("{f}/pubmed-xml/pubmed_web_export_10_articles.xml");
    let seeds: Vec<String> = {
        let mut v: Vec<String> = std::fs::read_dir("tests/fixtures/seeds")
            .expect("seeds")
            .map(|e| e.expect("entry").path().to_string_lossy().replace('\\', "/"))
            .filter(|p| p.ends_with(".txt"))
            .collect();
        v.sort();
        v.truncate(8);
        v
    };
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![WOS], RIS),
        (vec![RIS], WOS),
        (scopus.iter().map(String::as_str).collect(), scopus_bib.as_str()),
        (seeds[..seeds.len() - 1].iter().map(String::as_str).collect(), seeds[seeds.len() - 1].as_str()),
        (vec![WOS, RIS], pubmed.as_str()),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let mut merged_somewhere = false;
    let mut edges_somewhere = false;
    for (i, (stored, new)) in cases.into_iter().enumerate() {
        let store = dir.path().join(format!("s{i}.db"));
        ingest(&store, &stored);
        let (out, _) = run(&store, &["--json", "ingest", new]);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("ingest --json");
        let merged = v["files"][0]["merged"].as_u64().expect("merged");
        let c = &v["changes"];
        let got = (
            merged,
            c["works_added"].as_u64().expect("works_added"),
            c["records_merged_into_stored"].as_u64().expect("records_merged_into_stored"),
            c["citation_edges_added"].as_i64().expect("citation_edges_added"),
        );
        let want = full_counts(&stored, new);
        assert_eq!(
            got, want,
            "{new} after {stored:?}: incremental vs full (merged, added, merged into stored, edges added)"
        );
        edges_somewhere |= got.3 != 0;
        // Only stored records sharing a key were read again: none for
        // an input that shares no work with the store.
        let compared = c["stored_records_compared"].as_u64().expect("compared");
        if new == pubmed {
            assert_eq!(compared, 0, "{v}");
        }
        merged_somewhere |= merged > 0;
    }
    assert!(merged_somewhere, "no case shares works: the test would prove nothing");
    assert!(edges_somewhere, "no case adds citation edges: the test would prove nothing");
}

#[test]
fn a_store_without_keys_gains_them_on_the_next_ingest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("old.db");
    ingest(&store, &[WOS]);
    // As an older build left it: records, no keys.
    {
        let conn = rusqlite::Connection::open(&store).expect("open");
        conn.execute_batch("DELETE FROM record_keys; DELETE FROM keyed_inputs;").expect("drop keys");
    }
    let (out, _) = run(&store, &["--json", "ingest", RIS]);
    let v: serde_json::Value = serde_json::from_slice(&out).expect("ingest --json");
    // Keys loaded in bulk into a store without keys: the index by key is
    // built again before the batch is kept.
    let conn = rusqlite::Connection::open(&store).expect("open");
    let index: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'record_keys_by_key'",
            [],
            |r| r.get(0),
        )
        .expect("index");
    assert_eq!(index, 1, "the index of keys by key is there");
    let plan: String = conn
        .query_row("EXPLAIN QUERY PLAN SELECT input_id FROM record_keys WHERE key = 'x'", [], |r| r.get(3))
        .expect("plan");
    assert!(plan.contains("record_keys_by_key"), "{plan}");
    let full = full_counts(&[WOS], RIS);
    assert_eq!(v["files"][0]["merged"].as_u64(), Some(full.0), "{v}");
    assert_eq!(v["changes"]["citation_edges_added"].as_i64(), Some(full.3), "{v}");
    assert_eq!(v["changes"]["stored_records_compared"].as_u64(), Some(15), "{v}");
}

#[test]
fn records_added_to_a_stored_answer_compute_again() {
    // The online commands store an answer's body first and may add its
    // records later (an accepted search): the inputs' hashes do not change,
    // so the kept results must go with the new records.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s.db");
    ingest(&store, &[RIS]);
    let label = "https://api.crossref.org/works?query.bibliographic=x";
    let id = {
        let mut s = citemap::store::Store::open(&store).expect("store opens");
        let parsed = citemap::model::Parsed::default();
        let body = citemap::store::Body { label, raw: b"{}", format: "crossref", parsed: &parsed };
        s.save_response("crossref", label, 200, 0, Some(body), &[]).expect("saved").expect("an input")
    };
    let top = ["query", "top", "--by", "works"];
    run(&store, &top);
    let (_, err) = run(&store, &top);
    assert!(loaded(&err, "corpus"), "kept: {err}");
    {
        let mut s = citemap::store::Store::open(&store).expect("store opens");
        let mut r = citemap::model::Record::new(citemap::model::Provenance::new(label, 0, None), "crossref");
        r.title = Some("A work the store gained by an accepted search only".into());
        assert_eq!(s.add_records(id, &[r]).expect("added"), 1);
    }
    let (out, err) = run(&store, &["show", "work", "gained by an accepted search"]);
    assert!(computed(&err, "corpus"), "records were added, so the corpus is resolved again: {err}");
    assert!(
        String::from_utf8_lossy(&out).contains("A work the store gained"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

/// `map` with a store: the inputs go into it, the corpus and the analysis
/// are computed and kept on the first run and read on the second, the
/// outputs are the same bytes, and a later `export` reads what `map` kept
/// (and writes the full graph `map` wrote). A store holding other inputs
/// too maps from the files read, keeping nothing.
#[test]
fn map_keeps_its_results_for_itself_and_later_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("m.db");
    let out = |name: &str| dir.path().join(name).to_str().expect("utf-8").to_string();
    let map = |to: &str, extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["map", WOS, RIS, "--out", to, "--format", "dot,graphml"]);
        run(&store, &args)
    };
    // A map into a new store reads each input once: into the store and
    // into memory together.
    let (_, err) = map(&out("m1"), &[]);
    assert!(computed(&err, "corpus") && computed(&err, "analysis"), "{err}");
    for f in [WOS, RIS] {
        let reads = err.lines().filter(|l| l.contains(&format!("{f}: 15 records read"))).count();
        assert_eq!(reads, 1, "{f} not read once: {err}");
    }
    let (_, err) = map(&out("m2"), &[]);
    assert!(loaded(&err, "corpus") && loaded(&err, "analysis"), "{err}");
    assert!(!err.contains("resolving") && !err.contains("clustering"), "the second map recomputed: {err}");
    // Nor are the inputs read again: their reports are the stored ones.
    assert!(!err.contains("records read"), "the second map read its inputs: {err}");
    for f in ["graph.dot", "graph.graphml", "summary.json"] {
        let a = std::fs::read(dir.path().join("m1").join(f)).expect("first map");
        let b = std::fs::read(dir.path().join("m2").join(f)).expect("second map");
        assert_eq!(a, b, "{f} differs between a computing and a reading map");
    }
    // --json says where the results came from; summary.json does not.
    let (json, _) = map(&out("m3"), &["--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json).expect("map --json");
    assert_eq!(v["results"]["corpus"], "loaded", "{v}");
    assert_eq!(v["results"]["analysis"], "loaded", "{v}");
    let summary = std::fs::read_to_string(dir.path().join("m1/summary.json")).expect("summary");
    assert!(!summary.contains("\"results\""), "summary.json says where results came from");

    // A map that reads no record writes nothing and leaves the store as it
    // was: a Web of Science export with a header and no record is a known
    // kind that `ingest` would store as an input of 0 records.
    let before = std::fs::read(&store).expect("store");
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "FN Clarivate Analytics Web of Science\nVR 1.0\nEF\n").expect("empty export");
    let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .arg("--store")
        .arg(&store)
        .args(["map", empty.to_str().expect("utf-8"), "--out", &out("m4")])
        .output()
        .expect("citemap runs");
    assert!(!o.status.success(), "a map of nothing succeeded");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("nothing written"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read(&store).expect("store"), before, "a map of nothing changed the store");
    assert!(!dir.path().join("m4").exists());

    // The same map without a store (as before): the same files.
    let plain = tempfile::tempdir().expect("tempdir");
    let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(plain.path())
        .args(["--quiet", "map"])
        .args([WOS, RIS].map(|f| std::fs::canonicalize(f).expect("fixture")))
        .args(["--out", "m", "--format", "dot,graphml"])
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .expect("citemap runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!plain.path().join("citemap.db").exists(), "map without a store made one");
    assert!(plain.path().join("m/graph.graphml").exists());

    // Later commands read what map kept: the full graph is what map wrote.
    let full = dir.path().join("full.graphml");
    let (_, err) = run(
        &store,
        &["export", "--format", "graphml", "--graph", "full", "--out", full.to_str().expect("utf-8")],
    );
    assert!(loaded(&err, "analysis") && !err.contains("resolving"), "{err}");
    assert_eq!(
        std::fs::read(&full).expect("export"),
        std::fs::read(dir.path().join("m1/graph.graphml")).expect("map"),
        "export --graph full differs from map's graph.graphml"
    );
    let (_, err) = graphml(&store, dir.path(), &[]);
    assert!(loaded(&err, "analysis"), "{err}");
    // A format carrying positions keeps the layout beside the analysis.
    let gexf = dir.path().join("g.gexf");
    let export_gexf = ["export", "--format", "gexf", "--out", gexf.to_str().expect("utf-8")];
    let (_, err) = run(&store, &export_gexf);
    assert!(computed(&err, "positions"), "{err}");
    let first = std::fs::read(&gexf).expect("gexf");
    let (_, err) = run(&store, &export_gexf);
    assert!(loaded(&err, "positions") && !err.contains("laying out"), "{err}");
    assert_eq!(first, std::fs::read(&gexf).expect("gexf"), "gexf differs with kept positions");
    let fresh = dir.path().join("fresh.db");
    ingest(&fresh, &[WOS, RIS]);
    run(&fresh, &export_gexf);
    assert_eq!(first, std::fs::read(&gexf).expect("gexf"), "gexf differs from a fresh store's");

    // Mapping one of the two files: the store holds the other too, so the
    // map is computed from what was read and nothing is kept.
    let (_, err) = run(&store, &["map", WOS, "--out", &out("one"), "--format", "dot"]);
    assert!(err.contains("results not kept"), "{err}");
    let alone = dir.path().join("alone.db");
    run(&alone, &["--quiet", "map", WOS, "--out", &out("one-alone"), "--format", "dot"]);
    assert_eq!(
        std::fs::read(dir.path().join("one/graph.dot")).expect("dot"),
        std::fs::read(dir.path().join("one-alone/graph.dot")).expect("dot")
    );

    // Files ingested before and mapped now: not read again, resolved from
    // the stored records, and the same outputs as the first map's.
    let ingested = dir.path().join("ingested.db");
    ingest(&ingested, &[WOS, RIS]);
    let (_, err) = run(&ingested, &["map", WOS, RIS, "--out", &out("m5"), "--format", "dot,graphml"]);
    assert!(computed(&err, "corpus") && !err.contains("records read"), "{err}");
    for f in ["graph.dot", "graph.graphml", "summary.json"] {
        let a = std::fs::read_to_string(dir.path().join("m1").join(f)).expect("first map");
        let b = std::fs::read_to_string(dir.path().join("m5").join(f)).expect("map of ingested files");
        // The settings name the store.
        let b = b.replace(ingested.to_str().expect("utf-8"), store.to_str().expect("utf-8"));
        assert_eq!(a, b, "{f} differs between a map of new files and one of ingested files");
    }
    // A file stored before mapped with a new one: its records come from
    // the store (the file is not parsed again), and the graph is the one a
    // fresh store gives.
    let half = dir.path().join("half.db");
    ingest(&half, &[WOS]);
    let map_both =
        |db: &Path, to: &str| run(db, &["map", WOS, RIS, "--out", to, "--format", "dot,graphml"]).1;
    let err = map_both(&half, &out("m7"));
    assert!(
        !err.contains(&format!("{WOS}: 15 records read")) && err.contains(&format!("{RIS}: 15 records read")),
        "{err}"
    );
    map_both(&dir.path().join("half-fresh.db"), &out("m8"));
    for f in ["graph.dot", "graph.graphml"] {
        assert_eq!(
            std::fs::read(dir.path().join("m7").join(f)).expect("map"),
            std::fs::read(dir.path().join("m8").join(f)).expect("fresh map"),
            "{f}: a stored file mapped with a new one"
        );
    }

    // A store whose inputs were kept without their counts (an earlier
    // build): the files are read again, and the summary is the same.
    let older = dir.path().join("older.db");
    ingest(&older, &[WOS, RIS]);
    rusqlite::Connection::open(&older)
        .expect("store")
        .execute("DELETE FROM input_counts", [])
        .expect("delete");
    let (_, err) = run(&older, &["map", WOS, RIS, "--out", &out("m6"), "--format", "dot,graphml"]);
    assert!(err.contains("15 records read"), "{err}");
    let a = std::fs::read_to_string(dir.path().join("m1/summary.json")).expect("first map");
    let b = std::fs::read_to_string(dir.path().join("m6/summary.json")).expect("map of an older store");
    let b = b.replace(older.to_str().expect("utf-8"), store.to_str().expect("utf-8"));
    assert_eq!(a, b, "summary.json differs");
}

/// An input the store's disk has no room for is skipped with an error that
/// says how much room it needs and how much is free; the other inputs are
/// still stored, and the check can be turned off. (A real disk cannot be
/// filled in a test: `store.keep_free_bytes` asks for more than any disk
/// has, 10^18 bytes, beyond what the input needs.)
#[test]
fn an_input_without_room_on_the_disk_is_skipped_with_the_room_it_needs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("s.db");
    let cfg = dir.path().join("full-disk.toml");
    std::fs::write(&cfg, "[store]\nkeep_free_bytes = 1000000000000000000\n").expect("config");
    let ingest_with = |cfg_text: Option<&Path>, files: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_citemap"));
        if let Some(cfg) = cfg_text {
            c.arg("--config").arg(cfg);
        }
        c.arg("--store").arg(&store).args(["--json", "ingest"]).args(files).output().expect("citemap runs")
    };
    let o = ingest_with(Some(&cfg), &[WOS]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    let file = &report["files"][0];
    assert_eq!(file["status"], "skipped", "{report}");
    let reason = file["reason"].as_str().expect("a reason");
    assert!(reason.starts_with("not enough free disk for the store"), "{reason}");
    assert!(reason.contains("GB are free") && reason.contains("s.db"), "{reason}");
    assert_eq!(file["diagnostics"][0]["severity"], "error", "{report}");

    // Without the check the same file goes in; an input stored before is
    // not read again, so it needs no room.
    let off = dir.path().join("off.toml");
    std::fs::write(&off, "[store]\ncheck_free_space = false\n").expect("config");
    let o = ingest_with(Some(&off), &[WOS]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = ingest_with(Some(&cfg), &[WOS, RIS]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    assert!(
        report["files"][0]["status"].as_str().is_some_and(|s| s.starts_with("already stored")),
        "{report}"
    );
    assert_eq!(report["files"][1]["status"], "skipped", "{report}");
    let o = ingest_with(None, &[RIS]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json report");
    assert_eq!(report["files"][0]["status"], "added", "{report}");
}
