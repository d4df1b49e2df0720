//! The online commands end to end: the `citemap` binary with every service's
//! base URL pointed at a local server on 127.0.0.1 that replays the real
//! recorded bodies in `../shared/fixtures/api/` (OpenAlex, Crossref, PubMed
//! E-utilities, Semantic Scholar, OpenCitations; see PROVENANCE.md there).
//! OpenAlex batch answers are list envelopes around the recorded work bodies.

mod fetch_server;
#[path = "support/online.rs"]
mod online;

use fetch_server::{check_store, fixture, Reply, Seen, Server};
use online::{asked, citemap, json, project, write_config};
use std::process::Command;
use std::time::Duration;

fn text(path: &str) -> String {
    String::from_utf8(fixture(path)).unwrap()
}

fn empty_openalex_page() -> Reply {
    Reply::json(200, fixture("openalex/works_filter_openalex_cursor_page2_last.json"))
}

/// The replaying server.
fn handler(s: &Seen) -> Reply {
    let t = s.target.as_str();
    let (path, query) = t.split_once('?').unwrap_or((t, ""));
    if let Some(rest) = path.strip_prefix("/openalex/works") {
        assert!(rest.is_empty(), "singleton OpenAlex calls are not used: {t}");
        if query.contains("filter=doi:") {
            // A batch look-up: the recorded works whose DOI was asked.
            let works = [
                ("10.7717/peerj.4375", "openalex/work_W2741809807_peerj.json"),
                ("10.1038/35002501", "openalex/work_W2162348455.json"),
            ];
            let hits: Vec<String> =
                works.iter().filter(|(doi, _)| query.contains(doi)).map(|(_, f)| text(f)).collect();
            return Reply::json(
                200,
                format!(
                    "{{\"meta\":{{\"count\":{},\"page\":1,\"per_page\":50}},\"results\":[{}],\"group_by\":[]}}",
                    hits.len(),
                    hits.join(",")
                ),
            );
        }
        if query.contains("filter=openalex:") {
            // The recorded batch of exactly the two chase seeds.
            return Reply::json(200, fixture("openalex/works_filter_openalex_cursor_page1.json"));
        }
        if query.contains("filter=cites:") {
            return if query.contains("cursor=*") {
                Reply::json(200, fixture("openalex/works_filter_cites_cursor_page1.json"))
            } else {
                empty_openalex_page()
            };
        }
        if query.contains("search=Biodiversity") || query.contains("search=Ecology") {
            // A title search: the recorded Myers et al. work in a list envelope.
            return Reply::json(
                200,
                format!(
                    "{{\"meta\":{{\"count\":1,\"page\":1,\"per_page\":5}},\"results\":[{}],\"group_by\":[]}}",
                    text("openalex/work_W2162348455.json")
                ),
            );
        }
        if query.contains("filter=title_and_abstract.search:") && query.contains("100000%20articles") {
            // A sentence of the recorded PeerJ work's abstract: that work.
            return Reply::json(
                200,
                format!(
                    "{{\"meta\":{{\"count\":1,\"page\":1,\"per_page\":5}},\"results\":[{}],\"group_by\":[]}}",
                    text("openalex/work_W2741809807_peerj.json")
                ),
            );
        }
        if query.contains("filter=title_and_abstract.search:") {
            // The recorded title-and-abstract search (ids only, no abstract).
            return Reply::json(200, fixture("openalex/works_search_count_select_ids.json"));
        }
        if query.contains("filter=cited_by:") {
            return Reply::json(200, fixture("openalex/works_filter_cited_by_perpage1.json"));
        }
        return empty_openalex_page();
    }
    if path == "/crossref/works" && query.contains("query.bibliographic=Methylphenidate%20Exposure") {
        // The recorded PLoS ONE work (with its reference list) in a list envelope.
        let work = json(&text("crossref/works_doi_10.1371_journal.pone.0033693.json"));
        let list = serde_json::json!({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": {"total-results": 1, "items-per-page": 5, "items": [work["message"]]}});
        return Reply::json(200, list.to_string());
    }
    if path == "/crossref/works" && query.contains("query.bibliographic=") {
        return Reply::json(200, fixture("crossref/works_query_ecology_rows2.json"));
    }
    if let Some(doi) = path.strip_prefix("/crossref/works/") {
        return match doi {
            "10.1371/journal.pone.0033693" => {
                Reply::json(200, fixture("crossref/works_doi_10.1371_journal.pone.0033693.json"))
            }
            "10.1038/srep16696" => Reply::json(200, fixture("crossref/works_doi_10.1038_srep16696.json")),
            _ => Reply::typed(404, "text/plain", fixture("crossref/works_doi_not_found_404.txt")),
        };
    }
    if path == "/pubmed/esearch.fcgi" {
        assert!(query.contains("tool=citemap"), "NCBI tool parameter: {t}");
        return if query.contains("pulmonary") {
            Reply::typed(200, "text/xml", fixture("pubmed-eutils/esearch_pubmed_biopython.xml"))
        } else {
            Reply::typed(200, "text/xml", fixture("pubmed-eutils/esearch_no_results_errorlist.xml"))
        };
    }
    if path == "/pubmed/efetch.fcgi" {
        assert!(query.contains("tool=citemap"), "NCBI tool parameter: {t}");
        if query.contains("rettype=abstract") {
            // The records of a search's PMIDs: the server stands for PubMed
            // answering with the one recorded article that has references.
            return Reply::typed(
                200,
                "text/xml",
                fixture("pubmed-eutils/efetch_pubmed_29963580_with_references.xml"),
            );
        }
        return if query.contains("29963580") {
            Reply::typed(200, "text/xml", fixture("pubmed-eutils/efetch_pubmed_29963580_with_references.xml"))
        } else {
            Reply::typed(200, "text/xml", "<?xml version=\"1.0\"?>\n<PubmedArticleSet></PubmedArticleSet>\n")
        };
    }
    if path == "/pubmed/elink.fcgi" {
        return if query.contains("id=9298984") {
            Reply::typed(200, "text/xml", fixture("pubmed-eutils/elink_pubmed_neighbor_citedin_refs.xml"))
        } else {
            Reply::typed(200, "text/xml", "<?xml version=\"1.0\"?><eLinkResult></eLinkResult>")
        };
    }
    if let Some(rest) = path.strip_prefix("/oc/") {
        return match rest {
            "references/doi:10.1108/jd-12-2013-0166" => {
                Reply::json(200, fixture("opencitations/coci_v1_references_10.1108_jd-12-2013-0166.json"))
            }
            "citations/doi:10.1108/jd-12-2013-0166" => {
                Reply::json(200, fixture("opencitations/coci_v1_citations_10.1108_jd-12-2013-0166.json"))
            }
            // OpenCitations answers an unknown DOI with an empty list.
            _ => Reply::json(200, "[]"),
        };
    }
    if let Some(rest) = path.strip_prefix("/s2/paper/DOI:10.2139/ssrn.2250500/") {
        let first = query.contains("offset=0");
        return match (rest, first) {
            ("references", true) => {
                Reply::json(200, fixture("semantic-scholar/paper_references_offset0_limit50.json"))
            }
            ("references", false) => {
                Reply::json(200, fixture("semantic-scholar/paper_references_offset50_last.json"))
            }
            ("citations", true) => {
                Reply::json(200, fixture("semantic-scholar/paper_citations_offset0_limit100.json"))
            }
            _ => Reply::json(200, fixture("semantic-scholar/paper_citations_offset1800_last.json")),
        };
    }
    if path == "/s2/paper/batch" {
        assert_eq!(s.method, "POST");
        let body: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
        assert!(body["ids"].as_array().unwrap().iter().all(|i| i.as_str().unwrap().starts_with("DOI:")));
        return Reply::json(200, fixture("semantic-scholar/paper_batch_all_fields_with_null.json"));
    }
    if path.starts_with("/s2/") {
        return Reply::json(404, fixture("semantic-scholar/paper_not_found_404.json"));
    }
    Reply::typed(500, "text/plain", format!("no route for {t}"))
}

#[test]
fn enrich_fills_gaps_from_three_services_then_asks_nothing() {
    let (srv, dir) = project(handler);
    online::ingest(dir.path(), "gaps.ris", "TY  - JOUR\nDO  - 10.7717/peerj.4375\nER  - \n\nTY  - JOUR\nDO  - 10.1371/journal.pone.0033693\nER  - \n\nTY  - JOUR\nAN  - 29963580\nER  - \n\nTY  - JOUR\nDO  - 10.5555/unknown.1\nER  - \n");

    let (code, out, err) = citemap(dir.path(), &["--json", "enrich"]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["works_asked"], 4, "{out}");
    let oa = &r["report"]["services"]["openalex"];
    // Three DOIs in one batch + one PMID batch.
    assert_eq!(oa["requests"], 2, "{out}");
    assert_eq!(oa["found"], 1, "{out}");
    assert_eq!(oa["missing"], 3, "{out}");
    let cr = &r["report"]["services"]["crossref"];
    // Crossref is asked only for the two DOIs OpenAlex lacks.
    assert_eq!(cr["requested"], 2, "{out}");
    assert_eq!(cr["found"], 1, "{out}");
    assert_eq!(cr["missing"], 1, "{out}");
    assert_eq!(r["report"]["services"]["pubmed"]["found"], 1, "{out}");
    assert_eq!(r["requests"], 5, "{out}");
    assert_eq!(srv.count(), 5);
    check_store(&dir.path().join("s.db"));

    // The answers now resolve with the ingested records.
    let store = citemap::store::Store::open(&dir.path().join("s.db")).unwrap();
    let corpus = citemap::resolve::resolve(&store.records().unwrap(), &Default::default());
    let title_of = |doi: &str| {
        corpus
            .works
            .iter()
            .find(|w| w.ids.iter().any(|i| i.value.to_string() == format!("doi:{doi}")))
            .and_then(|w| w.title.as_ref())
            .map(|t| (t.value.clone(), t.sources.iter().map(|p| p.input.clone()).collect::<Vec<_>>()))
    };
    let (t, src) = title_of("10.7717/peerj.4375").expect("peerj title");
    assert!(t.starts_with("The state of OA"), "{t}");
    assert!(
        src.iter().any(|s| s.starts_with(&format!("{}/openalex/works?filter=doi:", srv.base))),
        "{src:?}"
    );
    let (_, src) = title_of("10.1371/journal.pone.0033693").expect("pone title");
    assert!(src.iter().any(|s| s.ends_with("/crossref/works/10.1371/journal.pone.0033693")), "{src:?}");
    drop(store);

    // A rerun asks nothing; offline too.
    let (code, out, err) = citemap(dir.path(), &["--json", "enrich"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["requests"], 0, "{out}");
    let (code, out, _) = citemap(dir.path(), &["--json", "enrich", "--offline"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["requests"], 0);
    assert_eq!(srv.count(), 5, "nothing fetched twice");
    check_store(&dir.path().join("s.db"));
}

#[test]
fn chase_merges_four_services_ranks_and_replays_offline() {
    let (srv, dir) = project(handler);
    std::fs::write(
        dir.path().join("seeds.txt"),
        "# included studies\nW3046863325\nhttps://openalex.org/W3045921891\n10.1108/jd-12-2013-0166\npmid:9298984\nhttps://doi.org/10.2139/ssrn.2250500\n",
    )
    .unwrap();
    let (code, out, err) = citemap(dir.path(), &["--json", "chase", "--seeds", "seeds.txt", "--out", "c1"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let r = json(&out);
    let found_by = &r["found_by"];
    for k in [
        "backward:opencitations",
        "forward:opencitations",
        "backward:semantic_scholar",
        "forward:semantic_scholar",
        "backward:openalex",
        "forward:openalex",
        "backward:pubmed",
        "forward:pubmed",
    ] {
        assert!(found_by[k].as_u64().unwrap_or(0) > 0, "{k} found nothing: {out}");
    }
    // OpenCitations: 37 references + 20 citing works of the jd paper.
    assert!(r["candidates"].as_u64().unwrap() > 200, "{out}");
    let csv = std::fs::read_to_string(dir.path().join("c1/candidates.csv")).unwrap();
    assert!(csv.lines().next().unwrap().starts_with("rank,doi,pmid,openalex,title"));
    assert!(csv.contains("10.1001/jama.295.1.90"), "a reference from OpenCitations");
    assert!(csv.contains("Glove: Global Vectors for Word Representation"), "a cited work from OpenAlex");
    let ris = std::fs::read_to_string(dir.path().join("c1/candidates.ris")).unwrap();
    assert_eq!(ris.matches("\nER  - ").count() + usize::from(ris.starts_with("ER")), csv.lines().count() - 1);
    // The OpenAlex-only seeds were looked up, and their DOIs asked elsewhere.
    assert!(srv.seen().iter().any(|s| s.target.starts_with("/oc/citations/doi:10.1145/3383583.3398584")));
    // Paging went to the end: OpenAlex's extra empty page, S2's last pages.
    assert!(srv.seen().iter().any(|s| s.target.contains("filter=cites:") && !s.target.contains("cursor=*")));
    assert!(srv.seen().iter().any(|s| s.target.contains("/references?") && s.target.contains("offset=50")));
    // The seed jd paper is not its own candidate; seeds are never candidates.
    let own: Vec<&str> =
        csv.lines().filter(|l| l.split(',').nth(1) == Some("10.1108/jd-12-2013-0166")).collect();
    assert!(own.is_empty(), "{own:?}");
    // Every OpenCitations reference of the seed links back to it.
    let jama = csv.lines().find(|l| l.contains(",10.1001/jama.295.1.90,")).unwrap();
    assert!(
        jama.contains("backward:opencitations") && jama.contains(",1,10.1108/jd-12-2013-0166,"),
        "{jama}"
    );
    let n = srv.count();
    check_store(&dir.path().join("s.db"));

    // Rerun: same candidates, nothing asked. Offline: the same again.
    let (code, out, _) = citemap(dir.path(), &["--json", "chase", "--seeds", "seeds.txt", "--out", "c2"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["requests"], 0);
    let (code, _, _) = citemap(dir.path(), &["chase", "--offline", "--seeds", "seeds.txt", "--out", "c3"]);
    assert_eq!(code, 0);
    assert_eq!(srv.count(), n);
    for d in ["c2", "c3"] {
        assert_eq!(std::fs::read_to_string(dir.path().join(d).join("candidates.csv")).unwrap(), csv);
    }
}

#[test]
fn offline_without_answers_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), "http://127.0.0.1:9");
    std::fs::write(dir.path().join("seeds.txt"), "10.1108/jd-12-2013-0166\n").unwrap();
    let (code, out, _) = citemap(
        dir.path(),
        &["--json", "chase", "--offline", "--services", "opencitations", "--seeds", "seeds.txt"],
    );
    assert_eq!(code, 3);
    let r = json(&out);
    assert_eq!(r["report"]["failures"][0]["reason"], "offline", "{out}");
    assert!(r["report"]["failures"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/oc/references/doi:10.1108/jd-12-2013-0166"));
}

#[test]
fn map_online_draws_the_looked_up_titles() {
    let (srv, dir) = project(handler);
    std::fs::write(dir.path().join("gaps.ris"), "TY  - JOUR\nDO  - 10.7717/peerj.4375\nER  - \n").unwrap();
    let (code, _, err) =
        citemap(dir.path(), &["map", "gaps.ris", "--out", "m", "--format", "dot", "--online"]);
    assert_eq!(code, 0, "{err}");
    let dot = std::fs::read_to_string(dir.path().join("m/graph.dot")).unwrap();
    assert!(dot.contains("The state of OA"), "title from OpenAlex in the graph");
    let asked = srv.count();
    assert!(asked >= 1);
    // The same map offline the next day: the same graph from the store.
    let (code, _, err) =
        citemap(dir.path(), &["map", "gaps.ris", "--out", "m2", "--format", "dot", "--online", "--offline"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(dir.path().join("m2/graph.dot")).unwrap(), dot);
    assert_eq!(srv.count(), asked);
}

#[test]
fn semantic_scholar_batch_posts_the_ids_and_keeps_nulls_missing() {
    let (srv, dir) = project(handler);
    online::ingest(dir.path(), "s2.ris", "TY  - JOUR\nDO  - 10.2139/ssrn.288970\nER  - \n\nTY  - JOUR\nDO  - 10.1257/rct.1355\nER  - \n\nTY  - JOUR\nDO  - 10.5555/none.2\nER  - \n");
    let (code, out, err) = citemap(dir.path(), &["--json", "enrich", "--services", "semantic_scholar"]);
    assert_eq!(code, 0, "{err}");
    let s2 = &json(&out)["report"]["services"]["semantic_scholar"];
    assert_eq!(s2["requests"], 1, "{out}");
    assert_eq!(s2["found"], 2, "{out}");
    assert_eq!(s2["missing"], 1, "{out}");
    // The batch label keeps the ids after '#', which is never sent.
    assert!(srv.seen().iter().all(|s| !s.target.contains('#')));
    let (_, out, _) = citemap(dir.path(), &["--json", "enrich", "--services", "semantic_scholar"]);
    assert_eq!(json(&out)["requests"], 0);
    check_store(&dir.path().join("s.db"));
}

#[test]
fn depth_two_chases_the_best_candidates_bounded_by_max() {
    let (srv, dir) = project(handler);
    std::fs::write(dir.path().join("seeds.txt"), "10.1108/jd-12-2013-0166\n").unwrap();
    let (code, out, err) = citemap(
        dir.path(),
        &[
            "--json",
            "chase",
            "--backward",
            "--depth",
            "2",
            "--max",
            "5",
            "--services",
            "opencitations",
            "--seeds",
            "seeds.txt",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["candidates"], 5, "{out}");
    // Level 1: the seed's references; level 2: those of the 5 best candidates.
    let references: Vec<String> = asked(&srv, "/oc/references/");
    assert_eq!(references.len(), 6, "{references:?}");
    assert!(srv.seen().iter().all(|s| !s.target.starts_with("/oc/citations/")), "backward only");
}

#[test]
fn search_accepts_only_above_the_threshold_and_lists_the_rest() {
    let (_srv, dir) = project(handler);
    online::ingest(dir.path(), "noid.ris", "TY  - JOUR\nTI  - Chemical ecology\nAU  - Kessler, Andre\nPY  - 2012\nER  - \n\nTY  - JOUR\nTI  - Ecology of urban foxes\nAU  - Smith, J\nPY  - 2019\nER  - \n");
    let (code, out, err) = citemap(dir.path(), &["--json", "enrich", "--search", "--services", "crossref"]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    let s = r["search"].as_array().unwrap();
    assert_eq!(s.len(), 2, "{out}");
    let chem = s.iter().find(|x| x["work"].as_str().unwrap().starts_with("Kessler")).unwrap();
    let fox = s.iter().find(|x| x["work"].as_str().unwrap().starts_with("Smith")).unwrap();
    assert!(fox["search"]["accepted"].is_null());
    assert_eq!(fox["search"]["candidates"].as_array().unwrap().len(), 2, "listed, not merged");
    let acc = s.iter().filter(|x| !x["search"]["accepted"].is_null()).count();
    assert_eq!(acc, 1, "{out}");
    assert_eq!(chem["search"]["accepted"]["doi"], "10.1093/obo/9780199830060-0023", "{out}");
    // The work now carries the DOI, with the search as its source.
    let store = citemap::store::Store::open(&dir.path().join("s.db")).unwrap();
    let corpus = citemap::resolve::resolve(&store.records().unwrap(), &Default::default());
    let w = corpus
        .works
        .iter()
        .find(|w| w.title.as_ref().is_some_and(|t| t.value.eq_ignore_ascii_case("chemical ecology")))
        .unwrap();
    let doi = w
        .ids
        .iter()
        .find(|i| i.value.to_string() == "doi:10.1093/obo/9780199830060-0023")
        .expect("doi merged");
    assert!(doi.sources.iter().any(|p| p.input.contains("query.bibliographic=")));
    // The searched record and the answer are one work, although "Chemical
    // ecology" is too short a title to join by: the search link joins them.
    assert!(w.sources.iter().any(|p| p.input.ends_with("noid.ris")), "{:?}", w.sources);
    let chems = corpus
        .works
        .iter()
        .filter(|w| w.title.as_ref().is_some_and(|t| t.value.eq_ignore_ascii_case("chemical ecology")))
        .count();
    assert_eq!(chems, 1, "one work, not two");
    assert!(w.matched_on.iter().any(|r| r == "accepted search"), "{:?}", w.matched_on);
    // Nothing else from the answer became a work.
    assert!(!corpus
        .works
        .iter()
        .any(|w| w.title.as_ref().is_some_and(|t| t.value == "Communicating Ecology")));
    let n = store.records().unwrap().len();
    drop(store);
    // A rerun asks nothing and adds nothing.
    let (_, out, _) = citemap(dir.path(), &["--json", "enrich", "--search", "--services", "crossref"]);
    assert_eq!(json(&out)["requests"], 0);
    assert_eq!(citemap::store::Store::open(&dir.path().join("s.db")).unwrap().records().unwrap().len(), n);
    check_store(&dir.path().join("s.db"));
}

#[test]
fn search_at_openalex_and_pubmed_and_on_abstract_sentences() {
    let (srv, dir) = project(handler);
    online::ingest(dir.path(), "noid.ris", "TY  - JOUR\nTI  - Biodiversity hotspots for conservation priorities\nAU  - Myers, Norman\nPY  - 2000\nJO  - Nature\nER  - \n\n\
TY  - JOUR\nTI  - Development of a pulmonary imaging biomarker pipeline for phenotyping of chronic lung disease\nAU  - Guo, Fumin\nPY  - 2018\nER  - \n\n\
TY  - JOUR\nTI  - Ecology of urban foxes\nAU  - Smith, J\nPY  - 2019\nER  - \n\n\
TY  - JOUR\nAB  - Conservationists are far from able to assist all species under threat. Exceptional concentrations of endemic species undergoing exceptional habitat destruction identify biodiversity hotspots.\nER  - \n");
    let args = ["--json", "enrich", "--search", "--services", "openalex,pubmed"];
    let (code, out, err) = citemap(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    let s = r["search"].as_array().unwrap();
    assert_eq!(s.len(), 4, "{out}");
    let find = |p: &str| s.iter().find(|x| x["work"].as_str().unwrap().starts_with(p)).unwrap();
    // OpenAlex search: accepted, DOI and PMID of the one work.
    let myers = &find("Myers")["search"];
    assert_eq!(myers["accepted"]["service"], "openalex", "{out}");
    assert_eq!(myers["accepted"]["doi"], "10.1038/35002501");
    assert_eq!(myers["by"], "title");
    // PubMed esearch, then efetch of the first five PMIDs it listed.
    let guo = &find("Guo")["search"];
    assert_eq!(guo["accepted"]["service"], "pubmed", "{out}");
    assert_eq!(guo["accepted"]["pmid"], "29963580");
    let efetch: Vec<String> = asked(&srv, "/pubmed/efetch.fcgi");
    assert_eq!(efetch.len(), 1, "{efetch:?}");
    assert!(efetch[0].contains("id=41282813,41148224,41011574,40959146,40937394&"), "{efetch:?}");
    // A wrong candidate is listed with the reason, never merged.
    let fox = &find("Smith")["search"];
    assert!(fox["accepted"].is_null(), "{out}");
    assert_eq!(fox["candidates"][0]["doi"], "10.1038/35002501");
    assert!(fox["reason"].as_str().unwrap().contains("below"), "{out}");
    // The bare abstract: searched on its distinctive sentence at OpenAlex
    // (title_and_abstract.search) and PubMed ([tiab]); the ids-only answer
    // cannot be compared, so it is listed and not accepted.
    let bare = s.iter().find(|x| x["search"]["by"] == "abstract").expect("abstract search");
    assert!(bare["search"]["accepted"].is_null(), "{out}");
    assert_eq!(bare["search"]["candidates"][0]["doi"], "10.1038/35002501", "{out}");
    let asked: Vec<String> = srv.seen().iter().map(|x| x.target.clone()).collect();
    assert!(
        asked.iter().any(|t| t.contains("title_and_abstract.search:Exceptional%20concentrations")),
        "{asked:?}"
    );
    assert!(asked.iter().any(|t| t.contains("esearch.fcgi") && t.contains("%5Btiab%5D")), "{asked:?}");
    // The works now carry the identifiers, with the searches as sources.
    let store = citemap::store::Store::open(&dir.path().join("s.db")).unwrap();
    let corpus = citemap::resolve::resolve(&store.records().unwrap(), &Default::default());
    let source_of = |id: &str| {
        corpus
            .works
            .iter()
            .flat_map(|w| w.ids.iter())
            .find(|i| i.value.to_string() == id)
            .map(|i| i.sources.iter().map(|p| p.input.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert!(source_of("doi:10.1038/35002501").iter().any(|i| i.contains("/works?search=")), "{out}");
    assert!(source_of("pmid:29963580").iter().any(|i| i.contains("rettype=abstract")));
    let guo_work = corpus
        .works
        .iter()
        .find(|w| w.title.as_ref().is_some_and(|t| t.value.starts_with("Development of a pulmonary")))
        .unwrap();
    assert!(
        guo_work.ids.iter().any(|i| i.value.to_string() == "pmid:29963580"),
        "merged with the RIS record"
    );
    assert_eq!(
        corpus
            .works
            .iter()
            .filter(|w| w.title.as_ref().is_some_and(|t| t.value.starts_with("Biodiversity hotspots")))
            .count(),
        1,
        "one work, not two"
    );
    drop(store);
    // A rerun searches only the two works still without an identifier (the
    // found ones are now looked up by their new DOI / PMID); after that,
    // nothing is asked and nothing added.
    let (_, out, _) = citemap(dir.path(), &args);
    let searched: Vec<String> = json(&out)["search"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["work"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(searched.len(), 2, "{searched:?}");
    let n = citemap::store::Store::open(&dir.path().join("s.db")).unwrap().records().unwrap().len();
    let (_, out, _) = citemap(dir.path(), &args);
    assert_eq!(json(&out)["requests"], 0, "{out}");
    assert_eq!(citemap::store::Store::open(&dir.path().join("s.db")).unwrap().records().unwrap().len(), n);
    check_store(&dir.path().join("s.db"));
}

/// The `<data>` values of each GraphML node, by attribute name.
fn graphml_nodes(xml: &str) -> Vec<std::collections::HashMap<String, String>> {
    use quick_xml::events::Event;
    let mut keys = std::collections::HashMap::new();
    let mut nodes = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut data_key: Option<String> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |n: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == n)
                        .map(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
                };
                match e.name().as_ref() {
                    "key" => {
                        keys.insert(attr("id").unwrap(), attr("attr.name").unwrap());
                    }
                    "node" => nodes.push(std::collections::HashMap::new()),
                    "edge" => data_key = None,
                    "data" => data_key = attr("key").and_then(|k| keys.get(&k).cloned()),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let (Some(k), Some(n)) = (data_key.take(), nodes.last_mut()) {
                    n.insert(k, t.xml10_content().to_string());
                }
            }
            Event::End(e) if e.name().as_ref() == "node" => data_key = None,
            Event::Eof => break,
            _ => {}
        }
    }
    nodes
}

#[test]
fn chased_works_carry_found_by_into_graphml() {
    let (_srv, dir) = project(handler);
    std::fs::write(dir.path().join("seeds.txt"), "10.1108/jd-12-2013-0166\nW3046863325\n").unwrap();
    let (code, out, err) = citemap(dir.path(), &["--json", "chase", "--seeds", "seeds.txt", "--out", "c"]);
    assert_eq!(code, 0, "{err}\n{out}");
    let (code, _, err) = citemap(dir.path(), &["export", "--format", "graphml", "--out", "g.graphml"]);
    assert_eq!(code, 0, "{err}");
    let nodes = graphml_nodes(&std::fs::read_to_string(dir.path().join("g.graphml")).unwrap());
    let by_doi = |d: &str| nodes.iter().find(|n| n.get("doi").is_some_and(|x| x == d));
    // An OpenCitations reference of the seed, and a work citing it.
    let jama = by_doi("10.1001/jama.295.1.90").expect("jama node");
    assert_eq!(jama["found_by"], "backward:opencitations", "{jama:?}");
    assert!(nodes.iter().any(|n| n.get("found_by").is_some_and(|f| f.contains("forward:opencitations"))));
    // An OpenAlex cited work of the W seed, found in its own record.
    let glove = nodes
        .iter()
        .find(|n| n.get("title").is_some_and(|t| t.starts_with("Glove: Global Vectors")))
        .expect("glove node");
    assert!(glove["found_by"].contains("backward:openalex"), "{glove:?}");
    // The seeds are not found by their own lists.
    let seed = by_doi("10.1108/jd-12-2013-0166").expect("seed node");
    assert!(!seed.contains_key("found_by"), "{seed:?}");
    assert!(nodes
        .iter()
        .filter(|n| n.get("openalex").is_some_and(|o| o == "W3046863325"))
        .all(|n| !n.contains_key("found_by")));
}

#[test]
fn author_year_stubs_resolve_through_the_citing_papers_reference_list() {
    let (srv, dir) = project(handler);
    // Full texts with callouts: one with the DOI of the recorded Crossref
    // work (whose reference list has Arnsten 2006 and Capp 2005 with DOIs),
    // one without a DOI.
    std::fs::write(
        dir.path().join("paper.txt"),
        "Stimulant treatment in adults: a narrative study\ndoi: 10.1371/journal.pone.0033693\n\nIntroduction\n\
Stimulants act on catecholamine systems (Arnsten, 2006). Methylphenidate is\nwidely used, as Capp et al. (2005) describe, \
and further work followed\n(Arnsten, 2006; Smith, 2010).\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.txt"),
        "Notes on infant sleep\n\nSleep matters (Jones, 2001). It was studied again (Jones, 2001; Brown, 1999).\n",
    )
    .unwrap();
    assert_eq!(citemap(dir.path(), &["ingest", "paper.txt", "other.txt"]).0, 0);
    let args = ["--json", "enrich", "--search", "--services", "openalex,crossref"];
    let (code, out, err) = citemap(dir.path(), &args);
    assert_eq!(code, 0, "{err}{out}");
    let r = json(&out);
    let stubs = r["stubs"].as_array().unwrap();
    let find = |p: &str| {
        stubs
            .iter()
            .find(|x| x["work"].as_str().unwrap().starts_with(p))
            .unwrap_or_else(|| panic!("{p}: {out}"))
    };
    assert_eq!(find("Arnsten")["state"], "resolved", "{out}");
    assert_eq!(find("Arnsten")["doi"], "10.1038/sj.npp.1301164");
    assert_eq!(find("Capp")["doi"], "10.1586/14737175.5.3.325");
    let smith = find("Smith");
    assert_eq!(smith["state"], "stub");
    assert!(
        smith["reason"].as_str().unwrap().contains("not in the citing paper's reference list"),
        "{smith}"
    );
    let jones = find("Jones");
    assert!(jones["reason"].as_str().unwrap().contains("no citing paper has a DOI"), "{jones}");
    // The Crossref record of the citing paper was read once.
    let asked = srv.seen().iter().filter(|x| x.target.starts_with("/crossref/works/10.1371")).count();
    assert_eq!(asked, 1);
    // A rerun asks nothing.
    let (_, out, _) = citemap(dir.path(), &args);
    assert_eq!(json(&out)["requests"], 0, "{out}");
    check_store(&dir.path().join("s.db"));
}

#[test]
fn candidates_below_the_threshold_are_listed_by_show_and_in_the_summary() {
    let (_srv, dir) = project(handler);
    online::ingest(dir.path(), "noid.ris", "TY  - JOUR\nTI  - Ecology of urban foxes\nAU  - Smith, J\nPY  - 2019\nJO  - Urban Ecosystems\nER  - \n\nTY  - JOUR\nTI  - Chemical ecology\nAU  - Kessler, Andre\nPY  - 2012\nER  - \n");
    let (code, _, err) = citemap(dir.path(), &["--json", "enrich", "--search", "--services", "crossref"]);
    assert_eq!(code, 0, "{err}");
    // show, as text: the two Crossref candidates, never merged, with scores
    // and per-field agreement.
    let (code, out, err) = citemap(dir.path(), &["show", "work", "urban foxes"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("candidate (not merged)")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("crossref 10.1093/obo/9780199830060-0023")
            || lines[1].contains("10.1093/obo/9780199830060-0023"),
        "{out}"
    );
    assert!(
        lines.iter().all(|l| l.contains("year no") && l.contains("first_author no") && l.contains("text 0.")),
        "{out}"
    );
    assert!(out.contains("nothing accepted: best"), "{out}");
    // show --json: the same, structured.
    let (_, out, _) = citemap(dir.path(), &["--json", "show", "work", "urban foxes"]);
    let v = json(&out);
    let c = v["search"]["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 2, "{out}");
    assert!(
        c.iter().all(|x| x["score"].as_f64().unwrap() < 0.85 && x["agreement"]["year"] == false),
        "{out}"
    );
    assert!(c.iter().all(|x| x["service"] == "crossref" && x["doi"].is_string()), "{out}");
    // summary.json of a map of the same file lists the unmerged candidates
    // for the fox paper only.
    let (code, _, err) = citemap(dir.path(), &["map", "noid.ris", "--out", "m", "--format", "graphml"]);
    assert_eq!(code, 0, "{err}");
    let sum = json(&std::fs::read_to_string(dir.path().join("m/summary.json")).unwrap());
    let sc = sum["search_candidates"].as_array().expect("search_candidates");
    assert_eq!(sc.len(), 1, "{sc:?}");
    assert!(sc[0]["label"].as_str().unwrap().starts_with("Smith"), "{sc:?}");
    assert_eq!(sc[0]["search"]["candidates"].as_array().unwrap().len(), 2);
    assert!(sc[0]["search"]["url"].as_str().unwrap().contains("query.bibliographic="));
    check_store(&dir.path().join("s.db"));
}

/// The recorded PeerJ abstract (OpenAlex's inverted index, in order).
fn peerj_abstract() -> String {
    let v = json(&text("openalex/work_W2741809807_peerj.json"));
    let mut words: Vec<(u64, String)> = Vec::new();
    for (w, ps) in v["abstract_inverted_index"].as_object().unwrap() {
        for p in ps.as_array().unwrap() {
            words.push((p.as_u64().unwrap(), w.clone()));
        }
    }
    words.sort();
    words.into_iter().map(|(_, w)| w).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_title_less_abstract_accepted_by_search_is_filled_and_joins_its_work() {
    let (_srv, dir) = project(handler);
    // A bare abstract page shaped like seed 002 (heading, abstract, site
    // boilerplate), and a listing line of the same work with its DOI only.
    std::fs::write(
        dir.path().join("bare.txt"),
        format!(
            "Abstract\n\nABSTRACT {}\n\nTalk to us\n\nJoin us for a 30 min session where you can share your feedback and ask us any queries you have\n\nSchedule a call\n",
            peerj_abstract()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("known.ris"),
        "TY  - JOUR\nDO  - 10.7717/peerj.4375\nPY  - 2018\nER  - \n",
    )
    .unwrap();
    assert_eq!(citemap(dir.path(), &["ingest", "bare.txt", "known.ris"]).0, 0);
    let store_path = dir.path().join("s.db");
    let before = {
        let store = citemap::store::Store::open(&store_path).unwrap();
        citemap::resolve::resolve(&store.records().unwrap(), &Default::default())
    };
    assert!(before.works.iter().any(|w| w.title.is_none() && w.abstract_text.is_some()), "a title-less work");
    let (code, out, err) = citemap(dir.path(), &["--json", "enrich", "--search", "--services", "openalex"]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    let s = r["search"].as_array().unwrap();
    let bare = s.iter().find(|x| x["search"]["by"] == "abstract").unwrap_or_else(|| panic!("{out}"));
    assert_eq!(bare["search"]["accepted"]["doi"], "10.7717/peerj.4375", "{out}");
    assert_eq!(bare["search"]["accepted"]["id"], "openalex:W2741809807", "{out}");
    // The record is filled: one work with the title, authors, DOI, venue and
    // year of the accepted answer, the page and the RIS record among its sources.
    let store = citemap::store::Store::open(&store_path).unwrap();
    let corpus = citemap::resolve::resolve(&store.records().unwrap(), &Default::default());
    let with_doi: Vec<_> = corpus
        .works
        .iter()
        .enumerate()
        .filter(|(_, w)| w.ids.iter().any(|i| i.value.to_string() == "doi:10.7717/peerj.4375"))
        .collect();
    assert_eq!(with_doi.len(), 1, "one work");
    let (n, w) = with_doi[0];
    let title = w.title.as_ref().expect("titled");
    assert!(title.value.starts_with("The state of OA"), "{}", title.value);
    assert!(title.sources.iter().any(|p| p.input.contains("/works?filter=title_and_abstract.search:")));
    assert!(w.year.as_ref().is_some_and(|y| y.value == 2018));
    assert!(w.venue.is_some());
    assert!(corpus.authorships.iter().filter(|a| a.work as usize == n).count() >= 3);
    let inputs: Vec<&str> = w.sources.iter().map(|p| &*p.input).collect();
    assert!(inputs.contains(&"bare.txt") && inputs.contains(&"known.ris"), "{inputs:?}");
    assert!(!w.label.contains("Untitled"), "{}", w.label);
    assert!(
        corpus.works.iter().all(|w| w.title.is_some() || w.abstract_text.is_none()),
        "no title-less work left"
    );
    drop(store);
    // A rerun asks nothing and searches nothing more.
    let (_, out, _) = citemap(dir.path(), &["--json", "enrich", "--search", "--services", "openalex"]);
    assert_eq!(json(&out)["requests"], 0, "{out}");
    assert!(json(&out)["search"].as_array().unwrap().is_empty(), "{out}");
    check_store(&store_path);
}

#[test]
fn stubs_of_a_paper_without_doi_resolve_through_the_paper_found_by_search() {
    let (srv, dir) = project(handler);
    // The full text of the recorded PLoS ONE paper, without its DOI.
    online::ingest(dir.path(), "paper.txt", "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice\n\n\
Shankar Sadasivan, Brooks B. Pond\n\nIntroduction\n\nStimulants act on catecholamine systems (Arnsten, 2006). Methylphenidate is\n\
widely used, as Capp et al. (2005) describe, and further work followed\n(Arnsten, 2006; Hayes et al., 2015).\n");
    let args = ["--json", "enrich", "--search", "--services", "crossref"];
    let (code, out, err) = citemap(dir.path(), &args);
    assert_eq!(code, 0, "{err}{out}");
    let r = json(&out);
    // The citing paper itself was found by its title.
    let paper = r["search"].as_array().unwrap().iter().find(|x| x["search"]["by"] == "title").unwrap();
    assert_eq!(paper["search"]["accepted"]["doi"], "10.1371/journal.pone.0033693", "{out}");
    let stubs = r["stubs"].as_array().unwrap();
    let find = |p: &str| {
        stubs
            .iter()
            .find(|x| x["work"].as_str().unwrap().starts_with(p))
            .unwrap_or_else(|| panic!("{p}: {out}"))
    };
    // Its reference list resolved the two stubs it holds.
    let arnsten = find("Arnsten");
    assert_eq!(arnsten["state"], "resolved", "{out}");
    assert_eq!(arnsten["doi"], "10.1038/sj.npp.1301164");
    assert!(arnsten["reason"].as_str().unwrap().contains("found by bibliographic search"), "{arnsten}");
    assert_eq!(find("Capp")["doi"], "10.1586/14737175.5.3.325");
    // The third is not in it: searched by author and year, its candidates
    // listed and not merged, the reason recorded.
    let hayes = find("Hayes");
    assert_eq!(hayes["state"], "stub", "{hayes}");
    let why = hayes["reason"].as_str().unwrap();
    assert!(
        why.contains("not in the citing paper's reference list") && why.contains("search by author and year"),
        "{why}"
    );
    assert_eq!(hayes["candidates"].as_array().unwrap().len(), 2, "{hayes}");
    assert!(srv.seen().iter().any(|x| x.target.contains("query.bibliographic=Hayes%202015")));
    let store = citemap::store::Store::open(&dir.path().join("s.db")).unwrap();
    let corpus = citemap::resolve::resolve(&store.records().unwrap(), &Default::default());
    assert!(
        !corpus
            .works
            .iter()
            .any(|w| w.ids.iter().any(|i| i.value.to_string().starts_with("doi:10.1093/obo"))),
        "never merged"
    );
    drop(store);
    let (_, out, _) = citemap(dir.path(), &["show", "work", "Hayes"]);
    assert!(
        out.contains("search (author_year): nothing accepted") && out.contains("candidate (not merged)"),
        "{out}"
    );
    // A rerun asks nothing.
    let (_, out, _) = citemap(dir.path(), &args);
    assert_eq!(json(&out)["requests"], 0, "{out}");
    check_store(&dir.path().join("s.db"));
}

#[test]
fn the_openalex_daily_budget_counts_stored_answers_and_fails_the_rest_with_budget() {
    let srv = Server::start(Duration::ZERO, handler);
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &srv.base);
    // Searches cost $0.001 each: room for two in $0.0025.
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("[fetch.openalex]\n", "[fetch.openalex]\ndaily_budget = 0.0025\n"))
        .unwrap();
    online::ingest(dir.path(), "noid.ris", "TY  - JOUR\nTI  - Biodiversity hotspots for conservation priorities\nAU  - Myers, Norman\nPY  - 2000\nER  - \n\n\
TY  - JOUR\nTI  - Ecology of urban foxes in three northern cities\nAU  - Smith, J\nPY  - 2019\nER  - \n\n\
TY  - JOUR\nTI  - Notes on the sleep of infants in winter months\nAU  - Jones, K\nPY  - 2001\nER  - \n");
    let args = ["--json", "enrich", "--search", "--services", "openalex,crossref"];
    let (code, out, _) = citemap(dir.path(), &args);
    assert_eq!(code, 3, "some items failed: {out}");
    let r = json(&out);
    let oa = &r["report"]["services"]["openalex"];
    assert_eq!(oa["failed"]["budget"], 1, "{out}");
    assert_eq!(oa["fetched"], 2, "{out}");
    let failures: Vec<&serde_json::Value> =
        r["report"]["failures"].as_array().unwrap().iter().filter(|f| f["reason"] == "budget").collect();
    assert_eq!(failures.len(), 1, "{out}");
    assert!(failures[0]["url"].as_str().unwrap().contains("/openalex/works?search="), "{out}");
    assert!(failures[0]["detail"].as_str().unwrap().contains("daily budget"), "{out}");
    // The run went on: Crossref answered all three searches.
    assert_eq!(r["report"]["services"]["crossref"]["fetched"], 3, "{out}");
    let sent = |srv: &Server| srv.seen().iter().filter(|x| x.target.starts_with("/openalex/")).count();
    assert_eq!(sent(&srv), 2);
    // A rerun counts the two stored answers of the last 24 h ($0.002): the
    // look-up of the DOI the search found ($0.0001) fits, the last search
    // still does not.
    let (code, out, _) = citemap(dir.path(), &args);
    assert_eq!(code, 3, "{out}");
    assert_eq!(json(&out)["report"]["services"]["openalex"]["failed"]["budget"], 1, "{out}");
    assert_eq!(sent(&srv), 3);
    assert!(srv.seen().iter().any(|x| x.target.starts_with("/openalex/works?filter=doi:10.1038/35002501")));
    // A bigger budget lets the last one through.
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("daily_budget = 0.0025", "daily_budget = 1.0")).unwrap();
    let (code, out, _) = citemap(dir.path(), &args);
    assert_eq!(code, 0, "{out}");
    assert_eq!(sent(&srv), 4);
    check_store(&dir.path().join("s.db"));
}

#[test]
fn a_killed_enrich_resumes_without_asking_again_for_what_it_stored() {
    // Each answer held back 300 ms, so the run can be killed half-way.
    let srv = Server::start(Duration::from_millis(300), handler);
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &srv.base);
    let ris: String = (1..=8)
        .map(|k| {
            format!("TY  - JOUR\nTI  - Work number {k} of a killed run\nDO  - 10.9999/killed.{k}\nER  - \n\n")
        })
        .collect();
    std::fs::write(dir.path().join("w.ris"), ris).unwrap();
    assert_eq!(citemap(dir.path(), &["ingest", "w.ris"]).0, 0);
    let mut child = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .current_dir(dir.path())
        .args(["--config", "config.toml", "--store", "s.db", "-q", "enrich", "--services", "crossref"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as its first answer is committed.
    let start = std::time::Instant::now();
    let db = dir.path().join("s.db");
    let stored = || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT COUNT(*) FROM responses", [], |r| r.get::<_, i64>(0)).unwrap_or(0)
    };
    while stored() == 0 && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let key = |k: usize| format!("doi:10.9999/killed.{k}");
    let stored_before: Vec<usize> = {
        let store = citemap::store::Store::open(&dir.path().join("s.db")).unwrap();
        (1..=8).filter(|&k| store.response("crossref", &key(k)).unwrap().is_some()).collect()
    };
    assert!(!stored_before.is_empty() && stored_before.len() < 8, "killed half-way: {stored_before:?}");
    check_store(&dir.path().join("s.db"));
    // The rerun finishes the job and asks nothing it had stored.
    let (code, out, err) = citemap(dir.path(), &["--json", "enrich", "--services", "crossref"]);
    assert_eq!(code, 0, "{err}");
    let cr = &json(&out)["report"]["services"]["crossref"];
    assert_eq!(cr["from_cache"], stored_before.len(), "{out}");
    assert_eq!(cr["fetched"], 8 - stored_before.len(), "{out}");
    let asked = |k: usize| {
        srv.seen().iter().filter(|x| x.target == format!("/crossref/works/10.9999/killed.{k}")).count()
    };
    for k in 1..=8 {
        let n = asked(k);
        if stored_before.contains(&k) {
            assert_eq!(n, 1, "killed.{k} was stored before the kill and asked again");
        } else {
            assert!((1..=2).contains(&n), "killed.{k} asked {n} times");
        }
    }
    let store = citemap::store::Store::open(&dir.path().join("s.db")).unwrap();
    assert!((1..=8).all(|k| store.response("crossref", &key(k)).unwrap().is_some()));
    drop(store);
    check_store(&dir.path().join("s.db"));
}

#[test]
fn map_online_searches_papers_without_ids_and_lists_the_rest_in_the_summary() {
    let (srv, dir) = project(handler);
    std::fs::write(
        dir.path().join("noid.ris"),
        "TY  - JOUR\nTI  - Biodiversity hotspots for conservation priorities\nAU  - Myers, Norman\nPY  - 2000\nER  - \n\n\
TY  - JOUR\nTI  - Ecology of urban foxes in three northern cities\nAU  - Smith, J\nPY  - 2019\nER  - \n",
    )
    .unwrap();
    let args = ["map", "noid.ris", "--out", "m", "--format", "graphml", "--online"];
    let (code, _, err) = citemap(dir.path(), &args);
    assert_eq!(code, 0, "{err}");
    // The accepted search gave Myers et al. its DOI in the graph.
    let nodes = graphml_nodes(&std::fs::read_to_string(dir.path().join("m/graph.graphml")).unwrap());
    assert!(nodes.iter().any(|n| n.get("doi").is_some_and(|d| d == "10.1038/35002501")), "{nodes:?}");
    // The foxes paper's candidates are listed, not merged.
    let sum = json(&std::fs::read_to_string(dir.path().join("m/summary.json")).unwrap());
    let sc = sum["search_candidates"].as_array().expect("search_candidates");
    assert_eq!(sc.len(), 1, "{sc:?}");
    assert!(sc[0]["label"].as_str().unwrap().starts_with("Smith"));
    assert!(!nodes.iter().any(|n| n.get("doi").is_some_and(|d| d.starts_with("10.1093/obo"))));
    // Offline the next day: the same graph and summary from the store.
    let asked = srv.count();
    let (code, _, err) = citemap(
        dir.path(),
        &["map", "noid.ris", "--out", "m2", "--format", "graphml", "--online", "--offline"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(srv.count(), asked);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("m2/graph.graphml")).unwrap(),
        std::fs::read_to_string(dir.path().join("m/graph.graphml")).unwrap()
    );
}

#[test]
fn a_wrong_journal_becomes_a_conflict_the_api_and_another_source_outvote() {
    let (_srv, dir) = project(handler);
    // An aggregator record with the wrong journal (as seed 000's "CNS drugs"
    // for a 10.1017 DOI), and a database export with the right one.
    std::fs::write(
        dir.path().join("aggregator.ris"),
        "TY  - JOUR\nDO  - 10.7717/peerj.4375\nJO  - CNS drugs\nER  - \n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("export.ris"),
        "TY  - JOUR\nDO  - 10.7717/peerj.4375\nJO  - PeerJ\nER  - \n",
    )
    .unwrap();
    assert_eq!(citemap(dir.path(), &["ingest", "aggregator.ris", "export.ris"]).0, 0);
    let (code, _, err) = citemap(dir.path(), &["enrich", "--services", "openalex"]);
    assert_eq!(code, 0, "{err}");
    let (_, out, _) = citemap(dir.path(), &["--json", "show", "work", "10.7717/peerj.4375"]);
    let v = json(&out);
    // The venue the work holds is the one two sources give, the API among them.
    assert_eq!(v["venue"]["name"], "PeerJ", "{out}");
    // Both sides are kept, each with its sources: nothing silently overwritten.
    let venue =
        v["conflicts"].as_array().unwrap().iter().find(|c| c["field"] == "venue").expect("venue conflict");
    let claims = venue["claims"].as_array().unwrap();
    let by = |value: &str| -> Vec<String> {
        claims
            .iter()
            .filter(|c| c["value"] == value)
            .map(|c| c["at"]["input"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(by("CNS drugs"), vec!["aggregator.ris"], "{venue}");
    let peerj = by("PeerJ");
    assert_eq!(peerj.len(), 2, "{venue}");
    assert!(
        peerj.iter().any(|i| i == "export.ris")
            && peerj.iter().any(|i| i.contains("/openalex/works?filter=doi:")),
        "{venue}"
    );
}
