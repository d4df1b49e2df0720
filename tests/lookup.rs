//! `show` and `query coauthors` answered from the store's indexed look-up
//! (`citemap::store::lookup`) print exactly what they print when they read
//! the whole corpus: for every query, the look-up is first removed (the
//! command then reads the kept corpus, answers from it and keeps a new
//! look-up), then the same command runs again and must answer from the
//! look-up with the same bytes and exit code.
//!
//! Corpus: `gen_corpus.py --n 300 --seed 7` (OpenAlex JSON Lines: shared
//! co-authors, citations among the works) plus `tests/fixtures/merge` (15
//! works exported as WoS and RIS: merged records, field conflicts).

use std::path::Path;
use std::process::Command;

fn citemap(dir: &Path, args: &[&str]) -> (Vec<u8>, String, i32) {
    let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir)
        .args(["--store", "s.db"])
        .args(args)
        .output()
        .expect("citemap runs");
    (o.stdout, String::from_utf8_lossy(&o.stderr).to_string(), o.status.code().unwrap_or(-1))
}

fn drop_lookup(dir: &Path) {
    let conn = rusqlite::Connection::open(dir.join("s.db")).expect("store opens");
    conn.execute("DELETE FROM lookup_meta", []).expect("look-up removed");
}

const FROM_LOOKUP: &str = "read from the look-up";

#[test]
fn answers_from_the_lookup_equal_answers_from_the_corpus() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let gen = Command::new("python3")
        .arg(std::fs::canonicalize("../shared/bench/gen_corpus.py").expect("../shared/bench/gen_corpus.py"))
        .args(["--n", "300", "--seed", "7", "--formats", "jsonl", "--out"])
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(gen.status.success(), "{}", String::from_utf8_lossy(&gen.stderr));
    let merge = std::fs::canonicalize("tests/fixtures/merge").expect("fixture");
    for f in [dir.join("works.jsonl"), merge.join("works.wos.txt"), merge.join("works.ris")] {
        let (_, err, code) = citemap(dir, &["-q", "ingest", f.to_str().expect("utf-8")]);
        assert_eq!(code, 0, "ingest failed: {err}");
    }

    // Queries: DOIs, author names (full and family only), ORCIDs, ids and
    // title words taken from the records, plus text that matches many or none.
    let mut queries: Vec<Vec<String>> = Vec::new();
    let text = std::fs::read_to_string(dir.join("works.jsonl")).expect("works.jsonl");
    for line in text.lines().step_by(50) {
        let w: serde_json::Value = serde_json::from_str(line).expect("json line");
        if let Some(doi) = w["doi"].as_str() {
            queries.push(vec!["show".into(), "work".into(), doi.replace("https://doi.org/", "")]);
        }
        if let Some(t) = w["title"].as_str() {
            let words: Vec<&str> = t.split_whitespace().take(3).collect();
            queries.push(vec!["show".into(), "work".into(), words.join(" ")]);
        }
        if let Some(a) = w["authorships"].as_array().and_then(|a| a.last()) {
            let name = a["author"]["display_name"].as_str().unwrap_or_default().to_string();
            let family = name.split_whitespace().last().unwrap_or_default().to_string();
            queries.push(vec!["show".into(), "person".into(), name.clone()]);
            queries.push(vec!["show".into(), "person".into(), family.clone()]);
            for depth in ["1", "2"] {
                queries.push(vec![
                    "query".into(),
                    "coauthors".into(),
                    name.clone(),
                    "--depth".into(),
                    depth.into(),
                ]);
                queries.push(vec![
                    "query".into(),
                    "coauthors".into(),
                    family.clone(),
                    "--depth".into(),
                    depth.into(),
                ]);
            }
            if let Some(o) = a["author"]["orcid"].as_str() {
                queries.push(vec!["query".into(), "coauthors".into(), o.to_string()]);
                queries.push(vec!["show".into(), "person".into(), o.to_string()]);
            }
        }
    }
    for q in [
        ["show", "work", "Composites-informed brand loyalty"],
        ["show", "work", "the"],
        ["show", "work", "no such words zzqx"],
        ["show", "person", "zzqx"],
        ["query", "coauthors", "zzqx"],
    ] {
        queries.push(q.iter().map(|s| s.to_string()).collect());
    }
    assert!(queries.len() > 40, "{} queries", queries.len());

    // The first command resolves and keeps the corpus and the look-up.
    let (_, err, _) = citemap(dir, &["show", "work", "the"]);
    assert!(err.contains("corpus: computed"), "{err}");
    let mut from_lookup = 0;
    for q in &queries {
        for json in [false, true] {
            let mut args: Vec<&str> = if json { vec!["--json"] } else { Vec::new() };
            args.extend(q.iter().map(String::as_str));
            drop_lookup(dir);
            let (full, err_full, code_full) = citemap(dir, &args);
            assert!(!err_full.contains(FROM_LOOKUP), "{args:?} used a removed look-up: {err_full}");
            let (part, err_part, code_part) = citemap(dir, &args);
            if !json {
                assert!(err_part.contains(FROM_LOOKUP), "{args:?} did not use the look-up: {err_part}");
                from_lookup += 1;
            }
            assert_eq!(code_full, code_part, "{args:?}: exit codes differ");
            assert_eq!(
                String::from_utf8_lossy(&full),
                String::from_utf8_lossy(&part),
                "{args:?}: the look-up's answer differs"
            );
        }
    }
    assert_eq!(from_lookup, queries.len());
}

#[test]
fn a_new_input_drops_the_lookup() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let merge = std::fs::canonicalize("tests/fixtures/merge").expect("fixture");
    let wos = merge.join("works.wos.txt");
    let ris = merge.join("works.ris");
    citemap(dir, &["-q", "ingest", wos.to_str().expect("utf-8")]);
    let (_, err, _) = citemap(dir, &["show", "work", "brand loyalty"]);
    assert!(err.contains("corpus: computed"), "{err}");
    let (_, err, _) = citemap(dir, &["show", "work", "brand loyalty"]);
    assert!(err.contains(FROM_LOOKUP), "{err}");
    citemap(dir, &["-q", "ingest", ris.to_str().expect("utf-8")]);
    let conn = rusqlite::Connection::open(dir.join("s.db")).expect("store opens");
    let rows: i64 = conn.query_row("SELECT COUNT(*) FROM lookup_works", [], |r| r.get(0)).expect("count");
    assert_eq!(rows, 0, "the look-up of the old inputs was kept");
    let (_, err, _) = citemap(dir, &["show", "work", "brand loyalty"]);
    assert!(!err.contains(FROM_LOOKUP) && err.contains("corpus: computed"), "{err}");
}
