//! DOT (Graphviz) writer of a [`CitationGraph`].
//!
//! Our own writer rather than petgraph's `Dot` (whose output "may change") so
//! that the file is stable: nodes in graph order (sorted by stable id at build
//! time), edges in insertion order, attributes in name order, floats with
//! [`format_float`](crate::graph::format_float). Every string is a quoted DOT
//! string with `"` and `\` escaped and line breaks written as `\n`, cut below
//! Graphviz's 16,384-character limit on one string ([`MAX_STRING_BYTES`]).
//!
//! The writer streams: strings are escaped straight into the output (no
//! per-value strings), so its memory does not grow with the graph.

use crate::graph::{Attr, CitationGraph, NodeKind};
use petgraph::visit::EdgeRef;
use std::io::{self, Write};

/// DOT settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Graph name.
    pub name: String,
    /// Write every attribute (title, doi, sources ...), not only the visual ones.
    pub all_attributes: bool,
    /// Layout direction for `dot` (`LR`, `TB`).
    pub rankdir: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { name: "citemap".into(), all_attributes: true, rankdir: "LR".into() }
    }
}

/// Longest escaped string [`escape`] writes, in bytes. Graphviz's scanner
/// rejects a quoted string longer than 16,384 characters ("syntax error ...
/// string too long"); a longer value is cut below this bound and ends in
/// `…`. GraphML keeps the full text.
pub const MAX_STRING_BYTES: usize = 16_000;

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
/// [`MAX_STRING_BYTES`] (never inside an escape or a character).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_STRING_BYTES) + 2);
    for c in crate::text_safety::strip_controls(s).chars() {
        let piece_len = match c {
            '"' | '\\' | '\n' => 2,
            '\t' => 0,
            c => c.len_utf8(),
        };
        if out.len() + piece_len > MAX_STRING_BYTES - '…'.len_utf8() {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes `s` escaped as [`escape`] does, without building a string.
pub fn write_escaped(w: &mut dyn Write, s: &str) -> io::Result<()> {
    // Escaping at most doubles the length: only a string that could pass
    // Graphviz's limit needs the cutting path.
    if s.len() * 2 + 3 > MAX_STRING_BYTES {
        return w.write_all(escape(s).as_bytes());
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

/// Writes `, name="value"` for one attribute.
fn write_attr(w: &mut dyn Write, name: &str, a: &Attr) -> io::Result<()> {
    w.write_all(b", ")?;
    for c in name.chars() {
        // Attribute names are ours, but keep them safe identifiers anyway.
        let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' };
        write!(w, "{c}")?;
    }
    w.write_all(b"=\"")?;
    match a {
        Attr::Str(s) => write_escaped(w, s)?,
        Attr::Int(i) => write!(w, "{i}")?,
        Attr::Float(f) => w.write_all(crate::graph::format_float(*f).as_bytes())?,
        Attr::Bool(b) => write!(w, "{b}")?,
    }
    w.write_all(b"\"")
}

fn style(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Paper => ("box", "#cfe2f3"),
        NodeKind::CitedWork => ("note", "#fff2cc"),
        NodeKind::Person => ("ellipse", "#d9ead3"),
        NodeKind::Organisation => ("hexagon", "#ead1dc"),
        NodeKind::Venue => ("cylinder", "#eeeeee"),
        NodeKind::Subject => ("plaintext", "#ffffff"),
    }
}

/// Writes `g` as a DOT digraph.
pub fn write(g: &CitationGraph, w: &mut dyn Write, opts: &Options) -> io::Result<()> {
    writeln!(w, "digraph \"{}\" {{", escape(&opts.name))?;
    writeln!(
        w,
        "  graph [rankdir=\"{}\", overlap=false, splines=true, fontname=\"DejaVu Sans\"];",
        escape(&opts.rankdir)
    )?;
    writeln!(w, "  node [style=filled, fontname=\"DejaVu Sans\", fontsize=10];")?;
    writeln!(w, "  edge [fontname=\"DejaVu Sans\", fontsize=8, color=\"#888888\"];")?;
    for ix in g.graph.node_indices() {
        let n = &g.graph[ix];
        let (shape, fill) = style(n.kind);
        w.write_all(b"  \"")?;
        write_escaped(w, &n.id)?;
        w.write_all(b"\" [label=\"")?;
        write_escaped(w, &n.label)?;
        write!(w, "\", kind=\"{}\", shape={shape}, fillcolor=\"{fill}\"", n.kind.as_str())?;
        if opts.all_attributes {
            for (k, v) in &n.attrs {
                write_attr(w, k, v)?;
            }
        }
        writeln!(w, "];")?;
    }
    for e in g.graph.edge_references() {
        let (s, t, ed) = (&g.graph[e.source()], &g.graph[e.target()], e.weight());
        let arrow = if ed.kind.is_undirected() { ", dir=none" } else { "" };
        w.write_all(b"  \"")?;
        write_escaped(w, &s.id)?;
        w.write_all(b"\" -> \"")?;
        write_escaped(w, &t.id)?;
        write!(w, "\" [kind=\"{}\"{arrow}", ed.kind.as_str())?;
        if let Some(Attr::Int(c)) = ed.attrs.get(crate::graph::attr::COUNT) {
            if *c > 1 {
                write!(w, ", penwidth={}, label=\"{c}\"", 1 + (*c).min(8) / 2)?;
            }
        }
        if opts.all_attributes {
            for (k, v) in &ed.attrs {
                write_attr(w, k, v)?;
            }
        }
        writeln!(w, "];")?;
    }
    writeln!(w, "}}")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_quotes_backslashes_and_breaks() {
        assert_eq!(escape("a \"b\" \\c\nd\u{7}"), "a \\\"b\\\" \\\\c\\nd");
        for s in ["a \"b\" \\c\nd\u{7}", "", "plain é", "\u{85}x\r\t"] {
            let mut out = Vec::new();
            super::write_escaped(&mut out, s).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), escape(s), "{s:?}");
        }
    }

    #[test]
    fn long_strings_cut_below_graphviz_limit() {
        let long = "\\".repeat(40_000);
        let e = escape(&long);
        assert!(e.len() <= super::MAX_STRING_BYTES, "{}", e.len());
        assert!(e.ends_with("\\\\…"), "cut between escapes");
        assert_eq!(escape(&"é".repeat(5)), "ééééé");
    }
}
