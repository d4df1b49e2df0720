//! The readers, by area: `bibliographic` (RIS, BibTeX, MEDLINE, PubMed XML,
//! EndNote XML, CSL-JSON and the record writers' round trips), `databases`
//! (WoS plain and tab, Scopus, Lens and OpenAlex CSV, OpenAlex JSON / JSON
//! Lines, Crossref, Semantic Scholar) and `seed_kinds` (aggregator and
//! abstract pages, full text with callouts, listings), and `wild_exports`
//! (real export files from public repositories read whole), on the real
//! third-party fixtures in `../shared/fixtures`, the seeds in `../shared/seeds`
//! and the trimmed copies in `tests/fixtures/`. The
//! never-panic properties of every reader are in `tests/no_panic.rs`.

mod bibliographic {
    //! Readers for RIS, BibTeX, MEDLINE, PubMed XML, EndNote XML and CSL-JSON
    //! against the real exports in `../shared/fixtures/formats/`, bad input
    //! (unterminated entries, missing `ER`, broken XML/JSON), the RIS and CSL-JSON
    //! writers (round trip through our own readers). Never-panic properties:
    //! `tests/no_panic.rs`.

    use citemap::export;
    use citemap::ingest::{self, bibtex, csl_json, endnote_xml, medline, pubmed_xml, ris, Format};
    use citemap::model::{Author, Date, DocType, Identifier, Parsed, Record, Severity};

    const FX: &str = "../shared/fixtures/formats";
    const LOCAL: &str = "tests/fixtures/formats_a";

    fn load(path: &str) -> (Option<Format>, Parsed) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
        ingest::read(path, &bytes, &ingest::Options::default())
    }

    fn fixture(rel: &str) -> (Option<Format>, Parsed) {
        load(&format!("{FX}/{rel}"))
    }

    fn has_id(r: &Record, id: &Identifier) -> bool {
        r.ids.contains(id)
    }

    fn family_given(a: &Author) -> (&str, &str) {
        (a.family.as_str(), a.given.as_str())
    }

    /// Every fixture: detected format and record count as listed in PROVENANCE.md.
    #[test]
    fn record_counts_and_detection() {
        let cases: &[(&str, Format, usize)] = &[
            ("ris/scopus_with_references.ris", Format::Ris, 6),
            ("ris/scopus_export_date_quirk.ris", Format::Ris, 7),
            ("ris/wos_export.ris", Format::Ris, 10),
            ("ris/ovid_psycinfo.ris", Format::Ris, 6),
            ("ris/embase_bom.ris", Format::Ris, 6),
            ("ris/pubmed_via_endnote.ris", Format::Ris, 6),
            ("ris/rayyan_multiline_kw.ris", Format::Ris, 19),
            ("ris/ieee_xplore_crlf.ris", Format::Ris, 25),
            ("bibtex/scopus_export_2023.bib", Format::Bibtex, 24),
            ("bibtex/wos_export_cited_references.bib", Format::Bibtex, 29),
            ("bibtex/zotero_bbt_polaritons.bib", Format::Bibtex, 38),
            ("bibtex/mixed_biblatex_gral.bib", Format::Bibtex, 83),
            ("medline-nbib/pubmed_mcda_crlf.nbib", Format::Medline, 10),
            ("medline-nbib/biopython_pubmed_result2.txt", Format::Medline, 4),
            ("medline-nbib/biopython_pubmed_result3_multiline_mesh.txt", Format::Medline, 1),
            ("pubmed-xml/pubmed_web_export_10_articles.xml", Format::PubmedXml, 10),
            ("pubmed-xml/pubmed_29768149_nejm.xml", Format::PubmedXml, 1),
            ("pubmed-xml/efetch_2_articles_2001.xml", Format::PubmedXml, 2),
            ("endnote-xml/zotero_tc0_nine_records_no_source_app.xml", Format::EndnoteXml, 9),
            ("endnote-xml/zotero_tc1_endnote16_single_line.xml", Format::EndnoteXml, 1),
            ("endnote-xml/zotero_tc2_endnote20_labels.xml", Format::EndnoteXml, 2),
            ("csl-json/crossref_transform_science.169.3946.635.json", Format::CslJson, 1),
            ("csl-json/zotero_bbt_pandoc_citation.csl.json", Format::CslJson, 4),
            ("csl-json/zotero_bbt_date_variants.csl.json", Format::CslJson, 15),
            ("csl-json/openalexpro_converted_chunk4.json", Format::CslJson, 69),
        ];
        for (rel, format, n) in cases {
            let (f, p) = fixture(rel);
            assert_eq!(f, Some(*format), "{rel}: detected format");
            assert_eq!(p.records.len(), *n, "{rel}: record count");
            assert!(
                p.diagnostics.iter().all(|d| d.severity != Severity::Error),
                "{rel}: {:?}",
                p.diagnostics
            );
            for r in &p.records {
                assert_eq!(r.source_kind, format.name(), "{rel}");
                assert!(r.at.line > 0 && r.at.record.is_some(), "{rel}: provenance {:?}", r.at);
                assert!(r.title.is_some(), "{rel}: record at line {} has a title", r.at.line);
            }
        }
        let (f, p) = load("../shared/fixtures/api/pubmed-eutils/efetch_pubmed_29963580_with_references.xml");
        assert_eq!((f, p.records.len()), (Some(Format::PubmedXml), 1));
        for format in [
            Format::Ris,
            Format::Bibtex,
            Format::Medline,
            Format::PubmedXml,
            Format::EndnoteXml,
            Format::CslJson,
        ] {
            assert!(Format::ALL.contains(&format));
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
    }

    #[test]
    fn ris_scopus_references_and_ids() {
        let (_, p) = fixture("ris/scopus_with_references.ris");
        let r = &p.records[0];
        assert_eq!(r.authors.len(), 4);
        assert_eq!(family_given(&r.authors[0]), ("Labanski", "A."));
        assert_eq!(r.doi(), Some("10.1016/j.psyneuen.2019.104501"));
        assert!(has_id(r, &Identifier::Eid("2-s2.0-85074596690".into())));
        assert_eq!(r.issn, vec!["0306-4530".to_string()]);
        assert_eq!(r.doc_type, Some(DocType::Review));
        assert_eq!(r.pages.as_deref(), Some("104501"));
        assert_eq!(r.keywords.len(), 9);
        // One reference per untagged line: 6 first lines + 789 continuation lines.
        let total: usize = p.records.iter().map(|r| r.citations.len()).sum();
        assert_eq!(total, 795);
        let c = &r.citations[0];
        assert!(c.raw.starts_with("Agostini, A., Ballotta, D."), "{}", c.raw);
        assert!(!c.raw.ends_with(';'));
        assert_eq!((c.count, c.at.line, c.at.record.as_deref()), (1, 37, Some("#1")));
        assert_eq!(r.citations[1].at.line, 38);
        // PubMed ids from C2 and "Cited By" from N1.
        assert!(p.records.iter().any(|r| has_id(r, &Identifier::Pmid("31421429".into()))));
        assert_eq!(p.records[4].times_cited, Some(2));
    }

    #[test]
    fn ris_vendor_quirks() {
        // Scopus: untagged "Export Date:" and document type after a blank line.
        let (_, p) = fixture("ris/scopus_export_date_quirk.ris");
        assert_eq!(p.records[0].times_cited, Some(9));
        assert_eq!(
            p.records[0].title.as_deref().map(|t| t.starts_with("Design and prototyping")),
            Some(true)
        );
        assert_eq!(p.records[0].venue_abbrev.as_deref(), Some("Adv. Electr. Electron. Eng."));
        assert_eq!(p.records[0].doc_type, Some(DocType::Article));
        assert!(p.records.iter().any(|r| r.doc_type == Some(DocType::Conference)));

        // WoS: accession number, times cited in the core collection, month from DA.
        let (_, p) = fixture("ris/wos_export.ris");
        let r = &p.records[0];
        assert!(has_id(r, &Identifier::Wos("WOS:000444108200009".into())));
        assert_eq!(r.at.record.as_deref(), Some("WOS:000444108200009"));
        assert_eq!(r.times_cited, Some(5));
        assert_eq!(r.published, Some(Date { year: 2018, month: Some(9), day: None }));
        assert_eq!(r.venue_abbrev.as_deref(), Some("J. Appl. Res. Mem. Cogn."));

        // Ovid: record-number lines, repeated DO with URLs, slash dates, ORCID text, NL after ER.
        let (_, p) = fixture("ris/ovid_psycinfo.ris");
        let r = &p.records[0];
        assert_eq!(r.ids.iter().filter(|i| matches!(i, Identifier::Doi(_))).count(), 1);
        assert_eq!(r.doi(), Some("10.1002/cpp.2398"));
        assert_eq!(r.published, Some(Date::year(2019)));
        assert_eq!(r.authors[0].orcid(), Some("0000-0003-1208-2077"));
        assert_eq!(r.venue_abbrev.as_deref(), Some("Clin Psychol Psychother"));
        assert_eq!(r.pages, None, "'No Specified' is not a page range");
        // PsycINFO cited references, one per M1 line.
        assert_eq!(p.records.iter().map(|r| r.citations.len()).sum::<usize>(), 122);
        let c = &p.records[1].citations[0];
        assert!(c.raw.starts_with("Andres, PG, & Friedman, LS (1999)."), "{}", c.raw);

        // Embase: BOM before the first TY, Emtree terms as subjects, named affiliation.
        let (_, p) = fixture("ris/embase_bom.ris");
        let r = &p.records[0];
        assert_eq!(
            r.title.as_deref(),
            Some("Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound")
        );
        assert!(r.subjects.iter().any(|s| s == "endoscopic ultrasonography"));
        assert!(r.authors[1].affiliations()[0].starts_with("Department of Gastroenterology"));
        assert!(r.citations.is_empty(), "Embase M1 holds e-mail addresses, not references");

        // PubMed via EndNote: one KW then untagged MeSH lines; AN is the PMID; ET the e-pub date.
        let (_, p) = fixture("ris/pubmed_via_endnote.ris");
        let r = &p.records[0];
        assert!(has_id(r, &Identifier::Pmid("21553931".into())));
        assert_eq!(r.subjects.len(), 10);
        assert_eq!(r.epublished, Some(Date { year: 2011, month: Some(5), day: Some(11) }));

        // Rayyan: one KW continued on untagged lines.
        let (_, p) = fixture("ris/rayyan_multiline_kw.ris");
        assert_eq!(p.records[0].keywords.len(), 13);
        assert_eq!(p.records[0].keywords[12], "Patient Education");
        assert_eq!(p.records.iter().filter(|r| r.doi().is_some()).count(), 3);

        // IEEE: mixed CRLF/LF (a CR at the start of TY lines), given-first names.
        let (_, p) = fixture("ris/ieee_xplore_crlf.ris");
        assert_eq!(family_given(&p.records[0].authors[0]), ("Kalbe", "G."));
        assert_eq!(p.records.iter().map(|r| r.authors.len()).sum::<usize>(), 163);
        assert_eq!(p.records.iter().filter(|r| r.abstract_text.is_some()).count(), 25);
        assert_eq!(p.records[0].published, Some(Date { year: 2019, month: Some(1), day: None }));
    }

    #[test]
    fn bibtex_wos_scopus_zotero() {
        let (_, p) = fixture("bibtex/wos_export_cited_references.bib");
        let r = &p.records[0];
        assert_eq!(r.at.record.as_deref(), Some("WOS:000278542800018"));
        assert_eq!(r.at.line, 2);
        assert!(has_id(r, &Identifier::Wos("WOS:000278542800018".into())));
        assert_eq!(family_given(&r.authors[2]), ("Ignacio Pelaez", "Jose"));
        assert_eq!(r.authors[2].orcid(), Some("0000-0002-2606-3849"));
        assert!(r.authors[1].affiliations()[0].starts_with("Natl Technol Univ"));
        assert_eq!(r.times_cited, Some(29));
        assert_eq!(r.published, Some(Date { year: 2010, month: Some(7), day: Some(15) }));
        assert_eq!(r.pages.as_deref(), Some("2959-2975"));
        assert_eq!(r.citations.len(), 18);
        assert_eq!(r.citations[1].raw, "[Anonymous], 2005, NEURAL NETWORKS COMP.");
        assert_eq!(r.citations[1].at.line, 63);
        let total: usize = p.records.iter().map(|r| r.citations.len()).sum();
        assert_eq!(total, 1053, "one per Cited-References line");

        let (_, p) = fixture("bibtex/scopus_export_2023.bib");
        let r = &p.records[0];
        assert_eq!(r.at.record.as_deref(), Some("Haseli202079"));
        assert_eq!(r.times_cited, Some(52));
        assert_eq!(r.pages.as_deref(), Some("79-88"));
        assert_eq!(r.venue_abbrev.as_deref(), Some("Int. J. Manage. Sci. Eng. Manage."));
        assert!(has_id(r, &Identifier::Eid("2-s2.0-85083087417".into())));
        // `type = {Conference paper}` marks 5 entries, 3 of them exported as @ARTICLE.
        assert_eq!(p.records.iter().filter(|r| r.doc_type == Some(DocType::Conference)).count(), 5);

        let (_, p) = fixture("bibtex/zotero_bbt_polaritons.bib");
        let r = &p.records[0];
        assert_eq!(r.authors[0].family, "Aßmann");
        assert_eq!(r.authors[5].family, "Löffler");
        assert_eq!(r.authors[4].family, "Rahimi-Iman");
        assert!(r.abstract_text.as_deref().is_some_and(|a| a.starts_with("Bose–Einstein")));
        assert!(p
            .records
            .iter()
            .any(|r| r.title.as_deref().is_some_and(|t| t.contains("Negative Bogoliubov Dispersion"))));
        assert!(p.records.iter().any(|r| r.published.and_then(|d| d.month) == Some(2)), "month = feb macro");
        assert_eq!(p.records.iter().filter(|r| r.doc_type == Some(DocType::Thesis)).count(), 1);
    }

    #[test]
    fn medline_fields() {
        let (_, p) = fixture("medline-nbib/pubmed_mcda_crlf.nbib");
        let r = &p.records[0];
        assert_eq!(r.at.record.as_deref(), Some("36206242"));
        assert_eq!(family_given(&r.authors[1]), ("Strzałka", "Dominik"));
        assert_eq!(r.authors[1].orcid(), Some("0000-0002-8887-4321"));
        assert_eq!(r.authors[1].affiliations().len(), 2);
        assert_eq!(r.doi(), Some("10.1371/journal.pone.0268950"));
        assert!(has_id(r, &Identifier::Pmcid("PMC9543698".into())));
        assert_eq!(r.epublished, Some(Date { year: 2022, month: Some(10), day: Some(7) }));
        assert_eq!((r.venue.as_deref(), r.venue_abbrev.as_deref()), (Some("PloS one"), Some("PLoS One")));
        assert!(r.subjects.iter().any(|s| s == "Decision Making"));
        let orcids = p.records.iter().flat_map(|r| &r.authors).filter(|a| a.orcid().is_some()).count();
        assert_eq!(orcids, 5);
        assert!(p.records.iter().flat_map(|r| &r.authors).any(|a| a.is_org), "CN collective author");

        let (_, p) = fixture("medline-nbib/biopython_pubmed_result3_multiline_mesh.txt");
        let r = &p.records[0];
        assert!(r.subjects.contains(
            &"High-Intensity Focused Ultrasound Ablation/adverse effects/instrumentation/*methods"
                .to_string()
        ));
        let abs = r.abstract_text.as_deref().unwrap_or("");
        assert!(abs.starts_with("PURPOSE: "));
        assert!(abs.contains("\nMETHODS: ") && abs.contains("\nCONCLUSIONS: "));
        assert_eq!(r.published, Some(Date { year: 2012, month: Some(10), day: None }));
    }

    #[test]
    fn pubmed_xml_fields_and_references() {
        let (_, p) = fixture("pubmed-xml/pubmed_29768149_nejm.xml");
        let r = &p.records[0];
        assert_eq!(r.authors.len(), 10);
        assert_eq!(family_given(&r.authors[0]), ("O'Byrne", "Paul M"));
        assert_eq!(r.doi(), Some("10.1056/nejmoa1715274"));
        let abs = r.abstract_text.as_deref().unwrap_or("");
        assert_eq!(abs.lines().count(), 4);
        assert!(abs.starts_with("BACKGROUND: In patients with mild asthma"));
        assert!(abs.contains("β 2-agonist"), "entity and <sub> flattened: {abs}");
        assert_eq!(r.published, Some(Date { year: 2018, month: Some(5), day: Some(17) }));
        assert!(r.subjects.iter().any(|s| s == "Asthma"));

        let (_, p) = fixture("pubmed-xml/pubmed_web_export_10_articles.xml");
        assert_eq!(p.records.iter().map(|r| r.authors.len()).sum::<usize>(), 51);
        assert_eq!(p.records.iter().filter(|r| r.doi().is_none()).count(), 3);
        assert!(p.records.iter().any(|r| r.doi() == Some("10.1034/j.1601-0825.2002.1o786.x")));

        let (_, p) = load("../shared/fixtures/api/pubmed-eutils/efetch_pubmed_29963580_with_references.xml");
        let r = &p.records[0];
        assert_eq!(r.citations.len(), 49);
        let c = &r.citations[0];
        assert_eq!(c.raw, "Radiology. 2015 Jan;274(1):250-9");
        assert!(c.ids.contains(&Identifier::Pmid("25144646".into())));
        assert_eq!((c.at.line, c.count), (268, 1));
        assert!(r.authors.iter().any(|a| a.is_org && a.family == "Canadian Respiratory Research Network"));
        assert_eq!(r.authors[1].orcid(), Some("0000-0002-4590-7461"));
    }

    #[test]
    fn endnote_xml_fields() {
        let (_, p) = fixture("endnote-xml/zotero_tc0_nine_records_no_source_app.xml");
        assert_eq!(p.records[0].doc_type, Some(DocType::Report));
        assert_eq!(p.records[1].doc_type, Some(DocType::Book));
        assert!(has_id(&p.records[1], &Identifier::Isbn("0881929115".into())));
        assert_eq!(family_given(&p.records[1].authors[1]), ("Kingsbury", "Noël"));
        assert!(p.records.iter().any(|r| r.doc_type == Some(DocType::Chapter)));
        let (_, p) = fixture("endnote-xml/zotero_tc1_endnote16_single_line.xml");
        assert_eq!(
            p.records[0].title.as_deref(),
            Some("Plain Bold Italics Underline Superscript Subscript SymbolFont CourierNew SmallerSize Size12 TimesNewRoman-Bold-Italics-Underline-Superscript")
        );
        let (_, p) = fixture("endnote-xml/zotero_tc2_endnote20_labels.xml");
        assert_eq!(p.records[1].at.record.as_deref(), Some("2"));
        assert_eq!(p.records[0].published, Some(Date::year(2021)));
    }

    #[test]
    fn csl_json_fields() {
        let (_, p) = fixture("csl-json/crossref_transform_science.169.3946.635.json");
        let r = &p.records[0];
        assert_eq!(r.times_cited, Some(92));
        assert_eq!(r.published, Some(Date { year: 1970, month: Some(8), day: Some(14) }));
        assert!(r
            .abstract_text
            .as_deref()
            .is_some_and(|a| a.starts_with("The train of thought") && !a.contains('<')));
        assert_eq!(r.authors[0].affiliations().len(), 1);
        assert_eq!(r.citations.len(), 76);
        assert!(r.citations.iter().all(|c| c.count == 1));
        let structured = &r.citations[1];
        assert_eq!(
            (
                structured.detail().venue.as_deref(),
                structured.detail().volume.as_deref(),
                structured.detail().first_page.as_deref(),
                structured.year
            ),
            (Some("PHILOSOPHICAL TRANSACTIONS"), Some("5"), Some("2020"), Some(1670))
        );
        assert_eq!(r.citations[0].raw, "Waller R. Essayes of Natural Experiments (1964).");

        let (_, p) = fixture("csl-json/zotero_bbt_pandoc_citation.csl.json");
        let r = &p.records[0];
        assert_eq!(
            r.title.as_deref(),
            Some("The physical volcanology of the 1600 eruption of Huaynaputina, southern Peru")
        );
        assert_eq!(r.published, Some(Date { year: 2014, month: Some(12), day: Some(31) }), "range start");
        assert_eq!(r.at.line, 2);
        assert_eq!(p.records[1].at.line, 54);

        let (_, p) = fixture("csl-json/zotero_bbt_date_variants.csl.json");
        let by_key = |k: &str| p.records.iter().find(|r| r.at.record.as_deref() == Some(k)).expect("key");
        assert_eq!(by_key("t5").published, Some(Date::year(-334)));
        assert_eq!(by_key("t6").published, Some(Date { year: -100, month: Some(7), day: Some(12) }));
        assert_eq!(
            by_key("doe10_edtf_2011").published,
            Some(Date { year: 2011, month: Some(5), day: Some(25) })
        );
        assert_eq!(by_key("doe13_season_2017").published, Some(Date::year(2017)));

        let (_, p) = fixture("csl-json/openalexpro_converted_chunk4.json");
        let r = &p.records[0];
        assert_eq!(family_given(&r.authors[0]), ("Li", "Dun"));
        assert!(has_id(r, &Identifier::Openalex("W2478892108".into())));
        assert_eq!(r.keywords.len(), 14);
        assert!(p.records.iter().all(|r| r.published.is_none()), "empty date-parts");
        let orcids = p.records.iter().flat_map(|r| &r.authors).filter(|a| a.orcid().is_some()).count();
        assert_eq!(orcids, 41);
        // note = "OA:FALSE; OA_status:closed; Citations:7"
        assert!(p.records.iter().all(|r| r.times_cited.is_some()));
        assert!(p.records.iter().any(|r| r.times_cited == Some(7)));
    }

    #[test]
    fn bad_input_becomes_located_diagnostics() {
        let (_, p) = load(&format!("{LOCAL}/wos_unterminated.bib"));
        assert_eq!(p.records.len(), 2, "entry after the unterminated one is kept");
        assert_eq!(p.records[0].at.record.as_deref(), Some("WOS:000278542800018"));
        assert!(p.records[0].title.is_some(), "fields before the fault are kept");
        assert_eq!(p.records[0].authors.len(), 3);
        assert!(p.records[1].title.is_some());
        let d = &p.diagnostics[0];
        assert_eq!((d.at.line, d.at.record.as_deref()), (2, Some("WOS:000278542800018")));
        assert!(d.at.input.ends_with("wos_unterminated.bib"));

        let (_, p) = load(&format!("{LOCAL}/scopus_missing_er.ris"));
        assert_eq!(p.records.len(), 2);
        let d = &p.diagnostics[0];
        assert_eq!((d.severity, d.at.line, d.at.record.as_deref()), (Severity::Warning, 1, Some("#1")));
        assert_eq!(p.records[0].times_cited, Some(9));

        let (_, p) = load(&format!("{LOCAL}/pubmed_truncated.xml"));
        assert_eq!(p.records.len(), 2, "the complete article and the partial one");
        assert_eq!(p.records[0].doi(), Some("10.1006/cryo.2001.2328"));
        assert!(p.diagnostics.iter().any(|d| d.severity == Severity::Error && d.at.line > 0));

        let (_, p) = load(&format!("{LOCAL}/csl_broken_item.json"));
        assert_eq!(p.records.len(), 3);
        let d = &p.diagnostics[0];
        assert_eq!((d.severity, d.at.record.as_deref()), (Severity::Error, Some("#2")));
        assert!(d.at.line >= 54, "{d}");

        let p = csl_json::parse("x.json", "[{\"id\": \"a\", \"type\": \"book\", \"title\": \"A\"}, {\"id\"");
        assert_eq!(p.records.len(), 1);
        assert!(!p.diagnostics.is_empty());
    }

    fn sample_record() -> Record {
        let mut r = Record::new(citemap::model::Provenance::new("corpus", 1, Some("r1".into())), "test");
        r.title = Some("Peer support for perinatal mental health: a systematic review".into());
        r.authors = vec![
            Author {
                raw: String::new(),
                family: "O'Leary".into(),
                given: "Niamh M.".into(),
                ..Author::default()
            },
            Author {
                raw: String::new(),
                family: "van der Berg".into(),
                given: "Jan".into(),
                ..Author::default()
            },
            Author::org("World Health Organization"),
        ];
        r.ids = vec![Identifier::Doi("10.1017/ipm.2022.11".into()), Identifier::Pmid("35321777".into())];
        r.published = Some(Date { year: 2022, month: Some(3), day: Some(24) });
        r.venue = Some("Irish Journal of Psychological Medicine".into());
        r.venue_abbrev = Some("Ir J Psychol Med".into());
        r.volume = Some("41".into());
        r.issue = Some("2".into());
        r.pages = Some("554-560".into());
        r.abstract_text = Some("OBJECTIVES: To map support.\nMETHODS: A search of four databases.".into());
        r.keywords = vec!["peer support".into(), "perinatal, infant".into(), "mental health".into()];
        r.language = Some("en".into());
        r.doc_type = Some(DocType::SystematicReview);
        r.issn = vec!["0790-9667".into()];
        r.publisher = Some("Cambridge University Press".into());
        r.affiliations = vec![
            "School of Nursing, Midwifery and Health Systems, University College Dublin, Dublin, Ireland"
                .into(),
            "Department of Psychiatry, University of Oxford, Oxford, UK".into(),
        ];
        r
    }

    fn assert_round_trip(orig: &Record, back: &Record, what: &str) {
        assert_eq!(back.title, orig.title, "{what}: title");
        assert_eq!(back.authors.len(), orig.authors.len(), "{what}: authors");
        for (a, b) in orig.authors.iter().zip(&back.authors) {
            assert_eq!(
                (a.family.as_str(), a.given.as_str(), a.is_org),
                (b.family.as_str(), b.given.as_str(), b.is_org),
                "{what}"
            );
        }
        assert_eq!(back.doi(), orig.doi(), "{what}: doi");
        assert!(back.ids.contains(&Identifier::Pmid("35321777".into())), "{what}: pmid");
        assert_eq!(back.published, orig.published, "{what}: date");
        assert_eq!(back.venue, orig.venue, "{what}: venue");
        assert_eq!(back.venue_abbrev, orig.venue_abbrev, "{what}: abbrev");
        assert_eq!(
            (&back.volume, &back.issue, &back.pages),
            (&orig.volume, &orig.issue, &orig.pages),
            "{what}"
        );
        assert_eq!(back.abstract_text, orig.abstract_text, "{what}: abstract");
        assert_eq!(back.keywords, orig.keywords, "{what}: keywords");
        assert_eq!(back.language, orig.language, "{what}: language");
        assert_eq!(back.doc_type, orig.doc_type, "{what}: type");
        assert_eq!(back.issn, orig.issn, "{what}: issn");
        assert_eq!(back.publisher, orig.publisher, "{what}: publisher");
    }

    #[test]
    fn writers_round_trip_through_readers() {
        let orig = sample_record();
        let mut buf = Vec::new();
        export::ris::write(std::slice::from_ref(&orig), &mut buf).expect("write ris");
        let text = String::from_utf8(buf).expect("utf8");
        assert_eq!(ingest::detect(&text), Some(Format::Ris));
        let p = ris::parse("out.ris", &text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        // RIS keywords are one per KW line, so a keyword holding a comma survives.
        assert_round_trip(&orig, &p.records[0], "ris");
        // Record-level affiliations go out as `AD` lines and come back as the record's.
        assert_eq!(text.matches("\nAD  - ").count(), 2, "{text}");
        assert_eq!(p.records[0].affiliations, orig.affiliations, "ris: affiliations");
        assert!(p.records[0].authors.iter().all(|a| a.affiliations().is_empty()));

        let mut buf = Vec::new();
        export::csl_json::write(&[orig.clone(), orig.clone()], &mut buf).expect("write csl");
        let text = String::from_utf8(buf).expect("utf8");
        assert_eq!(ingest::detect(&text), Some(Format::CslJson));
        let p = csl_json::parse("out.json", &text);
        assert_eq!(p.records.len(), 2);
        assert_round_trip(&orig, &p.records[0], "csl-json");
        assert_eq!(p.records[0].at.record.as_deref(), Some("r1"));
        assert_eq!(p.records[1].at.record.as_deref(), Some("r1-2"), "ids are unique");

        // Same records, same bytes.
        let mut again = Vec::new();
        export::csl_json::write(&[orig.clone(), orig], &mut again).expect("write csl");
        assert_eq!(String::from_utf8(again).expect("utf8"), text);
    }

    #[test]
    fn writers_round_trip_real_records() {
        // Every record of a real export survives RIS and CSL-JSON writing with its
        // title, author names, DOI and year.
        for rel in [
            "medline-nbib/pubmed_mcda_crlf.nbib",
            "bibtex/scopus_export_2023.bib",
            "pubmed-xml/pubmed_web_export_10_articles.xml",
        ] {
            let (_, p) = fixture(rel);
            let mut buf = Vec::new();
            export::ris::write(&p.records, &mut buf).expect("write");
            let back = ris::parse("x.ris", &String::from_utf8(buf).expect("utf8"));
            let mut buf = Vec::new();
            export::csl_json::write(&p.records, &mut buf).expect("write");
            let back_csl = csl_json::parse("x.json", &String::from_utf8(buf).expect("utf8"));
            for back in [back, back_csl] {
                assert_eq!(back.records.len(), p.records.len(), "{rel}");
                for (a, b) in p.records.iter().zip(&back.records) {
                    assert_eq!(a.title, b.title, "{rel}");
                    assert_eq!(a.doi(), b.doi(), "{rel}");
                    assert_eq!(a.year(), b.year(), "{rel}");
                    let names = |r: &Record| {
                        r.authors.iter().map(|x| (x.family.clone(), x.given.clone())).collect::<Vec<_>>()
                    };
                    assert_eq!(names(a), names(b), "{rel}");
                }
            }
        }
    }

    type Reader = fn(&str, &str) -> Parsed;

    const READERS: [(&str, Reader); 6] = [
        ("ris", ris::parse),
        ("bibtex", bibtex::parse),
        ("medline", medline::parse),
        ("pubmed-xml", pubmed_xml::parse),
        ("endnote-xml", endnote_xml::parse),
        ("csl-json", csl_json::parse),
    ];

    fn fixture_texts() -> Vec<String> {
        let dirs = ["ris", "bibtex", "medline-nbib", "pubmed-xml", "endnote-xml", "csl-json"];
        let mut out = Vec::new();
        for d in dirs {
            let mut paths: Vec<_> = std::fs::read_dir(format!("{FX}/{d}"))
                .expect("fixture dir")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            paths.sort();
            for p in paths {
                let bytes = std::fs::read(&p).expect("fixture");
                // Keep the proptest quick: the first 20 kB of each file.
                let text = String::from_utf8_lossy(&bytes[..bytes.len().min(20_000)]).into_owned();
                out.push(text);
            }
        }
        out
    }

    #[test]
    fn truncated_fixtures_keep_their_reader_source_kind() {
        for text in fixture_texts() {
            let chars: Vec<(usize, char)> = text.char_indices().collect();
            let step = (chars.len() / 40).max(1);
            for (cut, _) in chars.iter().step_by(step) {
                let t = &text[..*cut];
                for (name, read) in READERS {
                    let p = read("cut", t);
                    for r in &p.records {
                        assert_eq!(r.source_kind, name);
                    }
                }
                let _ = ingest::detect(t);
            }
        }
    }

    /// The record (by key) of a parsed fixture.
    fn record<'a>(p: &'a Parsed, key: &str) -> &'a Record {
        p.records
            .iter()
            .find(|r| r.at.record.as_deref() == Some(key))
            .unwrap_or_else(|| panic!("record {key}"))
    }

    #[test]
    fn ris_affiliations_not_tied_to_an_author_are_kept() {
        // Scopus: `AD` lines without names, four authors.
        let (_, p) = fixture("ris/scopus_with_references.ris");
        let r = &p.records[0];
        assert_eq!(r.authors.len(), 4);
        assert_eq!(
            r.affiliations,
            vec![
                "Institute of Medical Psychology and Behavioral Immunobiology, University Hospital Essen, University of Duisburg-Essen, Essen, Germany",
                "Chair for Integrative Medicine, University of Duisburg-Essen, Essen, Germany",
                "Clinic for Internal and Integrative Medicine, Klinikum Bamberg, Bamberg, Germany",
            ]
        );
        assert!(r.authors.iter().all(|a| a.affiliations().is_empty()));
        // A single author still takes the `AD`.
        assert_eq!(p.records[1].authors.len(), 1);
        assert!(p.records[1].affiliations.is_empty());
        assert_eq!(
            p.records[1].authors[0].affiliations(),
            vec!["Office Uno Column, 419-2, Yota, Onoe-Cho, Kakogawa, Hyogo, Japan"]
        );

        // Web of Science RIS.
        let (_, p) = fixture("ris/wos_export.ris");
        let r = record(&p, "WOS:000444108200009");
        assert!(
            r.affiliations.contains(&"CUNY, Grad Ctr, New York, NY USA".to_string()),
            "{:?}",
            r.affiliations
        );
        assert_eq!(r.affiliations.len(), 3);

        // PubMed via EndNote: the address keeps its e-mail as written.
        let (_, p) = fixture("ris/pubmed_via_endnote.ris");
        let r = record(&p, "21553931");
        assert_eq!(
            r.affiliations,
            vec!["Central Laboratory of German Pharmacists, Eschborn, Germany. m.tawab@zentrallabor.com"]
        );

        // Embase names the author in `AD`: it stays on that author, not the record.
        let (_, p) = fixture("ris/embase_bom.ris");
        let r = &p.records[0];
        assert!(r.affiliations.is_empty(), "{:?}", r.affiliations);
        let adler = r.authors.iter().find(|a| a.family == "Adler").expect("Adler");
        assert!(adler.affiliations()[0]
            .starts_with("Department of Gastroenterology and Hepatology, University of Utah"));
    }

    #[test]
    fn bibtex_affiliations_not_tied_to_an_author_are_kept() {
        // Scopus `affiliations` does not say whose: with several authors, the record's.
        let (_, p) = fixture("bibtex/scopus_export_2023.bib");
        let r = record(&p, "Haseli202079");
        assert_eq!(r.authors.len(), 3);
        assert_eq!(
            r.affiliations,
            vec![
                "Department of Management, School of Industrial Engineering and Management, Shahrood University of Technology, Shahrood, Iran",
                "Department of Mathematics, Kishore Bharati Bhagini Nivedita College, Kolkata, India",
            ]
        );
        let single = record(&p, "Entani2019");
        assert!(single.affiliations.is_empty());
        assert_eq!(
            single.authors[0].affiliations(),
            vec!["Graduate School of Applied Informatics, University of Hyogo, Kobe, Japan"]
        );

        // WoS `Affiliation`: bare address lines are the record's, unless the
        // corresponding-author line ties the same address to its author.
        let (_, p) = fixture("bibtex/wos_export_cited_references.bib");
        let r = record(&p, "WOS:000241142000007");
        assert!(
            r.affiliations.contains(
                &"Natl Taipei Univ Technol, Dept Business Management, Taipei 106, Taiwan.".to_string()
            ),
            "{:?}",
            r.affiliations
        );
        let cy = "Chung Yuan Christian Univ, Dept Business Adm, Chungli 320, Taiwan.";
        assert!(!r.affiliations.iter().any(|a| a == cy));
        let hu = r.authors.iter().find(|a| a.family == "Hu").expect("Hu");
        assert_eq!(hu.affiliations(), vec![cy]);
        // Lines that name their authors stay on them ("Antonio Gomez-Ruiz, Jose").
        let r = record(&p, "WOS:000278542800018");
        assert!(r.authors.iter().all(|a| !a.affiliations().is_empty()));
        assert!(!r.affiliations.iter().any(|a| a.contains("Dept Comp Sci")), "{:?}", r.affiliations);
    }

    #[test]
    fn medline_affiliation_before_the_authors_is_kept() {
        // Older MEDLINE: one `AD` before the `FAU`/`AU` lines.
        let (_, p) = fixture("medline-nbib/biopython_pubmed_result2.txt");
        let r = record(&p, "16403221");
        assert_eq!(
            r.affiliations,
            vec!["Bioinformatics, Institute of Cell and Molecular Science, School of Medicine and Dentistry, Queen Mary, University of London, London EC1 6BQ, UK. j.a.casbon@qmul.ac.uk"]
        );
        assert!(r.authors.iter().all(|a| a.affiliations().is_empty()));
        // Modern MEDLINE: `AD` after each author stays per author.
        let (_, p) = fixture("medline-nbib/pubmed_mcda_crlf.nbib");
        assert!(p.records.iter().all(|r| r.affiliations.is_empty()));
        let r = record(&p, "32338143");
        assert_eq!(
            r.authors[0].affiliations(),
            vec!["Telfer School of Management, University of Ottawa, Ottawa, ON, Canada."]
        );
    }
}

mod databases {
    //! Integration tests for the export and API readers: WoS (plain and tab),
    //! Scopus, Lens and OpenAlex CSV, OpenAlex JSON / JSON Lines, Crossref and
    //! Semantic Scholar, on the real third-party fixtures in `../shared/fixtures`
    //! and the synthetic ones in `tests/fixtures/formats_b/`.

    use citemap::ingest::{self, Format, Options};
    use citemap::model::{DocType, Identifier, Parsed, Severity};
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
        assert!(r.authors[0].affiliations()[0].starts_with("Univ Technol Sarawak"));
        let ceh = r.citations.iter().find(|c| c.raw.starts_with("Ceh M, 2018")).expect("Ceh 2018 reference");
        assert_eq!(ceh.ids.len(), 2, "bracketed DOI list");
        assert_eq!(ceh.at.record, r.at.record);
        assert!(ceh.at.line > r.at.line);
        let aria = r.citations.iter().find(|c| c.raw.starts_with("Aria M, 2017")).expect("Aria 2017");
        assert_eq!(aria.ids.to_vec(), vec![Identifier::Doi("10.1016/j.joi.2017.08.007".into())]);
        assert_eq!(aria.detail().volume.as_deref(), Some("11"));
        assert_eq!(aria.detail().first_page.as_deref(), Some("959"));
        // Records with ORCIDs in OI get them on the matching author.
        assert!(p.records.iter().any(|r| r.authors.iter().any(|a| a.orcid().is_some())));
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
        assert_eq!(r.authors[0].source_id(), Some("60410297700"));
        assert!(r.ids.contains(&Identifier::Eid("2-s2.0-105030721984".into())));
        assert_eq!(r.doi(), Some("10.1177/20552076261415846"));
        assert_eq!(r.venue_abbrev.as_deref(), Some("Digit. Health"));
        assert!(p.records.iter().all(|r| !r.citations.is_empty()));
        // "Cheng M.; Xue Y.; Cui M., Global, regional …" is one entry with three authors.
        let cheng = r.citations.iter().find(|c| c.raw.starts_with("Cheng M.")).expect("Cheng entry");
        assert_eq!(cheng.authors.len(), 3);
        assert_eq!(cheng.year, Some(2025));
        assert_eq!(cheng.detail().venue.as_deref(), Some("Spine (Phila Pa 1976)"));
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
        assert_eq!(kale.detail().venue.as_deref(), Some("J Comp Phys"));
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
        assert_eq!(r.authors[0].orcid(), Some("0000-0002-8517-9411"));
        assert_eq!(r.authors[0].source_id(), Some("A5069892096"));
        assert_eq!(
            r.authors[1].affiliations(),
            vec!["University of Campania \"Luigi Vanvitelli\"".to_string()]
        );
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
        assert!(r.authors.iter().any(|a| a.orcid().is_some() && a.source_id().is_some()));

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
        assert_eq!(c.ids.to_vec(), vec![Identifier::Doi("10.1038/sj.npp.1301164".into())]);
        assert_eq!(c.year, Some(2006));
        assert_eq!(c.detail().first_page.as_deref(), Some("2376"));
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
        assert!(p
            .records
            .iter()
            .all(|r| r.citations[0].ids.to_vec() == vec![Identifier::S2("CorpusId:14514057".into())]));

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
        let n =
            ingest::wos::read_stream(&path, std::io::BufReader::new(file), &mut |r| got.push(r), &mut diags)
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
        assert_eq!(&*d.at.input, "s.csv");
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
            (
                Format::SemanticScholar,
                format!("{API}/semantic-scholar/paper_batch_all_fields_with_null.json"),
            ),
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

    #[test]
    fn pretty_printed_json_records_get_their_lines() {
        // serde_json sorts keys when pretty-printing, so the format is given, not detected.
        for (dir, file, key, format) in [
            (
                "semantic-scholar",
                "paper_batch_all_fields_with_null.json",
                "\"paperId\"",
                Format::SemanticScholar,
            ),
            ("crossref", "works_query_ecology_rows2.json", "\"DOI\"", Format::Crossref),
            (
                "openalex",
                "works_filter_cites_cursor_page1.json",
                "\"id\": \"https://openalex.org/W",
                Format::OpenalexJson,
            ),
        ] {
            let raw: serde_json::Value =
                serde_json::from_slice(&bytes(&format!("{API}/{dir}/{file}"))).unwrap();
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
        p.records
            .iter()
            .find(|r| r.at.record.as_deref() == Some(key))
            .unwrap_or_else(|| panic!("record {key}"))
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
            loach.affiliations(),
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
            vec![
                "Univ Michigan, Dept Sociol, Ann Arbor, MI 48104 USA",
                "Stanford Univ, Stanford, CA 94305 USA"
            ]
        );
        let owen = &r.authors[0];
        assert_eq!(
            owen.affiliations(),
            vec!["Univ Michigan, Dept Sociol, 1225 S Univ Ave, Ann Arbor, MI 48104 USA"],
            "RP"
        );
        // Bracketed C1 is still split per address and tied to its authors.
        let r = keyed(&p8, "WOS:000285831700110");
        assert!(r.affiliations.is_empty(), "{:?}", r.affiliations);
        let wu = r.authors.iter().find(|a| a.family == "Wu").expect("Wu");
        assert_eq!(
            wu.affiliations()[0],
            "Ontario Inst Canc Res Informat & Biocomp, Toronto, ON M5G 0A3, Canada"
        );
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
        assert_eq!(r.authors[0].affiliations(), vec![hunan]);
        assert!(p.records.iter().all(|r| r.affiliations.is_empty()));
        // Without `Authors with affiliations` the same list is kept on the record.
        let header = "\"Authors with affiliations\"";
        assert!(text.contains(header));
        let cut = text.replacen(header, "\"Something else\"", 1);
        let p = ingest::read(&path, cut.as_bytes(), &Options::default()).1;
        let r = &p.records[0];
        assert!(r.authors.iter().all(|a| a.affiliations().is_empty()));
        assert_eq!(
            r.affiliations,
            vec![
                hunan,
                "Department of Surgery, Department of Clinical Medicine, Hunan Normal University Health Science Center, Hunan, Changsha, China"
            ]
        );
    }
}

mod seed_kinds {
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
            assert_eq!(&*claim.at.input, SEEDS[0]);
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
        assert_eq!(
            r.title.as_deref(),
            Some("Maternal mental health peer support: a mixed-methods evaluation")
        );
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
            .map(|c| {
                format!("{:?} {:?} {:?} x{} @{}", c.raw, c.year, c.detail().year_note, c.count, c.at.line)
            })
            .collect();
        assert_eq!(cits.len(), expected.len(), "{summary:#?}");
        for &(first, year, et_al, count, line) in expected {
            let c =
                cited(cits, first, year).unwrap_or_else(|| panic!("{first} {year:?} missing: {summary:#?}"));
            assert_eq!((c.et_al, c.count, c.at.line), (et_al, count, line), "{first} {year:?}");
            assert_eq!(&*c.at.input, SEEDS[1]);
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
        assert_eq!(iaimh.detail().year_note.as_deref(), Some("n.d."));
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
            assert_eq!(
                (r.volume.as_deref(), r.issue.as_deref(), r.pages.as_deref()),
                (vol, iss, Some(pages))
            );
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
        assert!(
            trial.lines().any(|l| l.starts_with("TRIAL REGISTRATION: International Prospective")),
            "{trial}"
        );
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
                let year = c.year.map_or_else(
                    || c.detail().year_note.clone().unwrap_or_default(),
                    |y| format!("{y}{}", c.detail().year_suffix),
                );
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
}

mod wild_exports {
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
        let header: Vec<&str> =
            lines.next().unwrap_or("").trim_start_matches('\u{feff}').split('\t').collect();
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
        let v: serde_json::Value =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap_or_default();
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
                .filter_map(|c| c.detail().title.as_deref())
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
                let mut v: Vec<String> =
                    g.iter().map(|&(r, c)| p.records[r].citations[c].raw.clone()).collect();
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
        let refs_b =
            ["Hegel GWF, PHILOS RIGHT", "Wittgenstein L, 1969, CERTAINTY", "Smith J, 2001, J X, V1, P2"];
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
                assert_eq!(&*d.at.input, name);
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
            assert_eq!((&*d.at.input, d.at.line), (name, line), "{name}");
            assert!(d.at.record.is_some(), "{name}");
        }
        let (_, p) = ingest::read("t.ris", b"TY  - JOUR\nTI  - One\nDO  - NA\nER  - \n", &Options::default());
        assert!(!p.diagnostics.iter().any(|d| d.message.ends_with("id dropped")), "{:#?}", p.diagnostics);
    }
}
