//! Text made safe for whoever reads an output: one sanitiser, [`strip_controls`],
//! used by every text writer (CSV, RIS, Pajek, DOT) and by the command line
//! for everything it prints (`show`, `query`, warnings), so a record's
//! content can never clear a terminal, retitle it, or put a NUL byte into a
//! spreadsheet; plus the CSV formula guard ([`neutralise_formula`]).
//!
//! Sits below `render` and `export` (it depends on nothing), so every layer
//! above can use it.

use std::borrow::Cow;
use std::io::{self, Write};

/// True for the characters [`strip_controls`] removes: C0 controls other
/// than tab and line feed (NUL, BEL, BS, ESC, CR, ...), DEL and the C1
/// controls (U+0080..U+009F, which include the 8-bit CSI).
pub fn is_unsafe_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `s` without control characters other than tab and line feed.
///
/// The one sanitiser of the project: borrowed (no copy) when `s` is clean,
/// which is almost always.
///
/// ```
/// use citemap::text_safety::strip_controls;
/// assert_eq!(strip_controls("Ba\u{1b}]0;pwned\u{7}rry\0"), "Ba]0;pwnedrry");
/// assert_eq!(strip_controls("two\nlines\tok"), "two\nlines\tok");
/// ```
pub fn strip_controls(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_unsafe_control) {
        Cow::Owned(s.chars().filter(|&c| !is_unsafe_control(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// A CSV cell that a spreadsheet would not run as a formula: a cell starting
/// with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`
/// (OWASP's advice for CSV injection), after control characters are stripped.
///
/// ```
/// use citemap::text_safety::neutralise_formula;
/// assert_eq!(neutralise_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(neutralise_formula("Smith, J."), "Smith, J.");
/// ```
pub fn neutralise_formula(s: &str) -> Cow<'_, str> {
    let clean = strip_controls(s);
    if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{clean}"))
    } else {
        clean
    }
}

/// A writer that passes everything through [`strip_controls`] (for the
/// terminal). Text arrives in whole characters from `write!`; bytes that are
/// not UTF-8 lose their ASCII control bytes.
pub struct SafeWriter<W> {
    inner: W,
}

impl<W: Write> SafeWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        SafeWriter { inner }
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(s) => self.inner.write_all(strip_controls(s).as_bytes())?,
            Err(_) => {
                let kept: Vec<u8> = buf
                    .iter()
                    .copied()
                    .filter(|&b| !(b.is_ascii_control() && b != b'\n' && b != b'\t'))
                    .collect();
                self.inner.write_all(&kept)?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_c0_c1_and_del_keeps_text() {
        assert_eq!(strip_controls("a\0b\u{7}c\u{1b}[2Jd\u{7f}e\u{9b}f\rg"), "abc[2Jdefg");
        assert!(matches!(strip_controls("plain text, naïve"), Cow::Borrowed(_)));
    }

    #[test]
    fn formulas_neutralised() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"] {
            assert!(neutralise_formula(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(neutralise_formula("\u{7}=1"), "'=1");
        assert_eq!(neutralise_formula("1-2"), "1-2");
    }

    #[test]
    fn safe_writer_filters() {
        let mut out = Vec::new();
        writeln!(SafeWriter::new(&mut out), "x\u{1b}]0;t\u{7}y").expect("write to Vec");
        SafeWriter::new(&mut out).write_all(&[b'a', 0xff, 0x1b, b'b']).expect("write to Vec");
        assert_eq!(out, b"x]0;ty\na\xffb");
    }
}
