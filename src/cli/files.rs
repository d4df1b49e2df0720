//! File-system helpers for the CLI: walking inputs in a stable order and
//! atomic writes (temporary file + rename).

use anyhow::{Context, Result};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// One input found on disk, or why it could not be used.
pub enum Found {
    /// A file to read.
    File(PathBuf),
    /// A path that could not be read, with the reason.
    Unreadable(PathBuf, String),
}

/// Expands files and folders (recursively, sorted by name, hidden entries
/// skipped when `skip_hidden`) into a list of files, in a stable order.
pub fn collect(paths: &[PathBuf], skip_hidden: bool) -> Vec<Found> {
    let mut out = Vec::new();
    for p in paths {
        walk(p, skip_hidden, &mut out, true);
    }
    out
}

fn walk(p: &Path, skip_hidden: bool, out: &mut Vec<Found>, top: bool) {
    let hidden =
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.') && n != "." && n != "..");
    if hidden && skip_hidden && !top {
        return;
    }
    match fs::metadata(p) {
        Err(e) => out.push(Found::Unreadable(p.to_path_buf(), e.to_string())),
        Ok(m) if m.is_dir() => match fs::read_dir(p) {
            Err(e) => out.push(Found::Unreadable(p.to_path_buf(), e.to_string())),
            Ok(entries) => {
                let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                children.sort();
                for c in children {
                    walk(&c, skip_hidden, out, false);
                }
            }
        },
        Ok(_) => out.push(Found::File(p.to_path_buf())),
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
