//! Umbrella-review overlap: every published / regression figure in
//! `../shared/fixtures/umbrella/expected_cca.md` reproduced from the five ccaR
//! matrices (csv and xlsx), bad-input errors, the corpus path, exports and
//! the heatmap.

use citemap::analysis::overlap::{self, compute, percent, Band, Cell, OverlapMatrix, OverlapReport};
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
    let date = overlap::corpus::parse_date("2013-12").expect("date");
    assert!(m.set_review_fields("2021 Perez", Some(date), None, Some(overlap::Amstar::Low)));
    m.mark_missing_from_dates();
    let report = compute(&m);
    let perez = report.reviews.iter().find(|r| r.label == "2021 Perez").expect("perez");
    assert_eq!(perez.amstar, Some(overlap::Amstar::Low));
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
