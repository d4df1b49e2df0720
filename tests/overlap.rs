//! Umbrella-review overlap: every published / regression figure in
//! `../shared/fixtures/umbrella/expected_cca.md` reproduced from the five ccaR
//! matrices (csv and xlsx), bad-input errors, the corpus path, exports and
//! the heatmap.

use citemap::analysis::umbrella::{self, compute, percent, Band, OverlapMatrix, OverlapReport};
use citemap::ingest::matrix::Cell;
use citemap::ingest::matrix::{self, Error};
use std::collections::BTreeMap;

const DIR: &str = "../shared/fixtures/umbrella";

fn read(name: &str) -> OverlapMatrix {
    let path = format!("{DIR}/{name}");
    let bytes = std::fs::read(&path).expect("fixture present");
    let m = matrix::read_bytes(&path, &bytes).expect("fixture reads");
    OverlapMatrix::from_citation_matrix(&m)
}

/// One section of expected_cca.md.
#[derive(Debug, Default)]
struct Expected {
    c: usize,
    r: usize,
    n: usize,
    x: usize,
    cca_pct: String,
    unadjusted_pct: Option<String>,
    ca: String,
    single_total: BTreeMap<String, (usize, usize)>,
    /// (a, b) -> (overlap, N, r, X, pct)
    pairs: Vec<(String, String, [usize; 4], String)>,
}

fn num_after(line: &str, key: &str) -> usize {
    let rest = line.split(key).nth(1).expect("key present");
    rest.chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().expect("number")
}

fn expected() -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(format!("{DIR}/expected_cca.md")).expect("expected_cca.md");
    let mut out: BTreeMap<String, Expected> = BTreeMap::new();
    let mut cur: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("### `").and_then(|l| l.strip_suffix('`')) {
            cur = Some(name.to_string());
            out.insert(name.to_string(), Expected::default());
            continue;
        }
        let Some(e) = cur.as_ref().and_then(|c| out.get_mut(c)) else { continue };
        if line.starts_with("- reviews c = ") {
            e.c = num_after(line, "c = ");
            e.r = num_after(line, "r = ");
            e.n = num_after(line, "N = ");
            e.x = num_after(line, "X = ");
        } else if line.starts_with("- overall CCA") {
            e.cca_pct = line.split("**").nth(1).expect("bold").trim_end_matches('%').to_string();
        } else if line.starts_with("- same matrix with X treated as 0") {
            e.unadjusted_pct =
                Some(line.rsplit("-> ").next().expect("arrow").trim_end_matches('%').to_string());
        } else if line.starts_with("- covered area") {
            e.ca = line.rsplit("= ").next().expect("value").to_string();
        } else if line.starts_with("- per review") {
            let list = line.split("diagonal): ").nth(1).expect("list");
            for item in list.split(", ") {
                let (label, st) = item.rsplit_once(' ').expect("label and s/t");
                let (s, t) = st.split_once('/').expect("s/t");
                e.single_total.insert(label.to_string(), (s.parse().expect("s"), t.parse().expect("t")));
            }
        } else if line.starts_with("| ") && line.contains(" vs ") {
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            let (a, b) = cols[1].split_once(" vs ").expect("pair");
            let nums = [cols[2], cols[3], cols[4], cols[5]].map(|s| s.parse::<usize>().expect("int"));
            e.pairs.push((a.to_string(), b.to_string(), nums, cols[6].to_string()));
        }
    }
    out
}

fn check(report: &OverlapReport, e: &Expected, adjusted: bool, what: &str) {
    let s = &report.summary;
    assert_eq!((s.n_reviews, s.n_studies, s.n_inclusions), (e.c, e.r, e.n), "{what}: c r N");
    if adjusted {
        assert_eq!(s.n_missing, e.x, "{what}: X");
    }
    let cca = if adjusted { s.cca } else { s.cca_unadjusted }.expect("cca defined");
    let want = if adjusted { &e.cca_pct } else { e.unadjusted_pct.as_ref().unwrap_or(&e.cca_pct) };
    assert_eq!(&percent(cca), want, "{what}: CCA");
    if adjusted {
        if let Some(u) = &e.unadjusted_pct {
            assert_eq!(&percent(s.cca_unadjusted.expect("defined")), u, "{what}: unadjusted CCA");
        }
    }
    assert_eq!(format!("{:.4}", s.covered_area.expect("ca")), e.ca, "{what}: CA");
    let got: BTreeMap<String, (usize, usize)> =
        report.reviews.iter().map(|r| (r.label.clone(), (r.single, r.size))).collect();
    assert_eq!(got, e.single_total, "{what}: single/total");
    if e.pairs.is_empty() {
        // No pairwise table published for this file.
        assert_eq!(report.pairs.len(), e.c * (e.c - 1) / 2);
        return;
    }
    assert_eq!(report.pairs.len(), e.pairs.len(), "{what}: pair count");
    // Pairs come in ccaR order (reviews sorted by label).
    for (p, (a, b, nums, pct)) in report.pairs.iter().zip(&e.pairs) {
        assert_eq!((&p.a_label, &p.b_label), (a, b), "{what}: pair order");
        let x = if adjusted { nums[3] } else { 0 };
        assert_eq!(
            [p.overlap, p.n, p.r, if adjusted { p.x } else { 0 }],
            [nums[0], nums[1], nums[2], x],
            "{what}: {a} vs {b}"
        );
        let v = if adjusted { p.cca } else { p.cca_unadjusted };
        assert_eq!(&percent(v.expect("pair cca")), pct, "{what}: {a} vs {b} CCA%");
    }
}

#[test]
fn every_expected_figure_is_reproduced() {
    let exp = expected();
    assert_eq!(exp.len(), 5, "five sections in expected_cca.md");
    for (name, e) in &exp {
        let report = compute(&read(name));
        check(&report, e, true, name);
        assert!(report.excluded_studies.is_empty() && report.excluded_reviews.is_empty());
    }
}

#[test]
fn xlsx_gives_the_same_figures_as_the_x_csv() {
    let exp = expected();
    let e = &exp["ccaR_data_gerd_X_10sr_66ps.csv"];
    let x = compute(&read("ccaR_data_gerd_X.xlsx"));
    check(&x, e, true, "xlsx");
    let csv = compute(&read("ccaR_data_gerd_X_10sr_66ps.csv"));
    assert_eq!(x.summary, csv.summary);
    assert_eq!(x.pairs, csv.pairs);
}

#[test]
fn unadjusted_figures_match_the_plain_matrix() {
    let exp = expected();
    // The X file with X treated as 0 is the plain GERD file: every pairwise
    // unadjusted CCA equals the plain file's table.
    let plain = &exp["ccaR_data_gerd_10sr_66ps.csv"];
    let report = compute(&read("ccaR_data_gerd_X_10sr_66ps.csv"));
    check(&report, plain, false, "gerd X unadjusted");
    let toy = compute(&read("ccaR_test4_toy_4sr_12ps.csv"));
    assert_eq!(percent(toy.summary.cca_unadjusted.expect("defined")), "22.2");
}

#[test]
fn missingness_derived_from_dates_reproduces_the_x_file() {
    // The X file marks X exactly when the study's year is after the review's
    // year; deriving it from the labels of the plain file gives the same matrix.
    let mut plain = read("ccaR_data_gerd_10sr_66ps.csv");
    let marked = plain.mark_missing_from_dates();
    assert_eq!(marked, 151);
    let x = read("ccaR_data_gerd_X_10sr_66ps.csv");
    assert_eq!(plain.cells, x.cells);
    let exp = expected();
    check(&compute(&plain), &exp["ccaR_data_gerd_X_10sr_66ps.csv"], true, "derived X");
}

#[test]
fn search_date_overrides_the_publication_year() {
    let mut m = read("ccaR_test4_toy_4sr_12ps.csv");
    // Put every blank back to 0, then derive with a search date of 2013-12
    // for "2021 Perez": studies of 2019 and 2020 become missing for it.
    for row in &mut m.cells {
        for c in row.iter_mut() {
            if *c == Cell::Missing {
                *c = Cell::NotIncluded;
            }
        }
    }
    let date = citemap::ingest::inclusion::parse_date("2013-12").expect("date");
    assert!(m.set_review_fields(
        "2021 Perez",
        Some(date),
        None,
        Some(citemap::ingest::inclusion::Amstar::Low)
    ));
    m.mark_missing_from_dates();
    let report = compute(&m);
    let perez = report.reviews.iter().find(|r| r.label == "2021 Perez").expect("perez");
    assert_eq!(perez.amstar, Some(citemap::ingest::inclusion::Amstar::Low));
    // Starr 2019 and Plant 2020 are included by Perez only: kept as inclusions
    // and reported, not turned into X.
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("Starr 2019") && d.message.contains("2013-12")));
}

#[test]
fn label_noise_is_reported_and_merge_gives_published_numbers() {
    let path = format!("{DIR}/ccaR_cca_23sr_339ps.csv");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let m = matrix::parse(&path, &text).expect("reads");
    let exact: Vec<&Vec<String>> =
        m.duplicates.iter().filter(|g| g.kind == "exact").map(|g| &g.labels).collect();
    assert_eq!(exact, vec![&vec!["Safarinejad  2009".to_string(), "Safarinejad 2009".to_string()]]);
    let near: Vec<&Vec<String>> =
        m.duplicates.iter().filter(|g| g.kind == "near").map(|g| &g.labels).collect();
    let variants: Vec<&Vec<String>> =
        m.duplicates.iter().filter(|g| g.kind == "name_variant").map(|g| &g.labels).collect();
    assert!(
        variants.iter().any(|l| l.contains(&"Rudio-Aurioles 2012".to_string())
            && l.contains(&"Rubio-Aurioles 2009".to_string())),
        "{variants:?}"
    );
    // Numbered reports of one author and year are distinct labels, not near duplicates.
    assert!(!near.iter().any(|l| l.contains(&"Carson 2005_1".to_string())), "{near:?}");
    assert!(
        near.iter().any(|l| ["De Tejada 2002", "Saenz de Tejada 2002", "Tejada 2002"]
            .iter()
            .all(|t| l.contains(&t.to_string()))),
        "{near:?}"
    );
    // No false alarms for distinct authors of one year.
    assert!(near.iter().all(|l| l.len() <= 3), "{near:?}");
    assert!(m.diagnostics.iter().any(|d| d.message.contains("Safarinejad  2009")));

    let mut om = OverlapMatrix::from_citation_matrix(&m);
    assert_eq!(om.merge_exact_duplicates(), 1);
    let r = compute(&om);
    assert_eq!((r.summary.n_inclusions, r.summary.n_studies), (562, 338));
    assert!((r.summary.cca.expect("cca") - 0.0301237).abs() < 1e-7);
    assert_eq!(percent(r.summary.cca.expect("cca")), "3.0");
    let merged = r.matrix.studies.iter().find(|s| s.reports.len() == 2).expect("merged study");
    assert_eq!(
        merged.reports.iter().map(|x| x.label.as_str()).collect::<Vec<_>>(),
        ["Safarinejad  2009", "Safarinejad 2009"]
    );
    // Review sizes after merge: Madeira 2020 had both rows.
    assert_eq!(r.reviews.iter().find(|x| x.label == "Madeira 2020").map(|x| x.size), Some(178));
}

#[test]
fn bands_and_source_are_reported() {
    let r = compute(&read("ccaR_test_6sr_14ps.csv"));
    assert_eq!(r.summary.band, Some(Band::VeryHigh));
    assert!(r.band_source.contains("J Clin Epidemiol 2014;67(4):368-375"));
    let p = r.pairs.iter().find(|p| p.a_label == "Morton2014" && p.b_label == "Peacock2014").expect("pair");
    assert_eq!(p.band, Some(Band::High)); // 11.1%
    assert_eq!(p.containment_a_in_b, Some(1.0 / 4.0));
    assert_eq!(p.containment_b_in_a, Some(1.0 / 6.0));
    assert_eq!(p.overlap_coefficient, Some(1.0 / 4.0));
    let gerd = compute(&read("ccaR_data_gerd_10sr_66ps.csv"));
    assert_eq!(gerd.summary.band, Some(Band::High));
    let big = compute(&read("ccaR_cca_23sr_339ps.csv"));
    assert_eq!(big.summary.band, Some(Band::Slight));
    assert_eq!(big.summary.n_single_review_studies + big.summary.n_multi_review_studies, 339);
}

fn err(text: &str) -> Error {
    matrix::parse("m.csv", text).expect_err("refused")
}

#[test]
fn bad_input_names_line_row_and_column() {
    let e = err("Study;A;B\nS1;1;0\nS2;1;2\n");
    assert_eq!(
        e,
        Error::BadCell {
            input: "m.csv".into(),
            line: 3,
            row: "S2".into(),
            column: "B".into(),
            value: "2".into()
        }
    );
    assert!(e.to_string().contains("m.csv:3"), "{e}");
    assert!(matches!(err("Study;A;a \nS1;1;0\n"), Error::DuplicateReview { index: 3, first: 2, .. }));
    assert!(matches!(err("Study;A;B\nS1;1;0\n;;\nS2;0;1\n"), Error::EmptyRow { line: 3, .. }));
    assert!(matches!(err("Study;A;B\nS1;1\n"), Error::Ragged { line: 2, found: 2, expected: 3, .. }));
    assert!(matches!(err("Study;A;B\nS1;1;0;1\n"), Error::Ragged { line: 2, .. }));
    assert!(matches!(err("Study;A;B\nS1;1;\nS2;0;X\n"), Error::EmptyColumn { index: 3, .. }));
    assert!(matches!(err("Study;A;;B\nS1;1;0;1\n"), Error::MissingReviewLabel { index: 3, .. }));
    assert!(matches!(err("Study;A;B\n;1;0\n"), Error::MissingStudyLabel { line: 2, .. }));
    assert!(matches!(err(""), Error::NoHeader { .. }));
    assert!(matches!(err("Study\nS1\n"), Error::NoReviews { .. }));
    assert!(matches!(err("Study;A\n"), Error::NoStudies { .. }));
    assert!(matches!(matrix::read_bytes("w.xlsx", b"PK\x03\x04junk"), Err(Error::Workbook { .. })));
    // Trailing blank rows and delimiters are fine; comma files are detected.
    let m = matrix::parse("m.csv", "Study,A,B,\nS1,1,0,\nS2,0,1,\n,,,\n").expect("ok");
    assert_eq!(m.reviews, ["A", "B"]);
    assert_eq!(m.rows.len(), 2);
}

#[test]
fn all_zero_rows_and_empty_reviews_are_reported_not_counted() {
    let m = matrix::parse("m.csv", "Study;A;B;C\nS1;1;1;0\nS2;0;0;0\nS3;1;0;0\n").expect("ok");
    let r = compute(&OverlapMatrix::from_citation_matrix(&m));
    assert_eq!(r.summary.n_studies, 2);
    assert_eq!(r.summary.n_reviews, 2);
    assert_eq!(r.excluded_studies, ["S2"]);
    assert_eq!(r.excluded_reviews, ["C"]);
    assert!(r.diagnostics.iter().any(|d| d.message.contains("\"S2\"")));
    assert!(r.diagnostics.iter().any(|d| d.message.contains("review \"C\"")));
    // (N - r)/(rc - r) = (3 - 2)/(4 - 2)
    assert_eq!(r.summary.cca, Some(0.5));
}

// ---------------------------------------------------------------- corpus path

mod corpus_path {
    use citemap::analysis::umbrella::{self, compute, corpus as oc};
    use citemap::ingest::inclusion::{parse_inclusion_list, parse_review_list, Amstar};
    use citemap::model::{Cites, Corpus, DocType, Identifier, Provenance, Sourced, Work, WorkKind};

    fn p(line: u32) -> Provenance {
        Provenance::new("refs.ris", line, None)
    }

    fn work(n: u32, label: &str, authors: &str, title: &str, year: i32, doc: Option<DocType>) -> Work {
        Work {
            id: format!("W{n:012}"),
            kind: if doc.is_some() { WorkKind::Paper } else { WorkKind::CitedWork },
            label: label.into(),
            title: Some(Sourced::new(title.into(), p(n))),
            alt_titles: vec![],
            ids: vec![],
            year: Some(Sourced::new(year, p(n))),
            year_suffix: String::new(),
            year_note: None,
            published: None,
            epublished: None,
            venue: None,
            volume: None,
            issue: None,
            pages: None,
            abstract_text: None,
            language: None,
            doc_type: doc.map(|d| Sourced::new(d, p(n))),
            times_cited: None,
            keywords: vec![],
            affiliations: vec![],
            cited_authors: Some(authors.into()),
            missing: vec![],
            sources: vec![p(n)],
            matched_on: vec![],
        }
    }

    /// Reviews R1..R4 (works 1-4), studies and background papers (10+).
    fn corpus() -> Corpus {
        let sr = Some(DocType::SystematicReview);
        let mut works = vec![
            work(1, "Adams et al. 2020", "Adams et al.", "Review one", 2020, sr),
            work(2, "Baker et al. 2021", "Baker et al.", "Review two", 2021, Some(DocType::MetaAnalysis)),
            work(3, "Clark et al. 2022", "Clark et al.", "Review three", 2022, sr),
            work(4, "Dunn et al. 2022", "Dunn et al.", "Review four", 2022, sr),
            work(5, "Eve 2019", "Eve", "A primary trial that is not reviewed", 2019, Some(DocType::Article)),
            // Two reports of the Alpha trial: same first author, year, title.
            work(10, "Smith et al. 2010", "Smith et al.", "The Alpha trial.", 2010, None),
            work(11, "Smith & Brown 2010", "Smith J, Brown K", "The ALPHA trial", 2010, None),
            work(12, "Jones 2012", "Jones", "Beta cohort", 2012, None),
            work(13, "Lee 2020", "Lee", "Gamma study", 2020, None),
            // Kim trial: main paper and follow-up, linked by the inclusion list.
            work(14, "Kim 2018", "Kim", "Delta trial main results", 2018, None),
            work(15, "Kim 2019", "Kim", "Delta trial follow-up", 2019, None),
            // Background papers cited by reviews but not included.
            work(20, "Higgins 2011", "Higgins", "Cochrane handbook", 2011, None),
            work(21, "Page 2021", "Page", "PRISMA 2020 statement", 2021, None),
        ];
        works[0].ids.push(Sourced::new(Identifier::doi("10.1000/r1").expect("doi"), p(1)));
        works[1].ids.push(Sourced::new(Identifier::pmid("31234567").expect("pmid"), p(2)));
        works[5].ids.push(Sourced::new(Identifier::doi("10.1000/alpha").expect("doi"), p(10)));
        let idx = |n: u32| works.iter().position(|w| w.id == format!("W{n:012}")).expect("work") as u32;
        let edges = [
            (1, 10),
            (1, 12),
            (1, 20),
            (2, 11),
            (2, 12),
            (2, 13),
            (2, 20),
            (2, 21),
            (3, 13),
            (3, 14),
            (3, 15),
            (3, 21),
            (4, 20),
        ];
        let mut cites: Vec<Cites> = edges
            .iter()
            .map(|&(a, b)| Cites { from: idx(a), to: idx(b), count: 1, sources: vec![p(a)].into() })
            .collect();
        cites.sort_by_key(|c| (c.from, c.to));
        Corpus { works, cites, ..Corpus::default() }
    }

    const INCLUSION: &str = "review,reference,study,search_date,year,amstar
doi:10.1000/r1,https://doi.org/10.1000/ALPHA,ALPHA-TRIAL,2019-06,,High
10.1000/r1,Beta cohort,,,,
PMID: 31234567,Smith & Brown 2010,,,,moderate
31234567,W000000000012,,,,
31234567,Gamma study,,,,
W000000000003,W000000000013,,,,Critically low
W000000000003,W000000000014,KIM-TRIAL,,,
W000000000003,W000000000015,KIM-TRIAL,,,
W000000000003,Nonexistent 1999,,,,
W000000000004,Also nonexistent,,,,
";

    #[test]
    fn inclusion_list_narrows_reference_lists_and_collapses_reports() {
        let c = corpus();
        let reviews = oc::reviews_by_doc_type(&c);
        assert_eq!(reviews.len(), 4, "the article is not a review");
        let list = parse_inclusion_list("incl.csv", INCLUSION);
        assert!(list.diagnostics.is_empty(), "{:?}", list.diagnostics);
        let m = oc::from_corpus(&c, &reviews, Some(&list));
        let r = compute(&m);
        let labels: Vec<&str> = r.matrix.studies.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["ALPHA-TRIAL", "Jones 2012", "Lee 2020", "KIM-TRIAL"]);
        // Work 10 carries the list's study label, work 11 only the same first
        // author, year and title: still one study.
        let alpha = &r.matrix.studies[0];
        assert_eq!(alpha.reports.len(), 2, "two reports of the Alpha trial");
        assert_eq!(
            r.matrix.studies[3].reports.iter().map(|x| x.label.as_str()).collect::<Vec<_>>(),
            ["Kim 2018", "Kim 2019"]
        );
        let cells: Vec<String> =
            r.matrix.cells.iter().map(|row| row.iter().map(|c| c.as_str()).collect::<String>()).collect();
        assert_eq!(cells, ["110", "110", "011", "001"]);
        let s = &r.summary;
        assert_eq!((s.n_reviews, s.n_studies, s.n_inclusions, s.n_missing), (3, 4, 7, 0));
        assert_eq!(s.cca, Some(3.0 / 8.0));
        assert_eq!(s.covered_area, Some(7.0 / 12.0));
        assert_eq!((s.n_single_review_studies, s.n_multi_review_studies), (1, 3));
        // R4 includes nothing resolvable: reported, not silently dropped.
        assert_eq!(r.excluded_reviews, ["Dunn et al. 2022"]);
        assert!(r.diagnostics.iter().any(|d| d.message.contains("Nonexistent 1999") && d.at.line == 10));
        assert!(r.diagnostics.iter().any(|d| d.message.contains("\"Dunn et al. 2022\" has no resolvable")));
        let r1 = &r.reviews[0];
        assert_eq!(
            (r1.label.as_str(), r1.amstar, r1.year),
            ("Adams et al. 2020", Some(Amstar::High), Some(2020))
        );
        assert_eq!(r1.search_date.map(|d| d.to_string()).as_deref(), Some("2019-06"));
        assert_eq!(r.reviews[1].amstar, Some(Amstar::Moderate));
        assert_eq!(r.reviews[2].amstar, Some(Amstar::CriticallyLow));
        let pair = |a: usize, b: usize| r.pairs.iter().find(|p| p.a == a && p.b == b).expect("pair");
        assert_eq!(pair(0, 1).cca, Some(2.0 / 3.0));
        assert_eq!(pair(0, 1).containment_a_in_b, Some(1.0));
        assert_eq!(pair(0, 2).overlap, 0);
        assert_eq!(pair(1, 2).cca, Some(1.0 / 4.0));
    }

    #[test]
    fn search_dates_give_structural_missingness() {
        let c = corpus();
        let list = parse_inclusion_list("incl.csv", INCLUSION);
        let mut m = oc::from_corpus(&c, &oc::reviews_by_doc_type(&c), Some(&list));
        // Lee 2020 appeared after R1's search (2019-06): X for R1 only.
        assert_eq!(m.mark_missing_from_dates(), 1);
        let r = compute(&m);
        assert_eq!(r.summary.n_missing, 1);
        assert_eq!(r.summary.cca, Some(3.0 / 7.0));
        let p = r.pairs.iter().find(|p| p.a == 0 && p.b == 1).expect("pair");
        assert_eq!((p.x, p.cca, p.cca_unadjusted), (1, Some(1.0), Some(2.0 / 3.0)));
    }

    #[test]
    fn without_a_list_the_whole_reference_list_counts() {
        let c = corpus();
        let m = oc::from_corpus(&c, &oc::reviews_by_doc_type(&c), None);
        let r = compute(&m);
        let labels: Vec<&str> = r.matrix.studies.iter().map(|s| s.label.as_str()).collect();
        assert!(labels.contains(&"Higgins 2011") && labels.contains(&"Page 2021"), "{labels:?}");
        assert_eq!(r.summary.n_reviews, 4);
        // Kim reports are separate without the list's study label.
        assert_eq!(r.summary.n_studies, 7);
    }

    #[test]
    fn review_list_and_tags_resolve_identifiers() {
        let c = corpus();
        let entries = parse_review_list(
            "# reviews\nhttps://doi.org/10.1000/R1\n\nPMID:31234567 extra\nW000000000003\n10.9999/missing\n",
        );
        assert_eq!(entries.len(), 4);
        let (ids, diags) = oc::resolve_review_list(&c, "reviews.txt", &entries);
        assert_eq!(ids, [0, 1, 2]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].at.line, 6);
        let r = compute(&oc::from_corpus(&c, &ids, None));
        assert_eq!(r.summary.n_reviews, 3);
    }

    #[test]
    fn bipartite_graph_has_roles_and_included_edges() {
        use citemap::graph::{Attr, EdgeKind, NodeKind};
        let c = corpus();
        let list = parse_inclusion_list("incl.csv", INCLUSION);
        let r = compute(&oc::from_corpus(&c, &oc::reviews_by_doc_type(&c), Some(&list)));
        let g = umbrella::bipartite_graph(&r);
        assert_eq!(g.node_count(), 3 + 4);
        assert_eq!(g.edge_count(), 7);
        let review = g.node("W000000000001").expect("review node");
        assert_eq!(review.kind, NodeKind::Paper);
        assert_eq!(review.attrs.get("role"), Some(&Attr::Str("review".into())));
        assert_eq!(review.attrs.get("amstar2"), Some(&Attr::Str("High".into())));
        let study = g.node("study:W000000000010").expect("alpha study node");
        assert_eq!(study.attrs.get("role"), Some(&Attr::Str("study".into())));
        assert_eq!(study.attrs.get("n_reports"), Some(&Attr::Int(2)));
        assert!(g
            .graph
            .edge_weights()
            .all(|e| e.kind == EdgeKind::Cites && e.attrs.get("included") == Some(&Attr::Bool(true))));
    }
}

// ------------------------------------------------------- exports, heatmap, CLI

#[path = "../src/cli/overlap.rs"]
#[allow(dead_code)]
mod cli_overlap;

#[test]
fn cli_writes_every_output_and_the_matrix_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = cli_overlap::Args {
        matrix: Some(format!("{DIR}/ccaR_test_6sr_14ps.csv").into()),
        out: dir.path().to_path_buf(),
        ..Default::default()
    };
    let mut stdout = Vec::new();
    let report = cli_overlap::run(&args, None, &[], &mut stdout).expect("runs");
    let stdout = String::from_utf8(stdout).expect("utf8");
    assert!(stdout.contains("CCA 41.4% (very high)"), "{stdout}");
    for f in [
        "matrix.csv",
        "studies.csv",
        "reviews.csv",
        "pairs.csv",
        "overlap.json",
        "heatmap.svg",
        "heatmap.png",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let back =
        matrix::parse("matrix.csv", &std::fs::read_to_string(dir.path().join("matrix.csv")).expect("csv"))
            .expect("reads back");
    let again = compute(&OverlapMatrix::from_citation_matrix(&back));
    assert_eq!(again.summary, report.summary);
    assert_eq!(again.pairs, report.pairs);
    let pairs = std::fs::read_to_string(dir.path().join("pairs.csv")).expect("pairs");
    assert!(pairs.contains("Chasan2014,Gilinsky2015,9,20,11,0,0.818182,81.8,very high"), "{pairs}");
    let reviews = std::fs::read_to_string(dir.path().join("reviews.csv")).expect("reviews");
    assert!(reviews.contains("Guo2016,review:Guo2016,12,2,2/12,0,,2016,"), "{reviews}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("overlap.json")).expect("json"))
            .expect("parses");
    assert_eq!(json["summary"]["n_inclusions"], 43);
    assert!(json["band_source"].as_str().expect("str").contains("Pieper D"));
    let png = std::fs::read(dir.path().join("heatmap.png")).expect("png");
    assert!(png.starts_with(b"\x89PNG"));
    // Same inputs, byte-identical outputs.
    let dir2 = tempfile::tempdir().expect("tempdir");
    cli_overlap::run(
        &cli_overlap::Args { out: dir2.path().to_path_buf(), ..args },
        None,
        &[],
        &mut Vec::new(),
    )
    .expect("runs");
    for f in ["matrix.csv", "pairs.csv", "overlap.json", "heatmap.svg", "heatmap.png"] {
        assert_eq!(std::fs::read(dir.path().join(f)).ok(), std::fs::read(dir2.path().join(f)).ok(), "{f}");
    }
}

#[test]
fn cli_applies_fields_dates_and_merge_options() {
    let dir = tempfile::tempdir().expect("tempdir");
    let incl = dir.path().join("incl.csv");
    std::fs::write(&incl, "review;reference;search_date;amstar\n2016 Madrid;;2013-05;Low\n").expect("write");
    let plain = dir.path().join("plain.csv");
    // The toy matrix with blanks as 0: dates must bring back the X cells.
    let toy = std::fs::read_to_string(format!("{DIR}/ccaR_test4_toy_4sr_12ps.csv")).expect("toy");
    let zeros: String = toy
        .lines()
        .map(|l| {
            l.split(';').map(|c| if c.is_empty() { "0" } else { c }).collect::<Vec<_>>().join(";") + "\n"
        })
        .collect();
    std::fs::write(&plain, zeros).expect("write");
    let args = cli_overlap::Args {
        matrix: Some(plain),
        include: Some(incl),
        structural_missing_from_dates: true,
        out: dir.path().join("out"),
        ..Default::default()
    };
    let r = cli_overlap::run(&args, None, &[], &mut Vec::new()).expect("runs");
    let madrid = r.reviews.iter().find(|x| x.label == "2016 Madrid").expect("madrid");
    assert_eq!(madrid.amstar, Some(citemap::ingest::inclusion::Amstar::Low));
    assert_eq!(madrid.search_date.map(|d| d.to_string()).as_deref(), Some("2013-05"));
    // Search date 2013-05 instead of year 2016: Starr 2019 and Plant 2020 are
    // X for Madrid as before (8 cells in total, as in the published toy).
    assert_eq!(r.summary.n_missing, 8);
    let svg = std::fs::read_to_string(dir.path().join("out/heatmap.svg")).expect("svg");
    assert!(svg.contains("search 2013-05; published 2016; AMSTAR 2 Low"), "fields shown on the heatmap");
    let big = cli_overlap::Args {
        matrix: Some(format!("{DIR}/ccaR_cca_23sr_339ps.csv").into()),
        merge_duplicate_studies: true,
        json: true,
        out: dir.path().join("big"),
        ..Default::default()
    };
    let mut out = Vec::new();
    cli_overlap::run(&big, None, &[], &mut out).expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out).expect("json on stdout");
    assert_eq!(json["summary"]["n_inclusions"], 562);
    assert_eq!(json["summary"]["n_studies"], 338);
    // Without a matrix and without a corpus the CLI explains what is missing.
    let none = cli_overlap::Args { out: dir.path().join("none"), ..Default::default() };
    let e = cli_overlap::run(&none, None, &[], &mut Vec::new()).expect_err("no input");
    assert!(e.to_string().contains("--matrix"), "{e}");
}

#[test]
fn heatmap_escapes_labels_and_shows_diagonal_and_legend() {
    let m = matrix::parse("m.csv", "Study;A<&>\"B';C\nS1;1;1\nS2;1;0\nS3;0;1\n").expect("ok");
    let r = compute(&OverlapMatrix::from_citation_matrix(&m));
    let svg = citemap::render::heatmap::svg(&r, &Default::default());
    // The one XML escaper of `citemap::escape` (apostrophe as &apos;).
    assert!(svg.contains("A&lt;&amp;&gt;&quot;B&apos;"), "{svg}");
    assert!(!svg.contains("A<&"));
    assert!(svg.contains(">1/2<"), "diagonal single/total");
    assert!(svg.contains(">33.3%<"), "pair value printed");
    for band in ["slight", "moderate", "high", "very high", "J Clin Epidemiol"] {
        assert!(svg.contains(band), "{band}");
    }
    let png = citemap::render::heatmap::png(&r, &Default::default()).expect("valid svg");
    assert!(png.starts_with(b"\x89PNG"));
}

// ---------------------------------------------------------------- never panic

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    fn fixtures() -> Vec<Vec<u8>> {
        [
            "ccaR_test_6sr_14ps.csv",
            "ccaR_test4_toy_4sr_12ps.csv",
            "ccaR_data_gerd_X_10sr_66ps.csv",
            "ccaR_data_gerd_X.xlsx",
            "ccaR_cca_23sr_339ps.csv",
        ]
        .iter()
        .map(|f| std::fs::read(format!("{DIR}/{f}")).expect("fixture"))
        .collect()
    }

    fn exercise(bytes: &[u8]) {
        if let Ok(m) = matrix::read_bytes("p.csv", bytes) {
            let mut om = OverlapMatrix::from_citation_matrix(&m);
            om.merge_exact_duplicates();
            om.mark_missing_from_dates();
            let r = compute(&om);
            let _ = citemap::render::heatmap::svg(&r, &Default::default());
            let _ = umbrella::bipartite_graph(&r);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn arbitrary_text(s in "[01Xx;,\t\n\" a-z]{0,200}") {
            exercise(s.as_bytes());
            let _ = citemap::ingest::inclusion::parse_inclusion_list("i.csv", &s);
            let _ = citemap::ingest::inclusion::parse_review_list(&s);
        }

        #[test]
        fn arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..300)) {
            exercise(&b);
            let mut zip = b"PK\x03\x04".to_vec();
            zip.extend(&b);
            exercise(&zip);
        }

        #[test]
        fn truncated_fixtures(which in 0usize..5, cut in 0.0f64..1.0) {
            let f = &fixtures()[which];
            let n = (f.len() as f64 * cut) as usize;
            exercise(&f[..n]);
        }
    }
}

#[test]
fn bundled_copy_gives_the_published_values() {
    let path = "tests/fixtures/overlap/ccaR_test_6sr_14ps.csv";
    let m = matrix::read_bytes(path, &std::fs::read(path).expect("bundled")).expect("reads");
    let r = compute(&OverlapMatrix::from_citation_matrix(&m));
    assert_eq!((r.summary.n_inclusions, r.summary.n_studies, r.summary.n_reviews), (43, 14, 6));
    assert_eq!(percent(r.summary.cca.expect("cca")), "41.4");
    let pcts: Vec<String> = r.pairs.iter().map(|p| percent(p.cca.expect("cca"))).collect();
    assert_eq!(
        pcts,
        [
            "81.8", "75.0", "0.0", "30.0", "66.7", "76.9", "0.0", "36.4", "54.5", "0.0", "33.3", "50.0",
            "0.0", "0.0", "11.1"
        ]
    );
}

#[test]
fn comma_matrix_with_quotes_and_crlf() {
    let path = "tests/fixtures/overlap/matrix_comma_crlf.csv";
    let m = matrix::read_bytes(path, &std::fs::read(path).expect("fixture")).expect("reads");
    assert_eq!(m.reviews, ["Smith, 2019", "Jones 2020", "Lee 2021"]);
    assert_eq!(m.rows[0].label, "Alpha, 2010");
    let lines: Vec<u32> = m.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    let r = compute(&OverlapMatrix::from_citation_matrix(&m));
    // N = 7, r = 4, c = 3, X = 3: (7 - 4) / (12 - 4 - 3)
    assert_eq!((r.summary.n_inclusions, r.summary.n_missing), (7, 3));
    assert_eq!(r.summary.cca, Some(3.0 / 5.0));
    assert_eq!(r.summary.cca_unadjusted, Some(3.0 / 8.0));
}
