//! Web of Science "Tab-delimited" exports (Win/Mac, UTF-8 or UTF-16LE).
//!
//! The first line holds the field tags (`PT AU BA … UT`), one record per line
//! after it. WoS does not quote fields, so the line is split on every tab;
//! data rows usually carry one trailing tab more than the header (60 fields
//! for 59 tags), which is accepted silently when the extra fields are empty.
//! Multi-valued fields (`AU`, `AF`, `CR`, `C1`) are `; `-joined. Records are
//! built by the plain-text reader's builder, so both WoS forms give the same
//! [`Record`](crate::model::Record)s.

use super::wos::{build_record, Fields};
use crate::model::{Diagnostic, Parsed, Provenance};

/// Format name used in `source_kind`.
pub const NAME: &str = "wos-tab";

/// True when the first line is a WoS tab-delimited header.
pub fn sniff(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}');
    let first = head.lines().next().unwrap_or("");
    let tags: Vec<&str> = first.trim_end_matches('\r').split('\t').collect();
    tags.first() == Some(&"PT") && tags.contains(&"UT") && tags.contains(&"TI") && tags.contains(&"AU")
}

/// Reads a whole tab-delimited export.
pub fn parse(input: &str, text: &str) -> Parsed {
    let mut parsed = Parsed::default();
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.split('\n').enumerate();
    let header: Vec<String> = match lines.next() {
        Some((_, h)) => h.trim_end_matches('\r').split('\t').map(|t| t.trim().to_string()).collect(),
        None => return parsed,
    };
    if header.iter().all(|h| h.is_empty()) {
        parsed.diagnostics.push(Diagnostic::error(Provenance::new(input, 1, None), "empty header line"));
        return parsed;
    }
    let mut n: u64 = 0;
    for (idx, raw) in lines {
        let line_no = u32::try_from(idx + 1).unwrap_or(u32::MAX);
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let mut fields = Fields::new();
        for (i, tag) in header.iter().enumerate() {
            let Some(value) = cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty()) else { continue };
            if tag.is_empty() {
                continue;
            }
            let vals: Vec<(u32, String)> = split_cell(tag, value).into_iter().map(|v| (line_no, v)).collect();
            fields.entry(tag.clone()).or_default().extend(vals);
        }
        n += 1;
        let key = super::wos::record_key(&fields, n - 1);
        let extra = cells.get(header.len()..).unwrap_or(&[]);
        if extra.iter().any(|c| !c.trim().is_empty()) {
            parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, line_no, Some(key.clone())),
                format!(
                    "row has {} fields for {} header tags: extra fields ignored",
                    cells.len(),
                    header.len()
                ),
            ));
        } else if cells.len() < header.len() {
            parsed.diagnostics.push(Diagnostic::warning(
                Provenance::new(input, line_no, Some(key)),
                format!(
                    "row has {} fields for {} header tags: missing fields left empty",
                    cells.len(),
                    header.len()
                ),
            ));
        }
        let rec = build_record(input, line_no, &fields, n, NAME, &mut parsed.diagnostics);
        parsed.records.push(rec);
    }
    parsed
}

/// Splits a multi-valued cell into its values.
fn split_cell(tag: &str, value: &str) -> Vec<String> {
    match tag {
        "AU" | "AF" | "BA" | "BF" | "CR" | "EM" | "CA" => {
            value.split("; ").map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
        }
        "C1" => {
            // "[A; B] Addr 1; [C] Addr 2" or "Addr 1; Addr 2": split on each
            // "; " outside the brackets.
            let mut out = Vec::new();
            let mut cur = String::new();
            for part in value.split("; ") {
                if !cur.is_empty() && !open_bracket(&cur) {
                    out.push(std::mem::take(&mut cur));
                }
                if !cur.is_empty() {
                    cur.push_str("; ");
                }
                cur.push_str(part);
            }
            if !cur.is_empty() {
                out.push(cur);
            }
            out
        }
        _ => vec![value.to_string()],
    }
}

fn open_bracket(s: &str) -> bool {
    s.matches('[').count() > s.matches(']').count()
}
