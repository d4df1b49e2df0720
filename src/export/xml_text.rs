//! XML text written straight into an output: [`write_xml`] writes exactly
//! what [`crate::escape::write_xml`] writes, handing a string that needs no
//! escaping (most ids, labels and titles) over in one piece instead of
//! character by character.

use std::io::{self, Write};

/// Bytes that may need the escaper: markup (`&<>"'`), control bytes other
/// than tab and line breaks (dropped), and 0xEF, the lead byte of U+FFFE and
/// U+FFFF (dropped); every other byte is written as it is.
const NEEDS_ESCAPER: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xEF] = true;
    t
};

/// Writes `s` escaped as [`crate::escape::write_xml`] does.
pub fn write_xml(w: &mut dyn Write, s: &str) -> io::Result<()> {
    if s.bytes().any(|b| NEEDS_ESCAPER[b as usize]) {
        crate::escape::write_xml(w, s)
    } else {
        w.write_all(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_the_escaper_writes() {
        let cases = [
            "",
            "plain",
            "W123456",
            "Smith J (2020) A study of things",
            "a<b>&\"'",
            "tab\tnew\nline\rreturn",
            "\u{1}\u{7}\u{1f}x",
            "\u{7f}del",
            "é ü 中文 \u{2028}",
            "\u{FFFE}\u{FFFF}\u{FFFD}\u{FF01}",
            "😀 emoji",
            "\u{E000}\u{D7FF}",
        ];
        for s in cases {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            write_xml(&mut fast, s).unwrap();
            crate::escape::write_xml(&mut slow, s).unwrap();
            assert_eq!(fast, slow, "{s:?}");
        }
        // Every single character of the first two planes' edges, and all of ASCII.
        for c in (0u32..0x800).chain(0xD000..0xD800).chain(0xE000..0x10000).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            write_xml(&mut fast, &s).unwrap();
            crate::escape::write_xml(&mut slow, &s).unwrap();
            assert_eq!(fast, slow, "{s:?}");
        }
    }
}
