//! What resolution produces: a [`Corpus`] of works, agents (people and
//! organisations), venues and subjects, with the edges between them, every
//! field and edge carrying the [`Provenance`]s that asserted it.
//!
//! Indices (`work`, `agent` ...) are positions in the corpus vectors, which are
//! sorted by stable id, so the same inputs always give the same corpus.

use super::{Conflict, Date, DedupReport, Diagnostic, DocType, Identifier, Provenance};
use serde::{Deserialize, Serialize};

/// A value with the inputs that asserted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Who asserted it, sorted and deduplicated.
    pub sources: Vec<Provenance>,
}

impl<T> Sourced<T> {
    /// A value asserted by one source.
    pub fn new(value: T, source: Provenance) -> Self {
        Sourced { value, sources: vec![source] }
    }
    /// Records one more source (keeps the list sorted and unique).
    pub fn add_source(&mut self, source: Provenance) {
        if let Err(pos) = self.sources.binary_search(&source) {
            self.sources.insert(pos, source);
        }
    }
}

/// Whether a work is described by a record of its own or known only from
/// being cited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    /// A work with a record of its own in some input.
    Paper,
    /// A work known only from citations (reference lists or in-text callouts).
    CitedWork,
}

impl WorkKind {
    /// The name used in exports: `paper` or `cited_work`.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkKind::Paper => "paper",
            WorkKind::CitedWork => "cited_work",
        }
    }
}

/// One real work, merged from every record and citation that describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Work {
    /// Stable id (`W` + 12 hex digits), derived from the work's strongest key.
    pub id: String,
    /// Paper or cited work.
    pub kind: WorkKind,
    /// Short label for pictures and tables ("O'Leary et al. 2023").
    pub label: String,
    /// Main title.
    pub title: Option<Sourced<String>>,
    /// Other titles, `(language, title)`.
    pub alt_titles: Vec<Sourced<(Option<String>, String)>>,
    /// Identifiers.
    pub ids: Vec<Sourced<Identifier>>,
    /// Publication year.
    pub year: Option<Sourced<i32>>,
    /// Year suffix from author-year citations ("a" in 2015a).
    pub year_suffix: String,
    /// "n.d." / "in press" when cited that way.
    pub year_note: Option<String>,
    /// Issue date.
    pub published: Option<Sourced<Date>>,
    /// Electronic publication date.
    pub epublished: Option<Sourced<Date>>,
    /// Venue index into [`Corpus::venues`].
    pub venue: Option<u32>,
    /// Volume.
    pub volume: Option<Sourced<String>>,
    /// Issue.
    pub issue: Option<Sourced<String>>,
    /// Pages or article number.
    pub pages: Option<Sourced<String>>,
    /// Plain-text abstract.
    pub abstract_text: Option<Sourced<String>>,
    /// Language.
    pub language: Option<Sourced<String>>,
    /// Document type.
    pub doc_type: Option<Sourced<DocType>>,
    /// Times cited according to sources (the largest claim).
    pub times_cited: Option<Sourced<u64>>,
    /// Keywords (author keywords), deduplicated case-insensitively.
    pub keywords: Vec<Sourced<String>>,
    /// Affiliations the records give for the work as a whole, not tied to one
    /// author ([`crate::model::Record::affiliations`]), deduplicated
    /// case-insensitively. Per-author affiliations are on the [`Agent`]s.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<Sourced<String>>,
    /// Authors as cited when no agent is known ("Hayes et al."): display text.
    pub cited_authors: Option<String>,
    /// Fields a reviewer expects that no source gave.
    pub missing: Vec<String>,
    /// Every record or citation merged into this work.
    pub sources: Vec<Provenance>,
    /// How the work's records were matched (`doi`, `pmid`, `title+year`, `abstract`).
    pub matched_on: Vec<String>,
}

/// Person or organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    /// A person.
    Person,
    /// An organisation (corporate author, agency, society).
    Organisation,
}

impl AgentKind {
    /// The name used in exports: `person` or `organisation`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentKind::Person => "person",
            AgentKind::Organisation => "organisation",
        }
    }
}

/// One real person or organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agent {
    /// Stable id (`A` + 12 hex digits).
    pub id: String,
    /// Person or organisation.
    pub kind: AgentKind,
    /// Display name: the fullest form seen ("Niamh O'Leary", else "N. O'Leary").
    pub name: String,
    /// Family name (organisations: the full name).
    pub family: String,
    /// Fullest given name seen.
    pub given: String,
    /// ORCID when any source gave one.
    pub orcid: Option<String>,
    /// Every spelling seen, with its sources.
    pub variants: Vec<Sourced<String>>,
    /// Affiliations seen.
    pub affiliations: Vec<Sourced<String>>,
    /// Every record that names this agent.
    pub sources: Vec<Provenance>,
}

/// A journal, series or proceedings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Venue {
    /// Stable id (`V` + 12 hex digits).
    pub id: String,
    /// Name as most sources give it.
    pub name: String,
    /// Abbreviations seen.
    pub abbrevs: Vec<String>,
    /// ISSNs seen.
    pub issn: Vec<String>,
    /// Who named it.
    pub sources: Vec<Provenance>,
}

/// A subject heading or keyword used as a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// Stable id (`S` + 12 hex digits).
    pub id: String,
    /// Heading as written by the first source (case kept).
    pub name: String,
    /// Who assigned it.
    pub sources: Vec<Provenance>,
}

/// `agent` is an author of `work` at `position` (0-based byline order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorship {
    /// Work index.
    pub work: u32,
    /// Agent index.
    pub agent: u32,
    /// 0-based byline position.
    pub position: u32,
    /// Who said so (one source held in place, as for citation edges).
    pub sources: EdgeSources,
}

/// `from` cites `to`, `count` times (in-text callouts; 1 for a reference-list entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cites {
    /// Citing work index.
    pub from: u32,
    /// Cited work index.
    pub to: u32,
    /// Times cited in the citing work: the largest count any one source gives
    /// (two sources of one paper do not double the count).
    pub count: u32,
    /// Every source that asserted the citation: held in place when one did
    /// (the usual case; tens of millions of edges in a million works).
    pub sources: EdgeSources,
}

/// The sources of a [`Cites`] or [`Authorship`] edge: one held in place,
/// more on the heap.
/// Serialised as a list, like a `Vec`.
pub type EdgeSources = smallvec::SmallVec<[Provenance; 1]>;

/// `work` appeared in `venue`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedIn {
    /// Work index.
    pub work: u32,
    /// Venue index.
    pub venue: u32,
    /// Who said so.
    pub sources: Vec<Provenance>,
}

/// `work` is about `subject`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    /// Work index.
    pub work: u32,
    /// Subject index.
    pub subject: u32,
    /// Who said so.
    pub sources: Vec<Provenance>,
}

/// `from` is an earlier version of `to`: a preprint and the article it became.
///
/// The two keep their own nodes because their registry ids differ (a preprint
/// DOI and a journal DOI never merge); this edge links them instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionOf {
    /// The earlier version (preprint) work index.
    pub from: u32,
    /// The version of record (published article) work index.
    pub to: u32,
    /// Why they are taken to be versions (`same title and first author, preprint DOI 10.1101`).
    pub basis: String,
    /// The records of both sides.
    pub sources: Vec<Provenance>,
}

/// A disagreement about one work's field, with both sides' sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkConflict {
    /// Work index.
    pub work: u32,
    /// The disagreement.
    pub conflict: Conflict,
}

/// The resolved corpus: one entry per real work, agent, venue and subject.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Corpus {
    /// Works (papers and cited works), sorted by id.
    pub works: Vec<Work>,
    /// People and organisations, sorted by id.
    pub agents: Vec<Agent>,
    /// Venues, sorted by id.
    pub venues: Vec<Venue>,
    /// Subjects, sorted by id.
    pub subjects: Vec<Subject>,
    /// Authored edges, sorted by (work, position).
    pub authorships: Vec<Authorship>,
    /// Cites edges, sorted by (from, to).
    pub cites: Vec<Cites>,
    /// Published-in edges, sorted by work.
    pub published_in: Vec<PublishedIn>,
    /// About edges, sorted by (work, subject).
    pub about: Vec<About>,
    /// Field conflicts between or inside sources.
    pub conflicts: Vec<WorkConflict>,
    /// Notes from resolution (ambiguous matches, refused merges).
    pub diagnostics: Vec<Diagnostic>,
    /// Version-of edges (preprint -> article), sorted by (from, to).
    #[serde(default)]
    pub versions: Vec<VersionOf>,
    /// What deduplication did: records per input, duplicates removed by rule.
    #[serde(default)]
    pub dedup: DedupReport,
}

impl Corpus {
    /// The index of the work with stable id `id`.
    pub fn work_by_id(&self, id: &str) -> Option<usize> {
        self.works.binary_search_by(|w| w.id.as_str().cmp(id)).ok()
    }
    /// [`Corpus::work_by_id`] for ids met in increasing order (a graph's
    /// work nodes): the search starts at `from`, the place after the last
    /// work found, and widens from there, so ids in work order cost a
    /// comparison or a few each instead of a search of every work.
    pub fn work_by_id_from(&self, id: &str, from: usize) -> Option<usize> {
        let works = &self.works;
        match works.get(from) {
            Some(w) if w.id.as_str() == id => return Some(from),
            Some(w) if w.id.as_str() < id => {}
            _ => return self.work_by_id(id),
        }
        // Every work before `lo` sorts before `id`.
        let n = works.len();
        let mut lo = from + 1;
        let mut step = 1usize;
        let end = loop {
            let probe = lo.saturating_add(step - 1);
            if probe >= n {
                break n;
            }
            if works[probe].id.as_str() >= id {
                break probe + 1;
            }
            lo = probe + 1;
            step = step.saturating_mul(2);
        };
        works[lo..end].binary_search_by(|w| w.id.as_str().cmp(id)).ok().map(|i| lo + i)
    }
    /// The index of the agent with stable id `id`.
    pub fn agent_by_id(&self, id: &str) -> Option<usize> {
        self.agents.binary_search_by(|a| a.id.as_str().cmp(id)).ok()
    }
    /// Subject indices per work (by work index), in [`Corpus::about`] order.
    pub fn subjects_by_work(&self) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); self.works.len()];
        for a in &self.about {
            if let Some(v) = out.get_mut(a.work as usize) {
                v.push(a.subject);
            }
        }
        out
    }
}
