//! Gzip input with a bound on the decompressed size (a small `.gz` can expand
//! to gigabytes: a "zip bomb" must give an error, not exhaust memory).

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
}
