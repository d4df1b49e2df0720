//! Resolution: one work per real work, one agent per real person, no citation
//! lost or double-counted, provenance on everything, order independence.

use citemap::model::{
    Author, Citation, CitationDetail, Corpus, Date, Identifier, Provenance, Record, WorkKind,
};
use citemap::resolve::{resolve, resolve_owned, Options};

fn rec(input: &str, line: u32) -> Record {
    Record::new(Provenance::new(input, line, None), "test")
}

fn callout(input: &str, line: u32, authors: &[&str], et_al: bool, year: i32, count: u32) -> Citation {
    Citation {
        raw: format!("{} {year}", authors.join(" & ")),
        authors: authors
            .iter()
            .map(|a| Author { raw: a.to_string(), family: a.to_string(), ..Author::default() })
            .collect(),
        et_al,
        year: Some(year),
        count,
        at: Provenance::new(input, line, None),
        ..Citation::default()
    }
}

/// The corpus of `records`; every test thereby also checks that
/// `resolve_owned` (which lets go of citations half way) gives the same.
fn run(records: &[Record]) -> Corpus {
    let corpus = resolve(records, &Options::default());
    assert_eq!(resolve_owned(records.to_vec(), &Options::default()), corpus, "resolve_owned differs");
    corpus
}

fn papers(c: &Corpus) -> Vec<&citemap::model::Work> {
    c.works.iter().filter(|w| w.kind == WorkKind::Paper).collect()
}

#[test]
fn doi_spellings_make_one_work_with_both_sources() {
    let mut a = rec("a.ris", 1);
    a.title = Some("Peer support for mental health".into());
    a.add_id(Identifier::doi("10.1186/S12916-024-03260-Y").unwrap());
    let mut b = rec("b.txt", 7);
    b.add_id(Identifier::doi("https://doi.org/10.1186/s12916-024-03260-y").unwrap());
    b.add_id(Identifier::pmid("mdl-38418998").unwrap());
    let c = run(&[a, b]);
    assert_eq!(papers(&c).len(), 1);
    let w = &c.works[0];
    assert_eq!(w.sources.len(), 2);
    assert_eq!(w.title.as_ref().unwrap().sources, vec![Provenance::new("a.ris", 1, None)]);
    assert!(w.ids.iter().any(|i| i.value == Identifier::Pmid("38418998".into())));
    assert!(w.matched_on.contains(&"doi".to_string()));
}

#[test]
fn two_papers_by_one_team_in_one_year_stay_apart() {
    let team = ["Sonia Johnson", "Brynmor Lloyd-Evans", "Alan Simpson"];
    let mut a = rec("a.ris", 1);
    a.title = Some("Community crisis teams for people with complex emotional needs".into());
    a.published = Some(Date::year(2022));
    a.authors = team.iter().map(|n| Author::person(n)).collect();
    let mut b = a.clone();
    b.at = Provenance::new("a.ris", 40, None);
    b.title = Some("Peer support workers in acute mental health wards".into());
    let c = run(&[a, b]);
    assert_eq!(papers(&c).len(), 2, "same authors and year are not enough to merge");
    // ... but they share their three authors.
    assert_eq!(c.agents.len(), 3);
}

#[test]
fn conflicting_dois_are_never_merged_even_with_the_same_title() {
    let mut a = rec("a.ris", 1);
    a.title = Some("Mental health services during the COVID-19 pandemic".into());
    a.published = Some(Date::year(2021));
    a.add_id(Identifier::doi("10.1000/one").unwrap());
    let mut b = a.clone();
    b.at = Provenance::new("b.ris", 1, None);
    b.ids = vec![Identifier::doi("10.1000/two").unwrap()];
    let c = run(&[a, b]);
    assert_eq!(papers(&c).len(), 2);
    assert!(c.diagnostics.iter().any(|d| d.message.contains("dois differ")), "{:?}", c.diagnostics);
}

#[test]
fn the_same_abstract_through_a_pdf_is_the_same_work() {
    let clean = "Objectives: Infant mental health (IMH), an area which focuses on the social and emotional \
        development of infants in the context of the parent-infant relationship, has become an increasingly \
        prominent field of both research and clinical practice worldwide. Methods: This study had a qualitative \
        research design and the data were collected using a focus group methodology.";
    let pdf = "Objectives Infant mental health (IMH), an area which focuses on the social and emotional \
        development of infants in the context of the parent-\ninfant relationship, has become an increasingly \
        prominent field of both research and clinical practice worldwide.\n\nMethodsThis study had a qualitative \
        research design and the data were collected using a focus groupmethodology.";
    let mut a = rec("000.txt", 1);
    a.title = Some("An exploration of staff experience".into());
    a.abstract_text = Some(clean.into());
    a.published = Some(Date::year(2023));
    let mut b = rec("001.txt", 1);
    b.abstract_text = Some(pdf.into());
    let c = run(&[a, b]);
    assert_eq!(papers(&c).len(), 1);
    assert!(c.works[0].matched_on.contains(&"abstract".to_string()));
    // A different abstract of the same length does not match.
    let mut d = rec("002.txt", 1);
    d.abstract_text = Some(
        clean.replace("Infant mental health", "Adult psychiatric care").replace("focus group", "survey"),
    );
    let mut e = rec("003.txt", 1);
    e.abstract_text = Some(clean.into());
    let c = run(&[d, e]);
    assert_eq!(papers(&c).len(), 2);
}

#[test]
fn name_variants_are_one_person_and_different_given_names_are_not() {
    let mut r = Vec::new();
    for (i, names) in [
        vec!["N O'Leary", "Sonia Johnson"],
        vec!["O'Leary, N.", "Sarah Johnson"],
        vec!["N. O’Leary", "S Johnson"],
    ]
    .iter()
    .enumerate()
    {
        let mut x = rec("a.ris", 1 + 10 * i as u32);
        x.title = Some(format!("A paper about topic number {i} in perinatal care"));
        x.authors = names.iter().map(|n| Author::person(n)).collect();
        r.push(x);
    }
    let c = run(&r);
    let olearys: Vec<_> = c.agents.iter().filter(|a| a.family.contains("Leary")).collect();
    assert_eq!(olearys.len(), 1, "{olearys:?}");
    assert_eq!(olearys[0].variants.len(), 3);
    let johnsons: Vec<_> = c.agents.iter().filter(|a| a.family == "Johnson").collect();
    assert_eq!(johnsons.len(), 3, "Sonia, Sarah, and the ambiguous S Johnson stay apart");
    assert!(c.diagnostics.iter().any(|d| d.message.contains("S Johnson") && d.message.contains("fits 2")));
}

#[test]
fn orcid_wins_over_names() {
    let mut a = rec("a.ris", 1);
    a.title = Some("First paper with a long enough title".into());
    let mut p = Author::person("J Smith");
    p.set_orcid(Some("0000-0001-0000-0001".into()));
    a.authors = vec![p.clone()];
    let mut b = rec("b.ris", 1);
    b.title = Some("Second paper with a long enough title".into());
    let mut q = Author::person("John Smith");
    q.set_orcid(Some("0000-0001-0000-0002".into()));
    b.authors = vec![q];
    let mut d = rec("d.ris", 1);
    d.title = Some("Third paper with a long enough title".into());
    let mut s = Author::person("Jonathan A. Smith");
    s.set_orcid(p.orcid().map(str::to_string));
    d.authors = vec![s];
    let c = run(&[a, b, d]);
    assert_eq!(c.agents.len(), 2);
    let first = c.agents.iter().find(|a| a.orcid.as_deref() == Some("0000-0001-0000-0001")).unwrap();
    assert_eq!(first.sources.len(), 2);
}

#[test]
fn a_callout_cited_in_two_papers_is_one_work_cited_twice() {
    let mut a = rec("a.txt", 1);
    a.title = Some("First citing paper about infant mental health".into());
    a.citations = vec![
        callout("a.txt", 10, &["Hayes"], true, 2015, 6),
        callout("a.txt", 12, &["Braun", "Clarke"], false, 2012, 1),
    ];
    let mut b = rec("b.txt", 1);
    b.title = Some("Second citing paper about perinatal services".into());
    b.citations =
        vec![callout("b.txt", 5, &["Hayes"], true, 2015, 2), callout("b.txt", 9, &["Braun"], true, 2012, 1)];
    let c = run(&[a, b]);
    let cited: Vec<_> = c.works.iter().filter(|w| w.kind == WorkKind::CitedWork).collect();
    let labels: Vec<&str> = cited.iter().map(|w| w.label.as_str()).collect();
    assert!(labels.contains(&"Hayes et al. 2015"), "{labels:?}");
    assert!(labels.contains(&"Braun & Clarke 2012"));
    assert!(labels.contains(&"Braun et al. 2012"), "two-author and et-al callouts are different works");
    let hayes = c.works.iter().position(|w| w.label == "Hayes et al. 2015").unwrap() as u32;
    let edges: Vec<_> = c.cites.iter().filter(|e| e.to == hayes).collect();
    assert_eq!(edges.len(), 2);
    let mut counts: Vec<u32> = edges.iter().map(|e| e.count).collect();
    counts.sort();
    assert_eq!(counts, vec![2, 6]);
}

#[test]
fn year_suffixes_tell_works_apart() {
    let mut a = rec("a.txt", 1);
    a.title = Some("A citing paper with two works of one year".into());
    let mut x = callout("a.txt", 3, &["Smith"], false, 2015, 1);
    x.detail_mut().year_suffix = "a".into();
    let mut y = callout("a.txt", 4, &["Smith"], false, 2015, 1);
    y.detail_mut().year_suffix = "b".into();
    a.citations = vec![x, y];
    let c = run(&[a]);
    assert_eq!(c.works.iter().filter(|w| w.kind == WorkKind::CitedWork).count(), 2);
    assert_eq!(c.cites.len(), 2);
}

#[test]
fn a_citation_with_a_doi_points_at_the_paper_record() {
    let mut cited = rec("refs.ris", 1);
    cited.title = Some("Using thematic analysis in psychology".into());
    cited.add_id(Identifier::doi("10.1191/1478088706qp063oa").unwrap());
    let mut citing = rec("wos.txt", 1);
    citing.title = Some("A qualitative study of network groups".into());
    citing.citations = vec![Citation {
        raw: "Braun V, 2006, QUAL RES PSYCHOL, V3, P77, DOI 10.1191/1478088706QP063OA".into(),
        ids: vec![Identifier::doi("10.1191/1478088706QP063OA").unwrap()].into(),
        year: Some(2006),
        count: 1,
        at: Provenance::new("wos.txt", 30, None),
        ..Citation::default()
    }];
    let c = run(&[cited, citing]);
    assert_eq!(c.works.len(), 2, "no separate cited-work node");
    assert_eq!(c.cites.len(), 1);
    assert_eq!(c.works[c.cites[0].to as usize].kind, WorkKind::Paper);
}

#[test]
fn two_sources_of_one_paper_do_not_double_its_citations() {
    let mut wos = rec("wos.txt", 1);
    wos.title = Some("Staff experience in a perinatal network group".into());
    wos.add_id(Identifier::doi("10.1017/ipm.2022.11").unwrap());
    let cite = |input: &str| Citation {
        raw: "Hayes L, 2015, J INFANT MENT HEALTH, V36, P100".into(),
        authors: vec![Author::person("Hayes L")],
        year: Some(2015),
        detail: CitationDetail {
            venue: Some("J INFANT MENT HEALTH".into()),
            volume: Some("36".into()),
            first_page: Some("100".into()),
            ..CitationDetail::default()
        }
        .boxed(),
        count: 1,
        at: Provenance::new(input, 20, None),
        ..Citation::default()
    };
    wos.citations = vec![cite("wos.txt")];
    let mut scopus = wos.clone();
    scopus.at = Provenance::new("scopus.csv", 2, None);
    scopus.citations = vec![cite("scopus.csv")];
    let c = run(&[wos, scopus]);
    assert_eq!(c.cites.len(), 1);
    assert_eq!(c.cites[0].count, 1);
    assert_eq!(c.cites[0].sources.len(), 2);
}

#[test]
fn the_corpus_does_not_depend_on_input_order() {
    let mut rs = Vec::new();
    for i in 0..6u32 {
        let mut r = rec(&format!("f{}.txt", i % 3), i + 1);
        r.title = Some(format!("Paper {} on community mental health care", i % 4));
        r.published = Some(Date::year(2020 + (i % 2) as i32));
        r.authors = vec![Author::person(if i % 2 == 0 { "N O'Leary" } else { "O'Leary, Niamh" })];
        r.citations = vec![callout(&r.at.input.clone(), 50 + i, &["Hayes"], true, 2015, i + 1)];
        rs.push(r);
    }
    let forward = serde_json::to_string(&run(&rs)).unwrap();
    rs.reverse();
    let backward = serde_json::to_string(&run(&rs)).unwrap();
    assert_eq!(forward, backward);
}

/// A reference-list entry: first author, year, venue, and optionally a title.
fn entry(
    input: &str,
    line: u32,
    author: Option<&str>,
    year: i32,
    venue: &str,
    title: Option<&str>,
) -> Citation {
    Citation {
        raw: format!("{}, {year}, {venue}", author.unwrap_or("[Anonymous]")),
        authors: author
            .map(|a| vec![Author { raw: a.to_string(), family: a.to_string(), ..Author::default() }])
            .unwrap_or_default(),
        year: Some(year),
        detail: CitationDetail {
            venue: Some(venue.to_string()),
            title: title.map(str::to_string),
            ..CitationDetail::default()
        }
        .boxed(),
        count: 1,
        at: Provenance::new(input, line, None),
        ..Citation::default()
    }
}

/// The same paper exported twice: a WoS-like list with an anonymous second
/// entry, and a Scopus-like list where `scopus_order` gives the entries.
fn anonymous_case(scopus_order: &[usize]) -> Corpus {
    let doi = Identifier::doi("10.1000/anon.1").unwrap();
    let mut wos = rec("x.wos.txt", 1);
    wos.title = Some("Reference lists of two exports of one paper".into());
    wos.add_id(doi.clone());
    wos.citations = vec![
        entry("x.wos.txt", 2, Some("Selworth"), 2013, "PUBLIC URBAN LETT", None),
        entry("x.wos.txt", 3, None, 2017, "INT J EDUC SOFTW", None),
        entry("x.wos.txt", 4, Some("Yorquist"), 2014, "ECON AGR LETT", None),
        entry("x.wos.txt", 5, Some("Zanis"), 2017, "INT J EDUC SOFTW", None),
    ];
    let mut scopus = rec("x.ris", 1);
    scopus.title = wos.title.clone();
    scopus.add_id(doi);
    let refs = [
        entry("x.ris", 9, Some("Selworth"), 2013, "Public Urban Lett", Some("Chronic pain in mouse models")),
        entry(
            "x.ris",
            9,
            Some("Kelson"),
            2017,
            "Int J Educ Softw",
            Some("Recommender systems in inpatients"),
        ),
        entry("x.ris", 9, Some("Yorquist"), 2014, "Econ Agr Lett", Some("Autism in university students")),
        entry("x.ris", 9, Some("Zanis"), 2017, "Int J Educ Softw", Some("Recommender systems in refugees")),
    ];
    scopus.citations = scopus_order.iter().map(|&i| refs[i].clone()).collect();
    run(&[wos, scopus])
}

fn anonymous_target(c: &Corpus) -> String {
    let e = c
        .cites
        .iter()
        .find(|e| e.sources.iter().any(|p| &*p.input == "x.wos.txt" && p.line == 3))
        .expect("the anonymous entry is an edge");
    c.works[e.to as usize].label.clone()
}

#[test]
fn an_anonymous_reference_joins_the_entry_at_its_place_in_the_other_list() {
    let c = anonymous_case(&[0, 1, 2, 3]);
    assert!(anonymous_target(&c).starts_with("Kelson"), "{}", anonymous_target(&c));
    assert_eq!(c.cites.len(), 4, "four references, each once");
}

#[test]
fn an_anonymous_reference_without_order_evidence_is_reported_not_guessed() {
    // Scopus lists the references in another order: nothing says which 2017
    // Int J Educ Softw paper the anonymous WoS entry is.
    let c = anonymous_case(&[3, 2, 0, 1]);
    let t = anonymous_target(&c);
    assert!(!t.starts_with("Kelson") && !t.starts_with("Zanis"), "guessed {t}");
    assert_eq!(c.cites.len(), 5, "kept apart: one more edge than references");
    assert!(c.diagnostics.iter().any(|d| d.message.contains("kept apart")), "{:?}", c.diagnostics);
}

#[test]
fn record_level_affiliations_reach_the_work_with_their_sources() {
    // One paper from two inputs: the RIS record with two affiliations, the
    // BibTeX record with one of them in other letter case.
    let records = || {
        let mut a = rec("a.ris", 1);
        a.title = Some("Peer support for mental health".into());
        a.add_id(Identifier::doi("10.1186/s12916-024-03260-y").unwrap());
        a.authors = vec![Author::person("Sonia Johnson"), Author::person("Alan Simpson")];
        a.add_affiliation("Division of Psychiatry, University College London, London, UK");
        a.add_affiliation("King's College London, London, UK");
        let mut b = rec("b.bib", 9);
        b.add_id(Identifier::doi("10.1186/s12916-024-03260-y").unwrap());
        b.add_affiliation("DIVISION OF PSYCHIATRY, University College London, London, UK");
        (a, b)
    };
    let (a, b) = records();
    let c = run(&[b, a]);
    let w = papers(&c)[0];
    let got: Vec<(&str, Vec<Provenance>)> =
        w.affiliations.iter().map(|s| (s.value.as_str(), s.sources.clone())).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    let ucl = got.iter().find(|(v, _)| v.to_lowercase().starts_with("division of psychiatry")).expect("UCL");
    assert_eq!(ucl.1, vec![Provenance::new("a.ris", 1, None), Provenance::new("b.bib", 9, None)]);
    let kcl = got.iter().find(|(v, _)| v.starts_with("King's")).expect("KCL");
    assert_eq!(kcl.1, vec![Provenance::new("a.ris", 1, None)]);
    // Not moved onto the agents: those keep per-author affiliations only.
    assert!(c.agents.iter().all(|ag| ag.affiliations.is_empty()));
    // Same corpus whatever the input order.
    let (a, b) = records();
    assert_eq!(run(&[a, b]).works, c.works);
}

#[test]
fn show_work_prints_record_level_affiliations_from_a_real_export() {
    let tmp = tempfile::tempdir().unwrap();
    let ris = std::fs::canonicalize("../shared/fixtures/formats/ris/scopus_with_references.ris").unwrap();
    let bin = env!("CARGO_BIN_EXE_citemap");
    let run = |args: &[&str]| {
        let o = std::process::Command::new(bin)
            .args(args)
            .current_dir(tmp.path())
            .output()
            .expect("citemap runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    run(&["-q", "ingest", ris.to_str().unwrap()]);
    let text = run(&["show", "work", "10.1016/j.psyneuen.2019.104501"]);
    assert!(
        text.contains(
            "  affiliation: Chair for Integrative Medicine, University of Duisburg-Essen, Essen, Germany ["
        ),
        "{text}"
    );
    assert!(text.contains("scopus_with_references.ris:1"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&run(&["--json", "show", "work", "10.1016/j.psyneuen.2019.104501"])).unwrap();
    let affs = json["work"]["affiliations"].as_array().expect("affiliations in JSON");
    assert_eq!(affs.len(), 3);
    // RIS export of the stored corpus writes them back as `AD`.
    let out = tmp.path().join("out.ris");
    run(&["-q", "export", "--format", "ris", "--out", out.to_str().unwrap()]);
    let back = std::fs::read_to_string(&out).unwrap();
    assert!(back
        .contains("AD  - Clinic for Internal and Integrative Medicine, Klinikum Bamberg, Bamberg, Germany"));
}

/// `linkage` (what `ingest` counts from) gives the papers and the number of
/// citation edges `resolve` gives, on every real export in
/// tests/fixtures/exports-wild alone and on neighbouring pairs read together
/// (where records of two sources merge and their edges join).
#[test]
fn linkage_counts_what_a_full_resolution_gives() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports-wild");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("exports-wild")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x != "md"))
        .collect();
    files.sort();
    let read = |p: &std::path::Path| -> Vec<Record> {
        let bytes = std::fs::read(p).expect("fixture");
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("x");
        citemap::ingest::read(name, &bytes, &citemap::ingest::Options::default()).1.records
    };
    let each: Vec<Vec<Record>> = files.iter().map(|p| read(p)).collect();
    let mut sets: Vec<(String, Vec<Record>)> =
        files.iter().zip(&each).map(|(p, r)| (p.display().to_string(), r.clone())).collect();
    for k in 1..files.len() {
        let mut both = each[k - 1].clone();
        both.extend(each[k].iter().cloned());
        sets.push((format!("{} + {}", files[k - 1].display(), files[k].display()), both));
    }
    let mut edges_seen = 0;
    for (what, records) in &sets {
        let opts = Options::default();
        let corpus = resolve(records, &opts);
        let link = citemap::resolve::linkage(records, &opts);
        let mut from_corpus: Vec<Vec<Provenance>> =
            papers(&corpus).iter().map(|w| w.sources.clone()).collect();
        from_corpus.sort();
        let mut from_link: Vec<Vec<Provenance>> = link
            .papers
            .iter()
            .map(|m| {
                let mut v: Vec<Provenance> = m.iter().map(|&r| records[r].at.clone()).collect();
                v.sort();
                v.dedup();
                v
            })
            .collect();
        from_link.sort();
        assert_eq!(from_link, from_corpus, "{what}: papers differ");
        assert_eq!(link.citation_edges, corpus.cites.len(), "{what}: citation edges differ");
        edges_seen += corpus.cites.len();
    }
    assert!(sets.len() > 40 && edges_seen > 1000, "{} sets, {edges_seen} edges", sets.len());
}

/// Real exports (RIS and WoS with free-text references, whose cited works
/// carry venues, volumes and pages; PubMed, Scopus and Lens with ids) and a
/// generated corpus, each file alone and all together: the resolution that
/// takes the records and lets go of their citations gives the corpus the
/// borrowing one gives, field for field.
#[test]
fn resolving_owned_records_gives_the_same_corpus_on_real_exports() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<std::path::PathBuf> = ["exports-wild", "merge", "formats_b"]
        .iter()
        .flat_map(|d| std::fs::read_dir(dir.join(d)).expect("fixture dir").map(|e| e.expect("entry").path()))
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    let mut with_cited_venues = 0;
    for f in &files {
        let bytes = std::fs::read(f).expect("fixture");
        let name = f.display().to_string();
        let (_, parsed) = citemap::ingest::read(&name, &bytes, &Default::default());
        let records = parsed.records;
        let corpus = resolve(&records, &Options::default());
        with_cited_venues +=
            corpus.works.iter().filter(|w| w.kind == WorkKind::CitedWork && w.venue.is_some()).count();
        assert_eq!(resolve_owned(records.clone(), &Options::default()), corpus, "{name}");
        all.extend(records);
    }
    assert!(files.len() >= 10, "{files:?}");
    assert!(with_cited_venues > 100, "cited works with venues: {with_cited_venues}");
    let corpus = resolve(&all, &Options::default());
    assert!(corpus.cites.len() > 1000);
    assert_eq!(resolve_owned(all, &Options::default()), corpus, "all together");
}
