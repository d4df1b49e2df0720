//! What deduplication did, for a reviewer's PRISMA 2020 flow diagram: records
//! identified per input, duplicates removed within and across inputs, by the
//! rule that found them, and the matched pairs behind every count.
//!
//! Filled by `resolve::works` (one [`DedupPair`] per merge it makes, so the
//! pairs of one work form a tree and "duplicates removed" is exactly records
//! minus works); written by `citemap dedup-report` and into `summary.json`.

use super::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The rule that found two records to be one work, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// The same DOI.
    Doi,
    /// The same PubMed id.
    Pmid,
    /// The same PubMed Central id.
    Pmcid,
    /// The same arXiv id.
    Arxiv,
    /// The same ISBN, both records books.
    Isbn,
    /// The same source-internal id (OpenAlex W, WoS UT, Scopus EID, ...): one
    /// record exported twice.
    SourceId,
    /// The same normalised title, a compatible year and first author.
    TitleYear,
    /// The same abstract (near-identical letters and digits).
    Abstract,
    /// Near-identical titles of the same first author and year.
    SimilarTitle,
    /// An accepted search answer and the record it was searched for (the
    /// link record [`crate::fetch::search`] writes).
    SearchLink,
}

impl MatchRule {
    /// Every rule, strongest first.
    pub const ALL: [MatchRule; 10] = [
        MatchRule::Doi,
        MatchRule::Pmid,
        MatchRule::Pmcid,
        MatchRule::Arxiv,
        MatchRule::Isbn,
        MatchRule::SourceId,
        MatchRule::TitleYear,
        MatchRule::Abstract,
        MatchRule::SimilarTitle,
        MatchRule::SearchLink,
    ];
    /// The name used in reports and in `Work::matched_on`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchRule::Doi => "doi",
            MatchRule::Pmid => "pmid",
            MatchRule::Pmcid => "pmcid",
            MatchRule::Arxiv => "arxiv",
            MatchRule::Isbn => "isbn",
            MatchRule::SourceId => "source id",
            MatchRule::TitleYear => "title+year",
            MatchRule::Abstract => "abstract",
            MatchRule::SimilarTitle => "similar title+author+year",
            MatchRule::SearchLink => "accepted search",
        }
    }
}

impl std::fmt::Display for MatchRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record as shown in a pair.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairSide {
    /// Where the record is.
    pub at: Provenance,
    /// Its title as written.
    pub title: Option<String>,
    /// Its publication year.
    pub year: Option<i32>,
    /// Its identifiers, `scheme:value`, space-separated.
    pub ids: String,
}

/// Two records found to be one work: `removed` was folded into the work that
/// already held `kept`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupPair {
    /// The rule that matched them.
    pub rule: MatchRule,
    /// True when title, year, first author and venue all agree (a strong
    /// match, which differing source-internal ids do not stop).
    pub strong: bool,
    /// The record already in the work.
    pub kept: PairSide,
    /// The record counted as a duplicate.
    pub removed: PairSide,
}

impl DedupPair {
    /// True when both records come from the same input.
    pub fn within_input(&self) -> bool {
        self.kept.at.input == self.removed.at.input
    }
}

/// Records of one input and the duplicates found among them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputDedup {
    /// The input's label.
    pub input: String,
    /// How it was read (`openalex`, `wos`, `ris`, ...); several when mixed.
    pub format: String,
    /// Records read from it ("records identified" in PRISMA).
    pub records: usize,
    /// Records that are duplicates of another record of the same input.
    pub duplicates_within: usize,
    /// Distinct works among its records.
    pub works: usize,
}

/// Duplicates removed by one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCount {
    /// Pairs inside one input.
    pub within: usize,
    /// Pairs across two inputs.
    pub across: usize,
}

/// The numbers of a PRISMA 2020 flow diagram's identification box.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prisma {
    /// "Records identified from" each input (database export).
    pub records_identified: BTreeMap<String, usize>,
    /// All records identified.
    pub records_identified_total: usize,
    /// "Duplicate records removed".
    pub duplicates_removed: usize,
    /// Records left to screen: distinct works with a record of their own.
    pub records_screened: usize,
}

/// What deduplication did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupReport {
    /// Records read, all inputs.
    pub records: usize,
    /// Distinct works with a record (papers).
    pub works: usize,
    /// Per input, sorted by label.
    pub inputs: Vec<InputDedup>,
    /// Duplicates removed inside one input.
    pub removed_within: usize,
    /// Duplicates removed across inputs (records minus works minus `removed_within`).
    pub removed_across: usize,
    /// Removed duplicates by rule (`doi`, `pmid`, `title+year`, ...).
    pub by_rule: BTreeMap<String, RuleCount>,
    /// Merges refused because two registry ids of one scheme differ.
    pub refused: usize,
    /// Preprint -> article links made instead of merges.
    pub versions: usize,
    /// The PRISMA 2020 identification numbers.
    pub prisma: Prisma,
    /// Every merge as a pair (one per removed duplicate), in canonical order;
    /// left out of JSON, written as CSV by `citemap dedup-report --pairs`.
    #[serde(skip)]
    pub pairs: Vec<DedupPair>,
}
