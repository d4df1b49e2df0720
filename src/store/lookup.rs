//! An indexed copy of the last kept corpus, so `show` and `query coauthors`
//! answer on a big store without decoding the whole corpus (issue 14: under
//! 100 ms at 100,000 works, where decoding the kept corpus takes seconds).
//!
//! Beside the corpus result ([`super::results`]) the store keeps, for the
//! same corpus key:
//! - one row per work and per person or organisation (`lookup_works`,
//!   `lookup_agents`: MessagePack, structs as maps, Snappy-compressed row
//!   by row, a batch of rows encoded on the pool while the batch before is
//!   inserted) and the venues (`lookup_venues`: row 0 every venue without its
//!   sources, row `1 + v` the sources of venue `v`), a work's row
//!   carrying its authorships, the citations it makes, the works citing it
//!   and its conflicts, each with its position in the corpus's own list, and
//!   a person's row the works they wrote; beside each, the bare links as
//!   packed `u32`s (a work's authors, then the works it cites or is cited
//!   by; a person's works), so walking co-authorship or citations decodes no
//!   row;
//! - exact look-up terms (`lookup_terms`, indexed): work and agent ids, every
//!   identifier of a work (`doi:10.1/x`), ORCIDs, the family key of a
//!   person's name and of every spelling of it, an organisation's name key;
//! - the folded text searched for words (`lookup_work_text`,
//!   `lookup_agent_text`), as [`work_text`] and [`agent_text`] make it.
//!
//! [`Lookup::corpus`] assembles the rows asked for into a small [`Corpus`]
//! whose lists keep the full corpus's order (works and agents sorted by id,
//! authorships, citations and conflicts by their position), so a function
//! that finds and reports on the full corpus gives the same answer on it as
//! long as everything it reads is included. Callers pick the rows.
//!
//! **Invariants:** one look-up is kept, for one corpus key
//! (`lookup_meta`); it is written in one transaction, only while the store
//! still holds the inputs it was computed from, and removed with every other
//! kept result when inputs are added.

use super::{Error, Saved, Store};
use crate::model::{
    norm, Agent, AgentKind, Authorship, Cites, Corpus, Identifier, Venue, Work, WorkConflict,
};
use rayon::prelude::*;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The look-up's tables and index.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS lookup_meta (
             id INTEGER PRIMARY KEY CHECK (id = 1),
             key TEXT NOT NULL,
             state TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS lookup_works (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, links BLOB NOT NULL);
         CREATE TABLE IF NOT EXISTS lookup_agents (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, links BLOB NOT NULL);
         CREATE TABLE IF NOT EXISTS lookup_venues (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);
         CREATE TABLE IF NOT EXISTS lookup_work_text (idx INTEGER PRIMARY KEY, text TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS lookup_agent_text (idx INTEGER PRIMARY KEY, text TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS lookup_terms (term TEXT NOT NULL, kind INTEGER NOT NULL, idx INTEGER NOT NULL);
         CREATE INDEX IF NOT EXISTS lookup_terms_term ON lookup_terms (term);";

/// True unless the look-up was written before rows carried their links
/// (`create` drops such a look-up).
pub(super) fn current(conn: &Connection) -> bool {
    conn.prepare("SELECT links FROM lookup_works LIMIT 0").is_ok()
}

/// Drops a look-up written before rows carried their links (no `links`
/// column), before the tables are created: it is derived data, written
/// again by the next command that keeps the corpus.
pub(super) fn drop_outdated(conn: &Connection) -> Result<(), Error> {
    let had_works: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'lookup_works'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)?;
    if had_works && !current(conn) {
        conn.execute_batch("DROP TABLE lookup_works; DROP TABLE lookup_agents; DELETE FROM lookup_meta;")?;
    }
    Ok(())
}

/// Removes the kept look-up (inside the caller's transaction).
pub(super) fn clear(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch(
        "DELETE FROM lookup_meta; DELETE FROM lookup_works; DELETE FROM lookup_agents;
         DELETE FROM lookup_venues; DELETE FROM lookup_work_text; DELETE FROM lookup_agent_text;
         DELETE FROM lookup_terms;",
    )?;
    Ok(())
}

/// The text a work is searched in for words: its label, title and other
/// titles, folded ([`norm::fold`]) and reduced to letters and digits
/// ([`norm::alnum_key`]). `citemap show work WORDS` finds the works whose
/// text holds every word so reduced.
pub fn work_text(w: &Work) -> String {
    let mut hay = norm::fold(&w.label);
    if let Some(t) = &w.title {
        hay.push(' ');
        hay.push_str(&norm::fold(&t.value));
    }
    for t in &w.alt_titles {
        hay.push(' ');
        hay.push_str(&norm::fold(&t.value.1));
    }
    norm::alnum_key(&hay)
}

/// The text an agent is searched in: its name reduced to letters and digits.
pub fn agent_text(a: &Agent) -> String {
    norm::alnum_key(&a.name)
}

/// An exact look-up term.
#[derive(Clone, Copy, Debug)]
pub enum Term<'a> {
    /// A work's stable id.
    WorkId(&'a str),
    /// An identifier a work carries.
    Identifier(&'a Identifier),
    /// A person's or organisation's stable id.
    AgentId(&'a str),
    /// An ORCID (normalised, as [`norm::normalize_orcid`] gives it).
    Orcid(&'a str),
    /// The family key ([`norm::family_key`]) of a person's family name or
    /// of any spelling of their name.
    Family(&'a str),
    /// An organisation's name key ([`norm::alnum_key`]).
    Organisation(&'a str),
}

impl Term<'_> {
    fn text(&self) -> String {
        match self {
            Term::WorkId(s) => format!("w:{s}"),
            Term::Identifier(i) => format!("x:{}:{}", i.scheme(), i.value()),
            Term::AgentId(s) => format!("a:{s}"),
            Term::Orcid(s) => format!("o:{s}"),
            Term::Family(s) => format!("f:{s}"),
            Term::Organisation(s) => format!("g:{s}"),
        }
    }
}

const KIND_WORK: i64 = 0;
const KIND_AGENT: i64 = 1;

/// A work's row, as read back.
#[derive(Deserialize)]
struct WorkRow {
    work: Work,
    /// Its authorships, with their positions in `Corpus::authorships`.
    authorships: Vec<(u32, Authorship)>,
    /// The citations it makes, with their positions in `Corpus::cites`.
    cites: Vec<(u32, Cites)>,
    /// Its conflicts, with their positions in `Corpus::conflicts`.
    conflicts: Vec<(u32, WorkConflict)>,
}

/// A work's row as written: [`WorkRow`] borrowing from the corpus.
#[derive(Serialize)]
struct WorkRowOut<'a> {
    work: &'a Work,
    authorships: Vec<(u32, &'a Authorship)>,
    cites: Vec<(u32, &'a Cites)>,
    /// The works citing it: written to the `links` column only.
    #[serde(skip)]
    cited_by: Vec<u32>,
    conflicts: Vec<(u32, &'a WorkConflict)>,
}

/// An agent's row, as read back.
#[derive(Deserialize)]
struct AgentRow {
    agent: Agent,
}

/// [`AgentRow`] as written.
#[derive(Serialize)]
struct AgentRowOut<'a> {
    agent: &'a Agent,
    /// The works it is an author of: written to the `links` column only.
    #[serde(skip)]
    works: Vec<u32>,
}

/// Rows encoded at a time (in parallel), then written in order.
const ROWS_PER_BATCH: usize = 4096;

/// A row's bytes: MessagePack (structs as maps, so every serde attribute of
/// the model round-trips), compressed with Snappy by `z` (one encoder
/// serves many rows). Snappy sizes its table to the row, where zlib cleared
/// its whole table for every row, which took longer than compressing the
/// small rows most works have.
fn encode<T: Serialize>(z: &mut snap::raw::Encoder, v: &T) -> Result<Vec<u8>, Error> {
    let raw =
        rmp_serde::encode::to_vec_named(v).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    z.compress_vec(&raw).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))
}

/// `u32`s as little-endian bytes.
fn pack(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// [`pack`] read back (a trailing partial value is ignored).
fn unpack(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// A fresh encoder for [`encode`].
fn compressor() -> snap::raw::Encoder {
    snap::raw::Encoder::new()
}

/// Rows as [`Lookup::blobs`] gives them, decoded on the pool (same order).
fn decode_all<T: serde::de::DeserializeOwned + Send>(
    blobs: Vec<(u32, Vec<u8>)>,
) -> Result<Vec<(u32, T)>, Error> {
    blobs.into_par_iter().map(|(i, d)| Ok((i, decode(&d)?))).collect()
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let raw = snap::raw::Decoder::new()
        .decompress_vec(bytes)
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    rmp_serde::from_slice(&raw).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))
}

/// Encodes `batches` in order on the pool, each batch while the one before
/// it is handed to `write` on the calling thread (which holds the
/// transaction, so the SQLite inserts overlap the next batch's encoding).
/// `encode_batch` runs on a helper thread; the first error of either side
/// ends the walk.
fn pipelined<B: Send + Sync, E: Send>(
    mut batches: impl Iterator<Item = B>,
    encode_batch: impl Fn(&B) -> Result<E, Error> + Sync,
    mut write: impl FnMut(B, E) -> Result<(), Error>,
) -> Result<(), Error> {
    use std::sync::Arc;
    let Some(first) = batches.next() else { return Ok(()) };
    let encoded = encode_batch(&first)?;
    let mut current = Some((first, encoded));
    std::thread::scope(|s| {
        while let Some((batch, encoded)) = current.take() {
            // The helper holds a second handle on the batch, so it is
            // still here when no thread can be had (then it is encoded
            // after the write).
            let helper = batches.next().map(|b| {
                let b = Arc::new(b);
                let theirs = Arc::clone(&b);
                let encode_batch = &encode_batch;
                let spawned = std::thread::Builder::new().spawn_scoped(s, move || encode_batch(&theirs)).ok();
                (b, spawned)
            });
            let written = write(batch, encoded);
            // Joined before an error of `write` is returned, so a helper
            // never outlives the walk unjoined.
            let next = helper.map(|(b, spawned)| {
                let e = match spawned {
                    Some(h) => h
                        .join()
                        .unwrap_or_else(|_| Err(Error::Io(std::io::Error::other("look-up encoding failed")))),
                    None => encode_batch(&b),
                };
                (b, e)
            });
            written?;
            if let Some((b, e)) = next {
                // The helper has ended: this is the only handle left.
                let b = Arc::try_unwrap(b)
                    .map_err(|_| Error::Io(std::io::Error::other("look-up batch still shared")))?;
                current = Some((b, e?));
            }
        }
        Ok(())
    })
}

impl Store {
    /// Keeps the look-up of `corpus`, resolved from the inputs of `state`
    /// under the corpus key `key`, replacing any other (same rules as
    /// [`Store::save_result`]: one transaction, no waiting for a busy store,
    /// nothing written when the inputs changed since).
    pub fn save_lookup(&mut self, key: &str, state: &str, corpus: &Corpus) -> Result<Saved, Error> {
        self.write_unwaiting(|tx| write_lookup(tx, key, state, corpus))
    }

    /// The kept look-up when it was made for the corpus key `key`.
    pub fn lookup(&self, key: &str) -> Result<Option<Lookup<'_>>, Error> {
        let found: Option<String> =
            self.conn.query_row("SELECT key FROM lookup_meta WHERE id = 1", [], |r| r.get(0)).optional()?;
        Ok((found.as_deref() == Some(key)).then_some(Lookup { conn: &self.conn }))
    }
}

/// The body of [`Store::save_lookup`], inside its transaction.
fn write_lookup(tx: &Transaction<'_>, key: &str, state: &str, c: &Corpus) -> Result<Saved, Error> {
    if super::results::state_of(tx)? != state {
        return Ok(Saved::Stale);
    }
    clear(tx)?;
    // The index is built after the rows: one sort instead of a B-tree
    // insertion per term.
    tx.execute_batch("DROP INDEX IF EXISTS lookup_terms_term")?;
    let n = c.works.len();
    let mut authorships: Vec<Vec<(u32, &Authorship)>> = vec![Vec::new(); n];
    let mut works_of: Vec<Vec<u32>> = vec![Vec::new(); c.agents.len()];
    for (i, a) in c.authorships.iter().enumerate() {
        if let Some(v) = authorships.get_mut(a.work as usize) {
            v.push((i as u32, a));
        }
        if let Some(v) = works_of.get_mut(a.agent as usize) {
            v.push(a.work);
        }
    }
    let mut cites: Vec<Vec<(u32, &Cites)>> = vec![Vec::new(); n];
    let mut cited_by: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, e) in c.cites.iter().enumerate() {
        if let Some(v) = cites.get_mut(e.from as usize) {
            v.push((i as u32, e));
        }
        if let Some(v) = cited_by.get_mut(e.to as usize) {
            v.push(e.from);
        }
    }
    let mut conflicts: Vec<Vec<(u32, &WorkConflict)>> = vec![Vec::new(); n];
    for (i, k) in c.conflicts.iter().enumerate() {
        if let Some(v) = conflicts.get_mut(k.work as usize) {
            v.push((i as u32, k));
        }
    }
    let mut bytes = 0u64;
    {
        let mut row = tx.prepare("INSERT INTO lookup_works (idx, data, links) VALUES (?1, ?2, ?3)")?;
        let mut text = tx.prepare("INSERT INTO lookup_work_text (idx, text) VALUES (?1, ?2)")?;
        let mut term = tx.prepare("INSERT INTO lookup_terms (term, kind, idx) VALUES (?1, ?2, ?3)")?;
        // Rows are made a batch at a time (taking their lists out of the
        // tables above), encoded on the pool while the batch before is
        // inserted here.
        let work_batches = (0..n).step_by(ROWS_PER_BATCH).map(|lo| {
            let hi = (lo + ROWS_PER_BATCH).min(n);
            (lo..hi)
                .map(|i| WorkRowOut {
                    work: &c.works[i],
                    authorships: std::mem::take(&mut authorships[i]),
                    cites: std::mem::take(&mut cites[i]),
                    cited_by: {
                        let mut v = std::mem::take(&mut cited_by[i]);
                        v.dedup();
                        v
                    },
                    conflicts: std::mem::take(&mut conflicts[i]),
                })
                .collect::<Vec<_>>()
        });
        let mut i = 0i64;
        pipelined(
            work_batches,
            |batch| {
                batch
                    .par_iter()
                    .map_init(compressor, |z, r| Ok((encode(z, r)?, work_text(r.work))))
                    .collect::<Result<Vec<_>, Error>>()
            },
            |batch, encoded| {
                for (r, (data, hay)) in batch.iter().zip(encoded) {
                    bytes += data.len() as u64;
                    let mut authors: Vec<u32> = r.authorships.iter().map(|(_, a)| a.agent).collect();
                    authors.sort_unstable();
                    authors.dedup();
                    let mut near: Vec<u32> =
                        r.cites.iter().map(|(_, e)| e.to).chain(r.cited_by.iter().copied()).collect();
                    near.sort_unstable();
                    near.dedup();
                    let mut links = vec![authors.len() as u32];
                    links.extend(authors);
                    links.extend(near);
                    row.execute(params![i, data, pack(&links)])?;
                    text.execute(params![i, hay])?;
                    term.execute(params![Term::WorkId(&r.work.id).text(), KIND_WORK, i])?;
                    let mut seen = BTreeSet::new();
                    for id in &r.work.ids {
                        let t = Term::Identifier(&id.value).text();
                        if seen.insert(t.clone()) {
                            term.execute(params![t, KIND_WORK, i])?;
                        }
                    }
                    i += 1;
                }
                Ok(())
            },
        )?;
        let mut row = tx.prepare("INSERT INTO lookup_agents (idx, data, links) VALUES (?1, ?2, ?3)")?;
        let mut text = tx.prepare("INSERT INTO lookup_agent_text (idx, text) VALUES (?1, ?2)")?;
        let m = c.agents.len();
        let agent_batches = (0..m).step_by(ROWS_PER_BATCH).map(|lo| {
            let hi = (lo + ROWS_PER_BATCH).min(m);
            (lo..hi)
                .map(|i| {
                    let mut works = std::mem::take(&mut works_of[i]);
                    works.sort_unstable();
                    works.dedup();
                    AgentRowOut { agent: &c.agents[i], works }
                })
                .collect::<Vec<_>>()
        });
        let mut i = 0i64;
        pipelined(
            agent_batches,
            |batch| batch.par_iter().map_init(compressor, encode).collect::<Result<Vec<_>, Error>>(),
            |batch, encoded| {
                for (r, data) in batch.iter().zip(encoded) {
                    let a = r.agent;
                    bytes += data.len() as u64;
                    row.execute(params![i, data, pack(&r.works)])?;
                    text.execute(params![i, agent_text(a)])?;
                    let mut terms = BTreeSet::new();
                    terms.insert(Term::AgentId(&a.id).text());
                    if let Some(o) = &a.orcid {
                        terms.insert(Term::Orcid(o).text());
                    }
                    if a.kind == AgentKind::Organisation {
                        terms.insert(Term::Organisation(&norm::alnum_key(&a.name)).text());
                    }
                    terms.insert(Term::Family(&norm::family_key(&a.family)).text());
                    for v in &a.variants {
                        let p = norm::parse_person(&v.value);
                        terms.insert(Term::Family(&norm::family_key(&p.family)).text());
                    }
                    for t in terms {
                        term.execute(params![t, KIND_AGENT, i])?;
                    }
                    i += 1;
                }
                Ok(())
            },
        )?;
        // Venues are few: row 0 holds them all without their sources, so
        // works keep their venue index; row `1 + v` holds venue `v`'s
        // sources (every record that named it: most of the venues' bytes).
        let bare: Vec<Venue> = c.venues.iter().map(|v| Venue { sources: Vec::new(), ..v.clone() }).collect();
        let data = encode(&mut compressor(), &bare)?;
        bytes += data.len() as u64;
        let mut venue = tx.prepare("INSERT INTO lookup_venues (idx, data) VALUES (?1, ?2)")?;
        venue.execute(params![0i64, data])?;
        let sources: Vec<Vec<u8>> = c
            .venues
            .par_iter()
            .map_init(compressor, |z, v| encode(z, &v.sources))
            .collect::<Result<_, Error>>()?;
        for (v, data) in sources.into_iter().enumerate() {
            bytes += data.len() as u64;
            venue.execute(params![v as i64 + 1, data])?;
        }
    }
    tx.execute_batch("CREATE INDEX lookup_terms_term ON lookup_terms (term)")?;
    tx.execute("INSERT INTO lookup_meta (id, key, state) VALUES (1, ?1, ?2)", params![key, state])?;
    Ok(Saved::Written(bytes))
}

/// A kept look-up, read on demand.
pub struct Lookup<'a> {
    conn: &'a Connection,
}

/// Which venues of a [`Part`] carry their sources (every record that named
/// the venue: at 100k works reading them all takes longer than the rest of
/// a `query coauthors`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VenueSources {
    /// The venues of the part's works.
    OfTheWorks,
    /// None.
    None,
}

/// A small corpus assembled from a [`Lookup`], and where its items sit in
/// the full corpus.
pub struct Part {
    /// The works and agents asked for, every venue (with its sources as
    /// [`VenueSources`] says), and the authorships, citations and conflicts
    /// among them; nothing else (no subjects, published-in or about edges,
    /// versions, diagnostics or deduplication report).
    pub corpus: Corpus,
    /// Full-corpus index of each work of `corpus`.
    pub works: Vec<u32>,
    /// Full-corpus index of each agent of `corpus`.
    pub agents: Vec<u32>,
}

impl Lookup<'_> {
    fn with(&self, term: Term<'_>, kind: i64) -> Result<Vec<u32>, Error> {
        let mut st =
            self.conn.prepare_cached("SELECT idx FROM lookup_terms WHERE term = ?1 AND kind = ?2")?;
        let mut v: Vec<u32> = st
            .query_map(params![term.text(), kind], |r| r.get::<_, i64>(0))?
            .map(|r| r.map(|i| i as u32))
            .collect::<Result<_, _>>()?;
        v.sort_unstable();
        v.dedup();
        Ok(v)
    }

    /// Works carrying `term` (a work id or identifier), by index.
    pub fn works_with(&self, term: Term<'_>) -> Result<Vec<u32>, Error> {
        self.with(term, KIND_WORK)
    }

    /// Agents carrying `term` (an agent id, ORCID, family or organisation key).
    pub fn agents_with(&self, term: Term<'_>) -> Result<Vec<u32>, Error> {
        self.with(term, KIND_AGENT)
    }

    fn containing(&self, table: &str, words: &[String]) -> Result<Vec<u32>, Error> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let cond: Vec<String> = (1..=words.len()).map(|i| format!("instr(text, ?{i}) > 0")).collect();
        let sql = format!("SELECT idx FROM {table} WHERE {} ORDER BY idx", cond.join(" AND "));
        let mut st = self.conn.prepare(&sql)?;
        let v = st
            .query_map(rusqlite::params_from_iter(words.iter()), |r| r.get::<_, i64>(0))?
            .map(|r| r.map(|i| i as u32))
            .collect::<Result<_, _>>()?;
        Ok(v)
    }

    /// Works whose [`work_text`] holds every one of `words` (none when
    /// `words` is empty).
    pub fn works_containing(&self, words: &[String]) -> Result<Vec<u32>, Error> {
        self.containing("lookup_work_text", words)
    }

    /// Agents whose [`agent_text`] holds `text` (none when it is empty).
    pub fn agents_containing(&self, text: &str) -> Result<Vec<u32>, Error> {
        if text.is_empty() {
            return Ok(Vec::new());
        }
        self.containing("lookup_agent_text", &[text.to_string()])
    }

    /// The rows `ids` of `table` that it holds, in the order of `ids`, as
    /// stored (see [`decode_all`]).
    fn blobs(&self, table: &str, ids: &BTreeSet<u32>) -> Result<Vec<(u32, Vec<u8>)>, Error> {
        let mut st = self.conn.prepare_cached(&format!("SELECT data FROM {table} WHERE idx = ?1"))?;
        let mut blobs = Vec::with_capacity(ids.len());
        for &i in ids {
            if let Some(d) = st.query_row(params![i as i64], |r| r.get::<_, Vec<u8>>(0)).optional()? {
                blobs.push((i, d));
            }
        }
        Ok(blobs)
    }

    fn links(&self, table: &str, i: u32) -> Result<Vec<u32>, Error> {
        let mut st = self.conn.prepare_cached(&format!("SELECT links FROM {table} WHERE idx = ?1"))?;
        let data: Option<Vec<u8>> = st.query_row(params![i as i64], |r| r.get(0)).optional()?;
        Ok(data.map(|d| unpack(&d)).unwrap_or_default())
    }

    /// The works agent `i` is an author of.
    pub fn works_of(&self, i: u32) -> Result<Vec<u32>, Error> {
        self.links("lookup_agents", i)
    }

    /// The authors of work `i`.
    pub fn authors_of(&self, i: u32) -> Result<Vec<u32>, Error> {
        let links = self.links("lookup_works", i)?;
        let n = links.first().map_or(0, |&n| n as usize);
        Ok(links.get(1..=n).map(<[u32]>::to_vec).unwrap_or_default())
    }

    /// The works work `i` cites and the works citing it.
    pub fn citation_neighbours(&self, i: u32) -> Result<Vec<u32>, Error> {
        let links = self.links("lookup_works", i)?;
        let n = links.first().map_or(0, |&n| n as usize);
        Ok(links.get(n + 1..).map(<[u32]>::to_vec).unwrap_or_default())
    }

    /// Assembles the works `works` and agents `agents` (full-corpus indices)
    /// into a [`Part`]; indices the look-up does not hold are left out.
    /// Every venue is there, with its sources as `venue_sources` says.
    pub fn corpus(
        &self,
        works: &BTreeSet<u32>,
        agents: &BTreeSet<u32>,
        venue_sources: VenueSources,
    ) -> Result<Part, Error> {
        // Rows are read one after the other (the connection is one
        // thread's) and decoded side by side on the pool: at 100k works a
        // `query coauthors` decodes about 2,000 rows, and inflating and
        // decoding them is most of its time. The venues' row is decoded
        // beside them.
        let work_blobs = self.blobs("lookup_works", works)?;
        let agent_blobs = self.blobs("lookup_agents", agents)?;
        let venue_blob = self
            .conn
            .query_row("SELECT data FROM lookup_venues WHERE idx = 0", [], |r| r.get::<_, Vec<u8>>(0))
            .optional()?;
        let ((rows, agent_rows), venues) = rayon::join(
            || rayon::join(|| decode_all::<WorkRow>(work_blobs), || decode_all::<AgentRow>(agent_blobs)),
            || venue_blob.map_or(Ok(Vec::new()), |d| decode::<Vec<Venue>>(&d)),
        );
        let (rows, agent_rows, mut venues) = (rows?, agent_rows?, venues?);
        if venue_sources == VenueSources::OfTheWorks {
            // Venue `v`'s sources are in row `1 + v`.
            let wanted: BTreeSet<u32> =
                rows.iter().filter_map(|(_, r)| r.work.venue.and_then(|v| v.checked_add(1))).collect();
            for (v, sources) in
                decode_all::<Vec<crate::model::Provenance>>(self.blobs("lookup_venues", &wanted)?)?
            {
                if let Some(venue) = venues.get_mut(v as usize - 1) {
                    venue.sources = sources;
                }
            }
        }
        let work_at: BTreeMap<u32, u32> = rows.iter().enumerate().map(|(k, (i, _))| (*i, k as u32)).collect();
        let mut agent_list = Vec::with_capacity(agents.len());
        let mut agent_at = BTreeMap::new();
        let mut agent_idx = Vec::with_capacity(agents.len());
        for (i, r) in agent_rows {
            agent_at.insert(i, agent_list.len() as u32);
            agent_list.push(r.agent);
            agent_idx.push(i);
        }
        let mut authorships = Vec::new();
        let mut cites = Vec::new();
        let mut conflicts = Vec::new();
        let mut work_list = Vec::with_capacity(rows.len());
        let mut work_idx = Vec::with_capacity(rows.len());
        for (i, r) in rows {
            let at = work_at[&i];
            let w = r.work;
            for (seq, mut a) in r.authorships {
                if let Some(&ag) = agent_at.get(&a.agent) {
                    a.work = at;
                    a.agent = ag;
                    authorships.push((seq, a));
                }
            }
            for (seq, mut e) in r.cites {
                if let Some(&to) = work_at.get(&e.to) {
                    e.from = at;
                    e.to = to;
                    cites.push((seq, e));
                }
            }
            for (seq, mut k) in r.conflicts {
                k.work = at;
                conflicts.push((seq, k));
            }
            work_list.push(w);
            work_idx.push(i);
        }
        authorships.sort_by_key(|(seq, _)| *seq);
        cites.sort_by_key(|(seq, _)| *seq);
        conflicts.sort_by_key(|(seq, _)| *seq);
        let corpus = Corpus {
            works: work_list,
            agents: agent_list,
            venues,
            authorships: authorships.into_iter().map(|(_, a)| a).collect(),
            cites: cites.into_iter().map(|(_, e)| e).collect(),
            conflicts: conflicts.into_iter().map(|(_, k)| k).collect(),
            ..Corpus::default()
        };
        Ok(Part { corpus, works: work_idx, agents: agent_idx })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every batch is written once, in order, with its own encoding; the
    /// first error of either side ends the walk and is what it returns.
    #[test]
    fn pipelined_writes_each_batch_in_order_with_its_encoding() {
        let fail = |at: usize| Error::Io(std::io::Error::other(format!("failed at {at}")));
        let mut seen = Vec::new();
        pipelined(
            (0..7usize).map(|b| vec![b; b + 1]),
            |batch| Ok(batch.iter().sum::<usize>()),
            |batch, sum| {
                seen.push((batch[0], sum));
                Ok(())
            },
        )
        .expect("no error");
        assert_eq!(seen, (0..7).map(|b| (b, b * (b + 1))).collect::<Vec<_>>());
        let mut written = Vec::new();
        let err = pipelined(
            0..7usize,
            |&b| if b == 4 { Err(fail(b)) } else { Ok(b) },
            |b, _| {
                written.push(b);
                Ok(())
            },
        )
        .expect_err("the encoding of batch 4 fails");
        assert_eq!((written, err.to_string().contains("failed at 4")), (vec![0, 1, 2, 3], true));
        let mut written = Vec::new();
        let err = pipelined(
            0..7usize,
            |&b| Ok(b),
            |b, _| {
                written.push(b);
                if b == 2 {
                    Err(fail(b))
                } else {
                    Ok(())
                }
            },
        )
        .expect_err("the write of batch 2 fails");
        assert_eq!((written, err.to_string().contains("failed at 2")), (vec![0, 1, 2], true));
        assert!(pipelined(std::iter::empty::<usize>(), |&b| Ok(b), |_, _| Err(fail(0))).is_ok());
    }

    /// A look-up kept before rows carried their links is dropped (rows
    /// and key) and its tables made again with the `links` column.
    #[test]
    fn a_lookup_without_links_is_dropped_and_made_again() {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(
            "CREATE TABLE lookup_meta (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL, state TEXT NOT NULL);
             CREATE TABLE lookup_works (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);
             CREATE TABLE lookup_agents (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);
             INSERT INTO lookup_meta VALUES (1, 'k', 's');
             INSERT INTO lookup_works VALUES (0, x'00');",
        )
        .expect("old tables");
        drop_outdated(&conn).expect("drop");
        conn.execute_batch(SCHEMA).expect("create");
        let meta: i64 = conn.query_row("SELECT count(*) FROM lookup_meta", [], |r| r.get(0)).expect("meta");
        let rows: i64 = conn.query_row("SELECT count(*) FROM lookup_works", [], |r| r.get(0)).expect("rows");
        assert_eq!((meta, rows), (0, 0));
        assert!(conn.prepare("SELECT links FROM lookup_works").is_ok());
        assert!(conn.prepare("SELECT links FROM lookup_agents").is_ok());
        // A current look-up is left as it is.
        conn.execute("INSERT INTO lookup_meta VALUES (1, 'k', 's')", []).expect("meta");
        drop_outdated(&conn).expect("drop again");
        conn.execute_batch(SCHEMA).expect("create again");
        let meta: i64 = conn.query_row("SELECT count(*) FROM lookup_meta", [], |r| r.get(0)).expect("meta");
        assert_eq!(meta, 1);
    }
}
