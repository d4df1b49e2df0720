//! A small, forgiving XML element tree over `quick-xml` events, for the XML
//! readers (PubMed, EndNote): elements with attributes, mixed text and the
//! line where each element starts.
//!
//! Broken XML does not fail: parsing stops at the first error, every element
//! still open is closed where it stands (so records read so far are kept), and
//! the error is returned with its line for a diagnostic.

use super::normalize::LineIndex;
use quick_xml::events::Event;
use quick_xml::Reader;

/// One element: name, attributes, children in order, 1-based start line.
#[derive(Clone, Debug, Default)]
pub struct Element {
    /// Tag name as written (with any prefix).
    pub name: String,
    /// Attributes `(name, unescaped value)`.
    pub attrs: Vec<(String, String)>,
    /// Child nodes in document order.
    pub children: Vec<Node>,
    /// Line of the start tag.
    pub line: u32,
}

/// A child node: element or text.
#[derive(Clone, Debug)]
pub enum Node {
    /// A child element.
    Element(Element),
    /// Text (entities resolved, CDATA included).
    Text(String),
}

/// Why a document could not be read to its end.
#[derive(Clone, Debug)]
pub struct XmlFault {
    /// Line of the fault.
    pub line: u32,
    /// What went wrong.
    pub message: String,
}

impl Element {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    /// Child elements named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.name == name)
    }
    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }
    /// Follows a path of child names (`["Article", "Journal", "Title"]`).
    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }
    /// All descendants named `name`, in document order.
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            }
            e.descendants(name, out);
        }
    }
    /// All text inside, tags removed, whitespace squashed.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.collect_text(&mut s);
        crate::model::norm::squash_ws(&s)
    }
    fn collect_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }
    /// Text of the child at `names` when it is not empty.
    pub fn text_at(&self, names: &[&str]) -> Option<String> {
        self.path(names).map(Element::text).filter(|t| !t.is_empty())
    }
}

fn resolve_entity(name: &str) -> String {
    crate::model::norm::decode_entities(&format!("&{name};"))
}

/// Parses `text` into a root element holding the top-level nodes. Returns the
/// root and the fault that stopped parsing, if any.
pub fn parse(text: &str) -> (Element, Option<XmlFault>) {
    let li = LineIndex::new(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_unmatched_ends = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut fault = None;
    // Elements nested deeper than MAX_DEPTH are flattened into their ancestor
    // (text kept, tags dropped) so hostile input cannot overflow the stack in
    // the recursive walks and drops of the tree.
    let mut too_deep = 0usize;
    let mut deep_at = None;
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match reader.read_event() {
            Ok(Event::Start(_)) if stack.len() >= MAX_DEPTH => {
                too_deep += 1;
                deep_at.get_or_insert(li.line_of(pos));
            }
            Ok(Event::Start(s)) => stack.push(element(&s, li.line_of(pos))),
            Ok(Event::Empty(_)) if stack.len() >= MAX_DEPTH => {}
            Ok(Event::End(_)) if too_deep > 0 => too_deep -= 1,
            Ok(Event::Empty(s)) => {
                let e = element(&s, li.line_of(pos));
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(e));
                }
            }
            Ok(Event::End(end)) => {
                // Close up to the matching open element (tolerates a missing end tag).
                let name = end.name().as_ref().to_string();
                if let Some(idx) = stack.iter().rposition(|e| e.name == name).filter(|&i| i > 0) {
                    while stack.len() > idx {
                        close_top(&mut stack);
                    }
                }
            }
            Ok(Event::Text(t)) => push_text(&mut stack, &t.xml10_content()),
            Ok(Event::CData(t)) => push_text(&mut stack, &t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                let s = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => resolve_entity(&r.xml10_content()),
                };
                push_text(&mut stack, &s);
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                fault = Some(XmlFault { line: li.line_of(at), message: format!("broken XML: {e}") });
                break;
            }
        }
    }
    if fault.is_none() && stack.len() > 1 {
        let open = stack.last().map(|e| e.name.clone()).unwrap_or_default();
        fault = Some(XmlFault {
            line: li.line_of(text.len()),
            message: format!("document ends inside <{open}>"),
        });
    }
    if let (None, Some(line)) = (&fault, deep_at) {
        fault = Some(XmlFault {
            line,
            message: format!("elements nested deeper than {MAX_DEPTH} levels: their tags dropped, text kept"),
        });
    }
    while stack.len() > 1 {
        close_top(&mut stack);
    }
    (stack.pop().unwrap_or_default(), fault)
}

/// Deepest element nesting kept as a tree.
const MAX_DEPTH: usize = 200;

fn close_top(stack: &mut Vec<Element>) {
    if let Some(e) = stack.pop() {
        if let Some(parent) = stack.last_mut() {
            parent.children.push(Node::Element(e));
        }
    }
}

fn push_text(stack: &mut [Element], s: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(s);
        } else {
            top.children.push(Node::Text(s.to_string()));
        }
    }
}

fn element(s: &quick_xml::events::BytesStart<'_>, line: u32) -> Element {
    let attrs = s
        .attributes()
        .filter_map(Result::ok)
        .map(|a| {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            (a.key.as_ref().to_string(), v)
        })
        .collect();
    Element { name: s.name().as_ref().to_string(), attrs, children: Vec::new(), line }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_and_faults() {
        let (root, fault) = parse("<a x=\"1\">\n<b>t&amp;u &#946;</b><c/></a>");
        assert!(fault.is_none());
        let a = root.child("a").expect("a");
        assert_eq!(a.attr("x"), Some("1"));
        assert_eq!(a.text_at(&["b"]).as_deref(), Some("t&u β"));
        assert_eq!(a.child("b").map(|b| b.line), Some(2));
        let deep = format!("<a>{}x{}</a>", "<b>".repeat(100_000), "</b>".repeat(100_000));
        let (root, fault) = parse(&deep);
        // Flattened, with a diagnostic (issue 15).
        assert!(fault.is_some_and(|f| f.message.contains("nested deeper than 200")));
        assert_eq!(root.text(), "x");
        let (root, fault) = parse("<a><r>1</r><r>2");
        assert!(fault.is_some());
        assert_eq!(root.child("a").map(|a| a.children_named("r").count()), Some(2));
    }
}
