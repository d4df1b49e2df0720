//! Blocking keys of the stored records (identifiers, title keys, abstract
//! heads and tails, first author + year: whatever the resolver compares
//! records under), so an ingest can find the few stored records a new record
//! has to be resolved with instead of reading all of them.
//!
//! The store does not compute keys (it depends only on the model): the
//! caller hands them in with each record ([`super::RawSpool::add_records_keyed`])
//! with the version of the function that made them. `keyed_inputs` lists the
//! inputs whose every record has keys of a version; an input stored without
//! them (by an older build, or through the response cache) is keyed later
//! ([`Batch::unkeyed_inputs`], [`Batch::set_keys`]). Tables are created when
//! absent, so older stores gain them in place.

use super::{Batch, Error, Store};
use crate::model::Record;
use rusqlite::{params, Connection};
use std::collections::BTreeSet;

/// The tables (and indexes) of this module, created by [`super::Store`] when absent.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS record_keys (
             input_id INTEGER NOT NULL REFERENCES inputs(id),
             seq INTEGER NOT NULL,
             key TEXT NOT NULL,
             PRIMARY KEY (input_id, seq, key)) WITHOUT ROWID;
         CREATE INDEX IF NOT EXISTS record_keys_by_key ON record_keys (key);
         CREATE TABLE IF NOT EXISTS keyed_inputs (
             input_id INTEGER PRIMARY KEY REFERENCES inputs(id),
             version TEXT NOT NULL);";

/// True when no record has blocking keys.
pub(super) fn none(conn: &Connection) -> Result<bool, Error> {
    Ok(conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM record_keys)", [], |r| r.get(0))?)
}

/// Drops the index of keys by key (for a bulk load; see [`create_index`]).
pub(super) fn drop_index(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch("DROP INDEX IF EXISTS record_keys_by_key;")?;
    Ok(())
}

/// Builds the index of keys by key when absent.
pub(super) fn create_index(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch("CREATE INDEX IF NOT EXISTS record_keys_by_key ON record_keys (key);")?;
    Ok(())
}

/// Adds the keys of record `seq` of input `input`.
pub(super) fn insert(conn: &Connection, input: i64, seq: i64, keys: &[String]) -> Result<(), Error> {
    let mut st =
        conn.prepare_cached("INSERT OR IGNORE INTO record_keys (input_id, seq, key) VALUES (?1, ?2, ?3)")?;
    for k in keys {
        st.execute(params![input, seq, k])?;
    }
    Ok(())
}

/// Removes every key of input `input`.
pub(super) fn remove(conn: &Connection, input: i64) -> Result<(), Error> {
    conn.execute("DELETE FROM record_keys WHERE input_id = ?1", params![input])?;
    conn.execute("DELETE FROM keyed_inputs WHERE input_id = ?1", params![input])?;
    Ok(())
}

/// Notes that every record of `input` has keys of `version`.
pub(super) fn mark(conn: &Connection, input: i64, version: &str) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO keyed_inputs (input_id, version) VALUES (?1, ?2)",
        params![input, version],
    )?;
    Ok(())
}

impl Batch<'_> {
    /// Inputs whose records have no keys of `version` yet, in order.
    pub fn unkeyed_inputs(&self, version: &str) -> Result<Vec<i64>, Error> {
        let mut st = self.tx.prepare(
            "SELECT i.id FROM inputs i LEFT JOIN keyed_inputs k ON k.input_id = i.id
             WHERE k.version IS NULL OR k.version <> ?1 ORDER BY i.id",
        )?;
        let rows = st.query_map(params![version], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The records of input `input`, in order.
    pub fn input_records(&self, input: i64) -> Result<Vec<Record>, Error> {
        super::record_rows(
            &self.tx,
            "SELECT json FROM records WHERE input_id = ?1 ORDER BY seq",
            params![input],
        )
    }

    /// Replaces the keys of input `input` with `keys` (one list per record,
    /// in order), made by the key function of `version`.
    pub fn set_keys(&mut self, input: i64, keys: &[Vec<String>], version: &str) -> Result<(), Error> {
        remove(&self.tx, input)?;
        for (seq, k) in keys.iter().enumerate() {
            insert(&self.tx, input, seq as i64, k)?;
        }
        mark(&self.tx, input, version)
    }
}

/// A stored record: input id and position.
pub type RecordAt = (i64, i64);

impl Store {
    /// The records of other inputs that share a blocking key with a record of
    /// `inputs`, in (input, position) order.
    pub fn sharing_keys(&self, inputs: &[i64]) -> Result<Vec<RecordAt>, Error> {
        let asked: BTreeSet<i64> = inputs.iter().copied().collect();
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT o.input_id, o.seq FROM record_keys n
             JOIN record_keys o ON o.key = n.key
             WHERE n.input_id = ?1 AND o.input_id <> ?1",
        )?;
        let mut out = BTreeSet::new();
        for &i in &asked {
            let rows = st.query_map(params![i], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
            for at in rows {
                let at = at?;
                if !asked.contains(&at.0) {
                    out.insert(at);
                }
            }
        }
        Ok(out.into_iter().collect())
    }

    /// The records of `inputs` (in input order) and then those at `at`.
    pub fn records_at(&self, inputs: &[i64], at: &[RecordAt]) -> Result<Vec<Record>, Error> {
        let mut out = Vec::new();
        for &i in inputs {
            out.extend(super::record_rows(
                &self.conn,
                "SELECT json FROM records WHERE input_id = ?1 ORDER BY seq",
                params![i],
            )?);
        }
        for &(i, seq) in at {
            out.extend(super::record_rows(
                &self.conn,
                "SELECT json FROM records WHERE input_id = ?1 AND seq = ?2",
                params![i, seq],
            )?);
        }
        Ok(out)
    }
}
