//! Numbers written straight into an output, without a `String` per value:
//! [`write_float`] writes exactly the text of
//! [`format_float`](crate::graph::format_float), [`write_int`] an integer in
//! decimal. The streaming writers (GraphML, DOT, GEXF, CSV) use them for the
//! millions of values of a big graph.

use std::io::{self, Write};

/// Room for `{:.6}` of any finite `f64` (at most 309 integer digits, a sign,
/// a point and six decimals).
const FLOAT_ROOM: usize = 330;

/// A fixed buffer text is formatted into.
struct Stack<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Stack<N> {
    fn new() -> Self {
        Stack { buf: [0; N], len: 0 }
    }
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<const N: usize> std::fmt::Write for Stack<N> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The bytes of [`format_float`](crate::graph::format_float)`(f)`, in `out`
/// (returned as a slice of it).
fn float_text<const N: usize>(f: f64, out: &mut Stack<N>) -> &[u8] {
    use std::fmt::Write as _;
    if f.fract() == 0.0 && f.abs() < 1e15 {
        // A whole number (counts, weights): its digits, as `{:.6}` less the
        // zero decimals gives them (-0 as 0), without float formatting.
        let mut digits = [0u8; 20];
        let text = int_text(f as i64, &mut digits);
        let Some(slot) = out.buf.get_mut(..text.len()) else { return b"0" };
        slot.copy_from_slice(text);
        out.len = text.len();
        return out.bytes();
    }
    if crate::graph::is_small_float(f) {
        return small_text(f, out);
    }
    if let Some(q) = millionths(f) {
        return millionths_text(q, f < 0.0, out);
    }
    if !f.is_finite() || write!(out, "{f:.6}").is_err() {
        return b"0";
    }
    let mut s = out.bytes();
    while let [rest @ .., b'0'] = s {
        s = rest;
    }
    if let [rest @ .., b'.'] = s {
        s = rest;
    }
    if s == b"-0" || s.is_empty() {
        b"0"
    } else {
        s
    }
}

/// A value below [`SMALL_FLOAT`](crate::graph::SMALL_FLOAT) in exponent
/// form, as [`format_float`](crate::graph::format_float) writes it.
fn small_text<const N: usize>(f: f64, out: &mut Stack<N>) -> &[u8] {
    use std::fmt::Write as _;
    let mut raw = Stack::<40>::new();
    if write!(raw, "{f:.5e}").is_err() {
        return b"0";
    }
    // Only ASCII was written.
    let text = std::str::from_utf8(raw.bytes()).unwrap_or("0");
    for part in crate::graph::trim_exponent_form(text) {
        if out.write_str(part).is_err() {
            return b"0";
        }
    }
    out.bytes()
}

/// Below this magnitude [`millionths`] rounds exactly in 128-bit integers
/// (the significand times a million stays under 2^73, the rounded result
/// under 2^63).
const EXACT_BELOW: f64 = 9.0e9;

/// `|f|` in millionths, rounded as `{:.6}` rounds (to nearest, ties to
/// even, on the exact binary value), for a finite `|f|` below
/// [`EXACT_BELOW`]; `None` otherwise. Integer arithmetic instead of the
/// float formatter: the fractional weights and scores of a big graph file
/// are millions of numbers, and the formatter's exact mode was a fifth of
/// writing one.
fn millionths(f: f64) -> Option<u64> {
    let a = f.abs();
    if a.is_nan() || a >= EXACT_BELOW {
        return None;
    }
    let bits = a.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // a = m * 2^e exactly.
    let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp - 1075) };
    let n = u128::from(m) * 1_000_000;
    if e >= 0 {
        return None;
    }
    let shift = e.unsigned_abs();
    if shift >= 120 {
        // n < 2^73: below half a millionth.
        return Some(0);
    }
    let q = n >> shift;
    let r = n & ((1u128 << shift) - 1);
    let half = 1u128 << (shift - 1);
    let q = if r > half || (r == half && q & 1 == 1) { q + 1 } else { q };
    u64::try_from(q).ok()
}

/// The text of `q` millionths (negative when `negative`), as
/// [`format_float`](crate::graph::format_float) gives it: no trailing
/// zeros, no trailing point, `0` for nothing.
fn millionths_text<const N: usize>(q: u64, negative: bool, out: &mut Stack<N>) -> &[u8] {
    if q == 0 {
        return b"0";
    }
    let mut buf = [0u8; 20];
    let push = |b: &[u8], out: &mut Stack<N>| {
        let end = out.len + b.len();
        if let Some(slot) = out.buf.get_mut(out.len..end) {
            slot.copy_from_slice(b);
            out.len = end;
        }
    };
    if negative {
        push(b"-", out);
    }
    push(int_text((q / 1_000_000) as i64, &mut buf), out);
    let mut frac = q % 1_000_000;
    if frac != 0 {
        let mut digits = [b'0'; 6];
        for d in digits.iter_mut().rev() {
            *d = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        let kept = digits.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
        push(b".", out);
        push(&digits[..kept], out);
    }
    out.bytes()
}

/// Writes `f` as [`format_float`](crate::graph::format_float) does.
pub fn write_float<W: Write + ?Sized>(w: &mut W, f: f64) -> io::Result<()> {
    let mut buf = Stack::<FLOAT_ROOM>::new();
    w.write_all(float_text(f, &mut buf))
}

/// Calls `use_text` with the text of [`format_float`](crate::graph::format_float)`(f)`.
pub fn with_float<T>(f: f64, use_text: impl FnOnce(&str) -> T) -> T {
    let mut buf = Stack::<FLOAT_ROOM>::new();
    let text = float_text(f, &mut buf);
    // Only ASCII digits, signs and points were written.
    use_text(std::str::from_utf8(text).unwrap_or("0"))
}

/// The decimal text of `i` in `buf` (returned as a slice of it).
fn int_text(i: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    let mut n = i.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        // i64::MIN has 19 digits: there is room for the sign.
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// Writes `i` in decimal.
pub fn write_int<W: Write + ?Sized>(w: &mut W, i: i64) -> io::Result<()> {
    let mut buf = [0u8; 20];
    w.write_all(int_text(i, &mut buf))
}

/// Calls `use_text` with the decimal text of `i`.
pub fn with_int<T>(i: i64, use_text: impl FnOnce(&[u8]) -> T) -> T {
    let mut buf = [0u8; 20];
    use_text(int_text(i, &mut buf))
}

/// Writes `b` as `true` or `false`.
pub fn write_bool<W: Write + ?Sized>(w: &mut W, b: bool) -> io::Result<()> {
    w.write_all(if b { b"true" } else { b"false" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::format_float;

    /// The integer rounding gives what `{:.6}` gives, ties included, over
    /// every magnitude it takes (and the float formatter takes the rest).
    #[test]
    fn millionths_round_as_the_formatter_rounds() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut cases: Vec<f64> = Vec::new();
        for _ in 0..200_000 {
            let r = next();
            // Random bits (any magnitude), and values spread over 1e-9 .. 1e10.
            cases.push(f64::from_bits(r));
            let mag = 10f64.powi((r % 20) as i32 - 9);
            cases.push((r >> 11) as f64 / (1u64 << 53) as f64 * mag * if r & 1 == 0 { 1.0 } else { -1.0 });
        }
        // Exact ties at the sixth decimal ((2k+1) / 2^7 / 10^6 * 5^6 ...).
        for k in 0..5000u32 {
            cases.push(f64::from(2 * k + 1) / 128.0);
            cases.push(-f64::from(2 * k + 1) / 128.0);
            cases.push(f64::from(2 * k + 1) * 5e-7);
        }
        cases.extend([
            0.5e-6,
            1.5e-6,
            2.5e-6,
            -0.5e-6,
            4.999_999_5e-7,
            8_999_999_999.999_999,
            1e-320,
            5e-324,
        ]);
        for f in cases {
            let mut buf = Stack::<FLOAT_ROOM>::new();
            let fast = String::from_utf8(float_text(f, &mut buf).to_vec()).unwrap();
            assert_eq!(fast, format_float(f), "{f:e} ({:#x})", f.to_bits());
        }
    }

    /// Small values keep six significant digits: the PageRank of a node
    /// among half a million is not written as `0.000001`.
    #[test]
    fn small_values_keep_six_significant_digits() {
        for (f, text) in [
            (2.384_561_234e-6, "2.38456e-6"),
            (2.5e-6, "2.5e-6"),
            (5e-4, "5e-4"),
            (-1.2e-5, "-1.2e-5"),
            (0.000_999_999_9, "1e-3"),
            (0.001, "0.001"),
            (0.001_234_567_8, "0.001235"),
            (1e-320, "9.99989e-321"),
            (0.0, "0"),
            (-0.0, "0"),
        ] {
            assert_eq!(format_float(f), text, "{f:e}");
            assert_eq!(with_float(f, str::to_string), text, "{f:e}");
        }
        // Read back, a small value is within half a unit of its sixth digit.
        let mut x = 1.0e-9f64;
        while x < 1e-3 {
            let back: f64 = format_float(x).parse().unwrap();
            assert!(((back - x) / x).abs() <= 5e-6, "{x:e} -> {back:e}");
            x *= 1.37;
        }
    }

    #[test]
    fn numbers_read_as_the_allocating_formatters_write_them() {
        let floats = [
            0.0,
            -0.0,
            1.0,
            -1.5,
            0.1 + 0.2,
            1e-7,
            -1e-7,
            5e-7,
            -5e-7,
            123456.1234565,
            2.5e15,
            1e14,
            -99999999999999.0,
            999999999999999.0,
            4503599627370497.0,
            3.0,
            -7.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.000_000_5,
            1.0 / 3.0,
            -2.0 / 3.0,
        ];
        for f in floats {
            let mut out = Vec::new();
            write_float(&mut out, f).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format_float(f), "{f:?}");
            assert_eq!(with_float(f, str::to_string), format_float(f), "{f:?}");
        }
        for i in [0i64, 1, -1, 9, 10, -10, 1234567890, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            write_int(&mut out, i).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), i.to_string());
            assert_eq!(with_int(i, |t| String::from_utf8(t.to_vec()).unwrap()), i.to_string());
        }
        let mut out = Vec::new();
        write_bool(&mut out, true).unwrap();
        write_bool(&mut out, false).unwrap();
        assert_eq!(out, b"truefalse");
    }
}
