//! File-system helpers for the CLI: walking inputs in a stable order and
//! atomic writes (temporary file + rename).

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// One input found on disk, or why it could not be used.
pub enum Found {
    /// A file to read (a regular file, or a special file named explicitly:
    /// a named pipe or device, which is read once into a temporary file).
    File(PathBuf),
    /// Standard input (`-`), read once into a temporary file.
    Stdin,
    /// A path that could not be read, with the reason.
    Unreadable(PathBuf, String),
    /// A special file (named pipe, device, socket) met while walking a
    /// folder: not opened (a pipe with no writer would block for ever).
    Special(PathBuf, &'static str),
}

/// Expands files and folders (recursively, sorted by name, hidden entries
/// skipped when `skip_hidden`) into a list of files, in a stable order.
///
/// Symbolic links are followed, but each real folder is entered once and
/// each real file listed once (a visited set of canonical paths), so a
/// folder holding links to itself ends. Special files inside folders are
/// reported, not opened; named explicitly they are read. `-` is standard
/// input.
pub fn collect(paths: &[PathBuf], skip_hidden: bool) -> Vec<Found> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Found::Stdin);
            continue;
        }
        walk(p, skip_hidden, &mut out, &mut seen, true);
    }
    out
}

/// What kind of special file `t` is, when it is one.
fn special_kind(t: fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("named pipe");
        }
        if t.is_socket() {
            return Some("socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("device");
        }
    }
    (!t.is_file() && !t.is_dir()).then_some("special file")
}

/// True when `p` is not a regular file (a pipe, a device, standard input):
/// such an input can be read only once, so it is spooled first.
pub fn is_stream(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| special_kind(m.file_type()).is_some())
}

fn walk(p: &Path, skip_hidden: bool, out: &mut Vec<Found>, seen: &mut HashSet<PathBuf>, top: bool) {
    let hidden =
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') && n != "." && n != "..");
    if hidden && skip_hidden && !top {
        return;
    }
    let m = match fs::metadata(p) {
        Ok(m) => m,
        Err(e) => return out.push(Found::Unreadable(p.to_path_buf(), e.to_string())),
    };
    if let Some(kind) = special_kind(m.file_type()) {
        if top {
            out.push(Found::File(p.to_path_buf()));
        } else {
            out.push(Found::Special(p.to_path_buf(), kind));
        }
        return;
    }
    // Once per real path: links to a folder already entered (or to a file
    // already listed) are passed over.
    let real = fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if !seen.insert(real) {
        return;
    }
    if !m.is_dir() {
        return out.push(Found::File(p.to_path_buf()));
    }
    match fs::read_dir(p) {
        Err(e) => out.push(Found::Unreadable(p.to_path_buf(), e.to_string())),
        Ok(entries) => {
            let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for c in children {
                walk(&c, skip_hidden, out, seen, false);
            }
        }
    }
}

/// Writes a file atomically: the content goes to a temporary file in the
/// same folder, which is renamed over `path` only when complete.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        fill(&mut w).with_context(|| format!("writing {}", path.display()))?;
        w.flush().with_context(|| format!("writing {}", path.display()))?;
    }
    // Temporary files are created private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(fs::Permissions::from_mode(0o644)).ok();
    }
    tmp.as_file().sync_all().ok();
    tmp.persist(path).with_context(|| format!("renaming into {}", path.display()))?;
    Ok(())
}
