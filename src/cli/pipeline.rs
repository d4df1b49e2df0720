//! The steps `map` and `ingest` share: find the input files, stream each one
//! through its reader (and, for `ingest`, into the store), and report per file.

use super::files::{self, Found};
use super::Ctx;
use anyhow::Result;
use citemap::ingest;
use citemap::model::{Diagnostic, Parsed, Provenance, Record, Severity};
use citemap::store::{self, Added, Batch};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What happened to one input.
#[derive(Debug, Serialize)]
pub struct InputReport {
    /// Path as given (folders expanded).
    pub path: String,
    /// SHA-256 of the bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// Detected format.
    pub format: Option<String>,
    /// Records the reader met in the input, those it dropped (each with a
    /// warning) included.
    pub records_in: usize,
    /// Records read (kept).
    pub records: usize,
    /// References (citations) those records carry.
    pub references: usize,
    /// Why the input gave nothing, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Reader diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// One read input: its report, its records when readable, and what the
/// store did with it when one was given.
pub struct ReadInput {
    /// The report.
    pub report: InputReport,
    /// Parse result (`None`: the file could not be read, or it went into the
    /// store, which then holds the records).
    pub parsed: Option<Parsed>,
    /// `added`, `already stored as LABEL` or `skipped` (with a store).
    pub status: Option<String>,
    /// The stored input holding it (with a store, unless skipped).
    pub input_id: Option<i64>,
}

impl ReadInput {
    /// True for an input whose records are in the store and not in memory
    /// (stored before, under this name, and not read again).
    pub fn in_store_only(&self) -> bool {
        self.parsed.is_none() && self.input_id.is_some() && self.report.records > 0
    }
}

fn label(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A reader that shows every byte it reads to `sink` (hashing, spooling into
/// the store) before handing it on.
struct Tee<'a, R> {
    inner: R,
    sink: &'a mut dyn FnMut(&[u8]) -> std::io::Result<()>,
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.sink)(&buf[..n])?;
        Ok(n)
    }
}

fn unreadable(path: String, why: String) -> ReadInput {
    skipped(path, format!("cannot read: {why}"))
}

/// An input skipped with an error saying `why`.
fn skipped(path: String, why: String) -> ReadInput {
    ReadInput {
        report: InputReport {
            diagnostics: vec![Diagnostic::error(Provenance::new(&path, 0, None), why.clone())],
            path,
            sha256: None,
            bytes: 0,
            format: None,
            records_in: 0,
            records: 0,
            references: 0,
            skipped: Some(why),
        },
        parsed: None,
        status: Some("skipped".to_string()),
        input_id: None,
    }
}

/// One input opened for reading: standard input, a named pipe or a device
/// has been copied into a temporary file (it can be read only once), which
/// lives as long as this.
struct Opened {
    /// Label (path as given).
    path: String,
    /// The file to read (the temporary copy for a stream).
    disk: PathBuf,
    _spooled: Option<tempfile::NamedTempFile>,
}

/// What a reader made of one input, counted (the records went elsewhere).
struct Outcome {
    format: Option<ingest::Format>,
    diagnostics: Vec<Diagnostic>,
    seen: usize,
    records: usize,
    references: usize,
    bytes: u64,
}

/// Where the records of [`read_inputs`] go.
pub enum Destination<'a, 'b> {
    /// Kept in memory ([`ReadInput::parsed`]).
    Memory,
    /// Into the store only: each readable input's raw bytes and records
    /// (with their blocking keys) go into the batch as they are read, so a
    /// streamed input is held in memory neither as text nor as records.
    Store(&'a mut Batch<'b>),
    /// Into the store as with `Store`, and kept in memory too (`map` with a
    /// store reads its inputs once). An input the store holds already under
    /// the same name, with what reading it counted, is not read: its report
    /// is the stored one and its records stay in the store
    /// ([`ReadInput::in_store_only`]; [`records_from_store`] takes them
    /// when they are needed after all). Any other stored input is read to
    /// memory.
    StoreAndMemory(&'a mut Batch<'b>),
}

/// Reads every file under `paths`, one at a time, streaming each through its
/// reader (see [`ingest::read_each`]), its records going to `dest`.
///
/// Phases per input: [`open`] (find, spool streams), then either
/// [`read_to_memory`] or, with a store, [`already_stored`] and
/// [`read_into_store`]; each phase that fails reports the input and moves on.
pub fn read_inputs(paths: &[PathBuf], ctx: &Ctx, mut dest: Destination<'_, '_>) -> Result<Vec<ReadInput>> {
    let found = files::collect(paths, ctx.config.ingest.skip_hidden);
    let total = found.len();
    let mut out = Vec::with_capacity(total);
    for (i, f) in found.into_iter().enumerate() {
        let opened = match open(f, i, total, ctx) {
            Ok(o) => o,
            Err(report) => {
                out.push(*report);
                continue;
            }
        };
        let read = match &mut dest {
            Destination::Memory => read_to_memory(&opened, ctx),
            Destination::Store(b) => match already_stored(b, &opened)? {
                Err((stored, _)) => *stored,
                Ok(sha) => read_into_store(&opened, ctx, b, sha, false)?,
            },
            Destination::StoreAndMemory(b) => match already_stored(b, &opened)? {
                Err((stored, label)) => match stored_report(b, &stored, label.as_deref())? {
                    Some(report) => ReadInput { report, ..*stored },
                    None => ReadInput {
                        status: stored.status,
                        input_id: stored.input_id,
                        ..read_to_memory(&opened, ctx)
                    },
                },
                Ok(sha) => read_into_store(&opened, ctx, b, sha, true)?,
            },
        };
        out.push(read);
    }
    Ok(out)
}

/// Phase 1: a found path, opened for reading (announced when there are several).
fn open(f: Found, i: usize, total: usize, ctx: &Ctx) -> Result<Opened, Box<ReadInput>> {
    let (p, path) = match f {
        Found::Unreadable(p, why) => return Err(Box::new(unreadable(label(&p), why))),
        Found::Special(p, kind) => return Err(Box::new(special(label(&p), kind))),
        Found::File(p) => {
            let path = label(&p);
            (p, path)
        }
        Found::Stdin => (PathBuf::from("-"), "-".to_string()),
    };
    if !ctx.quiet && total > 1 && !ctx.json {
        eprintln!("[{}/{total}] reading {}", i + 1, citemap::text_safety::strip_controls(&path));
    }
    let spooled = if path == "-" || files::is_stream(&p) {
        Some(spool_stream(&p).map_err(|e| Box::new(unreadable(path.clone(), e.to_string())))?)
    } else {
        None
    };
    let disk = spooled.as_ref().map_or(p, |t| t.path().to_path_buf());
    Ok(Opened { path, disk, _spooled: spooled })
}

/// Streams `file` through its reader, showing every byte to `sink` and every
/// record to `on_record`; the bytes the reader did not need are read too, so
/// `sink` sees the whole file when its kind was known.
///
/// A file that takes long says how far it has got every
/// [`super::progress::EVERY`] ([`reading_line`]).
fn stream(
    path: &str,
    file: std::fs::File,
    ctx: &Ctx,
    sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    on_record: &mut dyn FnMut(Record),
) -> std::io::Result<(Option<ingest::Format>, Vec<Diagnostic>, usize)> {
    use std::cell::{Cell, RefCell};
    let total = file.metadata().ok().map(|m| m.len()).filter(|&n| n > 0);
    let (done, records) = (Cell::new(0u64), Cell::new(0usize));
    let ticker = RefCell::new(super::progress::Ticker::new(super::progress::EVERY));
    let say = || {
        if ticker.borrow_mut().due() {
            super::progress::step(reading_line(path, done.get(), total, records.get()));
        }
    };
    let mut counted_sink = |data: &[u8]| {
        done.set(done.get() + data.len() as u64);
        say();
        sink(data)
    };
    let mut counted_record = |r: Record| {
        records.set(records.get() + 1);
        on_record(r);
    };
    let mut tee = Tee { inner: file, sink: &mut counted_sink };
    let limit = ctx.config.ingest.max_file_bytes;
    let r =
        ingest::read_each_counted(path, &mut tee, &ctx.config.ingest.options(), limit, &mut counted_record)?;
    if r.0.is_some() {
        std::io::copy(&mut tee, &mut std::io::sink())?;
    }
    Ok(r)
}

/// How far reading `path` has got: `done` bytes of `total` (its size, when
/// known) and the records met so far. The bytes are those of the file as
/// stored (compressed for a `.gz`), read ahead of the records a little.
fn reading_line(path: &str, done: u64, total: Option<u64>, records: usize) -> String {
    how_far(path, "read", done, total, &format!(", {records} records"))
}

/// How far hashing `path` (to see whether the store holds it) has got.
fn hashing_line(path: &str, done: u64, total: Option<u64>) -> String {
    how_far(path, "hashed", done, total, ", to see whether the store holds it")
}

/// `path: <done> of <total> <verb> (<percent>%)<then>`, or without the total
/// and percentage when the size is not known.
fn how_far(path: &str, verb: &str, done: u64, total: Option<u64>, then: &str) -> String {
    let path = citemap::text_safety::strip_controls(path);
    match total {
        Some(t) => format!(
            "{path}: {} of {} {verb} ({}%){then}",
            bytes_text(done),
            bytes_text(t),
            done.saturating_mul(100) / t.max(1)
        ),
        None => format!("{path}: {} {verb}{then}", bytes_text(done)),
    }
}

/// Phase 2, without a store: the records are kept in memory.
fn read_to_memory(o: &Opened, ctx: &Ctx) -> ReadInput {
    let file = match std::fs::File::open(&o.disk) {
        Ok(f) => f,
        Err(e) => return unreadable(o.path.clone(), e.to_string()),
    };
    let mut hash = Sha256::new();
    let mut bytes = 0u64;
    let mut records = Vec::new();
    let mut references = 0usize;
    let read = stream(
        &o.path,
        file,
        ctx,
        &mut |data| {
            bytes += data.len() as u64;
            hash.update(data);
            Ok(())
        },
        &mut |r| {
            references += r.citations.len();
            records.push(r);
        },
    );
    let (format, diagnostics, seen) = match read {
        Ok(r) => r,
        Err(e) => return unreadable(o.path.clone(), e.to_string()),
    };
    if format.is_none() {
        records.clear();
    }
    // The hash covers every byte only when the input was read to its end
    // (its kind was known).
    let sha256 = format.is_some().then(|| store::hex(&hash.finalize()));
    let outcome = Outcome { format, diagnostics, seen, records: records.len(), references, bytes };
    let parsed = Parsed { records, diagnostics: outcome.diagnostics.clone(), seen };
    ReadInput { report: report(&o.path, sha256, outcome), parsed: Some(parsed), status: None, input_id: None }
}

/// The report of an input not read, and the label it is stored under
/// (`None`: it could not be read).
type NotRead = (Box<ReadInput>, Option<String>);

/// Phase 2, with a store: `Err` with the report when the same bytes are
/// stored already (one pass to hash a file is much cheaper than reading it)
/// or the file cannot be read; else the hex SHA-256 of the file.
fn already_stored(b: &Batch, o: &Opened) -> Result<Result<String, NotRead>> {
    let sha = match hash_file(&o.disk, &o.path) {
        Ok(sha) => sha,
        Err(e) => return Ok(Err((Box::new(unreadable(o.path.clone(), e.to_string())), None))),
    };
    let Some(stored) = b.input_by_sha(&sha)? else { return Ok(Ok(sha)) };
    super::progress::step(format_args!("{}: already stored as {}", o.path, stored.label));
    // Not read again: the store keeps the records out only.
    let n = usize::try_from(stored.records).unwrap_or(usize::MAX);
    Ok(Err((
        Box::new(ReadInput {
            report: InputReport {
                path: o.path.clone(),
                sha256: Some(sha),
                bytes: stored.bytes,
                format: stored.format,
                records_in: n,
                records: n,
                references: 0,
                skipped: None,
                diagnostics: Vec::new(),
            },
            parsed: None,
            status: Some(format!("already stored as {}", stored.label)),
            input_id: Some(stored.id),
        }),
        Some(stored.label),
    )))
}

/// The report reading `stored` (an input found already stored under
/// `label`) would give, from what the store kept of its first reading:
/// `None` when it was stored under another name (the diagnostics name the
/// input) or without its counts.
fn stored_report(b: &Batch, stored: &ReadInput, label: Option<&str>) -> Result<Option<InputReport>> {
    let Some(id) = stored.input_id else { return Ok(None) };
    if label != Some(stored.report.path.as_str()) {
        return Ok(None);
    }
    let Some(counts) = b.read_counts(id)? else { return Ok(None) };
    let r = &stored.report;
    Ok(Some(InputReport {
        path: r.path.clone(),
        sha256: r.sha256.clone(),
        bytes: r.bytes,
        format: r.format.clone(),
        records_in: usize::try_from(counts.seen).unwrap_or(usize::MAX),
        records: r.records,
        references: usize::try_from(counts.references).unwrap_or(usize::MAX),
        skipped: (r.records == 0).then(|| "no records found".to_string()),
        diagnostics: counts.diagnostics,
    }))
}

/// Takes the records of an input left in the store by
/// [`Destination::StoreAndMemory`] ([`ReadInput::in_store_only`]) from the
/// store into memory; its report (the stored one) stays. The store holds
/// what reading the file gave, so the file is not read again (it may be
/// standard input or a pipe, read once already).
pub fn records_from_store(input: &mut ReadInput, store: &store::Store) -> Result<()> {
    let Some(id) = input.input_id else { return Ok(()) };
    let records = store.input_records(id)?;
    input.parsed = Some(Parsed { records, diagnostics: Vec::new(), seen: input.report.records_in });
    Ok(())
}

/// Why the file at `disk` cannot go into the store (not enough free disk
/// for it, see [`citemap::store::disk_needed`]), or `None` when it fits, the
/// check is off (`store.check_free_space`), or the system does not say.
fn no_room(disk: &Path, settings: &citemap::config::StoreConfig) -> Option<String> {
    if !settings.check_free_space {
        return None;
    }
    let text = ingest::compress::text_size_hint(disk).ok()?;
    let free = citemap::store::free_space(&settings.path)?;
    room_error(text, free, settings)
}

/// [`no_room`]'s message for an input of `text` bytes of text, with `free`
/// bytes free on the store's disk.
fn room_error(text: u64, free: u64, settings: &citemap::config::StoreConfig) -> Option<String> {
    let need = citemap::store::disk_needed(text, settings.keep_free_bytes);
    (need > free).then(|| {
        format!(
            "not enough free disk for the store: reading it needs {} free beside {} ({} times its {} of text, and store.keep_free_bytes of {} left free), and {} are free; free some, or put the store on another disk (--store)",
            bytes_text(need),
            citemap::text_safety::strip_controls(&settings.path.display().to_string()),
            citemap::store::DISK_PER_INPUT_BYTE,
            bytes_text(text),
            bytes_text(settings.keep_free_bytes),
            bytes_text(free)
        )
    })
}

/// `b` bytes for a message: "1.2 GB", "3.4 MB" or "512 bytes".
fn bytes_text(b: u64) -> String {
    match b {
        0..1_000_000 => format!("{b} bytes"),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        _ => format!("{:.1} GB", b as f64 / 1e9),
    }
}

/// Phase 3, with a store: bytes, records and their blocking keys go into the
/// store as they are read, in `b`'s transaction; with `keep` the records
/// are kept in memory too.
fn read_into_store(o: &Opened, ctx: &Ctx, b: &mut Batch, sha: String, keep: bool) -> Result<ReadInput> {
    if let Some(why) = no_room(&o.disk, &ctx.config.store) {
        return Ok(skipped(o.path.clone(), why));
    }
    let file = match std::fs::File::open(&o.disk) {
        Ok(f) => f,
        Err(e) => return Ok(unreadable(o.path.clone(), e.to_string())),
    };
    // The reader's byte sink and its record callback both feed the one spool.
    let spool = std::cell::RefCell::new(b.spool()?);
    let mut bytes = 0u64;
    let (mut records, mut references) = (0usize, 0usize);
    let mut store_error = None;
    // Records are stored a batch at a time: their blocking keys and JSON are
    // made on the pool, then stored in order (the same rows as one by one).
    const BATCH: usize = 1024;
    let mut pending: Vec<Record> = Vec::with_capacity(BATCH);
    let mut kept: Vec<Record> = Vec::new();
    let mut store_pending = |pending: &mut Vec<Record>, store_error: &mut Option<citemap::store::Error>| {
        use rayon::prelude::*;
        let keys: Vec<Vec<String>> = pending.par_iter().map(citemap::resolve::blocking_keys).collect();
        let added =
            spool.borrow_mut().add_records_keyed(pending, &keys, citemap::resolve::BLOCKING_KEYS_VERSION);
        if keep {
            kept.append(pending);
        } else {
            pending.clear();
        }
        if let Err(e) = added {
            store_error.get_or_insert(e);
        }
    };
    let read = stream(
        &o.path,
        file,
        ctx,
        &mut |data| {
            bytes += data.len() as u64;
            spool.borrow_mut().write(data).map_err(std::io::Error::other)
        },
        &mut |r| {
            records += 1;
            references += r.citations.len();
            pending.push(r);
            if pending.len() >= BATCH {
                store_pending(&mut pending, &mut store_error);
            }
        },
    );
    store_pending(&mut pending, &mut store_error);
    let spool = spool.into_inner();
    if let Some(e) = store_error {
        return Err(e.into());
    }
    let (format, diagnostics, seen) = match read {
        Ok(r) => r,
        Err(e) => {
            spool.abandon()?;
            return Ok(unreadable(o.path.clone(), e.to_string()));
        }
    };
    let (status, sha256, input_id) = match format {
        Some(f) => {
            let (added, sha) = spool.finish(&o.path, Some(f.name()), &diagnostics)?;
            match added {
                Added::New(id) => {
                    b.set_read_counts(id, seen as u64, references as u64)?;
                    ("added".to_string(), sha, Some(id))
                }
                Added::AlreadyStored { id, label } => (format!("already stored as {label}"), sha, Some(id)),
            }
        }
        None => {
            spool.abandon()?;
            records = 0;
            ("skipped".to_string(), sha, None)
        }
    };
    let known = format.is_some();
    let outcome = Outcome { format, diagnostics, seen, records, references, bytes };
    if !keep {
        return Ok(ReadInput {
            report: report(&o.path, Some(sha256), outcome),
            parsed: None,
            status: Some(status),
            input_id,
        });
    }
    // Kept: as [`read_to_memory`] reports it (no hash of an input whose kind
    // was not known, no records from it).
    if !known {
        kept.clear();
    }
    let parsed = Parsed { records: kept, diagnostics: outcome.diagnostics.clone(), seen };
    Ok(ReadInput {
        report: report(&o.path, known.then_some(sha256), outcome),
        parsed: Some(parsed),
        status: Some(status),
        input_id,
    })
}

/// The report of one read input.
fn report(path: &str, sha256: Option<String>, o: Outcome) -> InputReport {
    super::progress::step(format_args!("{path}: {} records read", o.records));
    let known = o.format.is_some();
    let skipped = if !known {
        Some(
            o.diagnostics
                .iter()
                .find(|d| d.severity == Severity::Error)
                .map_or_else(|| "unknown kind of input".to_string(), |d| d.message.clone()),
        )
    } else if o.records == 0 {
        Some("no records found".to_string())
    } else {
        None
    };
    InputReport {
        path: path.to_string(),
        sha256,
        bytes: o.bytes,
        format: o.format.map(|f| f.name().to_string()),
        records_in: if known { o.seen } else { 0 },
        records: o.records,
        references: if known { o.references } else { 0 },
        skipped,
        diagnostics: o.diagnostics,
    }
}

/// A special file met while walking a folder: reported with a warning.
fn special(path: String, kind: &str) -> ReadInput {
    let why = format!("{kind} inside a folder: not read (name it explicitly to read it)");
    ReadInput {
        report: InputReport {
            diagnostics: vec![Diagnostic::warning(Provenance::new(&path, 0, None), why.clone())],
            path,
            sha256: None,
            bytes: 0,
            format: None,
            records_in: 0,
            records: 0,
            references: 0,
            skipped: Some(why),
        },
        parsed: None,
        status: Some("skipped".to_string()),
        input_id: None,
    }
}

/// Copies standard input (`-`) or the pipe or device `p` into a temporary
/// file, reading it exactly once.
fn spool_stream(p: &std::path::Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut tmp = tempfile::NamedTempFile::new()?;
    if p.as_os_str() == "-" {
        std::io::copy(&mut std::io::stdin().lock(), tmp.as_file_mut())?;
    } else {
        std::io::copy(&mut std::fs::File::open(p)?, tmp.as_file_mut())?;
    }
    Ok(tmp)
}

/// Hex SHA-256 of a file's bytes, read in a stream.
///
/// A file that takes long to hash (one not in the page cache: 13 s for a
/// 4.6 GB file here) says how far it has got every
/// [`super::progress::EVERY`], as reading does.
fn hash_file(p: &std::path::Path, label: &str) -> std::io::Result<String> {
    let file = std::fs::File::open(p)?;
    let total = file.metadata().ok().map(|m| m.len()).filter(|&n| n > 0);
    let mut ticker = super::progress::Ticker::new(super::progress::EVERY);
    let mut done = 0u64;
    let mut hash = Sha256::new();
    let mut sink = |data: &[u8]| -> std::io::Result<()> {
        hash.update(data);
        done += data.len() as u64;
        if ticker.due() {
            super::progress::step(hashing_line(label, done, total));
        }
        Ok(())
    };
    let mut tee = Tee { inner: file, sink: &mut sink };
    std::io::copy(&mut tee, &mut std::io::sink())?;
    Ok(store::hex(&hash.finalize()))
}

/// Prints diagnostics of at least warning severity to stderr.
pub fn print_diagnostics<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diags {
        if d.severity >= Severity::Warning {
            // Messages quote input text: sanitised for the terminal.
            eprintln!("{}", citemap::text_safety::strip_controls(&d.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_error_names_what_is_needed_and_what_is_free() {
        let settings = citemap::config::StoreConfig { keep_free_bytes: 1 << 30, ..Default::default() };
        // 4 times 2 GB of text plus 1 GiB left free: 9.07 GB.
        assert!(room_error(2_000_000_000, 9_100_000_000, &settings).is_none());
        let why = room_error(2_000_000_000, 9_000_000_000, &settings).expect("no room");
        assert!(
            why.contains("needs 9.1 GB free beside citemap.db (4 times its 2.0 GB of text")
                && why.contains("and 9.0 GB are free"),
            "{why}"
        );
        let off = citemap::config::StoreConfig { check_free_space: false, ..Default::default() };
        assert!(no_room(Path::new("no such file"), &off).is_none());
        assert_eq!(bytes_text(999_999), "999999 bytes");
        assert_eq!(bytes_text(2_500_000), "2.5 MB");
    }

    #[test]
    fn reading_line_says_how_far_and_how_many() {
        assert_eq!(
            reading_line("c1m/works.jsonl", 1_200_000_000, Some(4_643_041_982), 262_144),
            "c1m/works.jsonl: 1.2 GB of 4.6 GB read (25%), 262144 records"
        );
        assert_eq!(reading_line("-", 5_000_000, None, 10), "-: 5.0 MB read, 10 records");
        assert!(!reading_line("a\x1b[2Jb.ris", 0, Some(0), 0).contains('\x1b'));
        assert_eq!(
            hashing_line("big.ris", 500_000_000, Some(2_000_000_000)),
            "big.ris: 500.0 MB of 2.0 GB hashed (25%), to see whether the store holds it"
        );
        assert_eq!(hashing_line("-", 1000, None), "-: 1000 bytes hashed, to see whether the store holds it");
    }
}
