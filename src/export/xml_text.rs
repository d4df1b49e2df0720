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

/// The markup bytes and 0xEF of [`NEEDS_ESCAPER`] (the rest are control bytes).
const ESCAPER_BYTES: [u8; 6] = [b'&', b'<', b'>', b'"', b'\'', 0xEF];

/// True when a byte of `s` needs the escaper ([`NEEDS_ESCAPER`]), eight
/// bytes at a time ([`crate::escape::any_marked`]).
fn needs_escaper(s: &[u8]) -> bool {
    crate::escape::any_marked(s, &NEEDS_ESCAPER, &ESCAPER_BYTES)
}

/// Writes `s` escaped as [`crate::escape::write_xml`] does.
pub fn write_xml<W: Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
    if needs_escaper(s.as_bytes()) {
        crate::escape::write_xml(w, s)
    } else {
        w.write_all(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_test_misses_no_byte_that_needs_the_escaper() {
        // Every byte value at every place of a word, among bytes that need
        // nothing (and among the bytes that are near the tested ones).
        for fill in [b'a', b' ', 0x7F, 0x80, 0xFF, b'!', b'=', b'?', b'%'] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut word = [fill; 8];
                    word[at] = b;
                    let want = word.iter().any(|&c| NEEDS_ESCAPER[c as usize]);
                    assert_eq!(needs_escaper(&word), want, "{word:?}");
                    if want {
                        let x = u64::from_le_bytes(word);
                        assert!(crate::escape::word_may_hold(x, &ESCAPER_BYTES), "{word:?}");
                    }
                    // In the tail, after one full word.
                    let mut long = vec![b'x'; 8];
                    long.extend_from_slice(&word[..at + 1]);
                    let want = long.iter().any(|&c| NEEDS_ESCAPER[c as usize]);
                    assert_eq!(needs_escaper(&long), want, "{long:?}");
                }
            }
        }
    }

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
