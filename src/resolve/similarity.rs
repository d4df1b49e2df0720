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

/// An upper bound of [`similarity`]`(a, b, cap)`, cheap to compute: the
/// edit distance is at least the bag distance (the larger of the letters one
/// side has more of), so the similarity is at most `1 - bag / longest`. Exact
/// for ASCII keys (what the resolution keys are); 1.0 (no bound) otherwise.
pub(crate) fn similarity_bound(a: &str, b: &str, cap: usize) -> f64 {
    if a == b || !a.is_ascii() || !b.is_ascii() {
        return 1.0;
    }
    let (a, b) = (&a.as_bytes()[..a.len().min(cap)], &b.as_bytes()[..b.len().min(cap)]);
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut count = [0i32; 128];
    for &c in a {
        count[usize::from(c)] += 1;
    }
    for &c in b {
        count[usize::from(c)] -= 1;
    }
    let (more_a, more_b) = count.iter().fold((0i32, 0i32), |(x, y), &v| (x + v.max(0), y + (-v).max(0)));
    1.0 - f64::from(more_a.max(more_b)) / longest as f64
}

/// True when [`similarity`]`(a, b, cap) >= at_least`; pairs the
/// [`similarity_bound`] rules out are not compared letter by letter.
pub(crate) fn similar(a: &str, b: &str, cap: usize, at_least: f64) -> bool {
    similarity_bound(a, b, cap) >= at_least && similarity(a, b, cap) >= at_least
}

/// True when two optional years are within `slack` of each other or either is unknown.
pub(crate) fn years_compatible(a: &[i32], b: &[i32], slack: i32) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    a.iter().any(|x| b.iter().any(|y| (x - y).abs() <= slack))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The bound is never below the similarity, so a pair it rules out
        /// is one the similarity rules out too.
        #[test]
        fn bound_is_above_similarity(a in "[a-e ]{0,40}", b in "[a-e ]{0,40}", cap in 1usize..50) {
            prop_assert!(similarity_bound(&a, &b, cap) >= similarity(&a, &b, cap));
        }

        #[test]
        fn similar_agrees_with_similarity(a in "[a-d]{0,12}", b in "[a-d]{0,12}", t in 0.0f64..1.0) {
            prop_assert_eq!(similar(&a, &b, 300, t), similarity(&a, &b, 300) >= t);
        }
    }

    #[test]
    fn bound_of_unlike_titles_is_low() {
        let (a, b) = ("effects of exercise on sleep", "governance of river basins");
        assert!(similarity_bound(a, b, 300) < 0.8);
        assert_eq!(similarity_bound("cafe", "caf\u{e9}", 300), 1.0);
        assert_eq!(similarity_bound("", "", 300), 1.0);
    }
}
