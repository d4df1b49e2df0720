//! Streaming input: `ingest::read_from` gives what `ingest::read` gives on the
//! same bytes, reads OpenAlex JSON Lines and WoS plain text record by record
//! (beyond the limit for inputs read whole), and the store spools raw bytes
//! in chunks (and upgrades a version-1 store in place).

use citemap::ingest::{self, Format, Options};
use citemap::model::{Parsed, Severity};
use citemap::store::{self, Added, Store};
use flate2::write::GzEncoder;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const OWN: &str = "tests/fixtures/formats_b";

/// A reader that hands out at most `step` bytes per call, to exercise every
/// buffer boundary.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fn from(label: &str, data: &[u8], step: usize, max_whole: u64) -> (Option<Format>, Parsed) {
    ingest::read_from(label, &mut Trickle { data, step }, &Options::default(), max_whole)
        .expect("in-memory read")
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// A JSON Lines corpus of more than `min` bytes, from the 12 generated works
/// with ids made unique per copy, one broken line and one line with a byte
/// that is not UTF-8.
fn big_jsonl(min: usize) -> Vec<u8> {
    let base = std::fs::read_to_string(format!("{OWN}/gen_corpus_12.jsonl")).unwrap();
    let mut out = Vec::new();
    let mut copy = 0;
    while out.len() < min {
        for line in base.lines() {
            out.extend_from_slice(
                line.replace("openalex.org/W", &format!("openalex.org/W{copy}0")).as_bytes(),
            );
            out.push(b'\n');
        }
        if copy == 3 {
            out.extend_from_slice(b"{\"id\": \"https://openalex.org/W999\", \"title\": broken\n");
            out.extend_from_slice(b"{\"id\": \"https://openalex.org/W998\", \"title\": \"Caf\xe9 study\"}\n");
        }
        copy += 1;
    }
    out
}

fn big_wos(min: usize) -> Vec<u8> {
    let base = std::fs::read_to_string(format!("{OWN}/gen_corpus_12.wos.txt")).unwrap();
    let body: String = base
        .lines()
        .filter(|l| !l.starts_with("FN ") && !l.starts_with("VR ") && *l != "EF")
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        });
    let mut out = b"FN Clarivate Analytics Web of Science\nVR 1.0\n".to_vec();
    let mut copy = 0;
    while out.len() < min {
        out.extend_from_slice(body.replace("UT WOS:", &format!("UT WOS:{copy}")).as_bytes());
        copy += 1;
    }
    // The last record is cut off without ER.
    out.extend_from_slice(b"PT J\nAU Last, A\nTI A record without its end\n");
    out.extend_from_slice(b"EF\n");
    out
}

#[test]
fn read_from_gives_what_read_gives_on_every_fixture() {
    let mut paths = Vec::new();
    for dir in ["../shared/fixtures/formats", "../shared/fixtures/api", "../shared/seeds", "tests/fixtures"] {
        files_under(Path::new(dir), &mut paths);
    }
    assert!(paths.len() > 50, "fixtures beside the repo: {}", paths.len());
    for p in &paths {
        let data = std::fs::read(p).unwrap();
        let label = p.to_string_lossy();
        let whole = ingest::read(&label, &data, &Options::default());
        let streamed = from(&label, &data, 4093, u64::MAX);
        assert_eq!(whole.0, streamed.0, "format of {label}");
        assert!(whole.1.records == streamed.1.records, "records of {label}");
        assert_eq!(whole.1.seen, streamed.1.seen, "records in of {label}");
        assert!(whole.1.seen >= whole.1.records.len(), "records in below records out in {label}");
        if whole.0.is_none() {
            assert_eq!(whole.1.seen, 0, "records in of unknown {label}");
        }
    }
}

/// RIS of more than `min` bytes: every RIS fixture (Scopus references, Ovid
/// tags after ER, CRLF, BOMs) one after the other, then a record without ER.
fn big_ris(min: usize) -> Vec<u8> {
    let mut files = Vec::new();
    files_under(Path::new("../shared/fixtures/formats/ris"), &mut files);
    let mut out = Vec::new();
    while out.len() < min {
        for f in &files {
            let data = std::fs::read(f).unwrap();
            let data = data.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(&data);
            out.extend_from_slice(data);
            out.extend_from_slice(b"\n");
        }
    }
    out.extend_from_slice(b"TY  - JOUR\r\nTI  - A record without its end\r\n");
    out
}

#[test]
fn big_json_lines_wos_and_ris_stream_past_the_whole_input_limit() {
    let jsonl = big_jsonl(300_000);
    let wos = big_wos(300_000);
    let ris = big_ris(300_000);
    for (name, data, format) in [
        ("big.jsonl", &jsonl, Format::OpenalexJson),
        ("big.txt", &wos, Format::WosPlain),
        ("big.ris", &ris, Format::Ris),
    ] {
        let whole = ingest::read(name, data, &Options::default());
        assert_eq!(whole.0, Some(format));
        assert!(whole.1.records.len() > 50, "{name}: {}", whole.1.records.len());
        // 100 KB allowed for inputs read whole: these stream, so all is read.
        for step in [1 << 20, 5000, 333] {
            let s = from(name, data, step, 100_000);
            assert_eq!(s.0, Some(format), "{name}");
            assert!(s.1.records == whole.1.records, "{name} in pieces of {step}");
            assert_eq!(s.1.seen, whole.1.seen, "{name} records in, in pieces of {step}");
        }
        let zipped = gz(data);
        let s = from(name, &zipped, 4096, 100_000);
        assert!(s.1.records == whole.1.records, "{name} gzipped");
        assert_eq!(s.1.seen, whole.1.seen, "{name} gzipped: records in");
        // A gzip bound below the expanded size: an error, no records.
        let small = Options { max_decompressed_bytes: Some(200_000), ..Options::default() };
        let (f, p) = ingest::read_from(name, &mut &zipped[..], &small, u64::MAX).unwrap();
        assert_eq!(f, None);
        assert!(p.records.is_empty());
        assert!(p.diagnostics.iter().any(|d| d.severity == Severity::Error && d.message.contains("limit")));
    }
    // The broken line is reported with its line number; the bad byte is replaced.
    let s = from("big.jsonl", &jsonl, 8192, 100_000).1;
    let broken = s.diagnostics.iter().find(|d| d.message.contains("not a readable OpenAlex work")).unwrap();
    assert_eq!(broken.at.line, 12 * 4 + 1);
    // The broken line was a record met and dropped: one more in than out.
    let dropped = s.diagnostics.iter().filter(|d| d.message.ends_with("record dropped")).count();
    assert!(dropped >= 1);
    assert_eq!(s.seen, s.records.len() + dropped);
    assert!(s.records.iter().any(|r| r.title.as_deref() == Some("Caf\u{fffd} study")));
    assert!(s.diagnostics.iter().any(|d| d.message.contains("not valid UTF-8")));
    // The cut-off WoS record is kept with a warning.
    let w = from("big.txt", &wos, 8192, 100_000).1;
    assert_eq!(w.records.last().and_then(|r| r.title.as_deref()), Some("A record without its end"));
    assert!(w.diagnostics.iter().any(|d| d.message.contains("no ER")));
    let r = from("big.ris", &ris, 8192, 100_000).1;
    assert_eq!(r.records.last().and_then(|r| r.title.as_deref()), Some("A record without its end"));
    assert!(r.diagnostics.iter().any(|d| d.message.contains("no ER")));
}

#[test]
fn other_kinds_over_the_whole_input_limit_are_skipped_with_a_reason() {
    let bib = std::fs::read("../shared/fixtures/formats/bibtex/mixed_biblatex_gral.bib").unwrap();
    let (f, p) = from("refs.bib", &bib, 1000, 100);
    assert_eq!(f, None);
    assert!(p.records.is_empty());
    let e = p.diagnostics.iter().find(|d| d.severity == Severity::Error).unwrap();
    assert!(e.message.contains("100-byte limit"), "{}", e.message);
    assert_eq!(&*e.at.input, "refs.bib");
}

#[test]
fn the_store_spools_raw_bytes_in_chunks_and_keeps_one_copy() {
    let mut s = Store::in_memory().unwrap();
    // Three chunks and a bit, written in odd-sized pieces.
    let data: Vec<u8> = (0..(store::RAW_CHUNK_BYTES * 3 + 12_345)).map(|i| (i * 7 % 251) as u8).collect();
    let parsed = Parsed::default();
    let mut b = s.batch().unwrap();
    let mut spool = b.spool().unwrap();
    for piece in data.chunks(1_000_003) {
        spool.write(piece).unwrap();
    }
    assert_eq!(spool.len(), data.len() as u64);
    let (added, sha) = spool.finish("big.bin", Some("ris"), &parsed.diagnostics).unwrap();
    assert!(matches!(added, Added::New(_)));
    assert_eq!(sha, store::sha256_hex(&data));
    // The same bytes again: nothing new, and nothing of the second copy left.
    let again = b.add_input("copy.bin", &data, Some("ris"), &parsed).unwrap();
    assert!(matches!(again, Added::AlreadyStored { ref label, .. } if label == "big.bin"));
    // The same bytes spooled again: found at the end, with chunks still
    // being compressed, and removed.
    let mut twice = b.spool().unwrap();
    for piece in data.chunks(3_000_017) {
        twice.write(piece).unwrap();
    }
    let (again, _) = twice.finish("twice.bin", Some("ris"), &parsed.diagnostics).unwrap();
    assert!(matches!(again, Added::AlreadyStored { ref label, .. } if label == "big.bin"));
    // Abandoned half-way, chunks in flight: nothing of it is kept.
    let mut abandoned = b.spool().unwrap();
    abandoned.write(&data[..store::RAW_CHUNK_BYTES * 2 + 5]).unwrap();
    abandoned.abandon().unwrap();
    b.commit().unwrap();
    assert_eq!(s.raw("big.bin").unwrap().as_deref(), Some(&data[..]));
    let inputs = s.inputs().unwrap();
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    assert_eq!(inputs[0].bytes, data.len() as u64);
    drop(s);
}

#[test]
fn a_version_1_store_is_upgraded_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("v1.db");
    let raw = b"TY  - JOUR\nTI  - Kept\nER  - \n";
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(raw).unwrap();
    let blob = z.finish().unwrap();
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO meta VALUES ('schema_version', '1');
             CREATE TABLE inputs (id INTEGER PRIMARY KEY, label TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
                 bytes INTEGER NOT NULL, format TEXT, raw BLOB NOT NULL);
             CREATE TABLE records (input_id INTEGER NOT NULL REFERENCES inputs(id), seq INTEGER NOT NULL,
                 json TEXT NOT NULL, PRIMARY KEY (input_id, seq));
             CREATE TABLE diagnostics (input_id INTEGER NOT NULL REFERENCES inputs(id), seq INTEGER NOT NULL,
                 json TEXT NOT NULL, PRIMARY KEY (input_id, seq));
             CREATE TABLE tags (tag TEXT NOT NULL, work TEXT NOT NULL, PRIMARY KEY (tag, work));",
        )
        .unwrap();
        c.execute(
            "INSERT INTO inputs (label, sha256, bytes, format, raw) VALUES ('a.ris', ?1, ?2, 'ris', ?3)",
            rusqlite::params![store::sha256_hex(raw), raw.len() as i64, blob],
        )
        .unwrap();
    }
    let s = Store::open(&db).unwrap();
    assert_eq!(s.raw("a.ris").unwrap().as_deref(), Some(&raw[..]));
    drop(s);
    let v: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, store::SCHEMA_VERSION.to_string());
    // Opening again reads the upgraded file as it is.
    assert_eq!(Store::open(&db).unwrap().raw("a.ris").unwrap().as_deref(), Some(&raw[..]));
}

/// Records are stored packed (zlib-compressed JSON, schema version 3). A
/// version-2 store, whose records are JSON text, is read as it is and marked
/// version 3 when opened; records added to it later are packed, and both
/// kinds read back; a store of a later version is refused.
#[test]
fn records_are_packed_and_a_version_2_store_is_read_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("s.db");
    let ingest = |file: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
            .arg("--store")
            .arg(&db)
            .args(["--quiet", "ingest", file])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ingest("tests/fixtures/merge/works.ris");
    let first = Store::open(&db).unwrap().records().unwrap();
    assert_eq!(first.len(), 15);
    let c = rusqlite::Connection::open(&db).unwrap();
    let rows: Vec<(i64, i64, Vec<u8>)> = c
        .prepare("SELECT input_id, seq, json FROM records WHERE typeof(json) = 'blob'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 15, "every record is stored packed");
    // Made a version-2 store: each record as its JSON text.
    for (input, seq, packed) in &rows {
        let mut json = String::new();
        flate2::read::ZlibDecoder::new(&packed[..]).read_to_string(&mut json).unwrap();
        assert!(json.len() > packed.len(), "packing made a record bigger");
        c.execute(
            "UPDATE records SET json = ?3 WHERE input_id = ?1 AND seq = ?2",
            rusqlite::params![input, seq, json],
        )
        .unwrap();
    }
    c.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'", []).unwrap();
    drop(c);
    assert_eq!(Store::open(&db).unwrap().records().unwrap(), first, "version-2 records read back");
    let c = rusqlite::Connection::open(&db).unwrap();
    let version: String =
        c.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).unwrap();
    assert_eq!(version, "3");
    drop(c);
    ingest("tests/fixtures/merge/works.wos.txt");
    let both = Store::open(&db).unwrap().records().unwrap();
    assert_eq!(both.len(), 30);
    assert_eq!(both[..15], first[..], "the text records read as before");
    let c = rusqlite::Connection::open(&db).unwrap();
    let kinds: Vec<(String, i64)> = c
        .prepare("SELECT typeof(json), count(*) FROM records GROUP BY 1 ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kinds, [("blob".to_string(), 15), ("text".to_string(), 15)]);
    c.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'", []).unwrap();
    drop(c);
    let err = Store::open(&db).err().expect("a later version is refused").to_string();
    assert!(err.contains("schema version 4 is not supported"), "{err}");
}

/// `citemap --json ingest FILE` run in `dir`: the report of that file.
fn ingest_json(dir: &Path, file: &str) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .args(["--json", "ingest", file])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    report["files"][0].take()
}

#[test]
fn ingest_streams_a_gzipped_json_lines_file_into_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let data = big_jsonl(400_000);
    let path = tmp.path().join("works.jsonl.gz");
    std::fs::write(&path, gz(&data)).unwrap();
    // Inputs read whole may have 100 KB: this one streams, so it is read.
    std::fs::write(tmp.path().join("config.toml"), "[ingest]\nmax_file_bytes = 100000\n").unwrap();
    let file = ingest_json(tmp.path(), "works.jsonl.gz");
    let whole = ingest::read("works.jsonl.gz", &data, &Options::default()).1;
    let expected = whole.records.len();
    assert_eq!(file["records"].as_u64(), Some(expected as u64), "{file}");
    // Records in: the broken line was met and dropped.
    assert_eq!(whole.seen, expected + 1);
    assert_eq!(file["records_in"].as_u64(), Some(whole.seen as u64), "{file}");
    assert_eq!(file["status"], "added");
    let s = Store::open(&tmp.path().join("citemap.db")).unwrap();
    assert_eq!(s.records().unwrap().len(), expected);
    assert_eq!(s.raw("works.jsonl.gz").unwrap(), Some(std::fs::read(&path).unwrap()));
    assert_eq!(s.inputs().unwrap()[0].sha256, store::sha256_hex(&std::fs::read(&path).unwrap()));
    drop(s);
    // The same bytes under another name: recognised by their hash, not read again.
    std::fs::copy(&path, tmp.path().join("again.jsonl.gz")).unwrap();
    let file = ingest_json(tmp.path(), "again.jsonl.gz");
    assert_eq!(file["status"], "already stored as works.jsonl.gz", "{file}");
    assert_eq!(file["records"].as_u64(), Some(expected as u64), "{file}");
    assert_eq!(file["format"], "openalex", "{file}");
    assert_eq!(Store::open(&tmp.path().join("citemap.db")).unwrap().inputs().unwrap().len(), 1);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// Arbitrary bytes after a head that makes the input stream: no panic, and
    /// the same records as the in-memory reader.
    #[test]
    fn streaming_readers_agree_with_read_on_arbitrary_tails(
        kind in 0usize..3,
        tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
        cut in 0usize..70_000,
    ) {
        let mut data = match kind {
            0 => big_jsonl(70_000),
            1 => big_wos(70_000),
            _ => big_ris(70_000),
        };
        data.truncate(cut.max(66_000));
        data.extend_from_slice(&tail);
        let whole = ingest::read("t", &data, &Options::default());
        let streamed = from("t", &data, 777, u64::MAX);
        proptest::prop_assert_eq!(whole.0, streamed.0);
        proptest::prop_assert!(whole.1.records == streamed.1.records);
    }
}
