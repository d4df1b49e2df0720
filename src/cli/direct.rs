//! Output files written past the page cache (`O_DIRECT` on Linux).
//!
//! `map` at 100k works writes 2.3 GB of DOT and GraphML. Through the page
//! cache, on the virtual machines citemap is measured on, those writes ran
//! at 80 to 150 MB/s while the process held its graphs (the kernel's copy
//! into fresh page-cache pages was 78% of the samples while GraphML was
//! written); the same bytes written with `O_DIRECT` take well under a
//! second. Outputs are not read back by citemap, so nothing is lost by
//! leaving them out of the cache.
//!
//! `O_DIRECT` wants block-aligned memory, offsets and lengths: data is
//! gathered in a buffer of [`Block`]s (4 KiB aligned) and written a whole
//! buffer at a time; the last, partial block is padded with zeros and the
//! file cut back to its true length. Where the file system refuses
//! `O_DIRECT`, [`open`] says so and the caller writes through the cache.
//! No `unsafe`: the buffer is viewed as bytes with `bytemuck`.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The alignment and unit of direct writes (the largest logical block
/// size of common disks).
const BLOCK: usize = 4096;

/// Bytes gathered before each write.
const BUFFER: usize = 1 << 20;

/// One aligned block of the buffer.
#[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C, align(4096))]
struct Block([u8; BLOCK]);

/// A file opened for direct writes, and its buffer.
pub struct Direct {
    file: File,
    buf: Vec<Block>,
    /// Bytes of `buf` in use.
    filled: usize,
    /// Bytes already written to the file.
    written: u64,
}

/// Opens the (new, empty) file at `path` for direct writes, or `None` where
/// that is not possible (not Linux, or a file system that refuses
/// `O_DIRECT` when opening or on a first aligned write).
pub fn open(path: &Path) -> Option<Direct> {
    #[cfg(target_os = "linux")]
    {
        use std::io::{Seek, SeekFrom};
        use std::os::unix::fs::OpenOptionsExt;
        let mut file =
            std::fs::OpenOptions::new().write(true).custom_flags(libc::O_DIRECT).open(path).ok()?;
        let buf = vec![Block([0; BLOCK]); BUFFER / BLOCK];
        // Some file systems open with O_DIRECT and then refuse the writes:
        // one block written and taken back tells, before any output is at
        // stake.
        let probe: &[u8] = bytemuck::cast_slice(&buf[..1]);
        file.write_all(probe).ok()?;
        file.set_len(0).ok()?;
        file.seek(SeekFrom::Start(0)).ok()?;
        Some(Direct { file, buf, filled: 0, written: 0 })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

impl Direct {
    /// Writes the whole blocks gathered so far; a partial last block stays.
    fn drain(&mut self) -> io::Result<()> {
        let whole = self.filled / BLOCK * BLOCK;
        if whole == 0 {
            return Ok(());
        }
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut self.buf);
        self.file.write_all(&bytes[..whole])?;
        bytes.copy_within(whole..self.filled, 0);
        self.written += whole as u64;
        self.filled -= whole;
        Ok(())
    }

    /// Writes the rest (the last block padded with zeros), cuts the file to
    /// its true length and makes it durable.
    pub fn finish(mut self) -> io::Result<()> {
        self.drain()?;
        let tail = self.filled;
        if tail > 0 {
            let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut self.buf);
            bytes[tail..BLOCK].fill(0);
            self.file.write_all(&bytes[..BLOCK])?;
            self.file.set_len(self.written + tail as u64)?;
        }
        self.file.sync_all()
    }
}

impl Write for Direct {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.filled == BUFFER {
            self.drain()?;
        }
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut self.buf);
        let n = data.len().min(BUFFER - self.filled);
        bytes[self.filled..self.filled + n].copy_from_slice(&data[..n]);
        self.filled += n;
        Ok(n)
    }

    /// Whole blocks go to the file; a partial block waits for [`finish`]
    /// (`O_DIRECT` cannot write it and then append).
    ///
    /// [`finish`]: Direct::finish
    fn flush(&mut self) -> io::Result<()> {
        self.drain()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn lengths_around_block_and_buffer_edges_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, BUFFER - 1, BUFFER, BUFFER + 7, 3 * BUFFER + 4095] {
            let path = dir.path().join(format!("out-{len}"));
            std::fs::File::create(&path).unwrap();
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut d = open(&path).expect("the temporary folder takes O_DIRECT");
            // Uneven pieces, as the writers make them.
            for piece in data.chunks(777) {
                d.write_all(piece).unwrap();
            }
            d.flush().unwrap();
            d.finish().unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), data, "length {len}");
        }
    }
}
