//! Small helpers for resolution: stable ids, string similarity, year compatibility.

use sha2::{Digest, Sha256};

/// The number behind a stable id (`prefix` + the first 12 hex digits of
/// SHA-256 of `key`, [`id_of_number`]): the first six bytes of the digest,
/// big-endian. Ids of one prefix sort as their numbers do.
pub(crate) fn stable_number(key: &str) -> u64 {
    Sha256::digest(key.as_bytes())[..6].iter().fold(0, |n, &b| n << 8 | u64::from(b))
}

/// The stable id of number `n`: `prefix` + its 12 hex digits.
pub(crate) fn id_of_number(prefix: char, n: u64) -> String {
    format!("{prefix}{n:012x}")
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
