//! File-system helpers for the CLI: walking inputs in a stable order (each
//! real path once, special files reported), atomic writes (temporary file +
//! rename) and output sets renamed into place together ([`output_set`]).

use anyhow::{bail, Context, Result};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

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

/// `--force`: outputs may replace symbolic links (the file they point to
/// is written) and write into device files.
static FORCE: AtomicBool = AtomicBool::new(false);

/// Sets `--force` for this run.
pub fn set_force(force: bool) {
    FORCE.store(force, Ordering::Relaxed);
}

thread_local! {
    /// The files written inside [`output_set`], waiting to be renamed into place.
    static STAGED: RefCell<Option<Vec<(tempfile::TempPath, PathBuf)>>> = const { RefCell::new(None) };
}

/// Runs `here` on this thread and `there` on a thread of its own, side by
/// side. Files `there` writes with [`write_atomic`] join this thread's
/// output set (when one is open), so they are renamed into place with the
/// rest, only when the whole set is complete. When no thread can be had,
/// `there` runs here after `here`.
pub fn side_by_side<A, B, RA, RB>(here: A, there: B) -> (RA, Result<RB>)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> Result<RB> + Send,
    RB: Send,
{
    let staging = STAGED.with(|s| s.borrow().is_some());
    // Taken by whichever runs it: the thread, or this one if none started.
    let there = std::sync::Mutex::new(Some(there));
    let run = || match there.lock().ok().and_then(|mut t| t.take()) {
        Some(f) => f(),
        None => Err(anyhow::anyhow!("internal: a side-by-side step ran twice")),
    };
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().spawn_scoped(scope, || {
            if staging {
                STAGED.with(|s| *s.borrow_mut() = Some(Vec::new()));
            }
            let r = run();
            (r, STAGED.with(|s| s.borrow_mut().take()).unwrap_or_default())
        });
        let ra = here();
        let (rb, staged) = match spawned {
            Ok(other) => other.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => (run(), Vec::new()),
        };
        STAGED.with(|s| {
            if let Some(mine) = s.borrow_mut().as_mut() {
                mine.extend(staged);
            }
        });
        (ra, rb)
    })
}

/// Runs `write`, which writes a command's outputs with [`write_atomic`], as
/// one set: every file goes to a temporary file beside its destination and
/// all are renamed into place only when `write` succeeded, so a failure
/// (full disk, bad input, interruption) leaves every previous output as it
/// was, never a mix of old and new files.
pub fn output_set<T>(write: impl FnOnce() -> Result<T>) -> Result<T> {
    let outer = STAGED.with(|s| s.borrow_mut().replace(Vec::new()));
    let result = write();
    let staged = STAGED.with(|s| std::mem::replace(&mut *s.borrow_mut(), outer)).unwrap_or_default();
    // On failure the temporary files are removed as `staged` drops.
    let value = result?;
    // A folder where a file goes would fail its rename after the others
    // had replaced theirs: refused before any is renamed.
    if let Some((_, dest)) = staged.iter().find(|(_, d)| fs::symlink_metadata(d).is_ok_and(|m| m.is_dir())) {
        bail!("cannot write {}: a folder is there", dest.display());
    }
    super::progress::renaming(|| -> Result<()> {
        for (tmp, dest) in staged {
            tmp.persist(&dest)
                .map_err(|e| e.error)
                .with_context(|| format!("renaming into {}", dest.display()))?;
        }
        Ok(())
    })?;
    Ok(value)
}

/// Runs `write` on a temporary folder beside `dir` (for writers that take a
/// folder, like `overlap`'s), then moves every file it wrote into `dir`
/// (created when absent) as part of the current [`output_set`]. When `write`
/// fails, `dir` is untouched and the temporary folder removed.
pub fn staged_dir<T>(dir: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let parent = dir.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    remove_stale(parent);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .tempdir_in(parent)
        .with_context(|| format!("creating a folder in {}", parent.display()))?;
    let value = write(tmp.path())?;
    let mut names: Vec<PathBuf> =
        fs::read_dir(tmp.path())?.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    names.sort();
    for p in names {
        let Some(name) = p.file_name() else { continue };
        write_atomic(&dir.join(name), |w| std::io::copy(&mut fs::File::open(&p)?, w).map(|_| ()))?;
    }
    Ok(value)
}

/// Why `path` must not be replaced by an output, when it must not: a
/// symbolic link or a special file (device, pipe), unless `--force`.
fn refuse(path: &Path) -> Option<&'static str> {
    let m = fs::symlink_metadata(path).ok()?;
    if m.file_type().is_symlink() {
        Some("a symbolic link")
    } else if m.is_file() || m.is_dir() {
        None
    } else {
        Some("not a regular file (a device or a pipe)")
    }
}

/// Refuses an output folder that is a symbolic link or not a folder, unless `--force`.
pub fn check_out_dir(dir: &Path) -> Result<()> {
    match refuse(dir) {
        Some(why) if !FORCE.load(Ordering::Relaxed) => {
            bail!("refusing to write into {}: it is {why} (pass --force to write there)", dir.display())
        }
        _ => Ok(()),
    }
}

/// Where the symbolic link `path` leads, followed to its end (also when the
/// last target does not exist yet); `path` itself when it is no link.
fn link_target(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    // 40 hops, as the kernel allows: a loop gives up rather than spinning.
    for _ in 0..40 {
        match fs::read_link(&p) {
            Ok(t) => p = p.parent().map_or(t.clone(), |d| d.join(&t)),
            Err(_) => break,
        }
    }
    p
}

/// How the temporary files of outputs are named: `.citemap-tmp-PID-XXXXXX`.
const TMP_PREFIX: &str = ".citemap-tmp-";

/// Removes temporary files and folders that a killed citemap left in `dir`
/// (their process is gone), so an interruption leaves nothing behind for long.
fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TMP_PREFIX)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        // Linux tells whether the process lives; elsewhere nothing is removed.
        let proc = Path::new("/proc");
        if proc.is_dir() && pid != std::process::id() && !proc.join(pid.to_string()).exists() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                fs::remove_dir_all(e.path()).ok();
            } else {
                fs::remove_file(e.path()).ok();
            }
        }
    }
}

/// Writes a file atomically: the content goes to a temporary file in the
/// same folder, which is renamed over `path` only when complete (inside
/// [`output_set`], when the whole set is complete).
///
/// `-` is standard output. A symbolic link or a device at `path` is refused
/// unless `--force` (then the link's target is written, and a device is
/// written into).
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        fill(&mut out).context("writing to standard output")?;
        return out.flush().context("writing to standard output");
    }
    let resolved;
    let path = match refuse(path) {
        None => path,
        Some(why) if !FORCE.load(Ordering::Relaxed) => {
            bail!("refusing to replace {}: it is {why} (pass --force to write to it)", path.display())
        }
        Some(_) => {
            resolved = link_target(path);
            if refuse(&resolved).is_some() {
                // A device or pipe: written into, never replaced.
                let f = fs::OpenOptions::new()
                    .write(true)
                    .open(&resolved)
                    .with_context(|| format!("opening {}", resolved.display()))?;
                let mut w = BufWriter::new(f);
                fill(&mut w).with_context(|| format!("writing {}", resolved.display()))?;
                return w.flush().with_context(|| format!("writing {}", resolved.display()));
            }
            &resolved
        }
    };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    remove_stale(dir);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{}-", std::process::id()))
        .tempfile_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    // Past the page cache where the file system allows it (`direct`), else
    // through it; durable either way before the rename.
    let written = match super::direct::open(tmp.path()) {
        Some(mut d) => fill(&mut d).and_then(|()| d.finish()),
        None => {
            let mut w = BufWriter::new(tmp.as_file());
            fill(&mut w).and_then(|()| w.flush()).and_then(|()| tmp.as_file().sync_all())
        }
    };
    written.with_context(|| format!("writing {}", path.display()))?;
    // Temporary files are created private (0600); outputs are ordinary files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(fs::Permissions::from_mode(0o644)).ok();
    }
    let tmp = tmp.into_temp_path();
    let tmp = STAGED.with(|s| match s.borrow_mut().as_mut() {
        Some(staged) => {
            staged.push((tmp, path.to_path_buf()));
            None
        }
        None => Some(tmp),
    });
    if let Some(tmp) = tmp {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("renaming into {}", path.display()))?;
    }
    Ok(())
}
