//! The project's embedded store: one SQLite file (rusqlite, bundled SQLite)
//! holding every input's raw bytes (zlib-compressed in chunks of
//! [`RAW_CHUNK_BYTES`], so an input of any size streams in through a
//! [`RawSpool`] without being held in memory; a chunk is compressed on a
//! thread of its own while reading goes on), its content hash, the
//! format it was read as, the records read from it (zlib-compressed JSON,
//! [`pack_record`]) and its diagnostics, and user tags on works.
//!
//! Resolution is computed from the stored records, so adding an input (a
//! file, or an API response: its label is the request URL and its raw bytes
//! the response body) never needs a migration of resolved data, and every
//! fact can be traced to the raw text it came from. What resolution and
//! analysis computed is kept beside the records ([`results`]) under a
//! fingerprint of the inputs and settings, so later commands on an unchanged
//! store read it instead of recomputing.
//!
//! **Invariants:** an input is identified by the SHA-256 of its bytes, so
//! ingesting the same content twice changes nothing; every change happens in
//! one transaction, so a failed ingest leaves the store as it was.

mod keys;
pub mod lookup;
mod responses;
mod results;

pub use responses::{Body, Response};
pub use results::{Fingerprint, Packing, Saved, KEEP_PER_KIND, PLAIN_MARK};

use crate::model::{Diagnostic, Parsed, Record};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// The schema version this build writes and reads. Version 1 (raw bytes in
/// one blob per input) and version 2 (records as JSON text, which this build
/// still reads beside the packed ones of [`pack_record`]) are upgraded in
/// place when opened.
pub const SCHEMA_VERSION: i64 = 3;

/// Raw bytes per stored chunk (each chunk is its own zlib stream).
pub const RAW_CHUNK_BYTES: usize = 8 << 20;

/// What reading one stored input counted and reported (see
/// [`Batch::set_read_counts`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadCounts {
    /// Records the reader met, dropped ones included.
    pub seen: u64,
    /// References (citations) the kept records carry.
    pub references: u64,
    /// The reader's diagnostics, in order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes the rows of `sql` (one JSON column) run with `args`.
fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<T>, Error> {
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let json: String = r.get(0)?;
        out.push(serde_json::from_str(&json)?);
    }
    Ok(out)
}

/// A record as the store keeps it (version 3): its JSON text compressed
/// with zlib at the fast level. A record's JSON repeats its provenance in
/// every citation and the names of its fields: at 100k OpenAlex works it
/// took 752 MB as text, 7.5 KB a record and more than the input itself, and
/// takes 172 MB packed. Snappy was three times as fast but left records
/// with abstracts nearly twice as big (RIS: a store of 900 MB instead of
/// 524 MB); zlib's cost was mostly clearing its tables for each record, so
/// a worker keeps one compressor ([`Packer`]) and resets it (measured in
/// the CHANGELOG, session 29). Less to write, to log and to commit; reading
/// it back costs an inflate before the JSON decoding.
pub fn pack_record(r: &Record) -> Result<Vec<u8>, Error> {
    Packer::new().pack(r)
}

/// A zlib compressor kept for many records ([`pack_record`]).
pub struct Packer(flate2::Compress);

impl Default for Packer {
    fn default() -> Self {
        Self::new()
    }
}

impl Packer {
    /// A compressor at zlib's fast level.
    pub fn new() -> Packer {
        Packer(flate2::Compress::new(flate2::Compression::fast(), true))
    }

    /// `r` packed as [`pack_record`] packs it.
    pub fn pack(&mut self, r: &Record) -> Result<Vec<u8>, Error> {
        let json = serde_json::to_vec(r)?;
        self.0.reset();
        let mut out = Vec::with_capacity(json.len() / 3 + 64);
        loop {
            let before = self.0.total_in();
            let status = self
                .0
                .compress_vec(&json[before as usize..], &mut out, flate2::FlushCompress::Finish)
                .map_err(|e| Error::Io(std::io::Error::other(e)))?;
            if status == flate2::Status::StreamEnd {
                return Ok(out);
            }
            out.reserve(out.capacity().max(1024));
        }
    }
}

/// The JSON of a record [`pack_record`] packed; at most `limit` bytes (a
/// corrupt store must not make citemap ask for gigabytes).
fn unpack_record(packed: &[u8], limit: u64) -> Result<Vec<u8>, Error> {
    let mut json = Vec::with_capacity(packed.len().saturating_mul(4));
    flate2::read::ZlibDecoder::new(packed).take(limit.saturating_add(1)).read_to_end(&mut json)?;
    if json.len() as u64 > limit {
        return Err(Error::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a stored record expands beyond {limit} bytes"),
        )));
    }
    Ok(json)
}

/// Most bytes a stored record's JSON may take when read back: records are
/// cut at 16 MiB of text when read (`ingest.max_record_bytes`), and JSON
/// escapes can at most double that, with room to spare.
const MAX_RECORD_JSON: u64 = 256 << 20;

/// A stored record's column as read: JSON text (schema versions before 3)
/// or the compressed JSON of [`pack_record`].
enum StoredRecord {
    Text(Vec<u8>),
    Packed(Vec<u8>),
}

impl StoredRecord {
    /// The value of column `i` of `row`.
    fn of(row: &rusqlite::Row<'_>, i: usize) -> Result<StoredRecord, Error> {
        use rusqlite::types::ValueRef;
        match row.get_ref(i)? {
            ValueRef::Text(t) => Ok(StoredRecord::Text(t.to_vec())),
            ValueRef::Blob(b) => Ok(StoredRecord::Packed(b.to_vec())),
            other => Err(Error::Sqlite(rusqlite::Error::InvalidColumnType(
                i,
                "json".to_string(),
                other.data_type(),
            ))),
        }
    }

    /// The record.
    fn decode(&self) -> Result<Record, Error> {
        match self {
            StoredRecord::Text(t) => Ok(serde_json::from_slice(t)?),
            StoredRecord::Packed(b) => Ok(serde_json::from_slice(&unpack_record(b, MAX_RECORD_JSON)?)?),
        }
    }
}

/// The records that `sql` selects (one column: a record as stored), in order.
fn record_rows(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Record>, Error> {
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(StoredRecord::of(r, 0)?.decode()?);
    }
    Ok(out)
}

fn read_counts(conn: &Connection, id: i64) -> Result<Option<ReadCounts>, Error> {
    let counts: Option<(i64, i64)> = conn
        .query_row("SELECT seen, refs FROM input_counts WHERE input_id = ?1", params![id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((seen, refs)) = counts else { return Ok(None) };
    let diagnostics =
        json_rows(conn, "SELECT json FROM diagnostics WHERE input_id = ?1 ORDER BY seq", params![id])?;
    Ok(Some(ReadCounts { seen: seen.max(0) as u64, references: refs.max(0) as u64, diagnostics }))
}

/// Stored records read before they are decoded together (see
/// [`Store::records`]).
const RECORDS_PER_WINDOW: usize = 2048;

/// What went wrong with the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite reported an error.
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored record could not be decoded.
    #[error("store: corrupt record: {0}")]
    Json(#[from] serde_json::Error),
    /// Compressing or decompressing raw bytes failed.
    #[error("store: {0}")]
    Io(#[from] std::io::Error),
    /// Another process held the store's write lock for the whole busy timeout.
    #[error("store: another citemap kept the store busy for {waited} s (store.busy_timeout_secs)")]
    Busy {
        /// Seconds waited.
        waited: u64,
    },
    /// The file was written by another schema version.
    #[error("store schema version {found} is not supported (this build reads {expected})")]
    Version {
        /// Version in the file.
        found: i64,
        /// Version this build reads.
        expected: i64,
    },
}

/// One stored input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Input {
    /// Row id.
    pub id: i64,
    /// Label (path as given when first ingested).
    pub label: String,
    /// SHA-256 of the raw bytes, hex.
    pub sha256: String,
    /// Size of the raw bytes.
    pub bytes: u64,
    /// Format it was read as (`None`: unknown kind).
    pub format: Option<String>,
    /// Number of records read from it.
    pub records: u64,
}

/// The outcome of adding one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Stored as a new input with this id.
    New(i64),
    /// The same bytes were stored before (under the input with this label).
    AlreadyStored {
        /// Its row id.
        id: i64,
        /// The label it was stored under.
        label: String,
    },
}

/// Selects the columns [`input_row`] reads, from `inputs i`.
const INPUT_SELECT: &str = "SELECT i.id, i.label, i.sha256, i.bytes, i.format,
        (SELECT COUNT(*) FROM records r WHERE r.input_id = i.id)
     FROM inputs i";

/// One row of [`INPUT_SELECT`].
fn input_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Input> {
    Ok(Input {
        id: r.get(0)?,
        label: r.get(1)?,
        sha256: r.get(2)?,
        bytes: r.get::<_, i64>(3)? as u64,
        format: r.get(4)?,
        records: r.get::<_, i64>(5)? as u64,
    })
}

/// An open store.
pub struct Store {
    conn: Connection,
    busy_timeout: Duration,
}

/// How long a command waits, by default, for another one that holds the
/// store's write lock (ten minutes: an ingest of a big export takes that).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(600);

/// Disk an input takes while it is ingested, per byte of its text: the
/// store grows by its packed records and compressed raw bytes, and SQLite's
/// write-ahead log holds about as much again until the commit (pages the
/// transaction wrote more than once are logged more than once). The store
/// plus its log at their largest, on the 100k generated corpus: 1.8 times
/// the text of OpenAlex JSON Lines, 2.5 times RIS, 3.8 times Web of Science
/// plain text (whose records hold more than its compact lines). Rounded up
/// from the largest, so that a file the check lets through fits.
pub const DISK_PER_INPUT_BYTE: f64 = 4.0;

/// Disk an ingest of `text_bytes` bytes of input text needs beside the
/// store, by [`DISK_PER_INPUT_BYTE`], plus `keep_free` bytes left free.
pub fn disk_needed(text_bytes: u64, keep_free: u64) -> u64 {
    ((text_bytes as f64 * DISK_PER_INPUT_BYTE).ceil() as u64).saturating_add(keep_free)
}

/// Bytes an unprivileged writer can still put on the file system that
/// holds the store at `path` (its folder; the working directory for a bare
/// file name), or `None` where the system does not say.
pub fn free_space(path: &Path) -> Option<u64> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let s = rustix::fs::statvfs(folder).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `digest` (as written for SHA-256 in the store).
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tables and indexes of the store outside its modules.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE IF NOT EXISTS inputs (
         id INTEGER PRIMARY KEY,
         label TEXT NOT NULL,
         sha256 TEXT NOT NULL UNIQUE,
         bytes INTEGER NOT NULL,
         format TEXT,
         raw BLOB NOT NULL);
     CREATE TABLE IF NOT EXISTS records (
         input_id INTEGER NOT NULL REFERENCES inputs(id),
         seq INTEGER NOT NULL,
         json TEXT NOT NULL,
         PRIMARY KEY (input_id, seq));
     CREATE TABLE IF NOT EXISTS diagnostics (
         input_id INTEGER NOT NULL REFERENCES inputs(id),
         seq INTEGER NOT NULL,
         json TEXT NOT NULL,
         PRIMARY KEY (input_id, seq));
     CREATE TABLE IF NOT EXISTS tags (
         tag TEXT NOT NULL,
         work TEXT NOT NULL,
         PRIMARY KEY (tag, work));
     CREATE TABLE IF NOT EXISTS raw_chunks (
         input_id INTEGER NOT NULL REFERENCES inputs(id),
         seq INTEGER NOT NULL,
         data BLOB NOT NULL,
         PRIMARY KEY (input_id, seq));
     CREATE TABLE IF NOT EXISTS input_counts (
         input_id INTEGER PRIMARY KEY REFERENCES inputs(id),
         seen INTEGER NOT NULL,
         refs INTEGER NOT NULL);";

/// Every schema text of the store, the modules' included.
const SCHEMAS: [&str; 5] = [SCHEMA, responses::SCHEMA, results::SCHEMA, keys::SCHEMA, lookup::SCHEMA];

/// The names a schema text creates (`... IF NOT EXISTS name ...`).
fn created_names(schema: &str) -> impl Iterator<Item = &str> {
    schema.split("IF NOT EXISTS").skip(1).filter_map(|rest| rest.split_whitespace().next())
}

/// True when the store has every table and index of this build, at this
/// schema version: opening it then writes nothing (and takes no lock).
fn schema_ready(conn: &Connection) -> Result<bool, Error> {
    let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")?;
    let names: std::collections::HashSet<String> =
        st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    if !SCHEMAS.iter().flat_map(|s| created_names(s)).all(|n| names.contains(n)) {
        return Ok(false);
    }
    Ok(schema_version(conn)? == Some(SCHEMA_VERSION.to_string()) && lookup::current(conn))
}

/// The schema version the store says it has (none for a new file).
fn schema_version(conn: &Connection) -> Result<Option<String>, Error> {
    let has_meta: bool = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).optional()?)
}

/// Creates what the store lacks and upgrades a version-1 store, inside the
/// caller's transaction (which holds the write lock).
fn set_up(conn: &Connection) -> Result<(), Error> {
    let found = schema_version(conn)?.map(|v| v.parse().unwrap_or(-1));
    if let Some(found) = found.filter(|&f| !(1..=SCHEMA_VERSION).contains(&f)) {
        return Err(Error::Version { found, expected: SCHEMA_VERSION });
    }
    lookup::drop_outdated(conn)?;
    for schema in SCHEMAS {
        conn.execute_batch(schema)?;
    }
    match found {
        None => {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)",
                params![SCHEMA_VERSION.to_string()],
            )?;
        }
        // Version 1 kept each input's raw bytes as one zlib blob in
        // `inputs.raw`: that blob becomes chunk 0. Version 2 kept records as
        // JSON text, which is read as it is (new ones are packed).
        Some(1) => conn.execute_batch(
            "INSERT OR IGNORE INTO raw_chunks (input_id, seq, data)
                 SELECT id, 0, raw FROM inputs WHERE length(raw) > 0;
             UPDATE inputs SET raw = x'';
             UPDATE meta SET value = '3' WHERE key = 'schema_version';",
        )?,
        Some(2) => {
            conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'", [])?;
        }
        Some(_) => {}
    }
    Ok(())
}

/// Takes the write lock in a new transaction (`BEGIN IMMEDIATE`). When
/// another process holds it, calls `on_wait` once and then waits up to
/// `timeout` for it. The first attempt does not wait at all, so every wait
/// is announced: no other writer can slip in between a look at the lock
/// and the transaction.
fn begin_immediate<'c>(
    conn: &'c Connection,
    timeout: Duration,
    on_wait: &mut dyn FnMut(),
) -> Result<Transaction<'c>, Error> {
    use rusqlite::TransactionBehavior::Immediate;
    let busy = |e: &rusqlite::Error| matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy);
    conn.busy_timeout(Duration::ZERO)?;
    // `new_unchecked` (a shared borrow): the caller holds the connection
    // alone (`&mut Store`, or the connection being opened).
    let first = Transaction::new_unchecked(conn, Immediate);
    conn.busy_timeout(timeout)?;
    match first {
        Ok(tx) => Ok(tx),
        Err(e) if busy(&e) => {
            on_wait();
            Transaction::new_unchecked(conn, Immediate).map_err(|e| {
                if busy(&e) {
                    Error::Busy { waited: timeout.as_secs() }
                } else {
                    e.into()
                }
            })
        }
        Err(e) => Err(e.into()),
    }
}

impl Store {
    /// Opens (creating when absent) the store at `path`, waiting up to
    /// [`DEFAULT_BUSY_TIMEOUT`] when another process holds its lock.
    pub fn open(path: &Path) -> Result<Store, Error> {
        Self::open_waiting(path, DEFAULT_BUSY_TIMEOUT, &mut || {})
    }

    /// [`Store::open`] with a busy timeout of `timeout`, calling `on_wait`
    /// once before it waits for another process's write lock.
    ///
    /// Opening writes only when the file lacks a table of this build (a new
    /// store, or one from an earlier build): the tables are then created in
    /// one transaction that takes the write lock at once, so a citemap that
    /// opens a store while another is still creating it waits its turn, and
    /// says so, instead of waiting silently in the middle of the creation.
    pub fn open_waiting(path: &Path, timeout: Duration, on_wait: &mut dyn FnMut()) -> Result<Store, Error> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(timeout)?;
        Self::init(conn, timeout, on_wait)
    }

    /// Sets how long a statement or [`Store::batch_waiting`] waits for
    /// another process's lock before failing with "database is locked".
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<(), Error> {
        self.conn.busy_timeout(timeout)?;
        self.busy_timeout = timeout;
        Ok(())
    }

    /// An in-memory store (tests, one-shot runs).
    pub fn in_memory() -> Result<Store, Error> {
        Self::init(Connection::open_in_memory()?, DEFAULT_BUSY_TIMEOUT, &mut || {})
    }

    fn init(conn: Connection, timeout: Duration, on_wait: &mut dyn FnMut()) -> Result<Store, Error> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if !schema_ready(&conn)? {
            let tx = begin_immediate(&conn, timeout, on_wait)?;
            set_up(&tx)?;
            tx.commit()?;
        }
        Ok(Store { conn, busy_timeout: timeout })
    }

    /// Starts a transaction: everything added through it is kept only when
    /// [`Batch::commit`] is called. Waits its turn when another process is
    /// writing (see [`Store::batch_waiting`]).
    pub fn batch(&mut self) -> Result<Batch<'_>, Error> {
        self.batch_waiting(&mut || {})
    }

    /// [`Store::batch`], calling `on_wait` once when another process holds
    /// the write lock, before waiting (up to the busy timeout) for it.
    ///
    /// The transaction takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers go in turns instead of the second failing half-way when
    /// it first writes; readers never wait (WAL).
    pub fn batch_waiting(&mut self, on_wait: &mut dyn FnMut()) -> Result<Batch<'_>, Error> {
        let tx = begin_immediate(&self.conn, self.busy_timeout, on_wait)?;
        Ok(Batch { tx, key_index_dropped: false })
    }

    /// Every stored input, in the order it was added.
    pub fn inputs(&self) -> Result<Vec<Input>, Error> {
        let mut st = self.conn.prepare(&format!("{INPUT_SELECT} ORDER BY i.id"))?;
        let rows = st.query_map([], input_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every stored record, by input then position.
    ///
    /// Rows are read [`RECORDS_PER_WINDOW`] at a time and each window is
    /// decoded on the pool (the JSON decoding is most of the time: at 100k
    /// records it took 3.8 s on one thread).
    pub fn records(&self) -> Result<Vec<Record>, Error> {
        use rayon::prelude::*;
        let mut st = self.conn.prepare("SELECT json FROM records ORDER BY input_id, seq")?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        let mut window: Vec<StoredRecord> = Vec::with_capacity(RECORDS_PER_WINDOW);
        let decode = |window: &mut Vec<StoredRecord>, out: &mut Vec<Record>| -> Result<(), Error> {
            let decoded: Vec<Record> =
                window.par_iter().map(StoredRecord::decode).collect::<Result<_, _>>()?;
            out.extend(decoded);
            window.clear();
            Ok(())
        };
        while let Some(r) = rows.next()? {
            window.push(StoredRecord::of(r, 0)?);
            if window.len() == RECORDS_PER_WINDOW {
                decode(&mut window, &mut out)?;
            }
        }
        decode(&mut window, &mut out)?;
        Ok(out)
    }

    /// Every stored diagnostic, by input then position.
    pub fn diagnostics(&self) -> Result<Vec<Diagnostic>, Error> {
        json_rows(&self.conn, "SELECT json FROM diagnostics ORDER BY input_id, seq", [])
    }

    /// The raw bytes of the input with `label` (the first one stored under it).
    pub fn raw(&self, label: &str) -> Result<Option<Vec<u8>>, Error> {
        let id: Option<i64> = self
            .conn
            .query_row("SELECT id FROM inputs WHERE label = ?1 ORDER BY id LIMIT 1", params![label], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        let mut st = self.conn.prepare("SELECT data FROM raw_chunks WHERE input_id = ?1 ORDER BY seq")?;
        let mut rows = st.query(params![id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let blob: Vec<u8> = r.get(0)?;
            flate2::read::ZlibDecoder::new(&blob[..]).read_to_end(&mut out)?;
        }
        Ok(Some(out))
    }

    /// Work ids carrying `tag`, sorted.
    pub fn tagged(&self, tag: &str) -> Result<Vec<String>, Error> {
        let mut st = self.conn.prepare("SELECT work FROM tags WHERE tag = ?1 ORDER BY work")?;
        let rows = st.query_map(params![tag], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A set of changes made in one transaction.
pub struct Batch<'a> {
    tx: Transaction<'a>,
    /// The index of blocking keys by key was dropped for this batch's bulk
    /// load (see [`Batch::spool`]); [`Batch::commit`] builds it again.
    key_index_dropped: bool,
}

impl Batch<'_> {
    /// Adds one input with its records and diagnostics, unless the same bytes
    /// are already stored.
    pub fn add_input(
        &mut self,
        label: &str,
        raw: &[u8],
        format: Option<&str>,
        parsed: &Parsed,
    ) -> Result<Added, Error> {
        let mut spool = self.spool()?;
        spool.write(raw)?;
        for r in &parsed.records {
            spool.add_record(r)?;
        }
        Ok(spool.finish(label, format, &parsed.diagnostics)?.0)
    }

    /// Keeps what reading input `id` counted beside its records: the
    /// records the reader met (`seen`, dropped ones included) and the
    /// references the kept records carry, so a later `map` of the same
    /// file can report it without reading it again ([`Batch::read_counts`]).
    pub fn set_read_counts(&mut self, id: i64, seen: u64, references: u64) -> Result<(), Error> {
        self.tx.execute(
            "INSERT OR REPLACE INTO input_counts (input_id, seen, refs) VALUES (?1, ?2, ?3)",
            params![id, seen as i64, references as i64],
        )?;
        Ok(())
    }

    /// What reading input `id` counted and reported (see
    /// [`Batch::set_read_counts`]); `None` for an input stored without its
    /// counts (by an earlier build, or an API answer).
    pub fn read_counts(&self, id: i64) -> Result<Option<ReadCounts>, Error> {
        read_counts(&self.tx, id)
    }

    /// The stored input whose bytes have this hex SHA-256, if any.
    pub fn input_by_sha(&self, sha256: &str) -> Result<Option<Input>, Error> {
        Ok(self
            .tx
            .query_row(&format!("{INPUT_SELECT} WHERE i.sha256 = ?1"), params![sha256], input_row)
            .optional()?)
    }

    /// Starts storing one input whose bytes and records arrive in pieces: feed
    /// them to [`RawSpool::write`] and [`RawSpool::add_record`] as they are
    /// read, then call [`RawSpool::finish`] (or [`RawSpool::abandon`]). Only
    /// one chunk of raw bytes is held in memory at a time.
    ///
    /// Into a store without blocking keys yet (a first ingest or `map`),
    /// the index of keys by key is dropped and built once at
    /// [`Batch::commit`]: one sort of every key instead of an index insert
    /// per key at a random place (at 100k records about half a million).
    /// A batch dropped without a commit rolls back to the index as it was.
    pub fn spool(&mut self) -> Result<RawSpool<'_>, Error> {
        if !self.key_index_dropped && keys::none(&self.tx)? {
            keys::drop_index(&self.tx)?;
            self.key_index_dropped = true;
        }
        self.tx.execute(
            "INSERT INTO inputs (label, sha256, bytes, format, raw)
             VALUES ('', 'pending:' || (SELECT COALESCE(MAX(id), 0) + 1 FROM inputs), 0, NULL, x'')",
            [],
        )?;
        let id = self.tx.last_insert_rowid();
        Ok(RawSpool {
            tx: &self.tx,
            id,
            hash: Sha256::new(),
            bytes: 0,
            buf: Vec::new(),
            seq: 0,
            packing: std::collections::VecDeque::new(),
            records: 0,
            keyed: KeyedSoFar::Empty,
        })
    }

    /// Tags works (by stable id) with `tag`; returns how many were new.
    pub fn tag(&mut self, tag: &str, works: &[String]) -> Result<usize, Error> {
        let mut n = 0;
        for w in works {
            n +=
                self.tx.execute("INSERT OR IGNORE INTO tags (tag, work) VALUES (?1, ?2)", params![tag, w])?;
        }
        Ok(n)
    }

    /// Keeps every change of this batch.
    pub fn commit(self) -> Result<(), Error> {
        if self.key_index_dropped {
            keys::create_index(&self.tx)?;
        }
        Ok(self.tx.commit()?)
    }
}

/// One input being stored as its bytes arrive (see [`Batch::spool`]).
pub struct RawSpool<'a> {
    tx: &'a Transaction<'a>,
    id: i64,
    hash: Sha256,
    bytes: u64,
    buf: Vec<u8>,
    seq: i64,
    /// Chunks being compressed, oldest first: `(seq, helper)`.
    packing: std::collections::VecDeque<(i64, Compressing)>,
    records: i64,
    keyed: KeyedSoFar,
}

/// A raw chunk being compressed on a thread of its own, or compressed
/// already (when no thread could be had).
enum Compressing {
    /// On its thread.
    Helper(std::thread::JoinHandle<std::io::Result<Vec<u8>>>),
    /// Done here.
    Done(Vec<u8>),
}

/// A raw chunk as stored: one zlib stream.
fn compress_chunk(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(bytes)?;
    z.finish()
}

/// Raw chunks compressed at a time beside the reading, at most: each is
/// [`RAW_CHUNK_BYTES`] in memory until it is stored.
const CHUNKS_IN_FLIGHT: usize = 2;

/// Whether every record spooled so far came with its blocking keys.
#[derive(Clone, Debug, PartialEq, Eq)]
enum KeyedSoFar {
    /// No record yet.
    Empty,
    /// Every record, keys of this version.
    All(String),
    /// At least one record without keys (or keys of two versions).
    Not,
}

impl RawSpool<'_> {
    /// Adds the next bytes of the input.
    pub fn write(&mut self, mut data: &[u8]) -> Result<(), Error> {
        self.hash.update(data);
        self.bytes += data.len() as u64;
        while !data.is_empty() {
            let room = RAW_CHUNK_BYTES - self.buf.len();
            let (now, later) = data.split_at(room.min(data.len()));
            self.buf.extend_from_slice(now);
            data = later;
            if self.buf.len() == RAW_CHUNK_BYTES {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Adds the next record read from the input.
    pub fn add_record(&mut self, r: &Record) -> Result<(), Error> {
        self.add_packed(&pack_record(r)?)
    }

    /// Adds the next record as [`pack_record`] made it.
    fn add_packed(&mut self, packed: &[u8]) -> Result<(), Error> {
        let mut st =
            self.tx.prepare_cached("INSERT INTO records (input_id, seq, json) VALUES (?1, ?2, ?3)")?;
        st.execute(params![self.id, self.records, packed])?;
        self.records += 1;
        self.keyed = KeyedSoFar::Not;
        Ok(())
    }

    /// Adds each of `records` with its blocking keys (`keys[i]` for
    /// `records[i]`, made by the key function of `version`), in order. The
    /// records are packed ([`pack_record`]) on the pool and stored one after
    /// the other: what is stored is what adding them one by one stores.
    pub fn add_records_keyed(
        &mut self,
        records: &[Record],
        keys: &[Vec<String>],
        version: &str,
    ) -> Result<(), Error> {
        use rayon::prelude::*;
        let packed: Vec<Result<Vec<u8>, Error>> =
            records.par_iter().map_init(Packer::new, |z, r| z.pack(r)).collect();
        for (packed, keys) in packed.into_iter().zip(keys) {
            self.add_packed_keyed(&packed?, keys, version)?;
        }
        Ok(())
    }

    /// Adds the next record, packed, with its blocking keys (of `version`),
    /// kept in the same transaction so an incremental ingest can find the
    /// stored records a new one has to be resolved with.
    fn add_packed_keyed(&mut self, packed: &[u8], keys: &[String], version: &str) -> Result<(), Error> {
        let seq = self.records;
        let keyed = std::mem::replace(&mut self.keyed, KeyedSoFar::Not);
        self.add_packed(packed)?;
        keys::insert(self.tx, self.id, seq, keys)?;
        self.keyed = match keyed {
            KeyedSoFar::Empty => KeyedSoFar::All(version.to_string()),
            KeyedSoFar::All(v) if v == version => KeyedSoFar::All(v),
            _ => KeyedSoFar::Not,
        };
        Ok(())
    }

    /// Records added so far.
    pub fn records(&self) -> u64 {
        self.records as u64
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.bytes
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.bytes == 0
    }

    /// Hands the chunk held to a thread that compresses it (so the input
    /// goes on being read meanwhile), storing the oldest compressed chunks
    /// while more than [`CHUNKS_IN_FLIGHT`] are under way.
    fn flush(&mut self) -> Result<(), Error> {
        if self.buf.is_empty() {
            return Ok(());
        }
        // A full chunk is likely followed by another: room for it at once.
        let next =
            if self.buf.len() == RAW_CHUNK_BYTES { Vec::with_capacity(RAW_CHUNK_BYTES) } else { Vec::new() };
        let chunk = std::sync::Arc::new(std::mem::replace(&mut self.buf, next));
        let theirs = std::sync::Arc::clone(&chunk);
        let spawned = std::thread::Builder::new()
            .name("compress raw bytes".into())
            .spawn(move || compress_chunk(&theirs));
        let packing = match spawned {
            Ok(helper) => Compressing::Helper(helper),
            // No thread to be had (the failed spawn let go of its copy).
            Err(_) => Compressing::Done(compress_chunk(&chunk)?),
        };
        self.packing.push_back((self.seq, packing));
        self.seq += 1;
        while self.packing.len() > CHUNKS_IN_FLIGHT {
            self.store_oldest()?;
        }
        Ok(())
    }

    /// Waits for the oldest chunk being compressed and stores it.
    fn store_oldest(&mut self) -> Result<(), Error> {
        let Some((seq, packing)) = self.packing.pop_front() else { return Ok(()) };
        let compressed = match packing {
            Compressing::Helper(helper) => helper
                .join()
                .map_err(|_| Error::Io(std::io::Error::other("compressing the raw bytes failed")))??,
            Compressing::Done(bytes) => bytes,
        };
        self.tx.execute(
            "INSERT INTO raw_chunks (input_id, seq, data) VALUES (?1, ?2, ?3)",
            params![self.id, seq, compressed],
        )?;
        Ok(())
    }

    /// Every chunk held or being compressed, stored.
    fn store_all(&mut self) -> Result<(), Error> {
        self.flush()?;
        while !self.packing.is_empty() {
            self.store_oldest()?;
        }
        Ok(())
    }

    /// Removes what was spooled (the input is not kept).
    pub fn abandon(mut self) -> Result<(), Error> {
        // Chunks still being compressed are waited for, not stored.
        for (_, packing) in std::mem::take(&mut self.packing) {
            if let Compressing::Helper(helper) = packing {
                let _ = helper.join();
            }
        }
        self.tx.execute("DELETE FROM raw_chunks WHERE input_id = ?1", params![self.id])?;
        self.tx.execute("DELETE FROM records WHERE input_id = ?1", params![self.id])?;
        keys::remove(self.tx, self.id)?;
        self.tx.execute("DELETE FROM inputs WHERE id = ?1", params![self.id])?;
        Ok(())
    }

    /// Stores the input under `label` with its records and `diagnostics`,
    /// unless the same bytes are already stored (then what was spooled is
    /// removed). Returns the outcome and the hex SHA-256 of the bytes.
    pub fn finish(
        mut self,
        label: &str,
        format: Option<&str>,
        diagnostics: &[Diagnostic],
    ) -> Result<(Added, String), Error> {
        let sha = hex(&std::mem::take(&mut self.hash).finalize());
        let existing: Option<(i64, String)> = self
            .tx
            .query_row("SELECT id, label FROM inputs WHERE sha256 = ?1", params![sha], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        if let Some((id, label)) = existing {
            self.abandon()?;
            return Ok((Added::AlreadyStored { id, label }, sha));
        }
        self.store_all()?;
        let id = self.id;
        self.tx.execute(
            "UPDATE inputs SET label = ?2, sha256 = ?3, bytes = ?4, format = ?5 WHERE id = ?1",
            params![id, label, sha, self.bytes as i64, format],
        )?;
        let mut st = self.tx.prepare("INSERT INTO diagnostics (input_id, seq, json) VALUES (?1, ?2, ?3)")?;
        for (i, d) in diagnostics.iter().enumerate() {
            st.execute(params![id, i as i64, serde_json::to_string(d)?])?;
        }
        if let KeyedSoFar::All(version) = &self.keyed {
            keys::mark(self.tx, id, version)?;
        }
        Ok((Added::New(id), sha))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packed record reads back as it was, the same from a fresh packer
    /// as from one used before; one that expands beyond the limit, or is
    /// not zlib at all, is an error, not a huge allocation or a panic.
    #[test]
    fn packed_records_read_back_and_corrupt_ones_are_errors() {
        let mut r = Record::new(crate::model::Provenance::new("a.ris", 3, Some("k".into())), "ris");
        r.title = Some("A title that repeats, a title that repeats, a title that repeats".to_string());
        let packed = pack_record(&r).expect("packed");
        let json = serde_json::to_vec(&r).expect("json");
        assert!(packed.len() < json.len());
        let mut z = Packer::new();
        let mut big = r.clone();
        big.abstract_text = Some("word ".repeat(100_000));
        assert!(z.pack(&big).expect("big").len() > 1000);
        assert_eq!(z.pack(&r).expect("again"), packed, "a used packer packs as a fresh one");
        let back: Record =
            serde_json::from_slice(&unpack_record(&packed, MAX_RECORD_JSON).expect("unpacked"))
                .expect("json");
        assert_eq!(back, r);
        let err = unpack_record(&packed, json.len() as u64 - 1).expect_err("beyond the limit");
        assert!(err.to_string().contains("expands beyond"), "{err}");
        assert!(unpack_record(&packed[..packed.len() / 2], MAX_RECORD_JSON).is_err());
        assert!(StoredRecord::Packed(b"{not zlib".to_vec()).decode().is_err());
        assert_eq!(StoredRecord::Text(json).decode().expect("text"), r);
    }

    /// The names read off the schema texts are the tables and indexes a
    /// new store has: none missed (a new table would otherwise never make
    /// an older store be set up again), none made up.
    #[test]
    fn created_names_are_what_a_new_store_has() {
        let store = Store::in_memory().expect("store");
        let mut st = store
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'")
            .expect("prepare");
        let mut have: Vec<String> =
            st.query_map([], |r| r.get(0)).expect("names").map(|n| n.expect("name")).collect();
        let mut named: Vec<String> =
            SCHEMAS.iter().flat_map(|s| created_names(s)).map(String::from).collect();
        have.sort();
        named.sort();
        assert_eq!(have, named);
        assert!(named.contains(&"record_keys_by_key".to_string()) && named.contains(&"meta".to_string()));
        assert!(schema_ready(&store.conn).expect("ready"));
    }

    /// A store missing a table (one made by an earlier build) is set up
    /// again when opened; a ready store opens without the write lock, so
    /// it opens at once while another connection writes.
    #[test]
    fn opening_writes_only_what_is_missing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.db");
        drop(Store::open(&path).expect("new store"));
        let other = Connection::open(&path).expect("other");
        other.execute_batch("DROP TABLE searches;").expect("drop");
        assert!(!schema_ready(&other).expect("ready?"));
        drop(Store::open(&path).expect("set up again"));
        assert!(schema_ready(&other).expect("ready"));
        other.execute_batch("BEGIN IMMEDIATE;").expect("lock");
        let mut waited = false;
        let store =
            Store::open_waiting(&path, Duration::ZERO, &mut || waited = true).expect("opens while locked");
        assert!(!waited);
        // A write now says it waits first, then fails after the timeout (0 s).
        let mut store = store;
        match store.batch_waiting(&mut || waited = true) {
            Err(Error::Busy { waited: 0 }) => {}
            other => panic!("expected busy, got {:?}", other.map(|_| ())),
        }
        assert!(waited);
        other.execute_batch("ROLLBACK;").expect("unlock");
        waited = false;
        store.batch_waiting(&mut || waited = true).expect("batch").commit().expect("commit");
        assert!(!waited);
    }

    /// Opening a store that another connection is still creating says it
    /// waits, and fails after the timeout rather than opening half a store.
    #[test]
    fn opening_a_store_being_created_says_it_waits() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.db");
        let other = Connection::open(&path).expect("other");
        other.pragma_update(None, "journal_mode", "WAL").expect("wal");
        other
            .execute_batch("BEGIN IMMEDIATE; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);")
            .expect("lock");
        let mut waited = false;
        match Store::open_waiting(&path, Duration::ZERO, &mut || waited = true) {
            Err(Error::Busy { .. }) => {}
            other => panic!("expected busy, got {:?}", other.map(|_| ())),
        }
        assert!(waited);
        other.execute_batch("COMMIT;").expect("commit");
        waited = false;
        let store = Store::open_waiting(&path, Duration::ZERO, &mut || waited = true).expect("opens");
        assert!(!waited);
        assert!(schema_ready(&store.conn).expect("ready"));
    }
}
