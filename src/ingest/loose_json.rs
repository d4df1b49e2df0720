//! A forgiving JSON reader for pasted API responses: reads a JSON document
//! of any shape up to where it was cut, and past the damage copy-and-paste
//! and machine translation do to it.
//!
//! [`parse`] never fails. Objects and arrays left open at the end of the text
//! are closed; a string, number or key cut at the end is dropped (it is not
//! complete), and the result says the input was truncated. Typographic quotes
//! (`“ ” „`) delimit strings like `"`; characters that fit nowhere are
//! skipped. Nesting deeper than [`MAX_DEPTH`] is skipped, so adversarial input
//! cannot exhaust the stack.

use serde_json::{Map, Number, Value};

/// Deepest nesting that is read; deeper values are skipped.
pub const MAX_DEPTH: usize = 64;

/// What [`parse`] read.
#[derive(Debug, Clone, PartialEq)]
pub struct Loose {
    /// The value read (`Value::Null` when nothing was read).
    pub value: Value,
    /// True when the text ended inside an object, array, string or key.
    pub truncated: bool,
    /// Byte offset just after the value read.
    pub end: usize,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„')
}

struct Reader<'a> {
    s: &'a str,
    pos: usize,
    truncated: bool,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..).and_then(|r| r.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.bump();
            } else {
                break;
            }
        }
    }

    /// A string after its opening quote; `None` when the text ends inside it.
    fn string(&mut self) -> Option<String> {
        let mut out = String::new();
        loop {
            let c = self.bump()?;
            if is_quote(c) {
                return Some(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let e = self.bump()?;
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' | 'f' => out.push(' '),
                'u' => {
                    let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                    if hex.len() < 4 {
                        return None;
                    }
                    let code = u32::from_str_radix(&hex, 16).ok();
                    // Surrogate pairs: read the low half when it follows.
                    let ch = match code {
                        Some(hi @ 0xD800..=0xDBFF)
                            if self.s.get(self.pos..).is_some_and(|r| r.starts_with("\\u")) =>
                        {
                            self.pos += 2;
                            let lo: String = (0..4).filter_map(|_| self.bump()).collect();
                            let lo = u32::from_str_radix(&lo, 16).ok();
                            lo.and_then(|lo| {
                                char::from_u32(
                                    0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            })
                        }
                        Some(c) => char::from_u32(c),
                        None => None,
                    };
                    out.push(ch.unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            }
        }
    }

    /// A bare token (number, `true`, `null`, or junk) up to a delimiter.
    fn bare(&mut self) -> (String, bool) {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(c, ',' | '}' | ']' | ':' | '{' | '[') || c.is_whitespace() || is_quote(c) {
                break;
            }
            self.bump();
        }
        let tok = self.s.get(start..self.pos).unwrap_or("").to_string();
        (tok, self.peek().is_none())
    }

    /// A value; `None` when nothing complete could be read here.
    fn value(&mut self, depth: usize) -> Option<Value> {
        self.skip_ws();
        let c = self.peek()?;
        if c == '{' || c == '[' {
            self.bump();
            if depth >= MAX_DEPTH {
                self.skip_nested(c);
                return Some(Value::Null);
            }
            return Some(if c == '{' { self.object(depth + 1) } else { self.array(depth + 1) });
        }
        if is_quote(c) {
            self.bump();
            return match self.string() {
                Some(s) => Some(Value::String(s)),
                None => {
                    self.truncated = true;
                    None
                }
            };
        }
        let (tok, at_end) = self.bare();
        if tok.is_empty() {
            // A character that fits nowhere: skip it.
            self.bump();
            return None;
        }
        if at_end {
            // A number or word cut by the end of the text may be incomplete.
            self.truncated = true;
            return None;
        }
        Some(match tok.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            t => match t.parse::<i64>() {
                Ok(n) => Value::Number(n.into()),
                Err(_) => {
                    t.parse::<f64>().ok().and_then(Number::from_f64).map_or(Value::String(tok), Value::Number)
                }
            },
        })
    }

    fn skip_nested(&mut self, open: char) {
        let mut level = 1usize;
        let _ = open;
        while let Some(c) = self.bump() {
            match c {
                '{' | '[' => level += 1,
                '}' | ']' => {
                    level -= 1;
                    if level == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
        self.truncated = true;
    }

    fn object(&mut self, depth: usize) -> Value {
        let mut map = Map::new();
        loop {
            self.skip_ws();
            let Some(c) = self.peek() else {
                self.truncated = true;
                return Value::Object(map);
            };
            match c {
                '}' => {
                    self.bump();
                    return Value::Object(map);
                }
                ',' | ']' | ':' => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let key = if is_quote(c) {
                self.bump();
                match self.string() {
                    Some(k) => k,
                    None => {
                        self.truncated = true;
                        return Value::Object(map);
                    }
                }
            } else {
                let (tok, at_end) = self.bare();
                if at_end {
                    self.truncated = true;
                    return Value::Object(map);
                }
                if tok.is_empty() {
                    self.bump();
                    continue;
                }
                tok
            };
            // Anything between the key and its colon is damage: skip it.
            loop {
                self.skip_ws();
                match self.peek() {
                    None => {
                        self.truncated = true;
                        return Value::Object(map);
                    }
                    Some(':') => {
                        self.bump();
                        break;
                    }
                    Some(',' | '}') => break,
                    Some(c) if is_quote(c) => break,
                    Some(_) => {
                        self.bump();
                    }
                }
            }
            if matches!(self.peek(), Some(',' | '}')) {
                continue;
            }
            if let Some(v) = self.value(depth) {
                map.entry(key).or_insert(v);
            } else if self.peek().is_none() {
                self.truncated = true;
                return Value::Object(map);
            }
        }
    }

    fn array(&mut self, depth: usize) -> Value {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => {
                    self.truncated = true;
                    return Value::Array(items);
                }
                Some(']') => {
                    self.bump();
                    return Value::Array(items);
                }
                Some(',' | '}' | ':') => {
                    self.bump();
                }
                Some(_) => {
                    if let Some(v) = self.value(depth) {
                        items.push(v);
                    } else if self.peek().is_none() {
                        self.truncated = true;
                        return Value::Array(items);
                    }
                }
            }
        }
    }
}

/// Reads the JSON value at the start of `text` (after white space), as far
/// as it goes. Never fails; see the module documentation.
pub fn parse(text: &str) -> Loose {
    let mut r = Reader { s: text, pos: 0, truncated: false };
    let value = r.value(0).unwrap_or(Value::Null);
    Loose { value, truncated: r.truncated, end: r.pos }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_json_reads_as_serde_does() {
        let t = r#"{"a": [1, 2.5, "x\"y", true, null], "b": {"c": "\u00e9"}}"#;
        let l = parse(t);
        assert!(!l.truncated);
        assert_eq!(l.value, serde_json::from_str::<Value>(t).unwrap_or(Value::Null));
    }

    #[test]
    fn cut_json_keeps_complete_values() {
        let l = parse(r#"{"title": "A study", "authors": [{"name": "N O'Leary"}, {"name": "F Wyn"#);
        assert!(l.truncated);
        assert_eq!(l.value, json!({"title": "A study", "authors": [{"name": "N O'Leary"}, {}]}));
        let l = parse(r#"{"year": 20"#);
        assert_eq!(l.value, json!({}));
    }

    #[test]
    fn typographic_quotes_and_damage() {
        let l = parse("{“DOI”:“10.1007\\/x”,“date”用法:[2009]],“title”:[“T”]}");
        assert_eq!(l.value["DOI"], json!("10.1007/x"));
        assert_eq!(l.value["title"], json!(["T"]));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let t = "[".repeat(10_000);
        let l = parse(&t);
        assert!(l.truncated);
    }
}
