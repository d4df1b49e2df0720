//! The development set of real pages (`tests/fixtures/pages/`, see its
//! PROVENANCE.md): field-level precision, recall and F1 of what citemap reads
//! against the facts written by hand in `expected.json`, same-work groups
//! merged, must-not-merge pairs apart, people under several name forms
//! resolved to one agent, and no input skipped.
//!
//! `cargo test --test pages -- --nocapture` prints the figures.

#[path = "support/dev_pages.rs"]
mod dev_pages;

use citemap::ingest::{self, Options};
use citemap::model::{norm, Author, Corpus, Identifier, Record};
use dev_pages::{expected, read_all, resolved, Resolved, DIR};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn title_key(t: &str) -> String {
    norm::title_key(t)
}

fn author_key(a: &Author) -> String {
    if a.is_org {
        return format!("org:{}", norm::alnum_key(&a.family));
    }
    let first = norm::initials(&a.given).chars().next().map(String::from).unwrap_or_default();
    format!("{}|{}", norm::family_key(&a.family), first)
}

fn expected_author_key(s: &str) -> String {
    match s.strip_prefix("org:") {
        Some(org) => format!("org:{}", norm::alnum_key(org)),
        None => {
            let a = if s.chars().any(citemap::ingest::page_text::is_cjk) {
                Author { family: s.replace(' ', ""), ..Author::default() }
            } else {
                Author::person(s)
            };
            author_key(&a)
        }
    }
}

fn titles_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    }
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(&mut self, expected: &BTreeSet<String>, found: &BTreeSet<String>) {
        self.tp += expected.intersection(found).count();
        self.fp += found.difference(expected).count();
        self.fn_ += expected.difference(found).count();
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Per field: (precision, recall, F1), and the misses for the report.
fn measure(exp: &Value, got: &BTreeMap<String, Vec<Record>>) -> (BTreeMap<&'static str, Score>, Vec<String>) {
    let mut scores: BTreeMap<&'static str, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for (name, e) in exp["files"].as_object().expect("files") {
        let recs = &got[name];
        let erecs = e["records"].as_array().cloned().unwrap_or_default();
        // Titles: an expected record is found when any of its accepted titles is read.
        let mut t_exp = BTreeSet::new();
        let mut t_found = BTreeSet::new();
        let read: BTreeSet<String> = recs.iter().filter_map(|r| r.title.as_deref()).map(title_key).collect();
        for (i, er) in erecs.iter().enumerate() {
            let alts: Vec<String> = titles_of(&er["title"]).iter().map(|t| title_key(t)).collect();
            if alts.is_empty() {
                continue;
            }
            let id = format!("{name}#{i}");
            t_exp.insert(id.clone());
            if alts.iter().any(|a| read.contains(a)) {
                t_found.insert(id);
            }
        }
        let all_alts: BTreeSet<String> =
            erecs.iter().flat_map(|er| titles_of(&er["title"])).map(|t| title_key(&t)).collect();
        for t in &read {
            if !all_alts.contains(t) {
                t_found.insert(format!("{name}#extra:{t}"));
                misses.push(format!("{name}: title read {t:?} not expected"));
            }
        }
        for id in t_exp.difference(&t_found) {
            misses.push(format!("{id}: title missed"));
        }
        scores.entry("title").or_default().add(&t_exp, &t_found);
        // DOIs.
        let d_exp: BTreeSet<String> =
            erecs.iter().filter_map(|er| er["doi"].as_str()).map(|d| d.to_lowercase()).collect();
        let d_found: BTreeSet<String> = recs.iter().filter_map(|r| r.doi()).map(str::to_string).collect();
        for d in d_exp.symmetric_difference(&d_found) {
            misses.push(format!("{name}: doi {d} {}", if d_exp.contains(d) { "missed" } else { "extra" }));
        }
        scores.entry("doi").or_default().add(&d_exp, &d_found);
        // PMIDs.
        let p_exp: BTreeSet<String> =
            erecs.iter().filter_map(|er| er["pmid"].as_str()).map(String::from).collect();
        let p_found: BTreeSet<String> = recs
            .iter()
            .flat_map(|r| r.ids.iter())
            .filter_map(|i| match i {
                Identifier::Pmid(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        scores.entry("pmid").or_default().add(&p_exp, &p_found);
        // Authors: (family, first initial) over the file's records.
        let a_found: BTreeSet<String> = recs.iter().flat_map(|r| r.authors.iter()).map(author_key).collect();
        let mut a_exp: BTreeSet<String> = BTreeSet::new();
        for er in &erecs {
            if let Some(any) = er["authors_any"].as_array() {
                let options: Vec<BTreeSet<String>> = any
                    .iter()
                    .map(|l| {
                        l.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|x| x.as_str())
                            .map(expected_author_key)
                            .collect()
                    })
                    .collect();
                let best = options
                    .iter()
                    .max_by_key(|o| o.intersection(&a_found).count())
                    .cloned()
                    .unwrap_or_default();
                a_exp.extend(best);
            }
            for a in er["authors"].as_array().into_iter().flatten().filter_map(|x| x.as_str()) {
                a_exp.insert(expected_author_key(a));
            }
        }
        for a in a_exp.symmetric_difference(&a_found) {
            misses.push(format!("{name}: author {a} {}", if a_exp.contains(a) { "missed" } else { "extra" }));
        }
        scores.entry("authors").or_default().add(&a_exp, &a_found);
        // Years.
        let y_exp: BTreeSet<String> =
            erecs.iter().filter_map(|er| er["year"].as_i64()).map(|y| y.to_string()).collect();
        let y_found: BTreeSet<String> = recs.iter().filter_map(Record::year).map(|y| y.to_string()).collect();
        for y in y_exp.symmetric_difference(&y_found) {
            misses.push(format!("{name}: year {y} {}", if y_exp.contains(y) { "missed" } else { "extra" }));
        }
        scores.entry("year").or_default().add(&y_exp, &y_found);
        // Cited works: (first author's family or DOI, year), reported only.
        let c_exp: BTreeSet<String> = e["cited"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| format!("{}", c["year"].as_i64().unwrap_or(0)))
            .collect();
        let c_found: BTreeSet<String> = recs
            .iter()
            .flat_map(|r| r.citations.iter())
            .filter_map(|c| c.year)
            .map(|y| y.to_string())
            .collect();
        scores
            .entry("cited years")
            .or_default()
            .add(&c_exp, &c_found.intersection(&c_exp).cloned().collect());
    }
    (scores, misses)
}

/// Work index of the record from `file` whose title is `title`.
fn work_of(corpus: &Corpus, got: &BTreeMap<String, Vec<Record>>, file: &str, title: &str) -> Option<usize> {
    let key = title_key(title);
    let rec =
        got.get(file)?.iter().find(|r| r.title.as_deref().map(title_key).as_deref() == Some(key.as_str()))?;
    corpus.works.iter().position(|w| w.sources.contains(&rec.at))
}

#[test]
fn development_set_figures() {
    let exp = expected();
    let got = read_all(&exp);
    let files = exp["files"].as_object().expect("files");
    assert!(files.len() >= 60, "at least 60 pages");
    let (scores, misses) = measure(&exp, &got);
    println!("field        precision  recall  F1");
    for (field, s) in &scores {
        println!(
            "{field:<12} {:>9.3} {:>7.3} {:>6.3}   (tp {} fp {} fn {})",
            s.precision(),
            s.recall(),
            s.f1(),
            s.tp,
            s.fp,
            s.fn_
        );
    }
    for m in &misses {
        println!("  {m}");
    }
    for field in ["title", "doi", "authors"] {
        let f1 = scores[field].f1();
        assert!(f1 >= 0.95, "{field} F1 {f1:.3} below 0.95");
    }
}

#[test]
fn no_input_is_skipped() {
    let exp = expected();
    for name in exp["files"].as_object().expect("files").keys() {
        let bytes = std::fs::read(format!("{DIR}/{name}")).expect("fixture");
        let (format, parsed) = ingest::read(name, &bytes, &Options::default());
        assert!(format.is_some(), "{name}");
        assert!(
            !parsed.records.is_empty() || parsed.diagnostics.iter().any(|d| d.message.contains("nothing")),
            "{name}: no records and no warning"
        );
    }
}

#[test]
fn same_works_merge_and_different_works_stay_apart() {
    let Resolved { exp, got, records, corpus } = resolved();
    let mut failures = Vec::new();
    for g in exp["same_work"].as_array().expect("same_work") {
        let title = g["title"].as_str().unwrap_or("");
        let works: Vec<Option<usize>> = g["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .map(|f| work_of(&corpus, &got, f, title))
            .collect();
        let distinct: BTreeSet<Option<usize>> = works.iter().copied().collect();
        if distinct.len() != 1 || distinct.contains(&None) {
            failures.push(format!("not merged: {title} -> {works:?}"));
        }
    }
    for pair in exp["must_not_merge"].as_array().expect("must_not_merge") {
        let a = title_key(pair[0].as_str().unwrap_or(""));
        let b = title_key(pair[1].as_str().unwrap_or(""));
        for w in &corpus.works {
            let titles: BTreeSet<String> = w
                .title
                .iter()
                .map(|t| title_key(&t.value))
                .chain(w.alt_titles.iter().map(|t| title_key(&t.value.1)))
                .collect();
            let srcs: BTreeSet<String> = records
                .iter()
                .filter(|r| w.sources.contains(&r.at))
                .filter_map(|r| r.title.as_deref().map(title_key))
                .chain(titles)
                .collect();
            if srcs.contains(&a) && srcs.contains(&b) {
                failures.push(format!("merged: {a} + {b}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn people_resolve_across_name_forms() {
    let Resolved { exp, corpus, .. } = resolved();
    let mut failures = Vec::new();
    for p in exp["people"].as_array().expect("people") {
        let name = p["name"].as_str().unwrap_or("");
        let mut agents = BTreeSet::new();
        for (file, form) in p["forms"].as_object().expect("forms") {
            let want = norm::family_key(&Author::person(form.as_str().unwrap_or("")).family);
            let hit = corpus.agents.iter().position(|a| {
                norm::family_key(&a.family) == want && a.sources.iter().any(|s| *s.input == **file)
            });
            agents.insert(hit);
        }
        if agents.len() != 1 || agents.contains(&None) {
            failures.push(format!("{name}: {agents:?}"));
        }
    }
    // Co-author queries: the collaborators of Carlo Dani under every spelling.
    let dani = corpus.agents.iter().position(|a| norm::family_key(&a.family) == "dani");
    let known = exp["files"]["003_scribd_trials_pdf.txt"]["records"][0]["authors"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(d) = dani {
        let works: BTreeSet<u32> =
            corpus.authorships.iter().filter(|x| x.agent as usize == d).map(|x| x.work).collect();
        let co: BTreeSet<String> = corpus
            .authorships
            .iter()
            .filter(|x| works.contains(&x.work) && x.agent as usize != d)
            .map(|x| norm::family_key(&corpus.agents[x.agent as usize].family))
            .collect();
        let want: BTreeSet<String> = known
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| norm::family_key(&Author::person(s).family))
            .filter(|k| k != "dani")
            .collect();
        let share = want.intersection(&co).count() as f64 / want.len().max(1) as f64;
        println!("co-authors of Carlo Dani found: {:.0}%", share * 100.0);
        if share < 0.9 {
            failures.push(format!("co-authors of Carlo Dani: {:.0}%", share * 100.0));
        }
    } else {
        failures.push("Carlo Dani not found".into());
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn record(input: &str, title: &str, year: i32, authors: &[&str]) -> Record {
    let mut r = Record::new(citemap::model::Provenance::new(input, 1, None), "page");
    r.title = Some(title.into());
    r.published = Some(citemap::model::Date::year(year));
    r.authors = authors.iter().map(|a| Author::person(a)).collect();
    r
}

fn agents_named(corpus: &Corpus, family_word: &str) -> usize {
    corpus.agents.iter().filter(|a| norm::family_key(&a.family).ends_with(family_word)).count()
}

#[test]
fn compound_surnames_join_only_with_shared_coauthors() {
    // One person under three name forms, always beside Sonia Johnson.
    let records = vec![
        record(
            "a.txt",
            "Crisis teams in England: a national survey",
            2021,
            &["Sheridan Rains, L.", "Johnson, S."],
        ),
        record(
            "b.txt",
            "Acute care alternatives for mental health crises",
            2022,
            &["Luke Sheridan Rains", "Sonia Johnson"],
        ),
        record("c.txt", "Loneliness and psychosis: a systematic review", 2023, &["Rains LS", "Johnson S"]),
    ];
    let corpus = citemap::resolve::resolve(&records, &Default::default());
    assert_eq!(agents_named(&corpus, "rains"), 1, "{:#?}", corpus.agents);
    // The same name forms with no co-author in common stay apart.
    let records = vec![
        record(
            "a.txt",
            "Crisis teams in England: a national survey",
            2021,
            &["Sheridan Rains, L.", "Johnson, S."],
        ),
        record("d.txt", "Soil carbon in upland pastures", 2022, &["Luke Sheridan Rains", "Maria Okafor"]),
    ];
    let corpus = citemap::resolve::resolve(&records, &Default::default());
    assert_eq!(agents_named(&corpus, "rains"), 2, "{:#?}", corpus.agents);
}

#[test]
fn publisher_reference_markup_in_callouts() {
    let text = "Risk rises (Varese et al., Reference Varese, Smeets, Drukker and Bentall2012b) and falls \
                (Howes, McCutcheon, Owen, & Murray, Reference Howes, McCutcheon, Owen and Murray2017).";
    let cites = ingest::callouts::extract("t", text, 0);
    let got: Vec<(String, Option<i32>, String)> =
        cites.iter().map(|c| (c.authors[0].family.clone(), c.year, c.detail().year_suffix.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("Varese".to_string(), Some(2012), "b".to_string()),
            ("Howes".to_string(), Some(2017), String::new())
        ]
    );
}

#[test]
fn an_aggregator_record_cut_mid_string_is_read_up_to_the_cut() {
    let seed = std::fs::read_to_string("../shared/seeds/000_703e079d1e7fe50e.txt")
        .or_else(|_| std::fs::read_to_string("tests/fixtures/seeds/000_703e079d1e7fe50e.txt"))
        .expect("seed 000");
    let json = seed.lines().next().unwrap_or("");
    let cut = &json[..json.char_indices().nth(json.chars().count() * 2 / 3).map_or(json.len(), |(i, _)| i)];
    let (format, parsed) = ingest::read("cut.json", cut.as_bytes(), &Options::default());
    assert!(format.is_some());
    assert_eq!(parsed.records.len(), 1, "{:#?}", parsed.diagnostics);
    let r = &parsed.records[0];
    assert!(r.title.is_some() && r.doi().is_some() && !r.authors.is_empty(), "{r:#?}");
    assert!(parsed.diagnostics.iter().any(|d| d.message.contains("mid-way")), "{:#?}", parsed.diagnostics);
}
