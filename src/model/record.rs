//! What a reader produces: one [`Record`] per bibliographic record found in an
//! input, with its [`Citation`]s, plus [`Diagnostic`]s, bundled as [`Parsed`].

use super::{Diagnostic, Provenance};
use serde::{Deserialize, Serialize};

/// The result of reading one input: the records it holds and what went wrong.
///
/// Readers never fail as a whole: a bad record becomes a diagnostic and the
/// rest of the input is kept (parsing is best-effort).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Parsed {
    /// Records in input order.
    pub records: Vec<Record>,
    /// Located problems, in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// Records the reader met in the input, those it dropped (empty entries,
    /// unreadable rows, records over a bound) included: `seen - records.len()`
    /// records were dropped, each with a warning.
    #[serde(default)]
    pub seen: usize,
}

/// A persistent identifier of a work, in normalised form.
///
/// Construct through [`Identifier::doi`] and friends, which normalise; the
/// normalised value is what matching compares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "scheme", content = "value", rename_all = "lowercase")]
pub enum Identifier {
    /// DOI, lower-cased, without resolver prefix (`10.1017/ipm.2022.11`).
    Doi(String),
    /// PubMed id, digits only.
    Pmid(String),
    /// PubMed Central id, `PMC` plus digits.
    Pmcid(String),
    /// OpenAlex work id (`W2741809807`).
    Openalex(String),
    /// Semantic Scholar paper id (40 hex digits or `CorpusId:N`).
    S2(String),
    /// Web of Science accession number (`WOS:000278542800018`).
    Wos(String),
    /// Scopus EID (`2-s2.0-85...`).
    Eid(String),
    /// arXiv id.
    Arxiv(String),
    /// ISBN (digits and X only).
    Isbn(String),
    /// Any other database id: `(database, id)` joined as `db:id`.
    Other(String),
}

impl Identifier {
    /// A DOI from any common spelling (`https://doi.org/...`, `doi:...`,
    /// upper case, trailing punctuation); `None` when it is not a DOI.
    pub fn doi(raw: &str) -> Option<Identifier> {
        crate::model::norm::normalize_doi(raw).map(Identifier::Doi)
    }
    /// A PMID from `38418998`, `mdl-38418998`, `PMID: 38418998`; `None` otherwise.
    pub fn pmid(raw: &str) -> Option<Identifier> {
        let digits: String = raw
            .trim()
            .trim_start_matches(|c: char| !c.is_ascii_digit())
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let digits = digits.trim_start_matches('0');
        (!digits.is_empty() && digits.len() <= 9).then(|| Identifier::Pmid(digits.to_string()))
    }
    /// How much the identifier's scheme can be trusted to tell works apart;
    /// see [`IdStrength`].
    pub fn strength(&self) -> IdStrength {
        match self {
            Identifier::Doi(_)
            | Identifier::Pmid(_)
            | Identifier::Pmcid(_)
            | Identifier::Arxiv(_)
            | Identifier::Isbn(_) => IdStrength::Registry,
            Identifier::Openalex(_)
            | Identifier::S2(_)
            | Identifier::Wos(_)
            | Identifier::Eid(_)
            | Identifier::Other(_) => IdStrength::SourceInternal,
        }
    }
    /// The scheme name used in exports and ids (`doi`, `pmid`, ...).
    pub fn scheme(&self) -> &'static str {
        match self {
            Identifier::Doi(_) => "doi",
            Identifier::Pmid(_) => "pmid",
            Identifier::Pmcid(_) => "pmcid",
            Identifier::Openalex(_) => "openalex",
            Identifier::S2(_) => "s2",
            Identifier::Wos(_) => "wos",
            Identifier::Eid(_) => "eid",
            Identifier::Arxiv(_) => "arxiv",
            Identifier::Isbn(_) => "isbn",
            Identifier::Other(_) => "other",
        }
    }
    /// The normalised value.
    pub fn value(&self) -> &str {
        match self {
            Identifier::Doi(v)
            | Identifier::Pmid(v)
            | Identifier::Pmcid(v)
            | Identifier::Openalex(v)
            | Identifier::S2(v)
            | Identifier::Wos(v)
            | Identifier::Eid(v)
            | Identifier::Arxiv(v)
            | Identifier::Isbn(v)
            | Identifier::Other(v) => v,
        }
    }
}

/// Identifier precedence: how strongly an identifier scheme decides whether
/// two records are one work (documented in ARCHITECTURE.md, "Identifier
/// precedence").
///
/// Registry ids are issued once per work by an outside registry (DOI, PMID,
/// PMCID, arXiv; ISBN for books only): a shared one merges, two different ones
/// of one scheme never merge. Source-internal ids (OpenAlex W, Semantic
/// Scholar, WoS UT, Scopus EID, Lens and other database ids) name one record in
/// one database, which may hold two records of one work: a shared one merges,
/// but two different ones only stop a merge that rests on weak evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdStrength {
    /// Issued by a registry for the work itself.
    Registry,
    /// A database's own record id.
    SourceInternal,
}

impl std::fmt::Display for Identifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.scheme(), self.value())
    }
}

/// A calendar date with optional month and day, as sources give them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    /// Year (may be negative for BCE in CSL-JSON).
    pub year: i32,
    /// Month 1-12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// Day 1-31.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

impl Date {
    /// A date with only a year.
    pub fn year(year: i32) -> Date {
        Date { year, month: None, day: None }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// The kind of document a record describes, as far as a reviewer cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocType {
    /// Primary research article.
    Article,
    /// Narrative, scoping or unspecified review.
    Review,
    /// Systematic review (including umbrella reviews).
    SystematicReview,
    /// Meta-analysis.
    MetaAnalysis,
    /// Guideline or policy document.
    Guideline,
    /// Book.
    Book,
    /// Book chapter.
    Chapter,
    /// Report or grey literature.
    Report,
    /// Conference paper.
    Conference,
    /// Thesis.
    Thesis,
    /// Preprint.
    Preprint,
    /// Editorial, letter, comment.
    Editorial,
    /// Anything else.
    Other,
}

impl DocType {
    /// The lowercase name used in exports.
    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Article => "article",
            DocType::Review => "review",
            DocType::SystematicReview => "systematic-review",
            DocType::MetaAnalysis => "meta-analysis",
            DocType::Guideline => "guideline",
            DocType::Book => "book",
            DocType::Chapter => "chapter",
            DocType::Report => "report",
            DocType::Conference => "conference",
            DocType::Thesis => "thesis",
            DocType::Preprint => "preprint",
            DocType::Editorial => "editorial",
            DocType::Other => "other",
        }
    }
    /// True for every kind of review (used by umbrella mode).
    pub fn is_review(self) -> bool {
        matches!(self, DocType::Review | DocType::SystematicReview | DocType::MetaAnalysis)
    }
}

/// One author (person or organisation) as a record names them.
///
/// An ORCID, affiliations and a source's author id are in
/// [`AuthorExtra`], boxed and only when there is one: authors of references
/// never have them, and 100k RIS records name millions of reference authors
/// (72 of the 152 bytes each took were for these). Read them with
/// [`Author::orcid`], [`Author::affiliations`] and [`Author::source_id`],
/// change them with [`Author::extra_mut`]. Serialised flat, every field
/// beside the others, as before the split.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(from = "AuthorIn")]
pub struct Author {
    /// The name exactly as the source wrote it (after trimming).
    pub raw: String,
    /// Family name ("O'Leary"); for organisations the full name.
    pub family: String,
    /// Given names as written ("Niamh", "N.", "N O"); empty when unknown.
    pub given: String,
    /// True when the author is an organisation ("NICE", "Royal College of Psychiatrists").
    pub is_org: bool,
    /// ORCID, affiliations, source id: `None` when there is none of them
    /// (read and set them through the methods below, which keep it so).
    pub extra: Option<Box<AuthorExtra>>,
}

/// The parts of an [`Author`] beyond the name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthorExtra {
    /// ORCID, normalised to `0000-0000-0000-0000`.
    pub orcid: Option<String>,
    /// Affiliations as written.
    pub affiliations: Vec<String>,
    /// A source-specific author id (OpenAlex A..., Scopus author id, S2 author id).
    pub source_id: Option<String>,
}

impl AuthorExtra {
    fn is_empty(&self) -> bool {
        self.orcid.is_none() && self.affiliations.is_empty() && self.source_id.is_none()
    }
}

/// Equal when every field reads the same (an emptied [`AuthorExtra`] is as
/// none).
impl PartialEq for Author {
    fn eq(&self, other: &Author) -> bool {
        self.raw == other.raw
            && self.family == other.family
            && self.given == other.given
            && self.is_org == other.is_org
            && self.orcid() == other.orcid()
            && self.affiliations() == other.affiliations()
            && self.source_id() == other.source_id()
    }
}

impl Eq for Author {}

impl Serialize for Author {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        AuthorOut {
            raw: &self.raw,
            family: &self.family,
            given: &self.given,
            is_org: self.is_org,
            orcid: self.orcid(),
            affiliations: self.affiliations(),
            source_id: self.source_id(),
        }
        .serialize(s)
    }
}

/// An [`Author`] as written: every field flat.
#[derive(Serialize)]
#[serde(rename = "Author")]
struct AuthorOut<'a> {
    raw: &'a str,
    family: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    given: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    is_org: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    orcid: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    affiliations: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    source_id: Option<&'a str>,
}

/// An [`Author`] as read: every field flat.
#[derive(Deserialize)]
struct AuthorIn {
    raw: String,
    family: String,
    #[serde(default)]
    given: String,
    #[serde(default)]
    is_org: bool,
    #[serde(default)]
    orcid: Option<String>,
    #[serde(default)]
    affiliations: Vec<String>,
    #[serde(default)]
    source_id: Option<String>,
}

impl From<AuthorIn> for Author {
    fn from(a: AuthorIn) -> Self {
        let extra = AuthorExtra { orcid: a.orcid, affiliations: a.affiliations, source_id: a.source_id };
        let mut author =
            Author { raw: a.raw, family: a.family, given: a.given, is_org: a.is_org, extra: None };
        author.set_extra(extra);
        author
    }
}

impl Author {
    /// ORCID, normalised to `0000-0000-0000-0000`.
    pub fn orcid(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.orcid.as_deref())
    }

    /// Affiliations as written.
    pub fn affiliations(&self) -> &[String] {
        self.extra.as_ref().map_or(&[], |e| &e.affiliations)
    }

    /// A source-specific author id (OpenAlex A..., Scopus author id, S2 author id).
    pub fn source_id(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.source_id.as_deref())
    }

    /// The ORCID, affiliations and source id, to change them (made when
    /// there were none).
    pub fn extra_mut(&mut self) -> &mut AuthorExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Sets the ORCID (no [`AuthorExtra`] is made for `None`).
    pub fn set_orcid(&mut self, orcid: Option<String>) {
        if orcid.is_some() || self.extra.is_some() {
            self.extra_mut().orcid = orcid;
        }
    }

    /// Sets the source's author id (no [`AuthorExtra`] is made for `None`).
    pub fn set_source_id(&mut self, id: Option<String>) {
        if id.is_some() || self.extra.is_some() {
            self.extra_mut().source_id = id;
        }
    }

    /// The affiliations, to change them (an [`AuthorExtra`] is made).
    pub fn affiliations_mut(&mut self) -> &mut Vec<String> {
        &mut self.extra_mut().affiliations
    }

    /// Sets the ORCID, affiliations and source id at once (none kept when
    /// all are empty).
    pub fn set_extra(&mut self, extra: AuthorExtra) {
        self.extra = (!extra.is_empty()).then(|| Box::new(extra));
    }

    /// A person from a raw name in any common order ("N O'Leary", "O'Leary, N.",
    /// "Sonia Johnson", "JOHNSON S"); see [`crate::model::norm::parse_person`].
    pub fn person(raw: &str) -> Author {
        crate::model::norm::parse_person(raw)
    }
    /// An organisation named `name`.
    pub fn org(name: &str) -> Author {
        let name = crate::model::norm::squash_ws(name);
        Author { raw: name.clone(), family: name, is_org: true, ..Author::default() }
    }
}

/// A work cited by a record: one entry of a reference list or one distinct
/// in-text callout (several callouts of the same work are one `Citation` with
/// `count` > 1).
///
/// What a reference gives beyond its authors, year and identifiers (title,
/// venue, volume ...) is in [`CitationDetail`], boxed and only when there is
/// some: most citations an API gives are an identifier and nothing else, and
/// an input of 100k works holds millions of citations. Read it with
/// [`Citation::detail`], change it with [`Citation::detail_mut`]. Serialised
/// flat, every field beside the others, as before the split.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(from = "CitationIn")]
pub struct Citation {
    /// The reference as written (reference-list entry, or the first callout).
    pub raw: String,
    /// Authors as far as known; for a callout "Hayes et al." only the first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// True when the author list is known to be truncated ("et al.").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub et_al: bool,
    /// Publication year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Identifiers given in the reference (DOIs, PMID, OpenAlex id ...).
    #[serde(default, skip_serializing_if = "smallvec::SmallVec::is_empty")]
    pub ids: CitationIds,
    /// How many times the citing record cites it (callouts); 1 for a list entry.
    pub count: u32,
    /// Where the citation (or its first callout) is.
    pub at: Provenance,
    /// Title, venue, volume ... when the reference gives any (`None` when
    /// it gives none); read through [`Citation::detail`].
    #[serde(skip)]
    pub detail: Option<Box<CitationDetail>>,
}

/// The identifiers of a [`Citation`]: most references give one (an OpenAlex
/// list gives nothing else), held in place; more spill to the heap. Tens of
/// millions of citations in a million works.
pub type CitationIds = smallvec::SmallVec<[Identifier; 1]>;

/// The parts of a [`Citation`] beyond its authors, year and identifiers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitationDetail {
    /// Year suffix that tells apart works of one author and year ("a" in 2015a).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub year_suffix: String,
    /// "n.d." or "in press" when the source gives that instead of a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_note: Option<String>,
    /// Title of the cited work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Venue (journal or book title), possibly abbreviated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// First page or article number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_page: Option<String>,
}

/// What [`Citation::detail`] gives for a citation without details.
static NO_DETAIL: CitationDetail = CitationDetail {
    year_suffix: String::new(),
    year_note: None,
    title: None,
    venue: None,
    volume: None,
    issue: None,
    first_page: None,
};

impl CitationDetail {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        self == &NO_DETAIL
    }

    /// Boxed for [`Citation::detail`], `None` when empty.
    pub fn boxed(self) -> Option<Box<CitationDetail>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl Citation {
    /// Title, venue, volume ...: all empty when the reference gives none.
    pub fn detail(&self) -> &CitationDetail {
        self.detail.as_deref().unwrap_or(&NO_DETAIL)
    }

    /// The details, to change them (made when there were none).
    pub fn detail_mut(&mut self) -> &mut CitationDetail {
        self.detail.get_or_insert_with(Box::default)
    }

    /// Sets every detail at once.
    pub fn set_detail(&mut self, detail: CitationDetail) {
        self.detail = detail.boxed();
    }

    /// `self` with `detail` (for building a citation in one expression).
    pub fn with_detail(mut self, detail: CitationDetail) -> Self {
        self.set_detail(detail);
        self
    }
}

/// Equal when every field is, details compared by value (no details and
/// empty details are the same).
impl PartialEq for Citation {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
            && self.authors == other.authors
            && self.et_al == other.et_al
            && self.year == other.year
            && self.ids == other.ids
            && self.count == other.count
            && self.at == other.at
            && self.detail() == other.detail()
    }
}

impl Eq for Citation {}

/// Serialised flat, in the order of the fields before the details were
/// split off, so kept records and written files read as before.
impl Serialize for Citation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.detail();
        CitationOut {
            raw: &self.raw,
            authors: &self.authors,
            et_al: self.et_al,
            year: self.year,
            year_suffix: &d.year_suffix,
            year_note: &d.year_note,
            title: &d.title,
            venue: &d.venue,
            volume: &d.volume,
            issue: &d.issue,
            first_page: &d.first_page,
            ids: &self.ids,
            count: self.count,
            at: &self.at,
        }
        .serialize(s)
    }
}

/// A [`Citation`] as written: every field flat.
#[derive(Serialize)]
#[serde(rename = "Citation")]
struct CitationOut<'a> {
    raw: &'a str,
    #[serde(skip_serializing_if = "<[Author]>::is_empty")]
    authors: &'a [Author],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    et_al: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    #[serde(skip_serializing_if = "str::is_empty")]
    year_suffix: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    year_note: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    venue: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    volume: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issue: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_page: &'a Option<String>,
    #[serde(skip_serializing_if = "<[Identifier]>::is_empty")]
    ids: &'a [Identifier],
    count: u32,
    at: &'a Provenance,
}

/// A [`Citation`] as serialised: every field flat.
#[derive(Deserialize)]
struct CitationIn {
    raw: String,
    #[serde(default)]
    authors: Vec<Author>,
    #[serde(default)]
    et_al: bool,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    year_suffix: String,
    #[serde(default)]
    year_note: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    venue: Option<String>,
    #[serde(default)]
    volume: Option<String>,
    #[serde(default)]
    issue: Option<String>,
    #[serde(default)]
    first_page: Option<String>,
    #[serde(default)]
    ids: Vec<Identifier>,
    count: u32,
    at: Provenance,
}

impl From<CitationIn> for Citation {
    fn from(c: CitationIn) -> Self {
        let detail = CitationDetail {
            year_suffix: c.year_suffix,
            year_note: c.year_note,
            title: c.title,
            venue: c.venue,
            volume: c.volume,
            issue: c.issue,
            first_page: c.first_page,
        };
        Citation {
            raw: c.raw,
            authors: c.authors,
            et_al: c.et_al,
            year: c.year,
            ids: c.ids.into(),
            count: c.count,
            at: c.at,
            detail: detail.boxed(),
        }
    }
}

/// Two sources (or two fields of one source) that disagree about a fact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Conflict {
    /// The field in question (`venue`, `year`, ...).
    pub field: String,
    /// Each claimed value with who claims it.
    pub claims: Vec<Claim>,
    /// Why they are taken to disagree.
    pub note: String,
}

/// One side of a [`Conflict`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Claim {
    /// The value claimed.
    pub value: String,
    /// Who claims it: the input and, in `basis`, how (`journal field`, `DOI prefix 10.1017`).
    pub at: Provenance,
    /// How the value was derived.
    pub basis: String,
}

/// One bibliographic record read from an input, before resolution.
///
/// Every field is optional: readers fill what the source says and list what a
/// reviewer would expect but the source lacks in `missing`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Where the record starts; `at.record` is its key inside the input.
    pub at: Provenance,
    /// Name of the detected format or document kind (`ris`, `aggregator-page` ...).
    pub source_kind: String,
    /// Main title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Other titles (translations, original-language titles), with an ISO 639-1
    /// language code when known: `(lang, title)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alt_titles: Vec<(Option<String>, String)>,
    /// Authors in byline order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Author>,
    /// Affiliations the source gives for the record as a whole, not tied to
    /// one author (RIS `AD`, Scopus `Affiliations`, WoS `C1` without names and
    /// `RP`), as written, de-duplicated, in source order. Affiliations a source
    /// ties to an author are in that [`Author::affiliations`] instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affiliations: Vec<String>,
    /// Persistent identifiers (normalised).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<Identifier>,
    /// Journal, book series or proceedings title as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// Abbreviated venue ("BMC Med").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_abbrev: Option<String>,
    /// ISSNs of the venue.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issn: Vec<String>,
    /// Publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue: Option<String>,
    /// Pages ("554-560") or article number ("e0267787").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<String>,
    /// Publication (issue) date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Electronic publication date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epublished: Option<Date>,
    /// Plain-text abstract; structured sections kept as `LABEL: text` paragraphs
    /// separated by newlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    /// Controlled subject headings (MeSH, Emtree, WoS categories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    /// Author keywords.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Language (ISO 639-1 where known, else as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Document type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<DocType>,
    /// Times cited according to the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times_cited: Option<u64>,
    /// Works this record cites (reference list or in-text callouts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
    /// Fields a reviewer expects that the source does not give (`title`, `authors`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Disagreements found inside this record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// Records (by their `at`) this record is asserted to describe the same
    /// work as: set only on the link record an accepted search writes
    /// ([`crate::fetch::search`]), so resolution joins the searched record
    /// to the answer even when their titles are too short to join by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_as: Vec<Provenance>,
}

impl Record {
    /// A new empty record at `at`, read as `source_kind`.
    pub fn new(at: Provenance, source_kind: impl Into<String>) -> Record {
        Record { at, source_kind: source_kind.into(), ..Record::default() }
    }
    /// The publication year: issue date, else e-publication date.
    pub fn year(&self) -> Option<i32> {
        self.published.or(self.epublished).map(|d| d.year)
    }
    /// The DOI, when the record has one.
    pub fn doi(&self) -> Option<&str> {
        self.ids.iter().find_map(|i| match i {
            Identifier::Doi(d) => Some(d.as_str()),
            _ => None,
        })
    }
    /// Adds a record-level affiliation (trimmed, whitespace squashed) unless it
    /// is empty or already present.
    pub fn add_affiliation(&mut self, affiliation: &str) {
        let a = crate::model::norm::squash_ws(affiliation);
        if !a.is_empty() && !self.affiliations.contains(&a) {
            self.affiliations.push(a);
        }
    }
    /// Drops record-level affiliations that an author of the record also has
    /// (case and a final full stop ignored): a source that gives an address
    /// both bare and with its author has tied it after all.
    pub fn drop_tied_affiliations(&mut self) {
        let key = |s: &str| crate::model::norm::fold(s.trim().trim_end_matches('.'));
        let tied: Vec<String> =
            self.authors.iter().flat_map(|a| a.affiliations().iter()).map(|s| key(s)).collect();
        self.affiliations.retain(|s| !tied.contains(&key(s)));
    }
    /// Adds `id` unless an equal one is present.
    pub fn add_id(&mut self, id: Identifier) {
        if !self.ids.contains(&id) {
            self.ids.push(id);
        }
    }
    /// Recomputes `missing` from the fields a reviewer expects (title, authors,
    /// year, venue, abstract), keeping entries readers added for other fields.
    pub fn mark_missing(&mut self) {
        let checks: [(&str, bool); 5] = [
            ("title", self.title.is_none()),
            ("authors", self.authors.is_empty()),
            ("year", self.year().is_none()),
            ("venue", self.venue.is_none() && self.venue_abbrev.is_none()),
            ("abstract", self.abstract_text.is_none()),
        ];
        for (name, absent) in checks {
            let present = self.missing.iter().any(|m| m == name);
            if absent && !present {
                self.missing.push(name.to_string());
            } else if !absent && present {
                self.missing.retain(|m| m != name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citation_details_are_boxed_only_when_given_and_serialise_flat() {
        let at = Provenance::new("refs.txt", 3, None);
        let bare = Citation { raw: "W2".into(), count: 1, at: at.clone(), ..Citation::default() };
        assert!(bare.detail.is_none() && bare.detail().is_empty());
        // Empty details made on the way compare equal to none.
        let mut touched = bare.clone();
        touched.detail_mut().title = None;
        assert!(touched.detail.is_some());
        assert_eq!(touched, bare);
        assert!(CitationDetail::default().boxed().is_none());

        let full = Citation {
            raw: "Hayes L, 2015a, J INFANT MENT HEALTH, V36, P100".into(),
            year: Some(2015),
            count: 1,
            at,
            ..Citation::default()
        }
        .with_detail(CitationDetail {
            year_suffix: "a".into(),
            venue: Some("J INFANT MENT HEALTH".into()),
            volume: Some("36".into()),
            first_page: Some("100".into()),
            ..CitationDetail::default()
        });
        assert_ne!(full, bare);
        // Flat, in the order of the fields before the split.
        let json = serde_json::to_string(&full).unwrap();
        assert_eq!(
            json,
            r#"{"raw":"Hayes L, 2015a, J INFANT MENT HEALTH, V36, P100","year":2015,"year_suffix":"a","venue":"J INFANT MENT HEALTH","volume":"36","first_page":"100","count":1,"at":{"input":"refs.txt","line":3}}"#
        );
        assert_eq!(serde_json::from_str::<Citation>(&json).unwrap(), full);
        let bare_json = serde_json::to_string(&bare).unwrap();
        let back: Citation = serde_json::from_str(&bare_json).unwrap();
        assert!(back.detail.is_none());
    }

    #[test]
    fn author_extras_are_boxed_only_when_given_and_serialise_flat() {
        let bare = Author::person("Smith, J.");
        assert!(bare.extra.is_none());
        assert_eq!((bare.orcid(), bare.affiliations(), bare.source_id()), (None, &[][..], None));
        // Setting nothing makes no box; an emptied box compares equal to none.
        let mut same = bare.clone();
        same.set_orcid(None);
        same.set_source_id(None);
        assert!(same.extra.is_none());
        same.extra_mut().affiliations.clear();
        assert!(same.extra.is_some());
        assert_eq!(same, bare);

        let mut full = bare.clone();
        full.set_orcid(Some("0000-0002-1825-0097".into()));
        full.affiliations_mut().push("Univ X, Town.".into());
        full.set_source_id(Some("A5023888391".into()));
        assert_ne!(full, bare);
        assert_eq!(full.orcid(), Some("0000-0002-1825-0097"));
        assert_eq!(full.affiliations(), ["Univ X, Town.".to_string()]);
        assert_eq!(full.source_id(), Some("A5023888391"));
        // Flat, in the order of the fields before the split.
        let json = serde_json::to_string(&full).unwrap();
        assert_eq!(
            json,
            r#"{"raw":"Smith, J.","family":"Smith","given":"J.","orcid":"0000-0002-1825-0097","affiliations":["Univ X, Town."],"source_id":"A5023888391"}"#
        );
        assert_eq!(serde_json::from_str::<Author>(&json).unwrap(), full);
        let bare_json = serde_json::to_string(&bare).unwrap();
        assert_eq!(bare_json, r#"{"raw":"Smith, J.","family":"Smith","given":"J."}"#);
        assert!(serde_json::from_str::<Author>(&bare_json).unwrap().extra.is_none());
        let org = serde_json::to_string(&Author::org("NICE")).unwrap();
        assert_eq!(org, r#"{"raw":"NICE","family":"NICE","is_org":true}"#);
        // Set at once: none kept when all are empty.
        let mut reset = full.clone();
        reset.set_extra(AuthorExtra::default());
        assert!(reset.extra.is_none());
        assert_eq!(reset, bare);
        reset.set_extra(full.extra.as_deref().cloned().unwrap_or_default());
        assert_eq!(reset, full);
    }
}
