//! Integration tests for the export and API readers: WoS (plain and tab),
//! Scopus, Lens and OpenAlex CSV, OpenAlex JSON / JSON Lines, Crossref and
//! Semantic Scholar, on the real third-party fixtures in `../shared/fixtures`
//! and the synthetic ones in `tests/fixtures/formats_b/`.

use citemap::ingest::{self, Format, Options};
use citemap::model::{DocType, Identifier, Parsed, Severity};
use proptest::prelude::*;
use std::io::Write;

const FMT: &str = "../shared/fixtures/formats";
const API: &str = "../shared/fixtures/api";
const OWN: &str = "tests/fixtures/formats_b";

fn bytes(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// Detects and parses a file; returns the detected format too.
fn read(path: &str) -> (Option<Format>, Parsed) {
    ingest::read(path, &bytes(path), &Options::default())
}

fn citations(p: &Parsed) -> usize {
    p.records.iter().map(|r| r.citations.len()).sum()
}

fn errors(p: &Parsed) -> Vec<String> {
    p.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.clone()).collect()
}

#[test]
fn wos_plain_fixtures_counts() {
    // (file, records, cited-reference lines) as counted in PROVENANCE.md.
    let cases = [
        ("wos-plaintext/wos_sample_bibliometrix.txt", 8, 252),
        ("wos-plaintext/wos_savedrecs_32_records.txt", 32, 958),
        ("wos-plaintext/wos_rispy_example.txt", 2, 145),
        ("wos-plaintext/wos_twopaper_bom_thomson.isi", 2, 27),
    ];
    for (file, n, cr) in cases {
        let path = format!("{FMT}/{file}");
        let (fmt, p) = read(&path);
        assert_eq!(fmt, Some(Format::WosPlain), "{file}");
        assert_eq!(p.records.len(), n, "{file}");
        assert_eq!(citations(&p), cr, "{file}");
        assert!(errors(&p).is_empty(), "{file}: {:?}", p.diagnostics);
        for r in &p.records {
            assert_eq!(r.source_kind, "wos");
            assert!(r.at.line > 0);
            assert!(
                r.at.record.as_deref().is_some_and(|k| k.starts_with("WOS:") || k.starts_with("ISI:")),
                "{:?}",
                r.at
            );
            assert!(r.ids.iter().any(|i| matches!(i, Identifier::Wos(_))));
        }
    }
}

#[test]
fn wos_plain_fields() {
    let (_, p) = read(&format!("{FMT}/wos-plaintext/wos_sample_bibliometrix.txt"));
    let r = &p.records[0];
    assert_eq!(r.authors[0].family, "Toh");
    assert_eq!(r.authors[0].given, "Ming Liang", "AF full name preferred over AU");
    assert!(r.title.as_deref().unwrap().starts_with(
        "Mapping the application of Geographic Information System (GIS) in real estate: a bibliometric"
    ));
    assert_eq!(r.venue.as_deref(), Some("SURVEY REVIEW"));
    assert_eq!(r.language.as_deref(), Some("en"));
    assert_eq!(r.doc_type, Some(DocType::Article));
    assert!(r.keywords.contains(&"QGIS".to_string()));
    assert!(r.subjects.contains(&"URBAN EXPANSION".to_string()));
    assert!(r.authors[0].affiliations[0].starts_with("Univ Technol Sarawak"));
    let ceh = r.citations.iter().find(|c| c.raw.starts_with("Ceh M, 2018")).expect("Ceh 2018 reference");
    assert_eq!(ceh.ids.len(), 2, "bracketed DOI list");
    assert_eq!(ceh.at.record, r.at.record);
    assert!(ceh.at.line > r.at.line);
    let aria = r.citations.iter().find(|c| c.raw.starts_with("Aria M, 2017")).expect("Aria 2017");
    assert_eq!(aria.ids, vec![Identifier::Doi("10.1016/j.joi.2017.08.007".into())]);
    assert_eq!(aria.volume.as_deref(), Some("11"));
    assert_eq!(aria.first_page.as_deref(), Some("959"));
    // Records with ORCIDs in OI get them on the matching author.
    assert!(p.records.iter().any(|r| r.authors.iter().any(|a| a.orcid.is_some())));
}

#[test]
fn wos_tab_utf8_and_utf16_agree() {
    let (f8, p8) = read(&format!("{FMT}/wos-tab-delimited/wos_tab_delimited_win_utf8.txt"));
    let (f16, p16) = read(&format!("{FMT}/wos-tab-delimited/wos_tab_delimited_win_utf16le_crlf.txt"));
    assert_eq!(f8, Some(Format::WosTab));
    assert_eq!(f16, Some(Format::WosTab));
    assert_eq!(p8.records.len(), 50);
    assert_eq!(p16.records.len(), 50);
    // The trailing tab (60 fields for 59 tags) is not an error.
    assert!(p8.diagnostics.iter().all(|d| d.severity == Severity::Info), "{:?}", p8.diagnostics);
    assert_eq!(p8.records[0].citations.len(), 62);
    assert_eq!(p8.records[0].authors[0].family, "Owen-Smith");
    assert_eq!(p8.records[0].source_kind, "wos-tab");
    for (a, b) in p8.records.iter().zip(&p16.records) {
        assert_eq!(a.title, b.title);
        assert_eq!(a.ids, b.ids);
        assert_eq!(a.citations.len(), b.citations.len());
        assert_eq!(a.at.line, b.at.line);
    }
    assert_eq!(p8.records[0].at.line, 2);
}

#[test]
fn scopus_current_layout() {
    let (fmt, p) = read(&format!("{FMT}/scopus-csv/scopus_sample_with_references.csv"));
    assert_eq!(fmt, Some(Format::ScopusCsv));
    assert_eq!(p.records.len(), 8);
    let r = &p.records[0];
    assert_eq!(r.authors.len(), 4);
    assert_eq!(r.authors[0].family, "Liu");
    assert_eq!(r.authors[0].given, "Fengyuan");
    assert_eq!(r.authors[0].source_id.as_deref(), Some("60410297700"));
    assert!(r.ids.contains(&Identifier::Eid("2-s2.0-105030721984".into())));
    assert_eq!(r.doi(), Some("10.1177/20552076261415846"));
    assert_eq!(r.venue_abbrev.as_deref(), Some("Digit. Health"));
    assert!(p.records.iter().all(|r| !r.citations.is_empty()));
    // "Cheng M.; Xue Y.; Cui M., Global, regional …" is one entry with three authors.
    let cheng = r.citations.iter().find(|c| c.raw.starts_with("Cheng M.")).expect("Cheng entry");
    assert_eq!(cheng.authors.len(), 3);
    assert_eq!(cheng.year, Some(2025));
    assert_eq!(cheng.venue.as_deref(), Some("Spine (Phila Pa 1976)"));
}

#[test]
fn scopus_ragged_rows_are_realigned() {
    let (fmt, p) = read(&format!("{FMT}/scopus-csv/scopus_2021_bom_58_records.csv"));
    assert_eq!(fmt, Some(Format::ScopusCsv));
    assert_eq!(p.records.len(), 58);
    let realigned: Vec<_> = p.diagnostics.iter().filter(|d| d.message.contains("realigned")).collect();
    assert_eq!(realigned.len(), 56, "{:?}", p.diagnostics);
    assert!(realigned
        .iter()
        .all(|d| d.at.line > 1 && d.at.record.as_deref().is_some_and(|k| k.starts_with("2-s2.0-"))));
    for r in &p.records {
        assert!(
            r.ids.iter().any(|i| matches!(i, Identifier::Eid(e) if e.starts_with("2-s2.0-"))),
            "{:?}",
            r.at
        );
        assert_eq!(r.language.as_deref(), Some("en"), "{:?}", r.at);
    }
    let namd = &p.records[0];
    assert_eq!(namd.title.as_deref(), Some("Scalable molecular dynamics with NAMD"));
    assert_eq!(namd.authors.len(), 10);
    assert_eq!(namd.authors[0].family, "Phillips");
    assert_eq!(namd.doc_type, Some(DocType::Review));
    assert_eq!(namd.pages.as_deref(), Some("1781-1802"));
    // Realigned rows keep their references (the 48 KB cell included).
    assert_eq!(p.records.iter().filter(|r| !r.citations.is_empty()).count(), 48);
    let biggest = p.records.iter().map(|r| r.citations.len()).max().unwrap_or(0);
    assert!(biggest > 300, "{biggest}");
    let kale = namd.citations.iter().find(|c| c.raw.starts_with("Kalé")).expect("Kalé");
    assert_eq!(kale.year, Some(1999));
    assert_eq!(kale.venue.as_deref(), Some("J Comp Phys"));
}

#[test]
fn lens_and_openalex_csv() {
    let (fmt, p) = read(&format!("{FMT}/lens-csv/lens_sample.csv"));
    assert_eq!(fmt, Some(Format::LensCsv));
    assert_eq!(p.records.len(), 8);
    let r = &p.records[0];
    assert_eq!(r.authors[0].family, "Radanliev");
    assert_eq!(r.doi(), Some("10.1007/s10669-020-09792-x"));
    assert!(r.ids.contains(&Identifier::Pmid("33251087".into())));
    assert!(r.ids.contains(&Identifier::Pmcid("PMC7680653".into())));
    assert!(r.citations[0].ids[0].value().starts_with("lens:"));
    assert!(!r.abstract_text.as_deref().unwrap_or("").contains("<jats"));

    let (fmt, p) = read(&format!("{FMT}/openalex-csv/openalex_sample.csv"));
    assert_eq!(fmt, Some(Format::OpenalexCsv));
    assert_eq!(p.records.len(), 8);
    let r = &p.records[0];
    assert!(r.ids.contains(&Identifier::Openalex("W2755950973".into())));
    assert_eq!(r.authors[0].family, "Aria");
    assert_eq!(r.authors[0].orcid.as_deref(), Some("0000-0002-8517-9411"));
    assert_eq!(r.authors[0].source_id.as_deref(), Some("A5069892096"));
    assert_eq!(r.authors[1].affiliations, vec!["University of Campania \"Luigi Vanvitelli\"".to_string()]);
    assert_eq!(r.times_cited, Some(13235));
}

#[test]
fn openalex_api_bodies() {
    let (fmt, p) = read(&format!("{API}/openalex/work_W2741809807_peerj.json"));
    assert_eq!(fmt, Some(Format::OpenalexJson));
    assert_eq!(p.records.len(), 1);
    let r = &p.records[0];
    let raw: serde_json::Value =
        serde_json::from_slice(&bytes(&format!("{API}/openalex/work_W2741809807_peerj.json"))).unwrap();
    assert_eq!(r.citations.len(), raw["referenced_works"].as_array().unwrap().len());
    assert_eq!(r.authors.len(), raw["authorships"].as_array().unwrap().len());
    assert!(r.ids.contains(&Identifier::Openalex("W2741809807".into())));
    assert_eq!(r.doi(), Some("10.7717/peerj.4375"));
    assert_eq!(r.at.record.as_deref(), Some("W2741809807"));
    assert_eq!(r.abstract_text.is_some(), !raw["abstract_inverted_index"].is_null());
    assert!(r.authors.iter().any(|a| a.orcid.is_some() && a.source_id.is_some()));

    let (_, p) = read(&format!("{API}/openalex/work_W4234567890_paratext_null_title.json"));
    assert_eq!(p.records.len(), 1);
    assert!(p.records[0].missing.contains(&"title".to_string()) || p.records[0].title.is_some());

    let (_, p) = read(&format!("{API}/openalex/works_filter_openalex_cursor_page1.json"));
    assert!(!p.records.is_empty());
    let (_, p) = read(&format!("{API}/openalex/works_filter_openalex_cursor_page2_last.json"));
    assert!(p.records.is_empty() && errors(&p).is_empty());

    for f in ["error_400_invalid_filter_field.json", "error_400_invalid_select.json"] {
        let path = format!("{API}/openalex/{f}");
        let p = ingest::parse_bytes(
            &path,
            &bytes(&path),
            &Options { format: Some(Format::OpenalexJson), ..Options::default() },
        );
        assert!(p.records.is_empty(), "{f}");
        let errs = errors(&p);
        assert_eq!(errs.len(), 1, "{f}");
        assert!(errs[0].contains("API error") && errs[0].contains("Invalid"), "{}", errs[0]);
        // Detected without forcing, too.
        assert_eq!(read(&path).0, Some(Format::OpenalexJson));
    }
}

#[test]
fn crossref_bodies() {
    let path = format!("{API}/crossref/works_doi_10.1371_journal.pone.0033693.json");
    let (fmt, p) = read(&path);
    assert_eq!(fmt, Some(Format::Crossref));
    assert_eq!(p.records.len(), 1);
    let r = &p.records[0];
    let raw: serde_json::Value = serde_json::from_slice(&bytes(&path)).unwrap();
    assert_eq!(r.citations.len(), raw["message"]["reference"].as_array().unwrap().len());
    assert_eq!(r.doi(), Some("10.1371/journal.pone.0033693"));
    assert_eq!(r.authors[0].family, "Sadasivan");
    assert_eq!(r.venue.as_deref(), Some("PLoS ONE"));
    let c = &r.citations[0];
    assert_eq!(c.ids, vec![Identifier::Doi("10.1038/sj.npp.1301164".into())]);
    assert_eq!(c.year, Some(2006));
    assert_eq!(c.first_page.as_deref(), Some("2376"));
    assert_eq!(c.authors[0].family, "Arnsten");

    let (_, p) = read(&format!("{API}/crossref/works_query_ecology_rows2.json"));
    assert_eq!(p.records.len(), 2);
    let (_, p) = read(&format!("{API}/crossref/works_doi_10.3892_ijo_00000353_no_refs.json"));
    assert_eq!(p.records.len(), 1);
    assert!(p.records[0].citations.is_empty());

    for f in ["works_doi_with_query_400.json", "works_bad_cursor_404.json"] {
        let (fmt, p) = read(&format!("{API}/crossref/{f}"));
        assert_eq!(fmt, Some(Format::Crossref));
        assert!(p.records.is_empty());
        assert!(errors(&p).iter().any(|e| e.contains("Crossref API error")), "{:?}", p.diagnostics);
    }
    let path = format!("{API}/crossref/works_doi_not_found_404.txt");
    let p = ingest::parse_bytes(
        &path,
        &bytes(&path),
        &Options { format: Some(Format::Crossref), ..Options::default() },
    );
    assert!(p.records.is_empty());
    assert!(errors(&p)[0].contains("Resource not found"));
}

#[test]
fn semantic_scholar_bodies() {
    let (fmt, p) = read(&format!("{API}/semantic-scholar/paper_batch_all_fields_with_null.json"));
    assert_eq!(fmt, Some(Format::SemanticScholar));
    assert_eq!(p.records.len() + p.diagnostics.iter().filter(|d| d.message.contains("null")).count(), 4);
    assert!(p.records.iter().any(|r| r.doi() == Some("10.2139/ssrn.288970")));

    // A reference page labelled with its request URL keeps the edges.
    let path = format!("{API}/semantic-scholar/paper_references_offset0_limit50.json");
    let label = "https://api.semanticscholar.org/graph/v1/paper/10.2139/ssrn.2250500/references?fields=title&offset=0&limit=50";
    let p = ingest::parse_bytes(label, &bytes(&path), &Options::default());
    assert_eq!(p.records.len(), 1);
    assert_eq!(p.records[0].doi(), Some("10.2139/ssrn.2250500"));
    assert_eq!(p.records[0].citations.len(), 50);
    // Without the URL: the cited papers as records and a note.
    let (_, p) = read(&path);
    assert_eq!(p.records.len(), 50);
    assert!(p.diagnostics.iter().any(|d| d.message.contains("request URL")));

    let label = "https://api.semanticscholar.org/graph/v1/paper/CorpusID:14514057/citations?fields=title";
    let p = ingest::parse_bytes(
        label,
        &bytes(&format!("{API}/semantic-scholar/paper_citations_offset0_limit100.json")),
        &Options::default(),
    );
    assert_eq!(p.records.len(), 100);
    assert!(p.records.iter().all(|r| r.citations[0].ids == vec![Identifier::S2("CorpusId:14514057".into())]));

    let (_, p) = read(&format!("{API}/semantic-scholar/citation_item_with_contexts.json"));
    assert!(p.records.is_empty() || p.records.iter().all(|r| r.source_kind == "semantic-scholar"));

    let (fmt, p) = read(&format!("{API}/semantic-scholar/paper_not_found_404.json"));
    assert_eq!(fmt, Some(Format::SemanticScholar));
    assert!(p.records.is_empty());
    assert!(errors(&p)[0].contains("not found"));
}

#[test]
fn gzip_input_is_read_and_bounded() {
    let path = format!("{API}/openalex/work_W2162348455.json");
    let plain = bytes(&path);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&plain).unwrap();
    let gz = enc.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gz_path = dir.path().join("work.json.gz");
    std::fs::write(&gz_path, &gz).unwrap();
    let gz = std::fs::read(&gz_path).unwrap();
    let (fmt, p) = ingest::read("work.json.gz", &gz, &Options::default());
    let (_, q) = ingest::read("work.json", &plain, &Options::default());
    assert_eq!(fmt, Some(Format::OpenalexJson));
    assert_eq!(p.records.len(), 1);
    assert_eq!(p.records[0].ids, q.records[0].ids);
    assert_eq!(p.records[0].citations.len(), q.records[0].citations.len());
    let small = Options { max_decompressed_bytes: Some(100), ..Options::default() };
    let (_, p) = ingest::read("work.json.gz", &gz, &small);
    assert!(p.records.is_empty());
    assert!(errors(&p)[0].contains("limit"));
    // A cut gzip: an error says so, and what came before the cut (here half
    // of one JSON work) is read only as far as it is complete.
    let (_, p) = ingest::read("cut.gz", &gz[..gz.len() / 2], &Options::default());
    assert!(errors(&p).iter().any(|e| e.contains("cut short")), "{:?}", errors(&p));
    assert!(p.records.len() <= 1);
}

#[test]
fn openalex_stream_keeps_going_after_a_broken_line() {
    let text = std::fs::read_to_string(format!("{OWN}/gen_corpus_12.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 12);
    let broken = lines[4].get(..lines[4].len() / 2).unwrap().to_string();
    lines[4] = &broken;
    let joined = lines.join("\n");
    let mut got = Vec::new();
    let mut diags = Vec::new();
    let n = ingest::openalex::read_stream(
        "c.jsonl",
        std::io::BufReader::new(joined.as_bytes()),
        &mut |r| got.push(r),
        &mut diags,
    )
    .unwrap();
    // Works met (the broken one included), 11 read.
    assert_eq!(n, 12);
    assert_eq!(got.len(), 11);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].at.line, 5);
    assert!(diags[0].at.record.as_deref().is_some_and(|k| k.starts_with('W')), "{:?}", diags[0]);
    assert_eq!(got[4].at.line, 6);
    // Every record has its references and authors.
    let whole = ingest::openalex::parse("c.jsonl", &text);
    assert_eq!(whole.records.len(), 12);
    let raw: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(whole.records[0].citations.len(), raw["referenced_works"].as_array().unwrap().len());
    assert_eq!(whole.records[0].authors.len(), raw["authorships"].as_array().unwrap().len());
    assert_eq!(ingest::detect(&text), Some(Format::OpenalexJson));
}

#[test]
fn wos_stream_of_generated_corpus() {
    let path = format!("{OWN}/gen_corpus_12.wos.txt");
    let file = std::fs::File::open(&path).unwrap();
    let mut got = Vec::new();
    let mut diags = Vec::new();
    let n = ingest::wos::read_stream(&path, std::io::BufReader::new(file), &mut |r| got.push(r), &mut diags)
        .unwrap();
    assert_eq!(n, 12);
    assert!(diags.iter().all(|d| d.severity != Severity::Error), "{diags:?}");
    let cr_lines = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("CR ") || l.starts_with("   ") && !l.trim().is_empty())
        .count();
    assert!(got.iter().map(|r| r.citations.len()).sum::<usize>() <= cr_lines);
    let anon = got.iter().flat_map(|r| &r.citations).filter(|c| c.raw.starts_with("[Anonymous]"));
    for c in anon {
        assert!(c.authors.is_empty());
    }
    let upper = got
        .iter()
        .flat_map(|r| &r.citations)
        .flat_map(|c| &c.ids)
        .all(|i| i.value() == i.value().to_lowercase());
    assert!(upper, "DOIs are normalised to lower case");
}

#[test]
fn bad_csv_rows_give_located_diagnostics() {
    let text = "Authors,Title,Year,Source title,EID\n\"Smith J.\",\"A\",2020,\"J\",2-s2.0-1\n\"Lee K.\",\"B\",2021\n\"Kim H.\",\"C\",2022,\"J\",2-s2.0-3\n";
    let p = ingest::scopus_csv::parse("s.csv", text);
    assert_eq!(p.records.len(), 3);
    let d = p.diagnostics.iter().find(|d| d.message.contains("fields")).expect("short row diagnostic");
    assert_eq!(d.at.line, 3);
    assert_eq!(d.at.input, "s.csv");
    assert_eq!(p.records[2].at.record.as_deref(), Some("2-s2.0-3"));
}

fn fixture_texts() -> Vec<(Format, String)> {
    let files = [
        (Format::WosPlain, format!("{FMT}/wos-plaintext/wos_twopaper_bom_thomson.isi")),
        (Format::WosTab, format!("{FMT}/wos-tab-delimited/wos_tab_delimited_win_utf8.txt")),
        (Format::ScopusCsv, format!("{FMT}/scopus-csv/scopus_sample_with_references.csv")),
        (Format::LensCsv, format!("{FMT}/lens-csv/lens_sample.csv")),
        (Format::OpenalexCsv, format!("{FMT}/openalex-csv/openalex_sample.csv")),
        (Format::OpenalexJson, format!("{API}/openalex/work_W2162348455.json")),
        (Format::OpenalexJson, format!("{OWN}/gen_corpus_12.jsonl")),
        (Format::Crossref, format!("{API}/crossref/works_query_ecology_rows2.json")),
        (Format::SemanticScholar, format!("{API}/semantic-scholar/paper_batch_all_fields_with_null.json")),
    ];
    files.into_iter().map(|(f, p)| (f, ingest::decode(&p, &bytes(&p)).0)).collect()
}

const MINE: [Format; 8] = [
    Format::WosPlain,
    Format::WosTab,
    Format::ScopusCsv,
    Format::LensCsv,
    Format::OpenalexJson,
    Format::OpenalexCsv,
    Format::Crossref,
    Format::SemanticScholar,
];

#[test]
fn detection_of_every_fixture() {
    for (f, text) in fixture_texts() {
        assert_eq!(ingest::detect(&text), Some(f));
    }
    for f in MINE {
        assert!(Format::ALL.contains(&f));
        assert_eq!(Format::from_name(f.name()), Some(f));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_arbitrary_text(s in "\\PC{0,400}") {
        for f in MINE {
            let _ = ingest::parse_str("p", &s, f);
        }
        let _ = ingest::refs::parse_free_text(&s, Default::default());
        let _ = ingest::refs::parse_wos_cr(&s, Default::default());
        let _ = ingest::parse_bytes("p", s.as_bytes(), &Options::default());
    }

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = ingest::parse_bytes("p", &b, &Options::default());
        let mut gz = vec![0x1f, 0x8b];
        gz.extend_from_slice(&b);
        let _ = ingest::parse_bytes("p", &gz, &Options::default());
    }

    #[test]
    fn readers_never_panic_on_truncated_fixtures(cut in 0.0f64..1.0) {
        for (f, text) in fixture_texts() {
            let mut end = ((text.len() as f64) * cut) as usize;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let part = &text[..end];
            let _ = ingest::parse_str("p", part, f);
            let _ = ingest::detect(part);
        }
    }
}

#[test]
fn pretty_printed_json_records_get_their_lines() {
    // serde_json sorts keys when pretty-printing, so the format is given, not detected.
    for (dir, file, key, format) in [
        ("semantic-scholar", "paper_batch_all_fields_with_null.json", "\"paperId\"", Format::SemanticScholar),
        ("crossref", "works_query_ecology_rows2.json", "\"DOI\"", Format::Crossref),
        (
            "openalex",
            "works_filter_cites_cursor_page1.json",
            "\"id\": \"https://openalex.org/W",
            Format::OpenalexJson,
        ),
    ] {
        let raw: serde_json::Value = serde_json::from_slice(&bytes(&format!("{API}/{dir}/{file}"))).unwrap();
        let pretty = serde_json::to_string_pretty(&raw).unwrap();
        let p = ingest::parse_bytes(
            file,
            pretty.as_bytes(),
            &Options { format: Some(format), ..Options::default() },
        );
        assert!(p.records.len() >= 2, "{file}");
        let lines: Vec<u32> = p.records.iter().map(|r| r.at.line).collect();
        assert!(lines.windows(2).all(|w| w[0] < w[1]), "{file}: {lines:?}");
        for r in &p.records {
            let text_line = pretty.lines().nth(r.at.line as usize - 1).unwrap();
            assert!(text_line.contains(key), "{file}: line {} is {text_line}", r.at.line);
        }
    }
}

fn keyed<'a>(p: &'a Parsed, key: &str) -> &'a citemap::model::Record {
    p.records.iter().find(|r| r.at.record.as_deref() == Some(key)).unwrap_or_else(|| panic!("record {key}"))
}

#[test]
fn wos_plain_affiliations_not_tied_to_an_author_are_kept() {
    // Old export: `C1` addresses without `[names]`, two authors.
    let (_, p) = read(&format!("{FMT}/wos-plaintext/wos_savedrecs_32_records.txt"));
    let r = keyed(&p, "WOS:A1977DW70300003");
    assert_eq!(r.authors.len(), 2);
    assert_eq!(
        r.affiliations,
        vec![
            "OAK RIDGE NATL LAB,OAK RIDGE,TN 37830",
            "BORIS KIDRIC INST,ION PHYS LAB,YU-11000 BELGRADE,YUGOSLAVIA"
        ]
    );
    // `RP` names its author: the reprint address goes to that author; the
    // bare `C1` address stays the record's.
    let (_, p) = read(&format!("{FMT}/wos-plaintext/wos_rispy_example.txt"));
    let r = keyed(&p, "WOS:000221807500019");
    assert_eq!(
        r.affiliations,
        vec!["Northwestern Univ, Dept Biochem Mol Biol & Cell Biol, Evanston, IL 60208 USA"]
    );
    let loach = r.authors.iter().find(|a| a.family == "Loach").expect("Loach");
    assert_eq!(
        loach.affiliations,
        vec!["Northwestern Univ, Dept Biochem Mol Biol & Cell Biol, Hogan Hall,Room 2-100, Evanston, IL 60208 USA"]
    );
    // `[names]` addresses stay on their authors only.
    let (_, p) = read(&format!("{FMT}/wos-plaintext/wos_sample_bibliometrix.txt"));
    assert!(p.records.iter().all(|r| r.affiliations.is_empty()), "bracketed C1 and RP are all tied");
}

#[test]
fn wos_tab_affiliations_not_tied_to_an_author_are_kept() {
    let (_, p8) = read(&format!("{FMT}/wos-tab-delimited/wos_tab_delimited_win_utf8.txt"));
    let (_, p16) = read(&format!("{FMT}/wos-tab-delimited/wos_tab_delimited_win_utf16le_crlf.txt"));
    // "Univ Michigan, …; Stanford Univ, …" is two addresses, not one.
    let r = &p8.records[0];
    assert_eq!(
        r.affiliations,
        vec!["Univ Michigan, Dept Sociol, Ann Arbor, MI 48104 USA", "Stanford Univ, Stanford, CA 94305 USA"]
    );
    let owen = &r.authors[0];
    assert_eq!(
        owen.affiliations,
        vec!["Univ Michigan, Dept Sociol, 1225 S Univ Ave, Ann Arbor, MI 48104 USA"],
        "RP"
    );
    // Bracketed C1 is still split per address and tied to its authors.
    let r = keyed(&p8, "WOS:000285831700110");
    assert!(r.affiliations.is_empty(), "{:?}", r.affiliations);
    let wu = r.authors.iter().find(|a| a.family == "Wu").expect("Wu");
    assert_eq!(wu.affiliations[0], "Ontario Inst Canc Res Informat & Biocomp, Toronto, ON M5G 0A3, Canada");
    for (a, b) in p8.records.iter().zip(&p16.records) {
        assert_eq!(a.affiliations, b.affiliations);
    }
}

#[test]
fn scopus_affiliations_column() {
    let path = format!("{FMT}/scopus-csv/scopus_sample_with_references.csv");
    let text = String::from_utf8(bytes(&path)).expect("utf8");
    let hunan = "Department of Clinical Medicine, Hunan Normal University Health Science Center, Hunan, Changsha, China";
    // As exported: every `Affiliations` entry is some author's ("Liu F., …"
    // beside the full name "Liu, Fengyuan"), so none is the record's alone.
    let p = ingest::read(&path, text.as_bytes(), &Options::default()).1;
    let r = &p.records[0];
    assert_eq!(r.authors[0].affiliations, vec![hunan]);
    assert!(p.records.iter().all(|r| r.affiliations.is_empty()));
    // Without `Authors with affiliations` the same list is kept on the record.
    let header = "\"Authors with affiliations\"";
    assert!(text.contains(header));
    let cut = text.replacen(header, "\"Something else\"", 1);
    let p = ingest::read(&path, cut.as_bytes(), &Options::default()).1;
    let r = &p.records[0];
    assert!(r.authors.iter().all(|a| a.affiliations.is_empty()));
    assert_eq!(
        r.affiliations,
        vec![
            hunan,
            "Department of Surgery, Department of Clinical Medicine, Hunan Normal University Health Science Center, Hunan, Changsha, China"
        ]
    );
}
