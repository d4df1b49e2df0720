//! Small helpers for resolution: stable ids, string similarity, year compatibility.

use sha2::{Digest, Sha256};

/// A stable id: `prefix` + the first 12 hex digits of SHA-256 of `key`.
pub(crate) fn stable_id(prefix: char, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut s = String::with_capacity(13);
    s.push(prefix);
    for b in &digest[..6] {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Normalised Levenshtein similarity of two keys, computed on at most the
/// first `cap` characters of each (keeps long abstracts cheap).
pub(crate) fn similarity(a: &str, b: &str, cap: usize) -> f64 {
    if a == b {
        return 1.0;
    }
    let a: String = a.chars().take(cap).collect();
    let b: String = b.chars().take(cap).collect();
    strsim::normalized_levenshtein(&a, &b)
}

/// True when two optional years are within `slack` of each other or either is unknown.
pub(crate) fn years_compatible(a: &[i32], b: &[i32], slack: i32) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    a.iter().any(|x| b.iter().any(|y| (x - y).abs() <= slack))
}
