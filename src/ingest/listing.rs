//! Search-results listings (filled by the seeds reader work).
use crate::model::Parsed;
/// True when `text` is a numbered search-results listing.
pub fn looks_like_listing(_text: &str) -> bool {
    false
}
/// Reads a listing.
pub fn parse(_input: &str, _text: &str) -> Parsed {
    Parsed::default()
}
