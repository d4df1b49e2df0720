//! Real export files from public repositories (`tests/fixtures/exports-wild/`,
//! see its PROVENANCE.md): every record read, every reference kept, and no
//! cited work that joins citations disagreeing on DOI or title.
//!
//! The expected counts are taken from the files by simple format-specific
//! counts written here, independently of the readers: `PT ` lines (WoS plain
//! text), data lines (WoS tab-delimited), CSV rows (csv crate), `@type{`
//! lines (BibTeX), `ER  -` lines (RIS), `PMID-` lines (MEDLINE), array items
//! (CSL-JSON),
//! `<PubmedArticle>` elements (PubMed XML); references as `CR` lines, `CR`
//! cells, `Cited-References` lines, Scopus `References` entries,
//! `<Reference>` elements.

use citemap::ingest::{self, Options};
use citemap::model::{norm, Identifier, Parsed, Record, Severity};
use std::collections::BTreeSet;
use std::fmt::Write as _;

const DIR: &str = "tests/fixtures/exports-wild";

/// What a file holds, counted without the readers.
#[derive(Debug, Default)]
struct Expected {
    records: usize,
    refs: usize,
}

fn is_tag_line(l: &str) -> Option<&str> {
    let b = l.as_bytes();
    (b.len() >= 3
        && b[0].is_ascii_uppercase()
        && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
        && (b[2] == b' ' || l.len() == 2))
        .then(|| &l[..2])
}

fn count_wos_plain(text: &str) -> Expected {
    let mut e = Expected::default();
    let mut in_cr = false;
    for l in text.lines() {
        let l = l.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if l.starts_with("PT ") {
            e.records += 1;
        }
        if let Some(tag) = is_tag_line(l) {
            in_cr = tag == "CR";
            if in_cr {
                e.refs += 1;
            }
        } else if in_cr && l.starts_with(' ') && !l.trim().is_empty() {
            e.refs += 1;
        } else if l.trim().is_empty() {
            in_cr = false;
        }
    }
    e
}

fn count_wos_tab(text: &str) -> Expected {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").trim_start_matches('\u{feff}').split('\t').collect();
    let cr = header.iter().position(|h| h.trim() == "CR");
    let mut e = Expected::default();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        e.records += 1;
        if let Some(v) = cr.and_then(|i| l.split('\t').nth(i)) {
            e.refs += v.split("; ").filter(|s| !s.trim().is_empty()).count();
        }
    }
    e
}

/// Scopus `References` entries: `; `-separated pieces that are more than a
/// name (Scopus's current layout also puts `; ` between the authors of one
/// entry, and those pieces hold no comma).
fn scopus_entries(cell: &str) -> usize {
    cell.split("; ").filter(|p| p.contains(',') || p.chars().count() > 40).count()
}

fn count_csv(text: &str) -> Expected {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = rdr.headers().cloned().unwrap_or_default();
    let lens = header.iter().any(|h| h == "Lens ID");
    let refs = header.iter().position(|h| h == "References");
    let mut e = Expected::default();
    for row in rdr.records().flatten() {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        e.records += 1;
        // Rows with an unlabelled extra column: the reference list is the
        // longest cell at or after the References column.
        if let Some(i) = refs {
            let cell = (i..row.len()).filter_map(|k| row.get(k)).max_by_key(|c| c.len()).unwrap_or("");
            let cell = if row.len() == header.len() { row.get(i).unwrap_or("") } else { cell };
            e.refs += if lens {
                cell.split(';').filter(|s| !s.trim().is_empty()).count()
            } else {
                scopus_entries(cell)
            };
        }
    }
    e
}

fn count_bib(text: &str) -> Expected {
    let mut e = Expected::default();
    let mut in_cr = false;
    for l in text.lines() {
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix('@') {
            let kind: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            let after = rest[kind.len()..].trim_start();
            let k = kind.to_ascii_lowercase();
            if !kind.is_empty()
                && (after.starts_with('{') || after.starts_with('('))
                && !matches!(k.as_str(), "comment" | "string" | "preamble")
            {
                e.records += 1;
            }
        }
        let lower = t.to_ascii_lowercase();
        let closes = |x: &str| x.trim_end().ends_with("},") || x.trim_end().ends_with('}');
        if in_cr {
            if !t.trim().is_empty() {
                e.refs += 1;
            }
            in_cr = !closes(t);
        } else if lower.starts_with("cited-references") && t.contains('=') {
            let first = t.split_once('{').map_or("", |x| x.1);
            if !first.trim().trim_end_matches(',').trim_end_matches('}').trim().is_empty() {
                e.refs += 1;
            }
            in_cr = !closes(first);
        } else if lower.starts_with("references") && t.contains('=') {
            let v = t.split_once('{').map_or("", |x| x.1);
            let v = v.trim_end().trim_end_matches(',').trim_end_matches('}');
            e.refs += scopus_entries(v);
        }
    }
    e
}

fn count_ris(text: &str) -> Expected {
    let mut e = Expected::default();
    let mut in_refs = false;
    for l in text.lines() {
        let l = l.trim_start_matches('\u{feff}').trim_end_matches('\r');
        let tagged = l.len() >= 6 && l.as_bytes()[2..6] == *b"  - " || l.starts_with("ER  -");
        if tagged {
            in_refs = false;
        }
        if l.starts_with("ER  -") {
            e.records += 1;
        } else if l.starts_with("CR  - ") {
            e.refs += 1;
        } else if let Some(r) = l.strip_prefix("N1  - References: ") {
            // Scopus RIS: one reference per line from `References:` on.
            e.refs += usize::from(!r.trim().is_empty());
            in_refs = true;
        } else if in_refs && !l.trim().is_empty() {
            e.refs += 1;
        }
    }
    e
}

fn count_medline(text: &str) -> Expected {
    Expected { records: text.lines().filter(|l| l.starts_with("PMID-")).count(), refs: 0 }
}

fn count_pubmed_xml(text: &str) -> Expected {
    Expected {
        records: text.matches("<PubmedArticle>").count() + text.matches("<PubmedBookArticle>").count(),
        refs: text.matches("<Reference>").count(),
    }
}

/// CSL-JSON: items of the top-level array; Crossref-style `reference` lists.
fn count_json(text: &str) -> Expected {
    let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_default();
    let items = v.as_array().cloned().unwrap_or_default();
    Expected {
        records: items.len(),
        refs: items
            .iter()
            .filter_map(|i| i.get("reference"))
            .filter_map(|r| r.as_array())
            .map(Vec::len)
            .sum(),
    }
}

fn expected(name: &str, text: &str) -> Expected {
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "json" => count_json(text),
        "csv" => count_csv(text),
        "bib" => count_bib(text),
        "ris" => count_ris(text),
        "nbib" => count_medline(text),
        "xml" => count_pubmed_xml(text),
        _ if name.starts_with("wostab-") => count_wos_tab(text),
        _ => count_wos_plain(text),
    }
}

/// Cited-work groups whose members disagree on DOI or on title.
fn wrong_merges(records: &[Record]) -> Vec<String> {
    let groups = citemap::resolve::citation_groups(records, &Default::default());
    let mut out = Vec::new();
    for g in groups.iter().filter(|g| g.len() > 1) {
        let cits: Vec<_> = g.iter().map(|&(r, c)| &records[r].citations[c]).collect();
        // Two members disagree on DOI when each gives DOIs and they share
        // none (WoS lists a reference's alternative DOIs in one `DOI [a, b]`).
        let doi_sets: Vec<BTreeSet<&str>> = cits
            .iter()
            .map(|c| {
                c.ids
                    .iter()
                    .filter_map(|i| if let Identifier::Doi(d) = i { Some(d.as_str()) } else { None })
                    .collect()
            })
            .filter(|s: &BTreeSet<&str>| !s.is_empty())
            .collect();
        let disjoint =
            doi_sets.iter().enumerate().any(|(i, a)| doi_sets[i + 1..].iter().any(|b| a.is_disjoint(b)));
        if disjoint {
            out.push(format!(
                "DOIs {doi_sets:?} in one group: {:?}",
                cits.iter().map(|c| &c.raw).collect::<Vec<_>>()
            ));
            continue;
        }
        let titles: Vec<(String, BTreeSet<String>)> = cits
            .iter()
            .filter_map(|c| c.title.as_deref())
            .map(|t| {
                let words = norm::fold(t)
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| w.len() > 1)
                    .map(str::to_string)
                    .collect();
                (norm::title_key(t), words)
            })
            .collect();
        'pairs: for (i, (ka, a)) in titles.iter().enumerate() {
            for (kb, b) in &titles[i + 1..] {
                if strsim::normalized_levenshtein(ka, kb) >= 0.8 {
                    continue;
                }
                // Titles agree when most words of the shorter are in the
                // other (a reference parsed with its authors still in front
                // of the title holds the other's words and more).
                let shared = a.intersection(b).count();
                let short = a.len().min(b.len()).max(1);
                if shared * 10 < short * 8 {
                    out.push(format!(
                        "titles {ka:?} / {kb:?} in one group: {:?}",
                        cits.iter().map(|c| &c.raw).collect::<Vec<_>>()
                    ));
                    break 'pairs;
                }
            }
        }
    }
    out
}

struct Figures {
    name: String,
    format: String,
    records_expected: usize,
    records_in: usize,
    records_read: usize,
    records_dropped_warned: usize,
    refs_expected: usize,
    refs_read: usize,
    wrong: Vec<String>,
}

fn measure(name: &str) -> Figures {
    let path = format!("{DIR}/{name}");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let text = String::from_utf8_lossy(&bytes);
    let want = expected(name, &text);
    let (format, parsed): (_, Parsed) = ingest::read(name, &bytes, &Options::default());
    let refs_read = parsed.records.iter().map(|r| r.citations.len()).sum();
    Figures {
        name: name.to_string(),
        format: format.map_or("none".into(), |f| format!("{f:?}")),
        records_expected: want.records,
        records_in: parsed.seen,
        records_read: parsed.records.len(),
        records_dropped_warned: dropped_warnings(&parsed),
        refs_expected: want.refs,
        refs_read,
        wrong: wrong_merges(&parsed.records),
    }
}

/// Warnings that say a record was dropped.
fn dropped_warnings(p: &Parsed) -> usize {
    p.diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning && d.message.ends_with("record dropped"))
        .count()
}

fn fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(DIR)
        .expect("exports-wild fixtures")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "PROVENANCE.md")
        .collect();
    v.sort();
    v
}

#[test]
fn every_file_is_listed_in_provenance() {
    let prov = std::fs::read_to_string(format!("{DIR}/PROVENANCE.md")).expect("PROVENANCE.md");
    let files = fixtures();
    assert!(files.len() >= 30, "only {} fixtures", files.len());
    for f in files {
        assert!(prov.contains(&format!("| {f} |")), "{f} has no provenance row");
    }
}

#[test]
fn records_references_and_no_wrong_merges() {
    let mut report = String::new();
    let mut failures = Vec::new();
    let (mut rec_e, mut rec_r, mut ref_e, mut ref_r, mut wrong) = (0, 0, 0, 0, 0);
    for name in fixtures() {
        let f = measure(&name);
        let _ = writeln!(
            report,
            "{:<36} {:<14} records {:>4}/{:<4} refs {:>6}/{:<6} wrong merges {}",
            f.name,
            f.format,
            f.records_read,
            f.records_expected,
            f.refs_read,
            f.refs_expected,
            f.wrong.len()
        );
        rec_e += f.records_expected;
        rec_r += f.records_read.min(f.records_expected);
        ref_e += f.refs_expected;
        ref_r += f.refs_read.min(f.refs_expected);
        wrong += f.wrong.len();
        if f.format == "none" {
            failures.push(format!("{}: format not detected", f.name));
        }
        if f.records_in != f.records_expected {
            failures.push(format!(
                "{}: the reader met {} records, {} in the file",
                f.name, f.records_in, f.records_expected
            ));
        }
        if f.records_in.checked_sub(f.records_read) != Some(f.records_dropped_warned) {
            failures.push(format!(
                "{}: {} records in, {} out, {} dropped with a warning",
                f.name, f.records_in, f.records_read, f.records_dropped_warned
            ));
        }
        if f.records_read != f.records_expected {
            failures.push(format!(
                "{}: {} records read, {} in the file",
                f.name, f.records_read, f.records_expected
            ));
        }
        if (f.refs_read as f64) < 0.99 * f.refs_expected as f64 {
            failures.push(format!("{}: {} references kept of {}", f.name, f.refs_read, f.refs_expected));
        }
        for w in f.wrong.iter().take(3) {
            failures.push(format!("{}: wrong merge: {w}", f.name));
        }
    }
    let pct = |a: usize, b: usize| if b == 0 { 100.0 } else { 100.0 * a as f64 / b as f64 };
    let _ = writeln!(
        report,
        "TOTAL record recall {rec_r}/{rec_e} ({:.2}%), reference recall {ref_r}/{ref_e} ({:.2}%), wrong merges {wrong}",
        pct(rec_r, rec_e),
        pct(ref_r, ref_e)
    );
    eprintln!("{report}");
    assert!(failures.is_empty(), "{}\n{report}", failures.join("\n"));
}

/// The cited-work groups of a small WoS file, as sorted raw-reference lists.
fn groups_of(text: &str) -> Vec<Vec<String>> {
    let (_, p) = ingest::read("t.txt", text.as_bytes(), &Options::default());
    let mut out: Vec<Vec<String>> = citemap::resolve::citation_groups(&p.records, &Default::default())
        .into_iter()
        .map(|g| {
            let mut v: Vec<String> = g.iter().map(|&(r, c)| p.records[r].citations[c].raw.clone()).collect();
            v.sort();
            v
        })
        .collect();
    out.sort();
    out
}

fn wos_record(ut: &str, refs: &[&str]) -> String {
    let mut s = format!("PT J\nAU Roe, B\nTI Paper {ut}\nSO J TEST\nPY 2020\nCR {}\n", refs[0]);
    for r in &refs[1..] {
        s.push_str(&format!("   {r}\n"));
    }
    s.push_str(&format!("UT WOS:{ut}\nER\n\n"));
    s
}

#[test]
fn never_two_cited_works_made_one() {
    let refs_a = [
        "Hegel GWF, PHENOMENOLOGY SPIRIT",
        "Hegel GWF, PHILOS RIGHT",
        "Hegel GWF, SCI LOGIC",
        "Hegel GWF, LECT PHILOS HIST",
        "Hegel GWF, AESTHETICS",
        "Hegel GWF, ENCY LOGIC",
        "Hegel GWF, EARLY THEOLOGICAL WRIT",
        "Wittgenstein L, 1969, CERTAINTY",
        "Wittgenstein L, 1969, BLUE BROWN BOOKS",
        "*EUR NETW CANC REG, 2006, CANC INC EUR",
        "*INT ASS CANC REG, 2006, CANC INC EUR",
        "Sauer JR, 2004, J WILDLIFE MANAGE, V68, DOI 10.2193/0022-541X(2004)068[0457:ADOSAH]2.0.CO;2",
        "Sauer JR, 2004, J WILDLIFE MANAGE, V68, DOI 10.2193/0022-541X(2004)068[0469:BBSAOT]2.0.CO;2",
        "Smith J, 2001, J X, V1, P2",
        "Smith K, 2001, J X, V1, P2",
    ];
    // The same references cited by a second paper join the first's.
    let refs_b = ["Hegel GWF, PHILOS RIGHT", "Wittgenstein L, 1969, CERTAINTY", "Smith J, 2001, J X, V1, P2"];
    let text = format!(
        "FN Clarivate Analytics Web of Science\nVR 1.0\n{}{}EF\n",
        wos_record("1", &refs_a),
        wos_record("2", &refs_b)
    );
    let groups = groups_of(&text);
    assert_eq!(groups.len(), refs_a.len(), "{groups:#?}");
    for r in refs_b {
        assert!(groups.iter().any(|g| g.len() == 2 && g[0] == r), "{r} not joined: {groups:#?}");
    }
}

#[test]
fn cited_work_ids_reach_graphml() {
    let name = "lens-bibliometrix-sample.csv";
    let bytes = std::fs::read(format!("{DIR}/{name}")).expect("fixture");
    let (_, p) = ingest::read(name, &bytes, &Options::default());
    let corpus = citemap::resolve::resolve(&p.records, &Default::default());
    let g = citemap::graph::build(&corpus, &Default::default());
    let mut out = Vec::new();
    citemap::export::graphml::write(&g, &mut out, &Default::default()).expect("write");
    let xml = String::from_utf8(out).expect("utf-8");
    assert!(xml.contains("attr.name=\"lens\""), "no lens key");
    // Every Lens reference id of the export is on a node.
    let lens_refs: BTreeSet<String> = p
        .records
        .iter()
        .flat_map(|r| r.citations.iter())
        .flat_map(|c| c.ids.iter())
        .filter_map(|i| {
            if let Identifier::Other(v) = i {
                v.strip_prefix("lens:").map(str::to_string)
            } else {
                None
            }
        })
        .collect();
    assert!(!lens_refs.is_empty());
    for id in &lens_refs {
        assert!(xml.contains(&format!(">{id}</data>")), "lens id {id} not in the GraphML");
    }
}

/// Records in, records out and the warnings between them, on small inputs
/// that hold records a reader must drop, in each reader that can drop one.
#[test]
fn every_dropped_record_is_counted_and_warned() {
    let cases: [(&str, &str, usize, usize); 5] = [
        ("t.bib", "@article{a, title = {One}}\n@article{}\n@book{b, title = {Two}}\n", 3, 2),
        ("t.json", "[{\"id\": \"a\", \"type\": \"article\", \"title\": \"One\"}, 7, {\"id\": \"b\", \"title\": \"Two\"}]", 3, 2),
        (
            "t.jsonl",
            "{\"id\": \"https://openalex.org/W1\", \"title\": \"A\", \"referenced_works\": [\"\", \"https://openalex.org/W2\"]}\n{broken\n{\"id\": \"https://openalex.org/W3\", \"title\": \"B\"}\n",
            3,
            2,
        ),
        (
            "t.csv",
            "Authors,Title,Year,Source title,DOI,EID\nA B.,One,2020,J,10.1/a,2-s2.0-1\nC D.,Two,2021,J,10.1/b,2-s2.0-2\n",
            2,
            2,
        ),
        (
            "s2.json",
            "{\"paperId\": \"0123456789abcdef0123456789abcdef01234567\", \"title\": \"Cited\", \"citations\": [{\"paperId\": null, \"title\": null}, null, {\"paperId\": \"1123456789abcdef0123456789abcdef01234567\", \"title\": \"Citing\"}]}",
            4,
            2,
        ),
    ];
    for (name, text, want_in, want_out) in cases {
        let (format, p) = ingest::read(name, text.as_bytes(), &Options::default());
        assert!(format.is_some(), "{name}: not read");
        assert_eq!((p.seen, p.records.len()), (want_in, want_out), "{name}: {:#?}", p.diagnostics);
        assert_eq!(p.seen - p.records.len(), dropped_warnings(&p), "{name}: {:#?}", p.diagnostics);
        for d in p.diagnostics.iter().filter(|d| d.message.ends_with("dropped")) {
            assert!(d.at.line > 0 && d.at.record.is_some(), "{name}: unlocated {d:?}");
            assert_eq!(d.at.input, name);
        }
        // The streaming path counts the same.
        let (_, s) =
            ingest::read_from(name, &mut text.as_bytes(), &Options::default(), u64::MAX).expect("reads");
        assert_eq!(s.seen, p.seen, "{name} streamed");
    }
    // The OpenAlex reference without an id is warned, not dropped silently.
    let (_, p) = ingest::read("t.jsonl", "{\"id\": \"https://openalex.org/W1\", \"title\": \"A\", \"referenced_works\": [\"\", \"https://openalex.org/W2\"]}\n{\"id\": \"https://openalex.org/W3\", \"title\": \"B\"}\n".as_bytes(), &Options::default());
    assert_eq!(p.records[0].citations.len(), 1);
    assert!(
        p.diagnostics
            .iter()
            .any(|d| d.message.ends_with("reference dropped") && d.at.record.as_deref() == Some("W1")),
        "{:#?}",
        p.diagnostics
    );
}

/// An id field whose value does not read as an id is a located warning, not
/// a silent loss; placeholders are not warned about.
#[test]
fn ids_that_do_not_read_are_warned() {
    let cases = [
        ("t.ris", "TY  - JOUR\nTI  - One\nDO  - see publisher site\nER  - \n", 3, "DO"),
        ("t.txt", "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI One\nDI not a doi\nUT WOS:000000000000001\nER\nEF\n", 3, "DI"),
        ("t.bib", "@article{k,\n  title = {One},\n  pmid = {abc}\n}\n", 1, "pmid"),
    ];
    for (name, text, line, field) in cases {
        let (_, p) = ingest::read(name, text.as_bytes(), &Options::default());
        assert_eq!(p.records.len(), 1, "{name}");
        let d = p.diagnostics.iter().find(|d| d.message.ends_with("id dropped"));
        let d = d.unwrap_or_else(|| panic!("{name}: no warning in {:#?}", p.diagnostics));
        assert!(d.message.starts_with(field), "{name}: {}", d.message);
        assert_eq!((d.at.input.as_str(), d.at.line), (name, line), "{name}");
        assert!(d.at.record.is_some(), "{name}");
    }
    let (_, p) = ingest::read("t.ris", b"TY  - JOUR\nTI  - One\nDO  - NA\nER  - \n", &Options::default());
    assert!(!p.diagnostics.iter().any(|d| d.message.ends_with("id dropped")), "{:#?}", p.diagnostics);
}
