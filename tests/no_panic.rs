//! "No panic on any input", in the normal suite: every reader (all of
//! `Format::ALL`, via `ingest::parse_str`), the free-text parsers (callouts,
//! reference strings), the matrix reader and `ingest::read` (decode, detect,
//! gunzip) on arbitrary bytes, on arbitrary text, and on truncated real files
//! from `../shared/fixtures`, `../shared/seeds` and `tests/fixtures`, plain
//! and gzipped. The `cargo fuzz` targets in `fuzz/` explore the same entry
//! points for longer; what they found is pinned at the end of this file.

use citemap::ingest::{self, Format, Options};
use citemap::model::{Parsed, Provenance, Severity};
use proptest::prelude::*;
use std::io::Write;

const SHARED: &str = "../shared";

/// Every reader on one text: all formats, the free-text parsers, detection.
fn run_all_readers(text: &str) {
    for f in Format::ALL {
        let p = ingest::parse_str("p", text, f);
        check(&p);
    }
    let _ = ingest::detect(text);
    let _ = ingest::rank(text);
    let _ = ingest::loose_json::parse(text);
    check(&ingest::general::parse("p", text));
    let _ = ingest::callouts::extract("p", text, 0);
    let at = Provenance::new("p", 1, None);
    let _ = ingest::refs::parse_wos_cr(text, at.clone());
    let _ = ingest::refs::parse_free_text(text, at);
    let _ = ingest::matrix::parse("p", text);
    // The seed readers' own entry points (sniffers, the aggregator JSON).
    let _ = ingest::page::looks_like_aggregator(text);
    let _ = ingest::page::looks_like_abstract_page(text);
    let _ = ingest::listing::looks_like_listing(text);
    let _ = ingest::fulltext::looks_like_full_text(text);
    let _ = ingest::page::parse_aggregator("p", text);
}

/// Decode + detect + parse on raw bytes, plain and gzipped, plus the matrix reader.
fn run_bytes(bytes: &[u8]) {
    let (_, p) = ingest::read("p", bytes, &Options::default());
    check(&p);
    let (_, p) = ingest::read("p.gz", &gzip(bytes), &Options::default());
    check(&p);
    let _ = ingest::matrix::read_bytes("p", bytes);
}

/// A result is sensible: every diagnostic has a message.
fn check(p: &Parsed) {
    for d in &p.diagnostics {
        assert!(!d.message.is_empty());
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Every real input file we have, first 16 kB each (keeps the suite quick).
fn fixture_files() -> Vec<Vec<u8>> {
    let mut dirs = vec![format!("{SHARED}/seeds")];
    for sub in ["fixtures/formats", "fixtures/api"] {
        let mut ds: Vec<_> = std::fs::read_dir(format!("{SHARED}/{sub}"))
            .expect("shared fixtures")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .map(|p| p.display().to_string())
            .collect();
        ds.sort();
        dirs.extend(ds);
    }
    for own in ["formats_a", "formats_b", "merge", "overlap", "pages"] {
        dirs.push(format!("tests/fixtures/{own}"));
    }
    let mut out = Vec::new();
    for d in dirs {
        let mut paths: Vec<_> =
            std::fs::read_dir(&d).expect("fixture dir").filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "md") || !p.is_file() {
                continue;
            }
            let bytes = std::fs::read(&p).expect("fixture");
            out.push(bytes[..bytes.len().min(16_000)].to_vec());
        }
    }
    assert!(out.len() > 60, "expected the shared fixtures at {SHARED}");
    out
}

#[test]
fn every_format_has_a_reader_here() {
    assert_eq!(Format::ALL.len(), 19);
}

#[test]
fn truncations_of_every_fixture_never_panic() {
    for bytes in fixture_files() {
        let step = (bytes.len() / 12).max(1);
        for cut in (0..=bytes.len()).step_by(step) {
            let part = &bytes[..cut];
            run_bytes(part);
            run_all_readers(&String::from_utf8_lossy(part));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_reader_on_arbitrary_text(s in "\\PC{0,400}") {
        run_all_readers(&s);
        run_bytes(s.as_bytes());
    }

    #[test]
    fn every_reader_on_arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        run_bytes(&b);
        run_all_readers(&String::from_utf8_lossy(&b));
        // A gzip magic followed by noise: a broken stream, reported, never a panic.
        let mut gz = vec![0x1f, 0x8b];
        gz.extend_from_slice(&b);
        let (_, p) = ingest::read("p.gz", &gz, &Options::default());
        check(&p);
    }

    #[test]
    fn every_reader_on_format_shaped_noise(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("TY  - JOUR\n".to_string()), Just("ER  -\n".to_string()), Just("PMID- 1\n".to_string()),
                Just("@article{k,\n".to_string()), Just("title = {".to_string()), Just("}".to_string()),
                Just("\\\"".to_string()), Just("<PubmedArticle>".to_string()), Just("</".to_string()),
                Just("<record><titles><title>".to_string()), Just("[{\"type\":\"book\",".to_string()),
                Just("\"title\": \"x\"}".to_string()), Just("&#x;".to_string()), Just("\r\n".to_string()),
                "\\PC{0,12}",
            ],
            0..40,
        ),
        cut in 0usize..2000,
    ) {
        let s: String = parts.concat();
        let end = (0..=cut.min(s.len())).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        run_all_readers(&s[..end]);
    }

    #[test]
    fn every_reader_on_bracket_soup(s in "[(){}\\[\\];,.&a-zA-Z0-9 \n:\"’\u{3000}İ扩é-]{0,300}") {
        run_all_readers(&s);
    }

    #[test]
    fn every_reader_on_callout_like_soup(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("("), Just(")"), Just(" et al. "), Just("2015"), Just("2015a"), Just("n.d."), Just(" & "),
                Just("; "), Just(", "), Just("Smith"), Just("İstanbul"), Just("\u{3000}"), Just("\n"), Just("-\n"),
                Just("Department of Health"), Just("[WHO]"), Just("p. 3"), Just("扩大"), Just("’s"), Just(" and "),
            ],
            0..60,
        )
    ) {
        run_all_readers(&parts.concat());
    }

    #[test]
    fn every_reader_on_randomly_cut_fixtures(idx in 0usize..1000, frac in 0.0f64..1.0) {
        let files = fixture_files();
        let bytes = &files[idx % files.len()];
        let cut = ((bytes.len() as f64) * frac) as usize;
        run_bytes(&bytes[..cut]);
        run_all_readers(&String::from_utf8_lossy(&bytes[..cut]));
        // A gzip stream cut short: an error diagnostic, and the records
        // read before the cut kept (issue 15).
        let gz = gzip(bytes);
        let (_, p) = ingest::read("cut.gz", &gz[..gz.len() / 2], &Options::default());
        prop_assert!(p.diagnostics.iter().any(|d| d.severity == Severity::Error));
    }
}

/// Hand-made adversarial shapes (one repeated token, 16 kB each): every reader
/// returns, and the gzip path agrees with the plain one. At 64 kB these ran in
/// linear time under the fuzz build (checked at 1k/2k/4k/8k repeats).
#[test]
fn adversarial_repetitions_never_panic() {
    let tokens = [
        "{",
        "@article{",
        "@a{k,t={",
        "\"",
        ",",
        "a,\"\"",
        "<",
        "<a>",
        "<record>",
        "<PubmedArticle>",
        "[",
        "{}\n",
        "\n",
        "\r",
        " ",
        "a",
        "TY  - JOUR\n",
        "AU  - Smith, J.\n",
        "PMID- 1\n",
        "PT J\n",
        "\n   a",
        "(",
        "(Smith, 2001; ",
        "Smith et al. 2001 ",
        "1",
        ".",
        "&",
        "&#x",
        "\t",
        ";",
        "Abstract\n",
        "10.1/",
        "https://doi.org/10.",
        "\\",
        "é",
        "-",
        "A. ",
        "a = {x},\n",
        "A and ",
        "\n   Smith, J",
        "A, B., 2001, T; ",
        "“",
        "{“a”:",
        "[{\"title\":\"T\",",
        "Authors: Ann Bo, ",
        "1. ",
        "• Smith J. Title. J. 2001;1:2.\n",
        "Ann BoAnn Bo1,2†",
        "Title\nAnn Bo, Cy Do\n",
        "References\n",
        "摘要",
        "PMID:",
    ];
    for t in tokens {
        let s = t.repeat(16_000 / t.len());
        run_all_readers(&s);
        let (f, plain) = ingest::read("p", s.as_bytes(), &Options::default());
        let (g, zipped) = ingest::read("p.gz", &gzip(s.as_bytes()), &Options::default());
        assert_eq!(f, g, "{t:?}");
        assert_eq!(plain.records.len(), zipped.records.len(), "{t:?}");
    }
}
