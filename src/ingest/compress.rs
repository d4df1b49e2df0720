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
