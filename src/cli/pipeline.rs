//! The steps `map` and `ingest` share: find the input files, read each one
//! (bounded), detect and parse it, and report per file.

use super::files::{self, Found};
use super::Ctx;
use citemap::ingest;
use citemap::model::{Diagnostic, Parsed, Provenance, Severity};
use serde::Serialize;
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
    /// Records read.
    pub records: usize,
    /// Why the input gave nothing, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// Reader diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// One read input: its report and, when readable, its bytes and records.
pub struct ReadInput {
    /// The report.
    pub report: InputReport,
    /// Raw bytes and parse result.
    pub data: Option<(Vec<u8>, Parsed)>,
}

fn label(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Reads every file under `paths`.
pub fn read_inputs(paths: &[PathBuf], ctx: &Ctx) -> Vec<ReadInput> {
    let found = files::collect(paths, ctx.config.ingest.skip_hidden);
    let total = found.len();
    let mut out = Vec::with_capacity(total);
    for (i, f) in found.into_iter().enumerate() {
        match f {
            Found::Unreadable(p, why) => {
                let path = label(&p);
                out.push(ReadInput {
                    report: InputReport {
                        diagnostics: vec![Diagnostic::error(
                            Provenance::new(&path, 0, None),
                            format!("cannot read: {why}"),
                        )],
                        path,
                        sha256: None,
                        bytes: 0,
                        format: None,
                        records: 0,
                        skipped: Some(format!("cannot read: {why}")),
                    },
                    data: None,
                });
            }
            Found::File(p) => {
                let path = label(&p);
                if !ctx.quiet && total > 1 && !ctx.json {
                    eprintln!("[{}/{total}] reading {path}", i + 1);
                }
                match files::read_bounded(&p, ctx.config.ingest.max_file_bytes) {
                    Err(why) => out.push(ReadInput {
                        report: InputReport {
                            diagnostics: vec![Diagnostic::error(
                                Provenance::new(&path, 0, None),
                                format!("cannot read: {why}"),
                            )],
                            path,
                            sha256: None,
                            bytes: 0,
                            format: None,
                            records: 0,
                            skipped: Some(format!("cannot read: {why}")),
                        },
                        data: None,
                    }),
                    Ok(bytes) => {
                        let (format, parsed) = ingest::read(&path, &bytes, &ingest::Options::default());
                        let skipped = if format.is_none() {
                            Some("unknown kind of input".to_string())
                        } else if parsed.records.is_empty() {
                            Some("no records found".to_string())
                        } else {
                            None
                        };
                        out.push(ReadInput {
                            report: InputReport {
                                path,
                                sha256: Some(citemap::store::sha256_hex(&bytes)),
                                bytes: bytes.len() as u64,
                                format: format.map(|f| f.name().to_string()),
                                records: parsed.records.len(),
                                skipped,
                                diagnostics: parsed.diagnostics.clone(),
                            },
                            data: Some((bytes, parsed)),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Prints diagnostics of at least warning severity to stderr.
pub fn print_diagnostics<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) {
    for d in diags {
        if d.severity >= Severity::Warning {
            eprintln!("{d}");
        }
    }
}
