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
use std::cell::RefCell;
use std::io::Read;
use std::path::PathBuf;

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
    ReadInput {
        report: InputReport {
            diagnostics: vec![Diagnostic::error(
                Provenance::new(&path, 0, None),
                format!("cannot read: {why}"),
            )],
            path,
            sha256: None,
            bytes: 0,
            format: None,
            records_in: 0,
            records: 0,
            references: 0,
            skipped: Some(format!("cannot read: {why}")),
        },
        parsed: None,
        status: Some("skipped".to_string()),
    }
}

/// Reads every file under `paths`, one at a time, streaming each through its
/// reader (see [`ingest::read_each`]). With `batch`, each readable input's raw
/// bytes and records go into the store as they are read, so a streamed input
/// is held in memory neither as text nor as records.
pub fn read_inputs(paths: &[PathBuf], ctx: &Ctx, mut batch: Option<&mut Batch>) -> Result<Vec<ReadInput>> {
    let found = files::collect(paths, ctx.config.ingest.skip_hidden);
    let total = found.len();
    let mut out = Vec::with_capacity(total);
    for (i, f) in found.into_iter().enumerate() {
        let (p, path) = match f {
            Found::Unreadable(p, why) => {
                out.push(unreadable(label(&p), why));
                continue;
            }
            Found::Special(p, kind) => {
                out.push(special(label(&p), kind));
                continue;
            }
            Found::File(p) => {
                let path = label(&p);
                (p, path)
            }
            Found::Stdin => (PathBuf::from("-"), "-".to_string()),
        };
        if !ctx.quiet && total > 1 && !ctx.json {
            eprintln!("[{}/{total}] reading {}", i + 1, citemap::text_safety::strip_controls(&path));
        }
        // Standard input, a named pipe or a device can be read only once:
        // spooled into a temporary file, which is then hashed and read like
        // any file (and removed when done).
        let spooled = if path == "-" || files::is_stream(&p) {
            match spool_stream(&p) {
                Ok(t) => Some(t),
                Err(e) => {
                    out.push(unreadable(path, e.to_string()));
                    continue;
                }
            }
        } else {
            None
        };
        let p = spooled.as_ref().map_or(p, |t| t.path().to_path_buf());
        let file = match std::fs::File::open(&p) {
            Ok(f) => f,
            Err(e) => {
                out.push(unreadable(path, e.to_string()));
                continue;
            }
        };
        // With a store, a file whose bytes are stored already is not parsed
        // again: one pass to hash it is much cheaper than reading it.
        let mut known_sha = None;
        if let Some(b) = batch.as_deref() {
            let sha = match hash_file(&p) {
                Ok(sha) => sha,
                Err(e) => {
                    out.push(unreadable(path, e.to_string()));
                    continue;
                }
            };
            if let Some(stored) = b.input_by_sha(&sha)? {
                super::progress::step(format_args!("{path}: already stored as {}", stored.label));
                out.push(ReadInput {
                    report: InputReport {
                        path,
                        sha256: Some(sha),
                        bytes: stored.bytes,
                        format: stored.format,
                        // Not read again: the store keeps the records out only.
                        records_in: usize::try_from(stored.records).unwrap_or(usize::MAX),
                        records: usize::try_from(stored.records).unwrap_or(usize::MAX),
                        references: 0,
                        skipped: None,
                        diagnostics: Vec::new(),
                    },
                    parsed: None,
                    status: Some(format!("already stored as {}", stored.label)),
                });
                continue;
            }
            known_sha = Some(sha);
        }
        let spool = RefCell::new(match batch.as_deref_mut() {
            Some(b) => Some(b.spool()?),
            None => None,
        });
        let mut hash = Sha256::new();
        let mut bytes = 0u64;
        // Without a store the records are kept; with one they go straight in.
        let mut records = Vec::new();
        let mut n_records = 0usize;
        let mut n_references = 0usize;
        let mut store_error = None;
        let read = {
            let mut sink = |data: &[u8]| -> std::io::Result<()> {
                bytes += data.len() as u64;
                match spool.borrow_mut().as_mut() {
                    Some(s) => s.write(data).map_err(std::io::Error::other),
                    None => {
                        hash.update(data);
                        Ok(())
                    }
                }
            };
            let mut on_record = |r: Record| {
                n_records += 1;
                n_references += r.citations.len();
                match spool.borrow_mut().as_mut() {
                    Some(s) => {
                        if let Err(e) = s.add_record(&r) {
                            store_error.get_or_insert(e);
                        }
                    }
                    None => records.push(r),
                }
            };
            let mut tee = Tee { inner: file, sink: &mut sink };
            let limit = ctx.config.ingest.max_file_bytes;
            ingest::read_each_counted(&path, &mut tee, &ctx.config.ingest.options(), limit, &mut on_record)
                .and_then(|r| {
                    // The hash covers the whole file, also what the reader did not need.
                    if r.0.is_some() {
                        std::io::copy(&mut tee, &mut std::io::sink())?;
                    }
                    Ok(r)
                })
        };
        let spool = spool.into_inner();
        if let Some(e) = store_error {
            return Err(e.into());
        }
        let (format, diagnostics, seen) = match read {
            Ok(r) => r,
            Err(e) => {
                if let Some(s) = spool {
                    s.abandon()?;
                }
                out.push(unreadable(path, e.to_string()));
                continue;
            }
        };
        if format.is_none() {
            records.clear();
            n_records = 0;
        }
        super::progress::step(format_args!("{path}: {n_records} records read"));
        // The hash of the whole file: from the store (which hashed it before
        // and while spooling) or from the sink, which saw every byte only when
        // the input was read to its end (its kind was known).
        let (status, sha256) = match spool {
            Some(s) if format.is_some() => {
                let (added, sha) = s.finish(&path, format.map(|f| f.name()), &diagnostics)?;
                let status = match added {
                    Added::New(_) => "added".to_string(),
                    Added::AlreadyStored { label, .. } => format!("already stored as {label}"),
                };
                (Some(status), Some(sha))
            }
            Some(s) => {
                s.abandon()?;
                (Some("skipped".to_string()), known_sha)
            }
            None => (None, format.is_some().then(|| store::hex(&hash.finalize()))),
        };
        let skipped = if format.is_none() {
            Some(
                diagnostics
                    .iter()
                    .find(|d| d.severity == Severity::Error)
                    .map_or_else(|| "unknown kind of input".to_string(), |d| d.message.clone()),
            )
        } else if n_records == 0 {
            Some("no records found".to_string())
        } else {
            None
        };
        out.push(ReadInput {
            report: InputReport {
                path,
                sha256,
                bytes,
                format: format.map(|f| f.name().to_string()),
                records_in: if format.is_none() { 0 } else { seen },
                records: n_records,
                references: if format.is_none() { 0 } else { n_references },
                skipped,
                diagnostics: diagnostics.clone(),
            },
            parsed: status.is_none().then_some(Parsed { records, diagnostics, seen }),
            status,
        });
    }
    Ok(out)
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
fn hash_file(p: &std::path::Path) -> std::io::Result<String> {
    let mut hash = Sha256::new();
    let mut sink = |data: &[u8]| -> std::io::Result<()> {
        hash.update(data);
        Ok(())
    };
    let mut tee = Tee { inner: std::fs::File::open(p)?, sink: &mut sink };
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
