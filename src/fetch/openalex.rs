//! OpenAlex requests: batch look-ups by identifier (`filter=doi:a|b|…`,
//! `pmid:`, `openalex:`, at most [`BATCH`] values, the cap the older
//! documentation states), and the citation lists for chasing
//! (`filter=cited_by:W…` for what a work cites, `filter=cites:W…` for what
//! cites it) with cursor paging to the end. Bodies are read by
//! [`crate::ingest::openalex`].

use super::{base, encode, BodyKind, Request, Service};
use crate::fetch::FetchConfig;

/// Most OR values in one filter.
pub const BATCH: usize = 50;

/// Results per page of a list.
pub const PER_PAGE: usize = 100;

/// Fields asked for in look-ups and lists (keeps pages small).
pub const SELECT: &str = "id,doi,ids,title,display_name,publication_year,publication_date,type,authorships,primary_location,biblio,abstract_inverted_index,referenced_works,cited_by_count,language,concepts,topics,keywords";

/// The filter name for an identifier key's scheme (`doi`, `pmid`, `openalex`).
pub fn filter_name(scheme: &str) -> Option<&'static str> {
    match scheme {
        "doi" => Some("doi"),
        "pmid" => Some("pmid"),
        "pmcid" => Some("pmcid"),
        "openalex" => Some("openalex"),
        _ => None,
    }
}

/// The price of one request (the 2026 OpenAlex prices in API-NOTES.md):
/// a singleton `GET /works/{id}` is free, a search (`search=` or a
/// `.search:` filter) $1 per 1,000, any other list or filter $0.10 per 1,000.
pub fn cost_usd(label: &str) -> f64 {
    let (path, query) = label.split_once('?').unwrap_or((label, ""));
    let singleton = path.rsplit_once("/works/").is_some_and(|(_, id)| !id.is_empty());
    if singleton {
        0.0
    } else if query.split('&').any(|p| p.starts_with("search=")) || query.contains(".search:") {
        0.001
    } else {
        0.0001
    }
}

/// One batch look-up of `values` (all of scheme `scheme`).
pub fn lookup(cfg: &FetchConfig, scheme: &str, values: &[String]) -> Option<Request> {
    let f = filter_name(scheme)?;
    let joined: Vec<String> = values.iter().map(|v| encode(v, true)).collect();
    let label = format!(
        "{}/works?filter={f}:{}&per_page={}&select={SELECT}",
        base(cfg, Service::Openalex),
        joined.join("|"),
        values.len().max(1)
    );
    Some(Request::get(Service::Openalex, label, BodyKind::Json))
}

/// First page of the works `W` cites (`backward`) or that cite `W` (forward).
pub fn links(cfg: &FetchConfig, work: &str, backward: bool) -> Request {
    let f = if backward { "cited_by" } else { "cites" };
    let label = format!(
        "{}/works?filter={f}:{}&per_page={PER_PAGE}&select={SELECT}&cursor=*",
        base(cfg, Service::Openalex),
        encode(work, false)
    );
    Request::get(Service::Openalex, label, BodyKind::Json)
}

/// The next page's label after `label` whose body is `body`: `None` when
/// the page had no results or no `meta.next_cursor` (the end).
pub fn next_page(label: &str, body: &str) -> Option<String> {
    if !label.contains("cursor=") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let results = v.get("results")?.as_array()?;
    if results.is_empty() {
        return None;
    }
    let next = v.get("meta")?.get("next_cursor")?.as_str()?;
    let at = label.find("cursor=")?;
    let rest = &label[at..];
    let end = rest.find('&').map_or(label.len(), |e| at + e);
    Some(format!("{}cursor={}{}", &label[..at], encode(next, false), &label[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_by_request_class() {
        assert_eq!(cost_usd("http://x/works/W1"), 0.0);
        assert_eq!(cost_usd("http://x/works?search=a%20b&per_page=5"), 0.001);
        assert_eq!(cost_usd("http://x/works?filter=title_and_abstract.search:a&per_page=5"), 0.001);
        assert_eq!(cost_usd("http://x/works?filter=doi:10.1/a&per_page=1"), 0.0001);
    }

    #[test]
    fn cursor_is_replaced_and_the_end_detected() {
        let l = "http://x/works?filter=cites:W1&per_page=100&cursor=*";
        let body = r#"{"meta":{"next_cursor":"Ils+/="},"results":[{"id":"W2"}]}"#;
        assert_eq!(
            next_page(l, body).unwrap(),
            "http://x/works?filter=cites:W1&per_page=100&cursor=Ils%2B%2F%3D"
        );
        assert_eq!(next_page(l, r#"{"meta":{"next_cursor":null},"results":[]}"#), None);
        assert_eq!(next_page(l, r#"{"meta":{"next_cursor":"abc"},"results":[]}"#), None);
    }
}
