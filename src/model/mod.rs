//! The data model shared by every stage: what a reader produces ([`Record`],
//! [`Citation`], [`Diagnostic`]) and what resolution produces ([`Corpus`] with its
//! [`Work`]s, [`Agent`]s, [`Venue`]s, [`Subject`]s and edges).
//!
//! Sits at the bottom of the pipeline: `model <- ingest/fetch/resolve <- graph <- ...`.
//! It does no IO and knows no format.
//!
//! **Invariant:** every fact carries at least one [`Provenance`] naming the input
//! (and line and record where known) that asserted it.

mod corpus;
mod dedup;
pub mod norm;
pub mod publishers;
mod record;

pub use corpus::*;
pub use dedup::*;
pub use record::*;

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A shared, immutable text one pointer wide (an `Arc<str>` is two): the
/// input labels and record keys of [`Provenance`]s, of which a big corpus
/// holds millions of copies, and the text attributes of graphs
/// (`graph::Attr::Str`). Derefs to `str`; compares, orders, hashes,
/// prints and serialises as its text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SharedText(Arc<Box<str>>);

/// Ordered as its text; two copies of one allocation (the usual case: one
/// input label shared by every provenance of the input) are equal without
/// reading the text, which sorts of millions of provenances feel.
impl Ord for SharedText {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if Arc::ptr_eq(&self.0, &other.0) {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for SharedText {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl SharedText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when both are the same allocation (not merely equal texts).
    pub fn ptr_eq(a: &SharedText, b: &SharedText) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

/// The empty text, one allocation per thread: a default provenance (as in
/// `..Citation::default()`, once per citation a reader makes) clones it
/// instead of allocating.
impl Default for SharedText {
    fn default() -> Self {
        thread_local! {
            static EMPTY: SharedText = SharedText(Arc::new(Box::from("")));
        }
        EMPTY.with(SharedText::clone)
    }
}

impl std::ops::Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        SharedText(Arc::new(text.into()))
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        SharedText(Arc::new(text.into_boxed_str()))
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        **self.0 == *other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        **self.0 == **other
    }
}

impl std::fmt::Debug for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self.0, f)
    }
}

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SharedText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(SharedText::from(text))
    }
}

/// Where a fact came from: the input, the line in it, and the record key.
///
/// `input` is the input's label as the user gave it (a path, later an API URL);
/// `line` is 1-based, 0 when unknown; `record` is the record's key inside the
/// input (a listing number, a BibTeX key, a WoS UT ...) when the input holds several.
///
/// The texts are shared ([`SharedText`], one pointer each): a corpus holds
/// millions of provenances, most of them copies of a record's or a
/// citation's, and a copy costs a reference count, not two strings; a
/// provenance is 24 bytes. [`Provenance::new`] also shares
/// the input label and the record key with the provenance made (or read)
/// before it on the same thread, so provenances made or read one after the
/// other for one record share their texts too.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "ProvenanceIn")]
pub struct Provenance {
    /// Label of the input (path as given on the command line, or an API address).
    pub input: SharedText,
    /// 1-based line where the fact (or its record) starts; 0 when unknown.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
    /// Key of the record inside the input, when the input holds several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<SharedText>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// [`Provenance`] as read (serde), before its texts are shared.
#[derive(Deserialize)]
struct ProvenanceIn {
    input: String,
    #[serde(default)]
    line: u32,
    #[serde(default)]
    record: Option<String>,
}

impl From<ProvenanceIn> for Provenance {
    fn from(p: ProvenanceIn) -> Self {
        Provenance::new(p.input, p.line, p.record)
    }
}

thread_local! {
    /// The input label of the last provenance made on this thread.
    static LAST_INPUT: std::cell::RefCell<Option<SharedText>> = const { std::cell::RefCell::new(None) };
    /// The record key of the last provenance made on this thread with one.
    static LAST_RECORD: std::cell::RefCell<Option<SharedText>> = const { std::cell::RefCell::new(None) };
}

/// `text` as a shared text: the one in `last` when equal, else a new one
/// left in `last`.
pub(crate) fn shared<T: Clone + std::ops::Deref<Target = str> + for<'a> From<&'a str>>(
    last: &'static std::thread::LocalKey<std::cell::RefCell<Option<T>>>,
    text: &str,
) -> T {
    last.with(|last| {
        let mut last = last.borrow_mut();
        match last.as_ref() {
            Some(a) if **a == *text => a.clone(),
            _ => {
                let a = T::from(text);
                *last = Some(a.clone());
                a
            }
        }
    })
}

fn shared_input(label: &str) -> SharedText {
    shared(&LAST_INPUT, label)
}

impl Provenance {
    /// A provenance for `input` at `line` (0 = unknown) with an optional record key.
    pub fn new(input: impl AsRef<str>, line: u32, record: Option<String>) -> Self {
        let record = record.map(|r| shared(&LAST_RECORD, &r));
        Provenance { input: shared_input(input.as_ref()), line, record }
    }

    /// [`Provenance::new`] with a record key shared with another provenance.
    pub fn with_record(input: impl AsRef<str>, line: u32, record: Option<SharedText>) -> Self {
        Provenance { input: shared_input(input.as_ref()), line, record }
    }
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.input)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if let Some(r) = &self.record {
            write!(f, " [{r}]")?;
        }
        Ok(())
    }
}

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something worth knowing; nothing was lost.
    Info,
    /// Something was guessed, repaired or skipped; the rest was kept.
    Warning,
    /// An input or record could not be used at all.
    Error,
}

/// A located message from a reader or from resolution.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Where: input, line and record key.
    pub at: Provenance,
    /// Short lowercase message, no trailing dot.
    pub message: String,
}

impl Diagnostic {
    /// A warning at `at`.
    pub fn warning(at: Provenance, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, at, message: message.into() }
    }
    /// An error at `at`.
    pub fn error(at: Provenance, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, at, message: message.into() }
    }
    /// An informational note at `at`.
    pub fn info(at: Provenance, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Info, at, message: message.into() }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Info => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{sev}: {}: {}", self.at, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::SharedText;
    use std::cmp::Ordering;

    #[test]
    fn shared_text_orders_as_its_text() {
        let a = SharedText::from("b.ris");
        let same = a.clone();
        let equal = SharedText::from("b.ris");
        assert_eq!(a.cmp(&same), Ordering::Equal);
        assert_eq!(a.cmp(&equal), Ordering::Equal);
        for (x, y) in [("a.ris", "b.ris"), ("b.ris", "b.ris.gz"), ("", "a"), ("é", "z")] {
            let (x, y) = (SharedText::from(x), SharedText::from(y));
            assert_eq!(x.cmp(&y), x.as_str().cmp(y.as_str()));
            assert_eq!(y.cmp(&x), y.as_str().cmp(x.as_str()));
            assert_eq!(x.partial_cmp(&y), Some(x.cmp(&y)));
        }
    }
}
