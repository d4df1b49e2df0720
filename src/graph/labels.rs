//! Labels of work nodes as pictures and pages show them: the first author a
//! node names, and labels made unique ("BMC Psychiatry 2022" twice becomes
//! "BMC Psychiatry 2022 (Hayes)" and "… (Smith)", then "2022a", "2022b").
//! Shared by `render` (maps, timeline, umbrella view) and `export` (the HTML
//! map), so both below them live here.

/// The first author named in a work node's attributes (`cited_authors`,
/// "Doyle & Tierney" -> "Doyle"), if any.
pub fn first_author(node: &super::Node) -> Option<String> {
    let super::Attr::Str(a) = node.attrs.get("cited_authors")? else { return None };
    let first = a.split([',', ';', '&']).next()?.trim();
    let first =
        first.strip_suffix(" et al.").or_else(|| first.strip_suffix(" et al")).unwrap_or(first).trim();
    (!first.is_empty()).then(|| first.to_string())
}

/// Makes drawn label texts unique (issue 17: two works both drawn as "BMC
/// Psychiatry 2022"). Texts that repeat (compared case-insensitively) get
/// their first author when the text does not name it already ("BMC
/// Psychiatry 2022 (Hayes)"); those still repeated get a letter in the
/// order given: "2022a", "2022b" after a year, " (a)", " (b)" otherwise,
/// skipping letters that would meet another text. `texts[i]` pairs with
/// `authors[i]` (missing entries count as unknown).
///
/// Complexity: O(k log k) for k texts.
pub fn distinct_labels(texts: &[String], authors: &[Option<String>]) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let key = |t: &str| t.trim().to_lowercase();
    let counts = |ts: &[String]| {
        let mut c: BTreeMap<String, usize> = BTreeMap::new();
        for t in ts {
            *c.entry(key(t)).or_insert(0) += 1;
        }
        c
    };
    let mut out: Vec<String> = texts.to_vec();
    let c = counts(&out);
    for (i, t) in out.iter_mut().enumerate() {
        if c.get(&key(t)).copied().unwrap_or(0) < 2 {
            continue;
        }
        if let Some(Some(a)) = authors.get(i) {
            if !t.to_lowercase().contains(&a.to_lowercase()) {
                *t = format!("{t} ({a})");
            }
        }
    }
    let c = counts(&out);
    let mut taken: BTreeSet<String> = out.iter().map(|t| key(t)).collect();
    let mut next: BTreeMap<String, usize> = BTreeMap::new();
    for t in out.iter_mut() {
        let k = key(t);
        if c.get(&k).copied().unwrap_or(0) < 2 {
            continue;
        }
        let ends_in_year = t.chars().rev().take(4).filter(|ch| ch.is_ascii_digit()).count() == 4;
        loop {
            let n = next.entry(k.clone()).or_insert(0);
            let letter = suffix_letters(*n);
            *n += 1;
            let candidate = if ends_in_year { format!("{t}{letter}") } else { format!("{t} ({letter})") };
            if taken.insert(key(&candidate)) {
                *t = candidate;
                break;
            }
        }
    }
    out
}

/// a, b, ..., z, aa, ab, ...
fn suffix_letters(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_labels_become_distinct() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let texts =
            t(&["BMC Psychiatry 2022", "Hayes et al. 2015", "BMC Psychiatry 2022", "bmc psychiatry 2022"]);
        let out = distinct_labels(&texts, &[None, None, None, None]);
        assert_eq!(
            out,
            t(&["BMC Psychiatry 2022a", "Hayes et al. 2015", "BMC Psychiatry 2022b", "bmc psychiatry 2022c"])
        );
        // The first author first, letters only where it does not separate them.
        let out = distinct_labels(
            &t(&["Lancet 2020", "Lancet 2020", "WHO", "WHO", "WHO 2020a"]),
            &[Some("Smith".into()), Some("Jones".into()), None, None, None],
        );
        assert_eq!(
            out,
            t(&["Lancet 2020 (Smith)", "Lancet 2020 (Jones)", "WHO (a)", "WHO (b)", "WHO 2020a"])
        );
        // A letter that would meet an existing text is skipped.
        let out = distinct_labels(&t(&["X 2020", "X 2020", "X 2020a"]), &[]);
        assert_eq!(out, t(&["X 2020b", "X 2020c", "X 2020a"]));
        let set: std::collections::BTreeSet<&String> = out.iter().collect();
        assert_eq!(set.len(), 3);
        assert_eq!(suffix_letters(27), "ab");
    }

    #[test]
    fn a_year_after_multibyte_text_is_found_without_slicing_a_character() {
        let out = distinct_labels(
            &["日本語 2020".into(), "日本語 2020".into(), "é日本".into(), "é日本".into()],
            &[],
        );
        assert_eq!(out, vec!["日本語 2020a", "日本語 2020b", "é日本 (a)", "é日本 (b)"]);
    }
}
