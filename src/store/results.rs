//! Persisted results: what later commands would otherwise recompute from the
//! stored records (the resolved corpus, the analysis), kept in the store under
//! a fingerprint of everything that shaped them.
//!
//! A result is stored by `kind` (`corpus`, `analysis`) and `key`, a hex
//! SHA-256 the caller derives from the store's [`Store::state`] (which inputs
//! it holds), the settings used and the citemap build; a key that matches is
//! a result computed from exactly these inputs with exactly these settings, so
//! a changed input, setting or build simply finds nothing and recomputes.
//! Values are MessagePack (`rmp-serde`, structs as maps so every serde
//! attribute of the model round-trips, floats bit-exact) compressed with zlib
//! ([`Packing::Zlib`]) or, for a value that compresses its own parts
//! ([`Packing::Plain`]), stored as they are behind one [`PLAIN_MARK`] byte;
//! either way cut into chunks of [`super::RAW_CHUNK_BYTES`], written and read
//! as a stream, so no second copy of a big result is held.
//!
//! **Invariants:** a result is written in one transaction, and only when the
//! store still holds the inputs it was computed from; results of an older
//! state are removed when a newer one is written, and at most
//! [`KEEP_PER_KIND`] results of one kind are kept.

use super::{Error, Store, RAW_CHUNK_BYTES};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::time::Duration;

/// Results of one kind kept at most (several analyses of one corpus: the
/// default map and a `--kind citation` network, say).
pub const KEEP_PER_KIND: i64 = 4;

/// Buffer between the MessagePack coder and zlib, each way.
const IO_BUFFER: usize = 1 << 20;

/// How a result's MessagePack is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packing {
    /// Compressed as one zlib stream (what most results are).
    Zlib,
    /// As it is, after [`PLAIN_MARK`]: for a value whose big parts are
    /// compressed on their own, in parallel (a kept graph or corpus), which one stream
    /// around them would only slow down.
    Plain,
}

/// The first byte of a [`Packing::Plain`] result. A zlib stream starts
/// with its method byte, whose low four bits are 8 (deflate); this byte's
/// are 0, so the two never meet.
pub const PLAIN_MARK: u8 = b'P';

/// The tables (and indexes) of this module, created by [`super::Store`] when absent.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS results (
             kind TEXT NOT NULL,
             key TEXT NOT NULL,
             state TEXT NOT NULL,
             bytes INTEGER NOT NULL,
             written INTEGER NOT NULL,
             PRIMARY KEY (kind, key));
         CREATE TABLE IF NOT EXISTS result_chunks (
             kind TEXT NOT NULL,
             key TEXT NOT NULL,
             seq INTEGER NOT NULL,
             data BLOB NOT NULL,
             PRIMARY KEY (kind, key, seq));";

/// What a result write came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Written (this many bytes before compression).
    Written(u64),
    /// Another process was writing to the store: not written, nothing waited.
    Busy,
    /// The store's inputs changed since the result was computed: not written.
    Stale,
}

/// A fingerprint under construction: parts are length-prefixed, so no two
/// different lists of parts give the same key.
#[derive(Clone, Default)]
pub struct Fingerprint(Sha256);

impl Fingerprint {
    /// An empty fingerprint of `what` (`corpus`, `analysis` ...).
    pub fn new(what: &str) -> Self {
        Fingerprint(Sha256::new()).part(what)
    }

    /// Adds one part.
    pub fn part(mut self, part: &str) -> Self {
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part.as_bytes());
        self
    }

    /// The key (hex SHA-256).
    pub fn key(self) -> String {
        super::hex(&self.0.finalize())
    }
}

impl Store {
    /// The state of the store's inputs: a hex SHA-256 of every input's id and
    /// content hash, in order. Records of an input never change once stored,
    /// so two equal states hold the same records.
    pub fn state(&self) -> Result<String, Error> {
        state_of(&self.conn)
    }

    /// The result stored under (`kind`, `key`), decoded; `None` when there is
    /// none, or when it cannot be decoded (it is then recomputed).
    pub fn load_result<T: DeserializeOwned>(&self, kind: &str, key: &str) -> Result<Option<T>, Error> {
        let found: Option<i64> = self
            .conn
            .query_row("SELECT bytes FROM results WHERE kind = ?1 AND key = ?2", params![kind, key], |r| {
                r.get(0)
            })
            .optional()?;
        if found.is_none() {
            return Ok(None);
        }
        let mut st = self
            .conn
            .prepare_cached("SELECT data FROM result_chunks WHERE kind = ?1 AND key = ?2 ORDER BY seq")?;
        let mut rows = st.query(params![kind, key])?;
        let mut chunks = ChunkReader { rows: &mut rows, current: Vec::new(), at: 0, error: None };
        let mut first = [0u8; 1];
        let read_first = chunks.read(&mut first);
        let value = match read_first {
            Ok(1) if first[0] == PLAIN_MARK => {
                let mut plain = std::io::BufReader::with_capacity(IO_BUFFER, &mut chunks);
                rmp_serde::decode::from_read(&mut plain).ok()
            }
            Ok(1) => {
                // Buffered on both sides: the decoder reads a few bytes at a time,
                // and each read straight from the inflater would run it once.
                let stream = std::io::BufReader::with_capacity(1 << 16, (&first[..]).chain(&mut chunks));
                let z = flate2::read::ZlibDecoder::new(stream);
                let mut z = std::io::BufReader::with_capacity(IO_BUFFER, z);
                rmp_serde::decode::from_read(&mut z).ok()
            }
            _ => None,
        };
        if let Some(e) = chunks.error {
            return Err(e.into());
        }
        // A result an older build wrote in another shape is recomputed, not an error.
        Ok(value)
    }

    /// Stores `value` as the result (`kind`, `key`) computed from the inputs
    /// of `state`, in one transaction, unless another process is writing (no
    /// waiting: a reading command does not queue behind an ingest) or the
    /// inputs have changed since. Results of `kind` from other states go, and
    /// the oldest beyond [`KEEP_PER_KIND`].
    pub fn save_result<T: Serialize>(
        &mut self,
        kind: &str,
        key: &str,
        state: &str,
        value: &T,
    ) -> Result<Saved, Error> {
        self.save_result_as(kind, key, state, value, Packing::Zlib)
    }

    /// [`Store::save_result`], kept as `packing` says.
    pub fn save_result_as<T: Serialize>(
        &mut self,
        kind: &str,
        key: &str,
        state: &str,
        value: &T,
        packing: Packing,
    ) -> Result<Saved, Error> {
        self.write_unwaiting(|tx| write_result(tx, kind, key, state, value, packing))
    }

    /// Runs `write` in a transaction taken at once (no waiting: a reading
    /// command does not queue behind an ingest), committed when it wrote.
    pub(super) fn write_unwaiting(
        &mut self,
        write: impl FnOnce(&Transaction<'_>) -> Result<Saved, Error>,
    ) -> Result<Saved, Error> {
        use rusqlite::TransactionBehavior::Immediate;
        let timeout = self.busy_timeout;
        self.conn.busy_timeout(Duration::ZERO)?;
        let outcome = match self.conn.transaction_with_behavior(Immediate) {
            Ok(tx) => match write(&tx) {
                Ok(Saved::Written(n)) => tx.commit().map(|()| Saved::Written(n)).map_err(Error::from),
                other => other,
            },
            Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
                Ok(Saved::Busy)
            }
            Err(e) => Err(e.into()),
        };
        self.conn.busy_timeout(timeout)?;
        outcome
    }
}

impl super::Batch<'_> {
    /// Removes every kept result, in this batch's transaction: an ingest
    /// that adds an input calls it, since no result of the old inputs can be
    /// read again (and a big one would keep its space until the next save).
    pub fn clear_results(&mut self) -> Result<(), Error> {
        self.tx.execute_batch("DELETE FROM result_chunks; DELETE FROM results;")?;
        super::lookup::clear(&self.tx)?;
        Ok(())
    }
}

/// See [`Store::state`].
pub(super) fn state_of(conn: &Connection) -> Result<String, Error> {
    let mut st = conn.prepare_cached("SELECT id, sha256 FROM inputs ORDER BY id")?;
    let mut rows = st.query([])?;
    let mut fp = Fingerprint::new("inputs");
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let sha: String = r.get(1)?;
        fp = fp.part(&id.to_string()).part(&sha);
    }
    Ok(fp.key())
}

/// The body of [`Store::save_result`], inside its transaction.
fn write_result<T: Serialize>(
    tx: &Transaction<'_>,
    kind: &str,
    key: &str,
    state: &str,
    value: &T,
    packing: Packing,
) -> Result<Saved, Error> {
    if state_of(tx)? != state {
        return Ok(Saved::Stale);
    }
    tx.execute("DELETE FROM result_chunks WHERE kind = ?1 AND key = ?2", params![kind, key])?;
    tx.execute("DELETE FROM results WHERE kind = ?1 AND key = ?2", params![kind, key])?;
    let mut writer = ChunkWriter { tx, kind, key, buf: Vec::with_capacity(RAW_CHUNK_BYTES), seq: 0, raw: 0 };
    // The encoder writes a few bytes at a time: deflate (or a chunk row)
    // runs per buffer, not per write.
    let encode = |out: &mut dyn Write| -> Result<u64, Error> {
        let mut counted = Counted { inner: out, n: 0 };
        {
            let mut buffered = std::io::BufWriter::with_capacity(IO_BUFFER, &mut counted);
            rmp_serde::encode::write_named(&mut buffered, value)
                .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
            buffered.flush()?;
        }
        Ok(counted.n)
    };
    match packing {
        Packing::Zlib => {
            let mut z = flate2::write::ZlibEncoder::new(&mut writer, flate2::Compression::fast());
            let n = encode(&mut z)?;
            z.finish()?;
            writer.raw = n;
        }
        Packing::Plain => {
            writer.write_all(&[PLAIN_MARK])?;
            writer.raw = encode(&mut writer)?;
        }
    }
    writer.flush_chunk()?;
    let written =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    tx.execute(
        "INSERT INTO results (kind, key, state, bytes, written) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind, key, state, writer.raw as i64, written],
    )?;
    // Results of this kind from other states can never be read again.
    tx.execute(
        "DELETE FROM result_chunks WHERE kind = ?1 AND key IN
             (SELECT key FROM results WHERE kind = ?1 AND state <> ?2)",
        params![kind, state],
    )?;
    tx.execute("DELETE FROM results WHERE kind = ?1 AND state <> ?2", params![kind, state])?;
    // At most KEEP_PER_KIND of one kind: the newest (ties by key).
    let old = "SELECT key FROM results WHERE kind = ?1 ORDER BY written DESC, rowid DESC LIMIT -1 OFFSET ?2";
    tx.execute(
        &format!("DELETE FROM result_chunks WHERE kind = ?1 AND key IN ({old})"),
        params![kind, KEEP_PER_KIND],
    )?;
    tx.execute(
        &format!("DELETE FROM results WHERE kind = ?1 AND key IN ({old})"),
        params![kind, KEEP_PER_KIND],
    )?;
    Ok(Saved::Written(writer.raw))
}

/// Counts the bytes written through it.
struct Counted<'a, W: Write + ?Sized> {
    inner: &'a mut W,
    n: u64,
}

impl<W: Write + ?Sized> Write for Counted<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Cuts the compressed stream into rows of `result_chunks`.
struct ChunkWriter<'a> {
    tx: &'a Transaction<'a>,
    kind: &'a str,
    key: &'a str,
    buf: Vec<u8>,
    seq: i64,
    raw: u64,
}

impl ChunkWriter<'_> {
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut st = self
            .tx
            .prepare_cached("INSERT INTO result_chunks (kind, key, seq, data) VALUES (?1, ?2, ?3, ?4)")
            .map_err(std::io::Error::other)?;
        st.execute(params![self.kind, self.key, self.seq, self.buf]).map_err(std::io::Error::other)?;
        self.seq += 1;
        self.buf.clear();
        Ok(())
    }
}

impl Write for ChunkWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = RAW_CHUNK_BYTES - self.buf.len();
        let n = room.min(buf.len());
        self.buf.extend_from_slice(&buf[..n]);
        if self.buf.len() == RAW_CHUNK_BYTES {
            self.flush_chunk()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads the rows of `result_chunks` as one stream.
struct ChunkReader<'a, 'r> {
    rows: &'a mut rusqlite::Rows<'r>,
    current: Vec<u8>,
    at: usize,
    error: Option<rusqlite::Error>,
}

impl Read for ChunkReader<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.current.len() {
            match self.rows.next() {
                Ok(Some(r)) => {
                    self.current = r.get(0).map_err(std::io::Error::other)?;
                    self.at = 0;
                }
                Ok(None) => return Ok(0),
                Err(e) => {
                    let msg = e.to_string();
                    self.error = Some(e);
                    return Err(std::io::Error::other(msg));
                }
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, serde::Deserialize, PartialEq, Debug, Clone)]
    struct Value {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        missing: Option<u32>,
        weights: Vec<f64>,
    }

    #[test]
    fn results_round_trip_and_follow_the_inputs() {
        let mut s = Store::in_memory().expect("store");
        let state = s.state().expect("state");
        let v = Value { name: "x".into(), missing: None, weights: vec![0.1 + 0.2, f64::INFINITY, 1e-300] };
        let big = Value { name: "y".repeat(3 * RAW_CHUNK_BYTES), missing: Some(3), weights: vec![] };
        assert!(matches!(s.save_result("corpus", "k1", &state, &v).expect("save"), Saved::Written(_)));
        assert!(matches!(s.save_result("corpus", "k2", &state, &big).expect("save"), Saved::Written(_)));
        let back: Value = s.load_result("corpus", "k1").expect("load").expect("found");
        assert_eq!(back.name, v.name);
        assert_eq!(back.weights[0].to_bits(), v.weights[0].to_bits());
        assert_eq!(back.weights[2].to_bits(), v.weights[2].to_bits());
        assert_eq!(s.load_result::<Value>("corpus", "k2").expect("load"), Some(big.clone()));
        // Kept plain: read back the same, whatever its size.
        for (key, value) in [("p1", &v), ("p2", &big)] {
            let saved = s.save_result_as("graph", key, &state, value, Packing::Plain).expect("save");
            assert!(matches!(saved, Saved::Written(_)));
            let first: Vec<u8> = s
                .conn
                .query_row(
                    "SELECT data FROM result_chunks WHERE kind = 'graph' AND key = ?1 AND seq = 0",
                    [key],
                    |r| r.get(0),
                )
                .expect("first chunk");
            assert_eq!(first[0], PLAIN_MARK);
            assert_eq!(s.load_result::<Value>("graph", key).expect("load").as_ref(), Some(value));
        }
        assert_eq!(s.load_result::<Value>("analysis", "k1").expect("load"), None);
        // A new input: results of the old state are refused, then removed.
        let parsed = crate::model::Parsed::default();
        let mut b = s.batch().expect("batch");
        b.add_input("a.ris", b"TY  - JOUR\nER  -\n", Some("ris"), &parsed).expect("add");
        b.commit().expect("commit");
        assert_eq!(s.save_result("corpus", "k3", &state, &v).expect("save"), Saved::Stale);
        let now = s.state().expect("state");
        assert_ne!(now, state);
        assert!(matches!(s.save_result("corpus", "k3", &now, &v).expect("save"), Saved::Written(_)));
        assert_eq!(s.load_result::<Value>("corpus", "k1").expect("load"), None);
        for i in 0..6 {
            s.save_result("analysis", &format!("a{i}"), &now, &v).expect("save");
        }
        let n: i64 = s
            .conn
            .query_row("SELECT COUNT(*) FROM results WHERE kind = 'analysis'", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, KEEP_PER_KIND);
        assert!(s.load_result::<Value>("analysis", "a5").expect("load").is_some());
    }

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(Fingerprint::new("a").part("bc").key(), Fingerprint::new("a").part("b").part("c").key());
        assert_eq!(Fingerprint::new("a").part("b").key(), Fingerprint::new("a").part("b").key());
    }
}
