//! Resolution: the [`Record`]s of every input -> one [`Corpus`] with one work
//! per real work, one agent per real person or organisation, and every citation
//! edge kept.
//!
//! Steps, each in its own module:
//! 1. [`works`]: group records that describe the same work (identifiers, then
//!    normalised title + compatible year + first author, then abstract identity,
//!    then near-identical titles inside an author-year block). Two different
//!    registry ids (DOI, PMID, ...) never merge; two different source-internal
//!    ids (OpenAlex W, WoS UT, ...) stop only weak matches. Preprints are linked
//!    to their articles as versions; [`report`] counts what was merged and why.
//! 2. [`cited`]: match each citation to a grouped work (identifiers, then first
//!    author + year + title, then first author + year + venue/volume/page); the
//!    rest are grouped among themselves into cited works (same first author or
//!    organisation, same year and suffix, compatible co-authors and titles).
//!    Ambiguous matches are reported as diagnostics, never guessed.
//! 3. [`people`]: authors -> agents (ORCID first; family name + compatible
//!    initials and given names; ambiguity reported). People are grouped
//!    beside step 2 (on the rayon pool), organisations after it.
//! 4. [`assemble`]: fields merged with their sources (what the citations
//!    give first, then the papers: see [`resolve_owned`]), conflicts recorded,
//!    stable ids, labels, and sorted edges.
//!
//! **Invariant:** the corpus depends only on the set of records and the
//! options, not on the order records arrive in.
//!
//! Complexity: near-linear in records and citations; pairwise comparisons
//! happen only inside small blocks (same first author and year, same family
//! name and first initial).

mod assemble;
mod cited;
mod people;
mod report;
pub(crate) mod similarity;
mod works;

pub use works::{blocking_keys, BLOCKING_KEYS_VERSION};

use crate::model::{Corpus, DedupReport, Diagnostic, Record};
use serde::{Deserialize, Serialize};

/// Resolution settings (all thresholds documented in `config.toml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// Smallest title similarity (normalised Levenshtein on title keys, 0-1) for
    /// two records of the same first author and year to be one work.
    pub title_similarity: f64,
    /// Shortest abstract (in letters and digits) that may identify a work on its own.
    pub min_abstract_len: usize,
    /// Smallest abstract similarity (0-1) for abstract identity.
    pub abstract_similarity: f64,
    /// Shortest title key that may identify a work together with a compatible year.
    pub min_title_len: usize,
    /// Largest difference in years still compatible (print vs online-first).
    pub year_slack: i32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            title_similarity: 0.92,
            min_abstract_len: 200,
            abstract_similarity: 0.95,
            min_title_len: 20,
            year_slack: 1,
        }
    }
}

/// Where every citation went, as groups of `(record, citation)` indices:
/// one group per paper or cited work that citations point to, in a stable
/// order. For audits of citation grouping (tests/readers.rs, `wild_exports`, checks that
/// no group joins citations that disagree on DOI or title).
pub fn citation_groups(records: &[Record], opts: &Options) -> Vec<Vec<(usize, usize)>> {
    let mut diagnostics = Vec::new();
    let groups = works::group(records, opts, &mut diagnostics);
    let cited = cited::resolve(records, &groups, opts, &mut diagnostics);
    let mut by_target: std::collections::BTreeMap<cited::Target, Vec<(usize, usize)>> =
        std::collections::BTreeMap::new();
    for (ri, row) in cited.targets.iter().enumerate() {
        for (ci, t) in row.iter().enumerate() {
            by_target.entry(*t).or_default().push((ri, ci));
        }
    }
    by_target.into_values().collect()
}

/// Runs only the deduplication step: which records are one work, by which
/// rule, and the report of it (the same report [`resolve`] puts in
/// [`Corpus::dedup`]), with the refused merges as diagnostics. Cheaper than a
/// full resolution: citations, people and fields are not resolved.
pub fn deduplicate(records: &[Record], opts: &Options) -> (DedupReport, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let groups = works::group(records, opts, &mut diagnostics);
    diagnostics.sort();
    diagnostics.dedup();
    (report::report(records, &groups), diagnostics)
}

/// What resolving `records` links, without building the corpus: which
/// records are one paper, and how many citation edges there are between
/// works. See [`linkage`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linkage {
    /// The records (indices into `records`) of each paper, as the papers of
    /// [`resolve`] group them; a paper's sources in the corpus are these
    /// records' provenances.
    pub papers: Vec<Vec<usize>>,
    /// Distinct (citing work, cited work) edges, citations of a work by
    /// itself left out: the length of [`Corpus::cites`] that [`resolve`]
    /// gives for the same records.
    pub citation_edges: usize,
}

/// Runs the grouping of records and the matching of their citations (steps 1
/// and 2 of [`resolve`]) and counts what they link: what `ingest` reports
/// (works added, records merged into stored works, citation edges added).
/// People, fields, labels and stable ids are not resolved, which makes it
/// several times cheaper in time and memory than [`resolve`].
pub fn linkage(records: &[Record], opts: &Options) -> Linkage {
    let mut diagnostics = Vec::new();
    let groups = works::group(records, opts, &mut diagnostics);
    let cited = cited::resolve(records, &groups, opts, &mut diagnostics);
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (ri, row) in cited.targets.iter().enumerate() {
        let from = groups.record_group[ri];
        for &t in row {
            let to = assemble::work_of(&groups, t);
            if to != from {
                edges.push((from, to));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    Linkage { papers: groups.members, citation_edges: edges.len() }
}

/// Resolves `records` into a corpus.
///
/// # Example
/// ```
/// use citemap::model::{Record, Provenance, Identifier};
/// let mut a = Record::new(Provenance::new("a.ris", 1, None), "ris");
/// a.title = Some("Peer support for mental health".into());
/// a.add_id(Identifier::doi("10.1186/S12916-024-03260-Y").unwrap());
/// let mut b = Record::new(Provenance::new("b.txt", 3, None), "listing");
/// b.add_id(Identifier::doi("https://doi.org/10.1186/s12916-024-03260-y").unwrap());
/// let corpus = citemap::resolve::resolve(&[a, b], &Default::default());
/// assert_eq!(corpus.works.len(), 1);
/// assert_eq!(corpus.works[0].sources.len(), 2);
/// ```
pub fn resolve(records: &[Record], opts: &Options) -> Corpus {
    resolve_from(assemble::Records::Borrowed(records), opts)
}

/// [`resolve`], taking the records: each lets go of its citations (most of
/// its memory: 2.86 of the 3.11 GB 100k RIS records hold) as soon as the
/// cited works, people, authorships and citation edges are made, before
/// the papers are, so whole records and the whole corpus are never held at
/// once. The corpus is the same as [`resolve`]'s.
pub fn resolve_owned(records: Vec<Record>, opts: &Options) -> Corpus {
    resolve_from(assemble::Records::Owned(records), opts)
}

/// Frees `items` (records, citations) on a thread of its own while the
/// caller goes on: millions of small allocations take a while to free.
/// When no thread can be had they are freed here (the failed spawn drops
/// its closure).
pub fn let_go<T: Send + 'static>(items: T) {
    let _ = std::thread::Builder::new().name("free records".into()).spawn(move || drop(items));
}

fn resolve_from(mut records: assemble::Records<'_>, opts: &Options) -> Corpus {
    let mut diagnostics = Vec::new();
    let (groups, made) = {
        let recs = records.as_slice();
        let groups = works::group(recs, opts, &mut diagnostics);
        // Cited works and people do not depend on each other: resolved side
        // by side, their diagnostics kept in this order.
        let (mut cited_diags, mut people_diags) = (Vec::new(), Vec::new());
        let (cited, people) = rayon::join(
            || cited::resolve(recs, &groups, opts, &mut cited_diags),
            || people::people(recs, &mut people_diags),
        );
        diagnostics.append(&mut cited_diags);
        diagnostics.append(&mut people_diags);
        let agents = people::resolve(recs, &cited, people);
        let made = assemble::from_citations(recs, &groups, &cited, agents);
        (groups, made)
    };
    records.let_go_of_citations();
    let corpus = assemble::finish(records.as_slice(), &groups, made, diagnostics);
    records.let_go();
    corpus
}

#[cfg(test)]
mod tests {
    /// A search from any place finds what a search of every work finds,
    /// for ids present and absent.
    #[test]
    fn work_by_id_from_any_place_agrees_with_work_by_id() {
        use crate::model::{Identifier, Provenance, Record};
        let records: Vec<Record> = (0..37)
            .map(|i| {
                let mut r = Record::new(Provenance::new("t.ris", i + 1, None), "ris");
                r.title = Some(format!("Study number {i}"));
                r.add_id(Identifier::doi(&format!("10.1000/x{i}")).expect("a DOI"));
                r
            })
            .collect();
        let corpus = super::resolve(&records, &Default::default());
        let n = corpus.works.len();
        assert_eq!(n, 37);
        let mut ids: Vec<String> = corpus.works.iter().map(|w| w.id.clone()).collect();
        // Absent ids: before the first, between two, after the last.
        ids.extend(["", "W", "W000000000000~", "~"].map(String::from));
        ids.extend(corpus.works.iter().map(|w| format!("{}0", w.id)));
        for id in &ids {
            for from in 0..n + 2 {
                assert_eq!(corpus.work_by_id_from(id, from), corpus.work_by_id(id), "{id} from {from}");
            }
        }
    }
}
