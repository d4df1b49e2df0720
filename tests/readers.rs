//! The readers, by area: `bibliographic` (RIS, BibTeX, MEDLINE, PubMed XML,
//! EndNote XML, CSL-JSON and the record writers' round trips) and `databases`
//! (WoS plain and tab, Scopus, Lens and OpenAlex CSV, OpenAlex JSON / JSON
//! Lines, Crossref, Semantic Scholar), on the real third-party fixtures in
//! `../shared/fixtures` and the trimmed ones in `tests/fixtures/`. The
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
        assert_eq!(r.authors[0].orcid.as_deref(), Some("0000-0003-1208-2077"));
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
        assert!(r.authors[1].affiliations[0].starts_with("Department of Gastroenterology"));
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
        assert_eq!(r.authors[2].orcid.as_deref(), Some("0000-0002-2606-3849"));
        assert!(r.authors[1].affiliations[0].starts_with("Natl Technol Univ"));
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
        assert_eq!(r.authors[1].orcid.as_deref(), Some("0000-0002-8887-4321"));
        assert_eq!(r.authors[1].affiliations.len(), 2);
        assert_eq!(r.doi(), Some("10.1371/journal.pone.0268950"));
        assert!(has_id(r, &Identifier::Pmcid("PMC9543698".into())));
        assert_eq!(r.epublished, Some(Date { year: 2022, month: Some(10), day: Some(7) }));
        assert_eq!((r.venue.as_deref(), r.venue_abbrev.as_deref()), (Some("PloS one"), Some("PLoS One")));
        assert!(r.subjects.iter().any(|s| s == "Decision Making"));
        let orcids = p.records.iter().flat_map(|r| &r.authors).filter(|a| a.orcid.is_some()).count();
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
        assert_eq!(r.authors[1].orcid.as_deref(), Some("0000-0002-4590-7461"));
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
        assert_eq!(r.authors[0].affiliations.len(), 1);
        assert_eq!(r.citations.len(), 76);
        assert!(r.citations.iter().all(|c| c.count == 1));
        let structured = &r.citations[1];
        assert_eq!(
            (
                structured.venue.as_deref(),
                structured.volume.as_deref(),
                structured.first_page.as_deref(),
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
        let orcids = p.records.iter().flat_map(|r| &r.authors).filter(|a| a.orcid.is_some()).count();
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
        assert!(p.records[0].authors.iter().all(|a| a.affiliations.is_empty()));

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
        assert!(r.authors.iter().all(|a| a.affiliations.is_empty()));
        // A single author still takes the `AD`.
        assert_eq!(p.records[1].authors.len(), 1);
        assert!(p.records[1].affiliations.is_empty());
        assert_eq!(
            p.records[1].authors[0].affiliations,
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
        assert!(adler.affiliations[0]
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
            single.authors[0].affiliations,
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
        assert_eq!(hu.affiliations, vec![cy]);
        // Lines that name their authors stay on them ("Antonio Gomez-Ruiz, Jose").
        let r = record(&p, "WOS:000278542800018");
        assert!(r.authors.iter().all(|a| !a.affiliations.is_empty()));
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
        assert!(r.authors.iter().all(|a| a.affiliations.is_empty()));
        // Modern MEDLINE: `AD` after each author stays per author.
        let (_, p) = fixture("medline-nbib/pubmed_mcda_crlf.nbib");
        assert!(p.records.iter().all(|r| r.affiliations.is_empty()));
        let r = record(&p, "32338143");
        assert_eq!(
            r.authors[0].affiliations,
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
        assert_eq!(
            r.authors[1].affiliations,
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
        assert!(p
            .records
            .iter()
            .all(|r| r.citations[0].ids == vec![Identifier::S2("CorpusId:14514057".into())]));

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
            vec![
                "Univ Michigan, Dept Sociol, Ann Arbor, MI 48104 USA",
                "Stanford Univ, Stanford, CA 94305 USA"
            ]
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
        assert_eq!(
            wu.affiliations[0],
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
}
