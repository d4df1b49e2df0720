//! Scraped pages: aggregator JSON + page text, abstract pages (filled by the seeds reader work).
use crate::model::Parsed;
/// True when `text` starts with an aggregator JSON record.
pub fn looks_like_aggregator(_text: &str) -> bool {
    false
}
/// True when `text` looks like an abstract page.
pub fn looks_like_abstract_page(_text: &str) -> bool {
    false
}
/// Reads an aggregator record with page text.
pub fn parse_aggregator(_input: &str, _text: &str) -> Parsed {
    Parsed::default()
}
/// Reads an abstract page.
pub fn parse(_input: &str, _text: &str) -> Parsed {
    Parsed::default()
}
