//! Resolution: records from every input -> one [`Corpus`] (work in progress).
use crate::model::{Corpus, Record};
use serde::{Deserialize, Serialize};
/// Resolution settings.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Options {}
/// Resolves `records` into a corpus.
pub fn resolve(_records: &[Record], _opts: &Options) -> Corpus {
    Corpus::default()
}
