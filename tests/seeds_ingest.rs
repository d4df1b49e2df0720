//! Integration tests for the seed readers: the aggregator page (000), the full
//! text with callouts (001), the abstract pages (002, 003) and the listing
//! (004), read from `../shared/seeds/` (stable copies in `tests/fixtures/seeds/`).

use citemap::ingest::{self, callouts, fulltext, listing, page, Format, Options};
use citemap::model::{Citation, Date, DocType, Identifier, Parsed, Record, Severity};

const SEEDS: [&str; 5] = [
    "000_703e079d1e7fe50e.txt",
    "001_7ae354cc3eec1531.txt",
    "002_192a91306f4091c8.txt",
    "003_ae60668fb8a411d6.txt",
    "004_61bd815c95b7ff5d.txt",
];

/// The seed's text: from `../shared/seeds/` when present, else the stable copy.
fn seed(name: &str) -> String {
    let shared = format!("../shared/seeds/{name}");
    let local = format!("tests/fixtures/seeds/{name}");
    std::fs::read_to_string(&shared)
        .or_else(|_| std::fs::read_to_string(&local))
        .unwrap_or_else(|e| panic!("seed {name} not found: {e}"))
}

fn read(name: &str) -> (Option<Format>, Parsed) {
    ingest::read(name, seed(name).as_bytes(), &Options::default())
}

fn only(parsed: &Parsed) -> &Record {
    assert_eq!(parsed.records.len(), 1, "{:#?}", parsed.diagnostics);
    &parsed.records[0]
}

fn date(y: i32, m: u8, d: u8) -> Option<Date> {
    Some(Date { year: y, month: Some(m), day: Some(d) })
}

fn missing(r: &Record, field: &str) -> bool {
    r.missing.iter().any(|m| m == field)
}

#[test]
fn detects_each_kind_from_content() {
    let expect = [
        Format::AggregatorPage,
        Format::FullText,
        Format::AbstractPage,
        Format::AbstractPage,
        Format::Listing,
    ];
    for (name, want) in SEEDS.iter().zip(expect) {
        assert_eq!(ingest::detect(&seed(name)), Some(want), "{name}");
    }
    // Detection does not depend on the file name.
    assert_eq!(
        ingest::read("x.txt", seed(SEEDS[4]).as_bytes(), &Options::default()).0,
        Some(Format::Listing)
    );
    assert_eq!(ingest::detect("just a sentence"), None);
    // A JSON record without page text is an API response, not an aggregator page.
    let json_only = seed(SEEDS[0]).lines().next().unwrap_or("").to_string();
    assert_eq!(ingest::detect(&json_only), None);
}

#[test]
fn aggregator_page_000() {
    let (_, parsed) = read(SEEDS[0]);
    let r = only(&parsed);
    assert_eq!(
        r.title.as_deref(),
        Some("An exploration of staff experience and participation in a perinatal and infant mental health network group.")
    );
    let fam: Vec<&str> = r.authors.iter().map(|a| a.family.as_str()).collect();
    assert_eq!(fam, ["O'Leary", "Wynne", "Moore"]);
    let giv: Vec<&str> = r.authors.iter().map(|a| a.given.as_str()).collect();
    assert_eq!(giv, ["N", "F", "P"]);
    assert_eq!(r.doi(), Some("10.1017/ipm.2022.11"));
    assert_eq!(r.published, date(2023, 12, 1));
    assert_eq!(r.epublished, date(2022, 3, 31));
    assert_eq!(r.venue.as_deref(), Some("CNS drugs"));
    assert_eq!(r.pages.as_deref(), Some("554-560"));
    assert_eq!(r.volume, None, "\"1 1\" is not a volume");
    assert_eq!(r.doc_type, Some(DocType::Article));
    assert_eq!(r.times_cited, Some(0));
    assert_eq!(r.language.as_deref(), Some("en"));
    let abs = r.abstract_text.as_deref().expect("abstract");
    let labels: Vec<&str> = abs.lines().map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(labels, ["Objectives", "Methods", "Results", "Conclusions"]);
    assert!(abs.starts_with("Objectives: Infant mental health (IMH), an area"));
    assert!(!abs.contains('<') && !abs.contains("期刊") && !abs.contains("CNS Drugs promotes"));
    // The journal blurb is not part of anything.
    let dump = format!("{r:?}");
    assert!(!dump.contains("pharmacotherapy"));

    // The venue conflict: journal field vs DOI prefix, both located.
    assert_eq!(r.conflicts.len(), 1);
    let c = &r.conflicts[0];
    assert_eq!(c.field, "venue");
    assert_eq!(c.claims.len(), 2);
    assert_eq!(c.claims[0].value, "CNS drugs");
    assert_eq!(c.claims[0].basis, "journal field");
    assert_eq!(c.claims[1].value, "Cambridge University Press");
    assert_eq!(c.claims[1].basis, "DOI prefix 10.1017");
    for claim in &c.claims {
        assert_eq!(claim.at.input, SEEDS[0]);
        assert_eq!(claim.at.line, 1);
    }
    assert!(c.note.contains("Adis") && c.note.contains("10.1017"), "{}", c.note);
    assert!(parsed.diagnostics.iter().any(|d| d.message.contains("volume") && d.at.line == 1));
}

#[test]
fn aggregator_broken_json_still_reads_page_text() {
    let text = seed(SEEDS[0]);
    let cut = text.find(",\"PeriodicalId\"").expect("field");
    let broken = format!("{}\n{}", &text[..cut], &text[text.find('\n').expect("line") + 1..]);
    assert_eq!(ingest::detect(&broken), Some(Format::AggregatorPage));
    let parsed = page::parse_aggregator("broken.txt", &broken);
    let r = only(&parsed);
    let d = parsed.diagnostics.iter().find(|d| d.message.contains("broken JSON")).expect("diagnostic");
    assert_eq!(d.at.line, 2);
    assert_eq!(d.severity, Severity::Warning);
    // Salvaged from the broken JSON, and the page's citation counter still read.
    assert_eq!(r.doi(), Some("10.1017/ipm.2022.11"));
    assert!(r.title.as_deref().is_some_and(|t| t.starts_with("An exploration")));
    assert_eq!(r.times_cited, Some(0));
    assert!(r.abstract_text.as_deref().is_some_and(|a| a.starts_with("Objectives: ")));
}

#[test]
fn aggregator_with_entities_before_multibyte_text() {
    // An '&' followed by CJK text used to slice inside a character.
    let text = "{\"title\":\"&扩大围产期心理健康 &amp; more\",\"doi\":\"10.3389/fsoc.2023.996585\",\
                \"TitleCN\":\"扩大围产期\",\"journal\":{\"name\":\"Front Sociol\",\"volume\":\"8\"}}\n引用次数: 3\n";
    assert_eq!(ingest::detect(text), Some(Format::AggregatorPage));
    let p = page::parse_aggregator("e.txt", text);
    let r = only(&p);
    assert_eq!(r.title.as_deref(), Some("&扩大围产期心理健康 & more"));
    assert_eq!(r.alt_titles, vec![(Some("zh".to_string()), "扩大围产期".to_string())]);
    assert_eq!(r.volume.as_deref(), Some("8"));
    assert_eq!(r.times_cited, Some(3));
    assert!(r.conflicts.is_empty(), "Frontiers journal with a Frontiers DOI");
}

#[test]
fn abstract_page_with_title_byline_journal_and_keywords() {
    let text = "Skip to main content\n\
        Maternal mental health peer support: a mixed-methods evaluation\n\
        Sarah Jones, Michael Brown, Aisling Murphy\n\
        J Reprod Infant Psychol. 2021 Sep;39(4):345-360. doi: 10.1080/02646838.2021.1234567\n\
        Abstract\n\
        Background: Peer support is increasingly offered to mothers in the first year after birth. Aim: To \
        evaluate a peer support service. Methods: Mixed methods with 120 mothers and 14 peer supporters. \
        Results: Mothers valued the flexibility. Conclusion: Peer support was acceptable.\n\
        Keywords: peer support; perinatal depression; mixed methods\n\
        We use cookies to improve your experience. Accept all cookies\n\
        © 2021 Informa UK Limited, trading as Taylor & Francis Group\n";
    assert_eq!(ingest::detect(text), Some(Format::AbstractPage));
    let p = page::parse("a.txt", text);
    let r = only(&p);
    assert_eq!(r.title.as_deref(), Some("Maternal mental health peer support: a mixed-methods evaluation"));
    let fam: Vec<&str> = r.authors.iter().map(|a| a.family.as_str()).collect();
    assert_eq!(fam, ["Jones", "Brown", "Murphy"]);
    assert_eq!(r.doi(), Some("10.1080/02646838.2021.1234567"));
    assert_eq!(r.venue_abbrev.as_deref(), Some("J Reprod Infant Psychol"));
    assert_eq!(
        (r.volume.as_deref(), r.issue.as_deref(), r.pages.as_deref()),
        (Some("39"), Some("4"), Some("345-360"))
    );
    assert_eq!(r.published.map(|d| d.to_string()).as_deref(), Some("2021-09"));
    assert_eq!(r.keywords, ["peer support", "perinatal depression", "mixed methods"]);
    let abs = r.abstract_text.as_deref().expect("abstract");
    assert_eq!(abs.lines().count(), 5, "{abs}");
    assert!(!abs.contains("cookies") && !abs.contains("Informa"));
    assert!(r.missing.is_empty(), "{:?}", r.missing);
    assert!(r.conflicts.is_empty(), "Taylor & Francis journal with a Taylor & Francis DOI");

    // The same page with a DOI of another publisher: a located venue conflict.
    let wrong = text.replace("10.1080/02646838.2021.1234567", "10.1016/j.jad.2021.01.001");
    let p = page::parse("w.txt", &wrong);
    let c = &only(&p).conflicts[0];
    assert_eq!((c.claims[0].at.line, c.claims[1].at.line), (4, 4));
    assert_eq!(c.claims[1].value, "Elsevier");
}

fn cited<'a>(cits: &'a [Citation], first: &str, year: Option<i32>) -> Option<&'a Citation> {
    cits.iter().find(|c| c.authors.first().is_some_and(|a| a.family == first) && c.year == year)
}

#[test]
fn full_text_001() {
    let (_, parsed) = read(SEEDS[1]);
    let r = only(&parsed);
    assert!(r.title.is_none() && r.authors.is_empty());
    assert!(missing(r, "title") && missing(r, "authors"));
    let abs = r.abstract_text.as_deref().expect("abstract");
    let lines: Vec<&str> = abs.lines().collect();
    assert_eq!(lines.len(), 4, "{abs}");
    assert!(lines[0].starts_with("Objectives: Infant mental health (IMH)"));
    assert!(lines[1].starts_with("Methods: This study had a qualitative research design"));
    assert!(lines[2].starts_with("Results: The data gathered"));
    assert!(lines[3].starts_with("Conclusions: The findings of this study"));
    assert!(abs.contains("encourage reflective practice"), "PDF hyphenation repaired");
    assert!(abs.contains("the parent-infant relationship"), "real compound kept");
    assert_eq!(r.language.as_deref(), Some("en"));

    // Every distinct callout, counted by hand in the text (line of first callout).
    let expected: &[(&str, Option<i32>, bool, u32, u32)] = &[
        ("Stein", Some(2014), true, 1, 26),
        ("Howard", Some(2020), false, 1, 26),
        ("Bauer", Some(2014), true, 1, 31),
        ("HSE", Some(2017), false, 4, 40),
        ("Huschke", Some(2020), true, 1, 44),
        ("Department of Health", Some(2016), false, 1, 50),
        ("Royal College of Psychiatrists", Some(2021), false, 2, 61),
        ("Doyle", Some(2018), false, 1, 104),
        ("NICE", Some(2014), false, 1, 106),
        ("Fraiberg", Some(1975), true, 1, 119),
        ("Fraiberg", Some(1980), false, 1, 120),
        ("Weatherston", Some(2016), false, 1, 125),
        ("Hayes", Some(2015), true, 6, 135),
        ("Weatherson", Some(2002), false, 1, 140),
        ("MI-AIMH", Some(2011), false, 1, 156),
        ("Braun", Some(2012), false, 1, 276),
        ("Reaney", Some(2017), false, 1, 692),
        ("Thomasgard", Some(2004), true, 1, 702),
        ("Hughes", Some(2019), true, 1, 709),
        ("Irish Association for Infant Mental Health", None, false, 1, 766),
    ];
    let cits = &r.citations;
    let summary: Vec<String> = cits
        .iter()
        .map(|c| format!("{:?} {:?} {:?} x{} @{}", c.raw, c.year, c.year_note, c.count, c.at.line))
        .collect();
    assert_eq!(cits.len(), expected.len(), "{summary:#?}");
    for &(first, year, et_al, count, line) in expected {
        let c = cited(cits, first, year).unwrap_or_else(|| panic!("{first} {year:?} missing: {summary:#?}"));
        assert_eq!((c.et_al, c.count, c.at.line), (et_al, count, line), "{first} {year:?}");
        assert_eq!(c.at.input, SEEDS[1]);
    }
    let two = |first: &str, second: &str, year| {
        let c = cited(cits, first, Some(year)).expect("two-author callout");
        let fam: Vec<&str> = c.authors.iter().map(|a| a.family.as_str()).collect();
        assert_eq!(fam, [first, second]);
        assert!(c.authors.iter().all(|a| !a.is_org));
    };
    two("Howard", "Khalifeh", 2020);
    two("Doyle", "Tierney", 2018);
    two("Weatherston", "Browne", 2016);
    two("Braun", "Clarke", 2012);
    for org in ["HSE", "NICE", "MI-AIMH", "Department of Health", "Royal College of Psychiatrists"] {
        let c = cits.iter().find(|c| c.authors[0].family == org).expect("org");
        assert!(c.authors[0].is_org && c.authors.len() == 1, "{org}");
    }
    let iaimh = cited(cits, "Irish Association for Infant Mental Health", None).expect("n.d.");
    assert_eq!(iaimh.year_note.as_deref(), Some("n.d."));
    assert!(iaimh.authors[0].is_org);
    let total: u32 = cits.iter().map(|c| c.count).sum();
    assert_eq!(total, 29);
}

#[test]
fn abstract_page_002() {
    let (_, parsed) = read(SEEDS[2]);
    let r = only(&parsed);
    assert!(r.title.is_none() && r.authors.is_empty());
    assert!(missing(r, "title") && missing(r, "authors"));
    let abs = r.abstract_text.as_deref().expect("abstract");
    assert!(abs.starts_with("We examined interprofessional working"), "{abs}");
    assert!(abs.ends_with("may influence family outcomes."), "{abs}");
    for noise in ["Talk to us", "Schedule a call", "Disclaimer", "Join us", "ABSTRACT"] {
        assert!(!abs.contains(noise), "{noise}");
    }
    assert_eq!(r.language.as_deref(), Some("en"));
}

#[test]
fn abstract_page_003() {
    let (_, parsed) = read(SEEDS[3]);
    let r = only(&parsed);
    assert_eq!(
        r.title.as_deref(),
        Some(
            "Widening access to perinatal mental health group interventions: learning from a trial of the \
             Circle of Security-Parenting programme in England"
        )
    );
    assert_eq!(r.alt_titles.len(), 1);
    assert_eq!(r.alt_titles[0].0.as_deref(), Some("zh"));
    assert!(r.alt_titles[0].1.starts_with("扩大围产期心理健康小组干预措施"));
    assert_eq!(r.language.as_deref(), Some("en"));
    assert!(r.subjects.is_empty());
    assert!(r.authors.is_empty() && missing(r, "authors"));
    let abs = r.abstract_text.as_deref().expect("abstract");
    let labels: Vec<&str> = abs.lines().map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(labels, ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSION"]);
    for noise in ["特别声明", "阅读", "biocloudy", "本站", "侵权"] {
        assert!(!format!("{r:?}").contains(noise), "{noise}");
    }
}

#[test]
fn listing_004() {
    let (_, parsed) = read(SEEDS[4]);
    let recs = &parsed.records;
    assert_eq!(recs.len(), 10);
    type Row<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str, &'a str, u32);
    let rows: [Row; 10] = [
        ("1", "38418998", "BMC Med", Some("22"), Some("1"), "72", "2024-02-29", 18),
        ("2", "37550650", "BMC Psychiatry", Some("23"), Some("1"), "567", "2023-08-07", 29),
        ("3", "37032810", "Front Sociol", Some("8"), None, "996585", "2023", 40),
        ("4", "35767691", "Interact J Med Res", Some("11"), Some("2"), "e38239", "2022-09-29", 48),
        ("5", "35511900", "PLoS One", Some("17"), Some("5"), "e0267787", "2022", 56),
        (
            "6",
            "35267053",
            "Soc Psychiatry Psychiatr Epidemiol",
            Some("57"),
            Some("6"),
            "1291-1303",
            "2022-06",
            67,
        ),
        ("7", "35090418", "BMC Psychiatry", Some("22"), Some("1"), "72", "2022-01-28", 78),
        ("8", "35081929", "BMC Psychiatry", Some("22"), Some("1"), "55", "2022-01-27", 89),
        ("10", "33914750", "PLoS One", Some("16"), Some("4"), "e0248316", "2021", 100),
        (
            "11",
            "32857218",
            "Soc Psychiatry Psychiatr Epidemiol",
            Some("56"),
            Some("1"),
            "25-37",
            "2021-01",
            111,
        ),
    ];
    for (r, (key, pmid, venue, vol, iss, pages, date, line)) in recs.iter().zip(rows) {
        assert_eq!(r.at.record.as_deref(), Some(key));
        assert_eq!(r.at.line, line, "record {key}");
        assert_eq!(r.ids, vec![Identifier::Pmid(pmid.to_string())], "record {key}");
        assert_eq!(r.venue_abbrev.as_deref(), Some(venue), "record {key}");
        assert_eq!((r.volume.as_deref(), r.issue.as_deref(), r.pages.as_deref()), (vol, iss, Some(pages)));
        assert_eq!(r.published.map(|d| d.to_string()).as_deref(), Some(date), "record {key}");
        assert_eq!(r.language.as_deref(), Some("en"));
        assert_eq!(r.doc_type, Some(DocType::Article));
        assert!(missing(r, "title") && missing(r, "authors"), "record {key}");
        let abs = r.abstract_text.as_deref().expect("abstract");
        assert!(!abs.contains("Subject(s)") && !abs.contains("SELECTION OF CITATIONS"));
        assert!(r.citations.is_empty(), "no callouts from listing abstracts");
    }
    let first = &recs[0];
    assert_eq!(
        first.subjects,
        ["Mental Health", "Workplace", "Female", "Humans", "Pregnancy", "Systematic Reviews as Topic"]
    );
    let labels: Vec<&str> = first
        .abstract_text
        .as_deref()
        .unwrap_or("")
        .lines()
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(labels, ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]);
    let trial = recs[3].abstract_text.as_deref().unwrap_or("");
    assert!(trial.lines().any(|l| l.starts_with("TRIAL REGISTRATION: International Prospective")), "{trial}");
    assert_eq!(recs[9].subjects.last().map(String::as_str), Some("United Kingdom/epidemiology"));
    assert!(recs[2].subjects.is_empty());

    let gap = parsed.diagnostics.iter().find(|d| d.message.contains("skips 9")).expect("gap diagnostic");
    assert_eq!(gap.at.record.as_deref(), Some("10"));
    assert_eq!(gap.at.line, 100);
    assert!(parsed
        .diagnostics
        .iter()
        .any(|d| d.message.contains("11") && d.message.contains("10 were found")));
}

#[test]
fn listing_with_titles_and_bylines() {
    let text = "Results 1 - 2 of 2\n1.\nA trial of peer support.\nSmith J; Jones K.\n\
                BMC Med ; 22(1): 72, 2024 Feb 29.\nArticle in Spanish | LILACS | ID: lil-123456\n\
                2.\nSecond paper\nLancet ; 400, 2022.\n";
    assert!(listing::looks_like_listing(text));
    let p = listing::parse("l.txt", text);
    assert_eq!(p.records.len(), 2);
    let r = &p.records[0];
    assert_eq!(r.title.as_deref(), Some("A trial of peer support"));
    assert_eq!(r.authors.iter().map(|a| a.family.as_str()).collect::<Vec<_>>(), ["Smith", "Jones"]);
    assert_eq!(r.language.as_deref(), Some("es"));
    assert_eq!(r.ids, vec![Identifier::Other("lilacs:lil-123456".into())]);
    assert_eq!(r.authors[1].given, "K");
    assert_eq!(p.records[1].volume.as_deref(), Some("400"));
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
}

fn callout_keys(text: &str) -> Vec<String> {
    callouts::extract("t", text, 0)
        .iter()
        .map(|c| {
            let names: Vec<String> = c
                .authors
                .iter()
                .map(|a| if a.is_org { format!("[{}]", a.family) } else { a.family.clone() })
                .collect();
            let year = c
                .year
                .map_or_else(|| c.year_note.clone().unwrap_or_default(), |y| format!("{y}{}", c.year_suffix));
            format!("{}{} {} x{}", names.join("&"), if c.et_al { "+" } else { "" }, year, c.count)
        })
        .collect()
}

#[test]
fn callout_table() {
    let positive: &[(&str, &[&str])] = &[
        ("(Stein et al. 2014; Howard & Khalifeh, 2020)", &["Stein+ 2014 x1", "Howard&Khalifeh 2020 x1"]),
        ("as Hayes et al. (2015) said", &["Hayes+ 2015 x1"]),
        ("Hayes\net al. (2015) and (Hayes et al.\n2015)", &["Hayes+ 2015 x2"]),
        ("(Fraiberg et al. 1975, Fraiberg, 1980)", &["Fraiberg+ 1975 x1", "Fraiberg 1980 x1"]),
        ("(Smith, 2001, 2003a)", &["Smith 2001 x1", "Smith 2003a x1"]),
        ("(Smith and Jones 2001)", &["Smith&Jones 2001 x1"]),
        ("Braun and Clarke (2012) argue", &["Braun&Clarke 2012 x1"]),
        ("(NICE, 2014)", &["[NICE] 2014 x1"]),
        ("(MI-AIMH, 2011)", &["[MI-AIMH] 2011 x1"]),
        ("(Department of Health, 2016)", &["[Department of Health] 2016 x1"]),
        (
            "recommended by the Royal College of Psychiatrists (2021)",
            &["[Royal College of Psychiatrists] 2021 x1"],
        ),
        (
            "(Irish Association for Infant Mental Health, n.d.)",
            &["[Irish Association for Infant Mental Health] n.d. x1"],
        ),
        ("(Reaney 2017)", &["Reaney 2017 x1"]),
        ("(Jones, in press)", &["Jones in press x1"]),
        ("(e.g., Smith, 2001; see also Brown et al., 2003)", &["Smith 2001 x1", "Brown+ 2003 x1"]),
        ("(Smith, Jones, & Brown, 2010)", &["Smith&Jones&Brown 2010 x1"]),
        ("(van der Berg, 2019)", &["van der Berg 2019 x1"]),
        ("(Smith, 2001, p. 23)", &["Smith 2001 x1"]),
        ("in 2006 (Hayes et al.\n2015)", &["Hayes+ 2015 x1"]),
        ("(Smith et al., 2015a, b)", &["Smith+ 2015a x1", "Smith+ 2015b x1"]),
        ("Smith (2015a, b) and Smith (2015b)", &["Smith 2015a x1", "Smith 2015b x2"]),
        ("(Smith, 2001; 2003)", &["Smith 2001 x1", "Smith 2003 x1"]),
        ("(Smith, 2001: 23)", &["Smith 2001 x1"]),
        ("(World Health Organization [WHO], 2020)", &["[World Health Organization] 2020 x1"]),
        ("according to the World Health Organization (2020)", &["[World Health Organization] 2020 x1"]),
        ("Fraiberg’s (1980) ghosts", &["Fraiberg 1980 x1"]),
        ("(Smith et al., 2010; Jones, 2011)", &["Smith+ 2010 x1", "Jones 2011 x1"]),
        // Same first author and year but a different author form: two works.
        ("(Smith 2001) and (Smith et al. 2001)", &["Smith 2001 x1", "Smith+ 2001 x1"]),
    ];
    for (text, want) in positive {
        assert_eq!(callout_keys(text), *want, "{text}");
    }
    // Multi-byte whitespace and case-changing letters near callouts.
    assert_eq!(callout_keys("as\u{3000}Smith\u{3000}(2010) said"), ["Smith 2010 x1"]);
    assert!(callout_keys("(İİİ et al, 2010) (\u{3000}(2010)").len() <= 1);
    let negative = [
        "range between 22.4–24.4% of maternities (22.4–24.4%)",
        "aged (4–19 months) and (2012-2022)",
        "systematic reviews with (n = 13) or without",
        "PX1: ‘you have the model’ and PX2 said",
        "summarised in Table 1 (Table 1) and (see Table 2)",
        "a perinatal IMH network group (PIMH-NG).",
        "registered with PROSPERO (registration number: CRD42022362099)",
        "awarded in 2006 (and again in 2009)",
        "the COVID-19 pandemic (COVID-19, 2020)",
        "the trial (Phase 2, 2019) in (January 2020)",
        "In 2016 (the year of the strategy) we",
    ];
    for text in negative {
        assert!(callout_keys(text).is_empty(), "{text}: {:?}", callout_keys(text));
    }
}

#[test]
fn callouts_not_run_on_listing_abstracts() {
    let (_, parsed) = read(SEEDS[4]);
    assert!(parsed.records.iter().all(|r| r.citations.is_empty()));
}

#[test]
fn full_text_detection_is_structural() {
    let body = "Introduction\n\nSmith (2010) showed x. ".repeat(20)
        + "\nMethods\n\nWe did y (Jones et al. 2012).\n\nResults\n\nIt worked.\n\nDiscussion\n\nAs expected.\n";
    let long = body + &"More text in the discussion of results. ".repeat(80);
    assert_eq!(ingest::detect(&long), Some(Format::FullText));
    let p = fulltext::parse("f.txt", &long);
    let r = only(&p);
    assert_eq!(cited(&r.citations, "Smith", Some(2010)).map(|c| c.count), Some(20));
    // Without headings the same prose is not a full text.
    assert!(!fulltext::looks_like_full_text(&"Smith (2010) showed x. ".repeat(300)));
}

#[test]
fn full_text_front_matter_inline_abstract_and_reference_list() {
    let filler = "The service was evaluated in several regions of the country. ".repeat(30);
    let text = format!(
        "Peer support in perinatal mental health: a qualitative study\n\
         Jane Smith1, Ravi Patel2 and Ann O'Brien1\n\
         https://doi.org/10.1186/s12888-023-01234-5\n\
         ABSTRACT Background: Peer support is widely used. Methods: We interviewed 20 mothers.\n\
         Results: Themes emerged. Conclusions: Peer support helps.\n\n\
         Introduction\n\nPeer work matters (Smith & Jones, 2010; WHO, 2019). {filler}\n\n\
         Methods\n\nWe followed Braun and Clarke (2006). {filler}\n\n\
         Results\n\nAs Smith and Jones (2010) predicted. {filler}\n\n\
         Discussion\n\nSee (Smith & Jones, 2010). {filler}\n\n\
         References\n\nSmith, J., & Jones, K. (2010). Peer work. Journal, 1, 1-2.\n\
         Braun, V., & Clarke, V. (2006). Using thematic analysis. Qual Res Psychol, 3, 77-101.\n"
    );
    assert_eq!(ingest::detect(&text), Some(Format::FullText));
    let p = fulltext::parse("ft.txt", &text);
    let r = only(&p);
    assert_eq!(r.title.as_deref(), Some("Peer support in perinatal mental health: a qualitative study"));
    let fam: Vec<&str> = r.authors.iter().map(|a| a.family.as_str()).collect();
    assert_eq!(fam, ["Smith", "Patel", "O'Brien"]);
    assert_eq!(r.doi(), Some("10.1186/s12888-023-01234-5"));
    let abs = r.abstract_text.as_deref().expect("abstract");
    let labels: Vec<&str> = abs.lines().map(|l| l.split(':').next().unwrap_or("")).collect();
    assert_eq!(labels, ["Background", "Methods", "Results", "Conclusions"], "{abs}");
    // Callouts come from the body only; the reference list is not scanned.
    let summary: Vec<(String, u32)> = r.citations.iter().map(|c| (c.raw.clone(), c.count)).collect();
    assert_eq!(cited(&r.citations, "Smith", Some(2010)).map(|c| c.count), Some(3), "{summary:?}");
    assert_eq!(cited(&r.citations, "Braun", Some(2006)).map(|c| c.count), Some(1), "{summary:?}");
    assert_eq!(cited(&r.citations, "WHO", Some(2019)).map(|c| c.count), Some(1), "{summary:?}");
    assert_eq!(r.citations.len(), 3, "{summary:?}");
    assert!(p.diagnostics.iter().any(|d| d.message.contains("reference list")));
}
