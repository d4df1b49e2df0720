//! The development set of real pages (`tests/fixtures/pages/`): the facts
//! written by hand in `expected.json`, every page read, and the corpus the
//! pages resolve to: the setup the page tests share.
#![allow(dead_code)]

use citemap::ingest::{self, Options};
use citemap::model::{Corpus, Record};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where the pages and `expected.json` are.
pub const DIR: &str = "tests/fixtures/pages";

/// `expected.json`.
pub fn expected() -> Value {
    let text = std::fs::read_to_string(format!("{DIR}/expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// Every page `expected.json` lists, read: file name -> records. A page no
/// reader takes fails the test; `PAGES_DEBUG=<prefix>` prints what was read.
pub fn read_all(exp: &Value) -> BTreeMap<String, Vec<Record>> {
    let files = exp["files"].as_object().expect("files");
    let mut out = BTreeMap::new();
    for name in files.keys() {
        let bytes = std::fs::read(format!("{DIR}/{name}")).expect("fixture");
        let (format, parsed) = ingest::read(name, &bytes, &Options::default());
        assert!(format.is_some(), "{name} skipped: {:?}", parsed.diagnostics);
        println!("{name}: {}", format.map_or("-", |f| f.name()));
        if std::env::var("PAGES_DEBUG").is_ok_and(|d| name.starts_with(&d)) {
            println!("{:#?}", parsed);
        }
        out.insert(name.clone(), parsed.records);
    }
    out
}

/// The development set read and resolved with the default options.
pub struct Resolved {
    pub exp: Value,
    /// File name -> its records.
    pub got: BTreeMap<String, Vec<Record>>,
    /// Every record, in file order.
    pub records: Vec<Record>,
    pub corpus: Corpus,
}

/// Reads every page and resolves all their records into one corpus.
pub fn resolved() -> Resolved {
    let exp = expected();
    let got = read_all(&exp);
    let records: Vec<Record> = got.values().flatten().cloned().collect();
    let corpus = citemap::resolve::resolve(&records, &Default::default());
    Resolved { exp, got, records, corpus }
}
