//! OpenCitations Index requests: `/references/doi:…` and `/citations/doi:…`
//! (v2: the `doi:` prefix is required; no paging, the whole list comes at
//! once; an unknown DOI gives `[]`). [`parse`] reads v2 rows (`citing` and
//! `cited` as space-separated prefixed ids such as `omid:br/… doi:10.… pmid:…`)
//! and the legacy COCI v1 rows (bare lower-case DOIs) into records: each
//! citing work becomes a record citing the cited work.

use super::{base, encode, BodyKind, Request, Service};
use crate::fetch::FetchConfig;
use crate::model::{Citation, Diagnostic, Identifier, Parsed, Provenance, Record};
use serde_json::Value;

/// Format name of OpenCitations records.
pub const NAME: &str = "opencitations";

/// What `doi` cites (`backward`) or what cites it.
pub fn links(cfg: &FetchConfig, doi: &str, backward: bool) -> Request {
    let what = if backward { "references" } else { "citations" };
    let label = format!("{}/{what}/doi:{}", base(cfg, Service::Opencitations), encode(doi, true));
    Request::get(Service::Opencitations, label, BodyKind::Json)
}

/// The identifiers in one `citing`/`cited` value.
fn ids(value: &str) -> Vec<Identifier> {
    let mut out = Vec::new();
    for part in value.split_whitespace() {
        let (scheme, v) = part.split_once(':').unwrap_or(("doi", part));
        let id = match scheme {
            "doi" => Identifier::doi(v),
            "pmid" => Identifier::pmid(v),
            "omid" => Some(Identifier::Other(format!("omid:{v}"))),
            _ if part.starts_with("10.") => Identifier::doi(part),
            _ => None,
        };
        if let Some(id) = id {
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    out
}

/// Reads a references or citations answer. Rows are grouped by citing work
/// (in order of first appearance), one record each.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let v: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(e) => {
            parsed.diagnostics.push(Diagnostic::error(
                Provenance::new(input, u32::try_from(e.line()).unwrap_or(0), None),
                format!("not an OpenCitations JSON body: {e}"),
            ));
            return parsed;
        }
    };
    let Some(rows) = v.as_array() else {
        parsed.diagnostics.push(Diagnostic::error(
            Provenance::new(input, 1, None),
            "OpenCitations body is not a list of rows",
        ));
        return parsed;
    };
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (n, row) in rows.iter().enumerate() {
        let get = |k: &str| row.get(k).and_then(Value::as_str).unwrap_or("");
        let citing = ids(get("citing"));
        let cited = ids(get("cited"));
        let (Some(first), false) = (citing.first(), cited.is_empty()) else {
            parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, 0, Some(format!("row {}", n + 1))),
                "row without a citing or cited identifier: skipped",
            ));
            continue;
        };
        let key = first.to_string();
        let i = *index.entry(key.clone()).or_insert_with(|| {
            let mut r = Record::new(Provenance::new(input, 0, Some(key.clone())), NAME);
            r.ids = citing.clone();
            if let Some(y) = get("creation").get(..4).and_then(|y| y.parse::<i32>().ok()) {
                r.published = Some(crate::model::Date::year(y));
            }
            parsed.records.push(r);
            parsed.records.len() - 1
        });
        let at = Provenance::new(input, 0, Some(get("oci").to_string()).filter(|s| !s.is_empty()));
        let raw = cited.first().map(|c| c.to_string()).unwrap_or_default();
        parsed.records[i].citations.push(Citation {
            raw,
            ids: cited.into(),
            count: 1,
            at,
            ..Citation::default()
        });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_rows_with_prefixed_lists() {
        let body = r#"[{"oci":"1-2","citing":"omid:br/061 doi:10.7717/peerj-cs.421 pmid:33817056","cited":"omid:br/062 doi:10.1/X","creation":"2021-03"}]"#;
        let p = parse("u", body);
        assert_eq!(p.records.len(), 1);
        assert!(p.records[0].ids.contains(&Identifier::Doi("10.7717/peerj-cs.421".into())));
        assert!(p.records[0].ids.contains(&Identifier::Pmid("33817056".into())));
        assert_eq!(p.records[0].citations[0].ids[1], Identifier::Doi("10.1/x".into()));
        assert!(parse("u", "[]").records.is_empty());
    }
}
