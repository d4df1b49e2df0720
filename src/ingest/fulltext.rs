//! Full texts with author-year callouts (filled by the seeds reader work).
use crate::model::Parsed;
/// True when `text` is an article's full text.
pub fn looks_like_full_text(_text: &str) -> bool {
    false
}
/// Reads a full text.
pub fn parse(_input: &str, _text: &str) -> Parsed {
    Parsed::default()
}
