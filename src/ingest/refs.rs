//! Reference strings -> [`Citation`]s (filled by the formats work).
use crate::model::{Citation, Provenance};
/// Parses one Web of Science `CR` reference string.
pub fn parse_wos_cr(raw: &str, at: Provenance) -> Citation {
    Citation { raw: raw.trim().to_string(), count: 1, at, ..Citation::default() }
}
/// Parses one free-text reference (Scopus, APA, Vancouver, Harvard).
pub fn parse_free_text(raw: &str, at: Provenance) -> Citation {
    Citation { raw: raw.trim().to_string(), count: 1, at, ..Citation::default() }
}
