//! Semantic Scholar requests: batch look-ups (`POST /paper/batch`, at most
//! [`BATCH`] ids; the answer is aligned with the ids, `null` for unknown
//! ones), and a paper's references and citations
//! (`/paper/DOI:…/references`, `/citations`, paged with `offset`/`limit`,
//! the last page has no `next`). Bodies are read by
//! [`crate::ingest::semantic_scholar`], which takes the paper from the
//! request address, so the label keeps the `/paper/<id>/…` form.

use super::{base, BodyKind, Request, Service};
use crate::fetch::FetchConfig;

/// Items per page (the API allows up to 1000).
pub const LIMIT: usize = 1000;

/// Fields asked for on each linked paper.
pub const FIELDS: &str = "externalIds,title,year,authors,venue";

/// Most ids in one batch look-up.
pub const BATCH: usize = 500;

/// Fields asked for in batch look-ups.
pub const BATCH_FIELDS: &str = "externalIds,title,year,authors,venue,journal,abstract,publicationDate";

/// One batch look-up of paper specs (`DOI:…`, `PMID:…`). The ids travel in
/// the POST body; the label carries them after `#` (never sent) so that
/// each batch has its own label in the store.
pub fn batch(cfg: &FetchConfig, specs: &[String]) -> Request {
    let label = format!(
        "{}/paper/batch?fields={BATCH_FIELDS}#ids={}",
        base(cfg, Service::SemanticScholar),
        specs.join(",")
    );
    let body = serde_json::json!({ "ids": specs }).to_string();
    Request { service: Service::SemanticScholar, label, post: Some(body), kind: BodyKind::Json }
}

/// The paper spec for an identifier key (`doi:…` → `DOI:…`).
pub fn spec(scheme: &str, value: &str) -> Option<String> {
    match scheme {
        "doi" => Some(format!("DOI:{value}")),
        "pmid" => Some(format!("PMID:{value}")),
        "pmcid" => Some(format!("PMCID:{value}")),
        "arxiv" => Some(format!("ARXIV:{value}")),
        _ => None,
    }
}

/// First page of a paper's references (`backward`) or citations.
pub fn links(cfg: &FetchConfig, spec: &str, backward: bool) -> Request {
    let what = if backward { "references" } else { "citations" };
    let label = format!(
        "{}/paper/{spec}/{what}?fields={FIELDS}&offset=0&limit={LIMIT}",
        base(cfg, Service::SemanticScholar)
    );
    Request::get(Service::SemanticScholar, label, BodyKind::Json)
}

/// The next page after `label`, from the body's `next` (absent on the last page).
pub fn next_page(label: &str, body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let next = v.get("next")?.as_u64()?;
    if v.get("data").and_then(|d| d.as_array()).is_none_or(|d| d.is_empty()) {
        return None;
    }
    let at = label.find("offset=")?;
    let rest = &label[at..];
    let end = rest.find('&').map_or(label.len(), |e| at + e);
    Some(format!("{}offset={next}{}", &label[..at], &label[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_paging() {
        let l = "http://x/paper/DOI:10.1/a/references?fields=title&offset=0&limit=50";
        assert_eq!(
            next_page(l, r#"{"offset":0,"next":50,"data":[{"citedPaper":{}}]}"#).unwrap(),
            "http://x/paper/DOI:10.1/a/references?fields=title&offset=50&limit=50"
        );
        assert_eq!(next_page(l, r#"{"offset":50,"data":[{"citedPaper":{}}]}"#), None);
    }
}
