//! NCBI E-utilities requests: `efetch` of up to [`BATCH`] PMIDs as PubMed
//! XML (read by [`crate::ingest::pubmed_xml`]) and `elink` with
//! `cmd=neighbor`, whose `pubmed_pubmed_refs` and `pubmed_pubmed_citedin`
//! link sets give a work's references and citing works in one request
//! ([`parse_elink`] turns them into records). `tool`, `email` and `api_key`
//! are added by [`super::http`] when sending.

use super::{base, BodyKind, Request, Service};
use crate::fetch::FetchConfig;
use crate::model::{Citation, Diagnostic, Identifier, Parsed, Provenance, Record};

/// Most ids in one efetch (NCBI asks for POST or history beyond about 200).
pub const BATCH: usize = 200;

/// Format name of elink records.
pub const ELINK: &str = "pubmed-elink";

/// One efetch of `pmids` as XML.
pub fn efetch(cfg: &FetchConfig, pmids: &[String]) -> Request {
    let label =
        format!("{}/efetch.fcgi?db=pubmed&retmode=xml&id={}", base(cfg, Service::Pubmed), pmids.join(","));
    Request::get(Service::Pubmed, label, BodyKind::Xml)
}

/// The elink neighbour request for one PMID (references and citing works).
pub fn elink(cfg: &FetchConfig, pmid: &str) -> Request {
    let label =
        format!("{}/elink.fcgi?dbfrom=pubmed&db=pubmed&cmd=neighbor&id={pmid}", base(cfg, Service::Pubmed));
    Request::get(Service::Pubmed, label, BodyKind::Xml)
}

/// Reads an elink answer: for each link set, one record for the asked PMID
/// citing its `pubmed_pubmed_refs`, and one record per `pubmed_pubmed_citedin`
/// PMID citing the asked one. Other link sets (similar articles) are ignored.
pub fn parse_elink(input: &str, text: &str) -> Parsed {
    use quick_xml::events::Event;
    let mut parsed = Parsed::default();
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    // (from id, link name, ids)
    let mut from: Option<String> = None;
    let mut link_name = String::new();
    let mut ids: Vec<String> = Vec::new();
    let mut sets: Vec<(String, String, Vec<String>)> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().as_ref().to_string();
                if name == "LinkSet" {
                    from = None;
                }
                if name == "LinkSetDb" {
                    link_name.clear();
                    ids.clear();
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                if let Some(name) = path.pop() {
                    if name == "LinkSetDb" {
                        if let Some(f) = &from {
                            sets.push((f.clone(), std::mem::take(&mut link_name), std::mem::take(&mut ids)));
                        }
                    }
                }
            }
            Ok(Event::Text(t)) => {
                let value = t.xml10_content().trim().to_string();
                if value.is_empty() {
                    continue;
                }
                let n = path.len();
                let last = path.last().map(String::as_str);
                let parent = if n >= 2 { path.get(n - 2).map(String::as_str) } else { None };
                match (parent, last) {
                    (Some("IdList"), Some("Id")) => from = Some(value),
                    (Some("LinkSetDb"), Some("LinkName")) => link_name = value,
                    (Some("Link"), Some("Id")) => ids.push(value),
                    (_, Some("ERROR")) => parsed.diagnostics.push(Diagnostic::error(
                        Provenance::new(input, 0, None),
                        format!("elink error: {value}"),
                    )),
                    _ => {}
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                parsed.diagnostics.push(Diagnostic::error(
                    Provenance::new(input, 0, None),
                    format!("elink XML unreadable at byte {}: {e}", reader.buffer_position()),
                ));
                break;
            }
        }
    }
    for (from, name, ids) in sets {
        let Some(from_id) = Identifier::pmid(&from) else { continue };
        match name.as_str() {
            "pubmed_pubmed_refs" => {
                let at = Provenance::new(input, 0, Some(format!("{from_id} refs")));
                let mut r = Record::new(at.clone(), ELINK);
                r.ids.push(from_id.clone());
                for id in ids.iter().filter_map(|i| Identifier::pmid(i)) {
                    r.citations.push(Citation {
                        raw: id.to_string(),
                        ids: smallvec::smallvec![id],
                        count: 1,
                        at: at.clone(),
                        ..Citation::default()
                    });
                }
                parsed.records.push(r);
            }
            "pubmed_pubmed_citedin" => {
                for id in ids.iter().filter_map(|i| Identifier::pmid(i)) {
                    let at = Provenance::new(input, 0, Some(format!("{id} cites {from_id}")));
                    let mut r = Record::new(at.clone(), ELINK);
                    r.ids.push(id);
                    r.citations.push(Citation {
                        raw: from_id.to_string(),
                        ids: smallvec::smallvec![from_id.clone()],
                        count: 1,
                        at,
                        ..Citation::default()
                    });
                    parsed.records.push(r);
                }
            }
            _ => {}
        }
    }
    parsed
}
