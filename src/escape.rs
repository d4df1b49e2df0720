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
pub fn write_xml<W: Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
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

/// Eight bytes at once: `true` when a byte of `x` is below 0x20 or is one
/// of `set`, `false` only when none is (a `true` may be wrong: the caller
/// looks again byte by byte). The usual word-at-a-time tests: a byte below
/// `n` (`n <= 0x80`) sets its top bit in `(x - n) & !x & 0x80..`, a zero
/// byte does the same in `(x - 1) & !x & 0x80..`, and `x ^ c` has a zero
/// byte where `x` holds `c`.
#[inline]
pub(crate) fn word_may_hold(x: u64, set: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut hit = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    for &c in set {
        hit |= zero_byte(x ^ (ONES * u64::from(c)));
    }
    hit != 0
}

/// True when a byte of `s` is marked in `table`, where `table` marks every
/// byte of `set` and no byte at or above 0x20 outside it: eight bytes at a
/// time ([`word_may_hold`]), byte by byte in a word that may hold one and
/// in the tail.
#[inline]
pub(crate) fn any_marked(s: &[u8], table: &[bool; 256], set: &[u8]) -> bool {
    let mut words = s.chunks_exact(8);
    for chunk in &mut words {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if word_may_hold(x, set) && chunk.iter().any(|&b| table[b as usize]) {
            return true;
        }
    }
    words.remainder().iter().any(|&b| table[b as usize])
}

/// Bytes of a character [`dot_replacement`] changes: control bytes, `"`,
/// `\`, DEL, and 0xC2, the lead byte of U+0080..U+00BF (whose first 32 are
/// control characters).
const DOT_BYTES: [u8; 4] = [b'"', b'\\', 0x7F, 0xC2];
const DOT_TABLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    let mut i = 0;
    while i < DOT_BYTES.len() {
        t[DOT_BYTES[i] as usize] = true;
        i += 1;
    }
    t
};

/// Writes `s` escaped as [`dot`] does, without building a string.
pub fn write_dot(w: &mut dyn Write, s: &str) -> io::Result<()> {
    // Escaping at most doubles the length: only a string that could pass
    // Graphviz's limit needs the cutting path.
    if s.len() * 2 + 3 > MAX_DOT_STRING_BYTES {
        return w.write_all(dot(s).as_bytes());
    }
    // Most labels and ids hold no byte of a changed character.
    if !any_marked(s.as_bytes(), &DOT_TABLE, &DOT_BYTES) {
        return w.write_all(s.as_bytes());
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
            assert_eq!(streamed(|w, s| write_xml(w, s), s), xml(s), "{s:?}");
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
    fn dot_writes_every_character_as_the_escaper_does() {
        for c in (0u32..0x800).chain(0xD000..0xD800).chain(0xE000..0x10000).filter_map(char::from_u32) {
            for s in [format!("{c}"), format!("abcdefg{c}"), format!("abcdefgh{c}ijklmnop")] {
                assert_eq!(streamed(write_dot, &s), dot(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn the_word_test_misses_no_marked_byte() {
        for fill in [b'a', b' ', 0x7E, 0x80, 0xC3, 0xFF, b'!', b'#', b'[', b']'] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut word = [fill; 8];
                    word[at] = b;
                    let want = word.iter().any(|&c| DOT_TABLE[c as usize]);
                    assert_eq!(any_marked(&word, &DOT_TABLE, &DOT_BYTES), want, "{word:?}");
                    if want {
                        assert!(word_may_hold(u64::from_le_bytes(word), &DOT_BYTES), "{word:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn truncate_cuts_on_characters() {
        assert_eq!(truncate("héllo wörld", 5), "héll…");
        assert_eq!(truncate("abc", 5), "abc");
    }
}
