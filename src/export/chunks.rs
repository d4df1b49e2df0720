//! Items of a big output (the nodes, then the edges of a graph file)
//! formatted in parallel and written in order.
//!
//! A writer hands [`write_items`] the number of items and a function that
//! formats item `i` into a byte buffer. Items are grouped in chunks of
//! [`ITEMS_PER_CHUNK`]; a window of chunks is formatted at once (rayon, one
//! buffer per chunk) while the window before it is written. Each item's bytes
//! depend only on the item, and chunks are written in item order, so the
//! output is byte-identical on any number of threads. Memory is bounded by
//! two windows of formatted text, whatever the size of the graph.

use rayon::prelude::*;
use std::io::{self, Write};
use std::ops::Range;

/// Items formatted into one buffer.
pub(crate) const ITEMS_PER_CHUNK: usize = 4096;

/// Chunks in one window, per thread: enough to keep every thread busy when
/// chunks differ in size, few enough to bound memory.
const CHUNKS_PER_THREAD: usize = 4;

/// Writes items `0..n` to `w` in order, each formatted by `format` (called
/// once per item, from any thread, into a buffer that holds the items
/// before it in its chunk).
pub(crate) fn write_items<F>(w: &mut dyn Write, n: usize, format: F) -> io::Result<()>
where
    F: Fn(&mut Vec<u8>, usize) -> io::Result<()> + Sync,
{
    write_ranges(w, n, |buf, range| {
        for i in range {
            format(buf, i)?;
        }
        Ok(())
    })
}

/// [`write_items`] for a writer that formats a whole chunk at once (one
/// CSV writer per chunk, say): `format` gets a chunk's range of items and an
/// empty buffer for them.
pub(crate) fn write_ranges<F>(w: &mut dyn Write, n: usize, format: F) -> io::Result<()>
where
    F: Fn(&mut Vec<u8>, Range<usize>) -> io::Result<()> + Sync,
{
    let chunks = n.div_ceil(ITEMS_PER_CHUNK);
    let window = (rayon::current_num_threads() * CHUNKS_PER_THREAD).max(1);
    let format_window = |first: usize| -> io::Result<Vec<Vec<u8>>> {
        (first..chunks.min(first + window))
            .into_par_iter()
            .map(|c| {
                let mut buf = Vec::new();
                format(&mut buf, c * ITEMS_PER_CHUNK..n.min((c + 1) * ITEMS_PER_CHUNK))?;
                Ok(buf)
            })
            .collect()
    };
    let write_all = |w: &mut dyn Write, bufs: Vec<Vec<u8>>| -> io::Result<()> {
        for b in bufs {
            w.write_all(&b)?;
        }
        Ok(())
    };
    let mut ready = format_window(0)?;
    let mut next = window;
    while next < chunks {
        // The writer stays on this thread (it need not be `Send`).
        let mut formatted = Ok(Vec::new());
        let written = rayon::in_place_scope(|s| {
            let (f, formatted) = (&format_window, &mut formatted);
            s.spawn(move |_| *formatted = f(next));
            write_all(w, ready)
        });
        written?;
        ready = formatted?;
        next += window;
    }
    write_all(w, ready)
}

/// The formatted text of every item (a node's escaped id, say) in one
/// buffer, for writers that copy it many times (each edge names two nodes):
/// copied from a compact table instead of formatted again from an item that
/// lies anywhere in memory (at 100k works, the scattered node ids of the
/// edges were a sixth of writing a GraphML file).
pub(crate) struct Texts {
    ends: Vec<usize>,
    bytes: Vec<u8>,
}

impl Texts {
    /// The text of items `0..n`, each formatted by `format` into the end of
    /// the buffer.
    pub(crate) fn of<F>(n: usize, mut format: F) -> io::Result<Texts>
    where
        F: FnMut(&mut Vec<u8>, usize) -> io::Result<()>,
    {
        let mut texts = Texts { ends: Vec::with_capacity(n), bytes: Vec::new() };
        for i in 0..n {
            format(&mut texts.bytes, i)?;
            texts.ends.push(texts.bytes.len());
        }
        Ok(texts)
    }

    /// The text of item `i` (empty when there is none).
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) };
        let end = self.ends.get(i).copied().unwrap_or(start);
        &self.bytes[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item once, in order, whatever the count around chunk and window
    /// edges and the number of threads.
    #[test]
    fn items_in_order_on_any_thread_count() {
        let window = rayon::current_num_threads() * CHUNKS_PER_THREAD * ITEMS_PER_CHUNK;
        for n in [
            0,
            1,
            ITEMS_PER_CHUNK - 1,
            ITEMS_PER_CHUNK,
            ITEMS_PER_CHUNK + 1,
            window,
            window + 7,
            3 * window + 1,
        ] {
            let expected: Vec<u8> = (0..n).flat_map(|i| format!("{i},").into_bytes()).collect();
            for threads in [1, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let mut out = Vec::new();
                pool.install(|| write_items(&mut out, n, |b, i| write!(b, "{i},"))).unwrap();
                assert!(out == expected, "n = {n}, threads = {threads}");
            }
        }
    }

    #[test]
    fn texts_are_the_items_formatted_in_order() {
        let t = Texts::of(5, |b, i| write!(b, "{}", "x".repeat(i))).unwrap();
        for i in 0..5 {
            assert_eq!(t.get(i), "x".repeat(i).as_bytes());
        }
        assert_eq!(t.get(7), b"");
    }

    /// A formatting error stops the output and is returned.
    #[test]
    fn errors_come_back() {
        let mut out = Vec::new();
        let err = write_items(&mut out, 10_000, |b, i| {
            if i == 5000 {
                return Err(io::Error::other("bad item"));
            }
            write!(b, "{i}")
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "bad item");
    }
}
