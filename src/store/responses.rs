//! The response cache of the online layer: for each (service, key) asked
//! (`doi:10.…` for a look-up, `cites:W…` for a citation list, the request
//! address for one page of a list) the request label, HTTP status, outcome
//! (`found`, `empty` or `missing`; failures are never cached), fetch time and
//! the input holding the body. Bodies are ordinary inputs (label = request
//! address without secrets, raw = body, format = the reader used), so the
//! records read from them take part in resolution like any file's.
//!
//! `searches` keeps the outcome of the last bibliographic search for a work
//! (JSON: the candidates with their scores and per-field agreement, the one
//! accepted or why none was), under each source of the work
//! (`input:line [record]`), so `citemap show` and `summary.json` list the
//! candidates that were not merged.
//!
//! The tables are created when absent, so a store of schema version 2 gains it
//! in place; builds without it ignore it.

use super::{Added, Error, Store};
use crate::model::{Parsed, Record};
use rusqlite::{params, OptionalExtension};
use std::io::Read;

/// The tables (and indexes) of this module, created by [`super::Store`] when absent.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS responses (
             service TEXT NOT NULL,
             key TEXT NOT NULL,
             url TEXT NOT NULL,
             status INTEGER NOT NULL,
             outcome TEXT NOT NULL,
             fetched_at INTEGER NOT NULL,
             input_id INTEGER REFERENCES inputs(id),
             PRIMARY KEY (service, key));
         CREATE TABLE IF NOT EXISTS searches (
             work_key TEXT PRIMARY KEY,
             result TEXT NOT NULL,
             searched_at INTEGER NOT NULL);";

/// One cached answer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Response {
    /// Service name.
    pub service: String,
    /// What was asked (`doi:10.…`, `cites:W…`, or a page address).
    pub key: String,
    /// Request label (address without secrets).
    pub url: String,
    /// HTTP status.
    pub status: u16,
    /// `found`, `empty` or `missing`.
    pub outcome: String,
    /// Seconds since 1970 when it was fetched.
    pub fetched_at: i64,
    /// The input holding the body (none for `missing`).
    pub input_id: Option<i64>,
}

/// A body to keep with its responses.
pub struct Body<'a> {
    /// Request label.
    pub label: &'a str,
    /// The raw body.
    pub raw: &'a [u8],
    /// Reader name (`openalex`, `crossref`, ...).
    pub format: &'a str,
    /// What the reader made of it.
    pub parsed: &'a Parsed,
}

impl Store {
    /// The cached answer for `key` at `service`, if any.
    pub fn response(&self, service: &str, key: &str) -> Result<Option<Response>, Error> {
        Ok(self
            .conn
            .query_row(
                "SELECT service, key, url, status, outcome, fetched_at, input_id
                 FROM responses WHERE service = ?1 AND key = ?2",
                params![service, key],
                |r| {
                    Ok(Response {
                        service: r.get(0)?,
                        key: r.get(1)?,
                        url: r.get(2)?,
                        status: r.get::<_, i64>(3)? as u16,
                        outcome: r.get(4)?,
                        fetched_at: r.get(5)?,
                        input_id: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// Keeps `result` (the JSON of one search) under every key in
    /// `work_keys` (the sources of the work searched for), replacing what
    /// was kept there, in one transaction.
    pub fn save_search(&mut self, work_keys: &[String], result: &str, at: i64) -> Result<(), Error> {
        let tx = self.conn.transaction()?;
        {
            let mut st = tx.prepare_cached(
                "INSERT OR REPLACE INTO searches (work_key, result, searched_at) VALUES (?1, ?2, ?3)",
            )?;
            for k in work_keys {
                st.execute(params![k, result, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The latest search kept under any of `work_keys` (JSON), if any.
    pub fn search_for(&self, work_keys: &[String]) -> Result<Option<String>, Error> {
        let mut st =
            self.conn.prepare_cached("SELECT result, searched_at FROM searches WHERE work_key = ?1")?;
        let mut best: Option<(i64, String)> = None;
        for k in work_keys {
            let row: Option<(String, i64)> =
                st.query_row(params![k], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            if let Some((json, at)) = row {
                if best.as_ref().is_none_or(|(b, _)| at > *b) {
                    best = Some((at, json));
                }
            }
        }
        Ok(best.map(|(_, j)| j))
    }

    /// Request labels of `service` answered (and stored) at or after
    /// `since` (seconds since 1970), each once: what a daily budget counts.
    pub fn responses_since(&self, service: &str, since: i64) -> Result<Vec<String>, Error> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT url FROM responses WHERE service = ?1 AND fetched_at >= ?2 ORDER BY url",
        )?;
        let rows = st.query_map(params![service, since], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Number of kept searches (one per work source).
    pub fn search_count(&self) -> Result<u64, Error> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM searches", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Number of cached answers.
    pub fn response_count(&self) -> Result<u64, Error> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM responses", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// The records stored for input `id`, in order.
    pub fn input_records(&self, id: i64) -> Result<Vec<Record>, Error> {
        super::record_rows(
            &self.conn,
            "SELECT json FROM records WHERE input_id = ?1 ORDER BY seq",
            params![id],
        )
    }

    /// The raw bytes of input `id`.
    pub fn raw_by_id(&self, id: i64) -> Result<Vec<u8>, Error> {
        let mut st =
            self.conn.prepare_cached("SELECT data FROM raw_chunks WHERE input_id = ?1 ORDER BY seq")?;
        let mut rows = st.query(params![id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let blob: Vec<u8> = r.get(0)?;
            flate2::read::ZlibDecoder::new(&blob[..]).read_to_end(&mut out)?;
        }
        Ok(out)
    }

    /// Adds `records` to input `id` unless it has records already (so a
    /// rerun adds nothing); returns how many were added.
    pub fn add_records(&mut self, id: i64, records: &[Record]) -> Result<usize, Error> {
        let tx = self.conn.transaction()?;
        let n: i64 =
            tx.query_row("SELECT COUNT(*) FROM records WHERE input_id = ?1", params![id], |r| r.get(0))?;
        if n > 0 {
            return Ok(0);
        }
        for (i, r) in records.iter().enumerate() {
            tx.execute(
                "INSERT INTO records (input_id, seq, json) VALUES (?1, ?2, ?3)",
                params![id, i as i64, super::pack_record(r)?],
            )?;
        }
        if !records.is_empty() {
            // The input's bytes are unchanged but its records are new, so
            // results kept for the old records (keyed by the inputs' hashes)
            // are stale: dropped in the same transaction.
            tx.execute_batch("DELETE FROM result_chunks; DELETE FROM results;")?;
            super::lookup::clear(&tx)?;
        }
        tx.commit()?;
        Ok(records.len())
    }

    /// Stores one answer in one transaction: the body (when given) as an
    /// input with its records, and a response row per `(key, outcome)`,
    /// replacing older rows for those keys. Returns the input id.
    pub fn save_response(
        &mut self,
        service: &str,
        url: &str,
        status: u16,
        fetched_at: i64,
        body: Option<Body<'_>>,
        keys: &[(String, &str)],
    ) -> Result<Option<i64>, Error> {
        let mut batch = self.batch()?;
        let input_id = match body {
            Some(b) => Some(match batch.add_input(b.label, b.raw, Some(b.format), b.parsed)? {
                Added::New(id) => id,
                Added::AlreadyStored { id, .. } => id,
            }),
            None => None,
        };
        {
            let mut st = batch.tx.prepare_cached(
                "INSERT OR REPLACE INTO responses (service, key, url, status, outcome, fetched_at, input_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (key, outcome) in keys {
                st.execute(params![service, key, url, status as i64, outcome, fetched_at, input_id])?;
            }
        }
        batch.commit()?;
        Ok(input_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_search_of_any_source_is_returned_and_labels_counted_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut st = Store::open(&dir.path().join("s.db")).expect("store");
        assert_eq!(st.search_for(&["a.ris:1".into()]).expect("read"), None);
        st.save_search(&["a.ris:1".into(), "b.ris:3".into()], "{\"n\":1}", 10).expect("save");
        st.save_search(&["b.ris:3".into()], "{\"n\":2}", 20).expect("save");
        // A work with both sources: the later search.
        let both = ["a.ris:1".to_string(), "b.ris:3".to_string()];
        assert_eq!(st.search_for(&both).expect("read").as_deref(), Some("{\"n\":2}"));
        assert_eq!(st.search_for(&both[..1]).expect("read").as_deref(), Some("{\"n\":1}"));
        assert_eq!(st.search_count().expect("count"), 2);
        // One batch answer kept under two keys is one request.
        let keys = [("doi:1".to_string(), "missing"), ("doi:2".to_string(), "missing")];
        st.save_response("openalex", "http://x/works?filter=doi:1|2", 404, 100, None, &keys).expect("save");
        st.save_response("openalex", "http://x/works?search=y", 200, 50, None, &[("q".into(), "missing")])
            .expect("save");
        assert_eq!(st.responses_since("openalex", 60).expect("since"), vec!["http://x/works?filter=doi:1|2"]);
        assert_eq!(st.responses_since("openalex", 0).expect("since").len(), 2);
        assert!(st.responses_since("crossref", 0).expect("since").is_empty());
    }
}
