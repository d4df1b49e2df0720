//! The one escaper per output language, shared by `render` and `export`:
//! XML ([`xml`], [`write_xml`]: SVG, GraphML, GEXF, VOSviewer, HTML text) and
//! quoted DOT strings ([`dot`], [`write_dot`]), plus [`truncate`] for labels.
//! The terminal and the text formats go through [`crate::text_safety`].
//!
//! Sits below `render` and `export` and depends on nothing but
//! `text_safety`, so both use the same rules: any input yields well-formed
//! XML and a DOT string Graphviz accepts.

use std::io::{self, Write};

/// True for characters XML 1.0 allows in content.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The replacement of `c` in XML text and attribute values, `Some("")` for a
/// dropped character, `None` to keep it.
fn xml_replacement(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        c if is_xml_char(c) => None,
        _ => Some(""),
    }
}

/// Escapes `s` for XML text and attribute values (`&`, `<`, `>`, `"`, `'`) and
/// drops characters XML 1.0 forbids (control characters, U+FFFE, U+FFFF), so
/// any input yields well-formed XML.
///
/// ```
/// assert_eq!(citemap::escape::xml("a<b>&\"'\u{1}\u{FFFF}é"), "a&lt;b&gt;&amp;&quot;&apos;é");
/// ```
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match xml_replacement(c) {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    out
}

/// Writes `s` escaped as [`xml`] does, without building a string (the
/// streaming writers use it so their memory does not grow with the graph).
pub fn write_xml(w: &mut dyn Write, s: &str) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if let Some(r) = xml_replacement(c) {
            w.write_all(&s.as_bytes()[start..i])?;
            w.write_all(r.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&s.as_bytes()[start..])
}

/// Longest escaped string [`dot`] writes, in bytes. Graphviz's scanner
/// rejects a quoted string longer than 16,384 characters ("syntax error ...
/// string too long"); a longer value is cut below this bound and ends in
/// `…`. GraphML keeps the full text.
pub const MAX_DOT_STRING_BYTES: usize = 16_000;

/// The replacement of `c` in a quoted DOT string, `Some("")` for a dropped
/// character, `None` to keep it.
fn dot_replacement(c: char) -> Option<&'static str> {
    match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '\n' => Some("\\n"),
        c if c.is_control() => Some(""),
        _ => None,
    }
}

/// Escapes `s` for a quoted DOT string: `\` and `"` escaped, control
/// characters dropped, line breaks as `\n`, and the result cut to at most
/// [`MAX_DOT_STRING_BYTES`] (never inside an escape or a character).
///
/// ```
/// assert_eq!(citemap::escape::dot("a \"b\" \\c\nd\u{7}"), "a \\\"b\\\" \\\\c\\nd");
/// ```
pub fn dot(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_DOT_STRING_BYTES) + 2);
    for c in s.chars() {
        let r = dot_replacement(c);
        let piece_len = r.map_or(c.len_utf8(), str::len);
        if out.len() + piece_len > MAX_DOT_STRING_BYTES - '…'.len_utf8() {
            out.push('…');
            break;
        }
        match r {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    out
}

/// Writes `s` escaped as [`dot`] does, without building a string.
pub fn write_dot(w: &mut dyn Write, s: &str) -> io::Result<()> {
    // Escaping at most doubles the length: only a string that could pass
    // Graphviz's limit needs the cutting path.
    if s.len() * 2 + 3 > MAX_DOT_STRING_BYTES {
        return w.write_all(dot(s).as_bytes());
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if let Some(r) = dot_replacement(c) {
            w.write_all(&s.as_bytes()[start..i])?;
            w.write_all(r.as_bytes())?;
            start = i + c.len_utf8();
        }
    }
    w.write_all(&s.as_bytes()[start..])
}

/// Cuts `s` to at most `max` characters (on a char boundary), ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(f: fn(&mut dyn Write, &str) -> io::Result<()>, s: &str) -> String {
        let mut out = Vec::new();
        f(&mut out, s).expect("writing to a vector");
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(xml("a<b>&\"'\u{1}\u{FFFF}\u{FFFE}é\t\r\n"), "a&lt;b&gt;&amp;&quot;&apos;é\t\r\n");
        for s in ["plain", "a<b>&\"'\u{1}\u{FFFF}é", "\u{0}\u{1b}[31m", "🙂 & 😀"] {
            assert_eq!(streamed(write_xml, s), xml(s), "{s:?}");
        }
    }

    #[test]
    fn dot_escapes_quotes_backslashes_and_breaks_and_cuts_long_strings() {
        assert_eq!(dot("a \"b\" \\c\nd\u{7}\t\r"), "a \\\"b\\\" \\\\c\\nd");
        for s in ["plain", "a \"b\" \\c\nd\u{7}", "\u{9b}31m"] {
            assert_eq!(streamed(write_dot, s), dot(s), "{s:?}");
        }
        let long = "\\".repeat(MAX_DOT_STRING_BYTES);
        let e = dot(&long);
        assert!(e.len() <= MAX_DOT_STRING_BYTES);
        assert!(e.ends_with("\\\\…"), "cut between escapes");
        assert_eq!(streamed(write_dot, &long), e);
        assert_eq!(dot(&"é".repeat(5)), "ééééé");
    }

    #[test]
    fn truncate_cuts_on_characters() {
        assert_eq!(truncate("héllo wörld", 5), "héll…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
