//! Gzip input with a bound on the decompressed size (a small `.gz` can expand
//! to gigabytes: a "zip bomb" must give an error, not exhaust memory), read
//! as a stream and counted as it expands; data cut short ends the input
//! where the cut is ([`CutTolerant`]), so the records before it are kept.

use flate2::read::MultiGzDecoder;
use std::io::Read;

/// True when `bytes` start with the gzip magic number `1f 8b`.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses gzip `bytes` (all members, as `cat a.gz b.gz` produces),
/// failing when the output would exceed `limit` bytes or the data is corrupt.
pub fn gunzip_bounded(bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut dec = MultiGzDecoder::new(bytes).take(limit.saturating_add(1));
    dec.read_to_end(&mut out).map_err(|e| format!("gzip data is corrupt: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("gzip data expands beyond the limit of {limit} bytes"));
    }
    Ok(out)
}

/// Like [`gunzip_bounded`], but data cut short or corrupt is not an error:
/// what decompressed before the fault comes back with the fault's message
/// (a truncated `.gz` still gives its first records). Errs only beyond `limit`.
pub fn gunzip_lenient(bytes: &[u8], limit: u64) -> Result<(Vec<u8>, Option<String>), String> {
    let mut out = Vec::new();
    let mut dec = CutTolerant::new(MultiGzDecoder::new(bytes)).take(limit.saturating_add(1));
    // CutTolerant turns corrupt data into the end of input.
    dec.read_to_end(&mut out).map_err(|e| format!("gzip data is corrupt: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("gzip data expands beyond the limit of {limit} bytes"));
    }
    let fault = dec.into_inner().fault;
    Ok((out, fault))
}

/// A reader over a decompressor that ends the input where the compressed
/// data is cut short or corrupt, keeping the fault's message in `fault`,
/// so everything before the cut is still read.
pub struct CutTolerant<R> {
    inner: R,
    /// What was wrong with the data, once found.
    pub fault: Option<String>,
}

impl<R: Read> CutTolerant<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        CutTolerant { inner, fault: None }
    }
    /// The wrapped reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for CutTolerant<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fault.is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Err(e) if is_corrupt_data(&e) => {
                self.fault = Some(e.to_string());
                Ok(0)
            }
            other => other,
        }
    }
}

/// Decompressed bytes after which [`RatioGuard`] starts to compare: small
/// inputs may expand a lot (a page of blank space) without harm.
pub const RATIO_CHECK_AFTER: u64 = 8 << 20;

/// A gzip decoder that ends its input once the data has expanded more than
/// `ratio` times its compressed size (after [`RATIO_CHECK_AFTER`] bytes):
/// exports compress 3 to 20 times, a "zip bomb" hundreds or thousands of
/// times, and is stopped before its expansion fills memory or disk.
pub struct RatioGuard<R: Read> {
    inner: MultiGzDecoder<Counted<R>>,
    ratio: u64,
    out: u64,
    /// Set when the guard ended the input.
    pub tripped: bool,
}

impl<R: Read> RatioGuard<R> {
    /// Decompresses `raw`, allowing `ratio` times expansion (0: no bound).
    pub fn new(raw: R, ratio: u64) -> Self {
        RatioGuard { inner: MultiGzDecoder::new(Counted::new(raw)), ratio, out: 0, tripped: false }
    }
    /// Compressed bytes read so far.
    pub fn compressed(&self) -> u64 {
        self.inner.get_ref().count()
    }
    /// Decompressed bytes handed out so far.
    pub fn expanded(&self) -> u64 {
        self.out
    }
}

impl<R: Read> Read for RatioGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.tripped {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if self.ratio > 0
            && self.out > RATIO_CHECK_AFTER
            && self.out / self.inner.get_ref().count().max(1) > self.ratio
        {
            self.tripped = true;
            return Ok(0);
        }
        Ok(n)
    }
}

/// A reader that counts the bytes read through it.
pub struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Counted<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Counted { inner, count: 0 }
    }
    /// Bytes read so far.
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// Bytes of text the file at `path` holds, as far as can be told without
/// reading it: its size, or for gzip the size its last member says it
/// expands to (the trailer's ISIZE, which counts modulo 4 GiB and only that
/// member), never less than the compressed size.
pub fn text_size_hint(path: &std::path::Path) -> std::io::Result<u64> {
    use std::io::{Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let len = f.metadata()?.len();
    let mut magic = [0u8; 2];
    if len < 18 || f.read_exact(&mut magic).is_err() || !is_gzip(&magic) {
        return Ok(len);
    }
    let mut trailer = [0u8; 4];
    f.seek(SeekFrom::End(-4))?;
    f.read_exact(&mut trailer)?;
    Ok(len.max(u64::from(u32::from_le_bytes(trailer))))
}

/// True when `e` is how a gzip decoder reports corrupt or truncated data
/// (rather than a failure of the reader underneath).
pub fn is_corrupt_data(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), InvalidData | InvalidInput | UnexpectedEof)
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn text_size_hint_is_the_expanded_size_of_gzip_and_the_size_of_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let text = "TY  - JOUR\nTI  - A title\nER  - \n".repeat(2000);
        let plain = dir.path().join("a.ris");
        std::fs::write(&plain, &text).unwrap();
        assert_eq!(text_size_hint(&plain).unwrap(), text.len() as u64);
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(text.as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert!(gz.len() < text.len() / 10);
        let packed = dir.path().join("a.ris.gz");
        std::fs::write(&packed, &gz).unwrap();
        assert_eq!(text_size_hint(&packed).unwrap(), text.len() as u64);
        // A short file with the magic number is only its size.
        let stub = dir.path().join("b.gz");
        std::fs::write(&stub, [0x1f, 0x8b, 8]).unwrap();
        assert_eq!(text_size_hint(&stub).unwrap(), 3);
        assert!(text_size_hint(&dir.path().join("missing")).is_err());
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("write to Vec");
        e.finish().expect("finish gzip")
    }

    #[test]
    fn bounded() {
        let data = vec![b'a'; 10_000];
        let z = gz(&data);
        assert!(is_gzip(&z));
        assert_eq!(gunzip_bounded(&z, 10_000).expect("fits"), data);
        assert!(gunzip_bounded(&z, 9_999).is_err());
        let mut two = z.clone();
        two.extend_from_slice(&gz(b"bc"));
        assert_eq!(gunzip_bounded(&two, 1 << 20).expect("two members").len(), 10_002);
        assert!(gunzip_bounded(&z[..z.len() / 2], 1 << 20).is_err());
    }

    #[test]
    fn a_cut_gzip_gives_what_came_before_the_cut() {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let z = gz(&data);
        let (got, fault) = gunzip_lenient(&z[..z.len() / 2], 1 << 30).expect("within the bound");
        assert!(fault.is_some());
        assert!(!got.is_empty() && got.len() < data.len());
        assert_eq!(&data[..got.len()], &got[..]);
        assert_eq!(gunzip_lenient(&z, 1 << 30).expect("whole"), (data, None));
        assert!(gunzip_lenient(&z, 1000).is_err());
    }
}
