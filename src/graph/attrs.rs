//! [`Attrs`]: the attributes of a node or an edge, a small map from name to
//! [`Attr`] kept as a vector sorted by name.
//!
//! A graph of a 100k-work corpus has millions of edges with two or three
//! attributes each; a `BTreeMap` spends a 600-byte tree node on each of them,
//! a sorted vector 24 bytes per attribute: the 16-byte value and a 4-byte
//! [`AttrKey`], a number standing for the name. Lookups are binary searches,
//! iteration is in name order (the order every writer relies on for
//! byte-identical output), and the API is the part of `BTreeMap`'s the code
//! uses, so call sites read the same.

use super::Attr;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::RwLock;

/// An attribute name, as a number: below `KNOWN.len()` the position of a
/// name citemap gives in [`KNOWN`], above it the position of a name met
/// since in the process's table of other names (kept for the process's
/// life: there are as many as the distinct names of its inputs). Four bytes
/// where a `Cow<'static, str>` took 24, on each of the millions of
/// attributes of a big graph.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttrKey(u32);

/// The names met that citemap does not give itself: by number less
/// `KNOWN.len()`, and numbers by name.
struct OtherNames {
    names: Vec<&'static str>,
    numbers: BTreeMap<&'static str, u32>,
}

static OTHER_NAMES: RwLock<OtherNames> =
    RwLock::new(OtherNames { names: Vec::new(), numbers: BTreeMap::new() });

impl AttrKey {
    /// The name.
    pub fn as_str(self) -> &'static str {
        let i = self.0 as usize;
        match KNOWN.get(i) {
            Some(name) => name,
            None => {
                let other = OTHER_NAMES.read().unwrap_or_else(|e| e.into_inner());
                other.names.get(i - KNOWN.len()).copied().unwrap_or("")
            }
        }
    }

    /// The key's number: small and dense (the names citemap gives, then the
    /// others met), for tables indexed by attribute.
    pub fn number(self) -> usize {
        self.0 as usize
    }
}

impl std::ops::Deref for AttrKey {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for AttrKey {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialOrd for AttrKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// In name order.
impl Ord for AttrKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            return std::cmp::Ordering::Equal;
        }
        // `KNOWN` is sorted: two of its names compare as their places.
        if (self.0 as usize) < KNOWN.len() && (other.0 as usize) < KNOWN.len() {
            return self.0.cmp(&other.0);
        }
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Debug for AttrKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for AttrKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl AttrKey {
    /// The key of `name`, a name citemap gives ([`KNOWN`]), worked out when
    /// compiling in a constant (the crate's `graph::known!`), so building a
    /// graph's millions of attributes looks up no names; a name that is not
    /// one of them fails to compile there.
    pub const fn known(name: &str) -> AttrKey {
        let mut i = 0;
        while i < KNOWN.len() {
            if same_text(KNOWN[i], name) {
                return AttrKey(i as u32);
            }
            i += 1;
        }
        panic!("not an attribute name citemap gives");
    }
}

/// `a == b` in a constant.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The [`AttrKey`] of a name citemap gives, as a constant:
/// `graph::known!("pagerank")`, or `graph::known!(attr::TITLE)`.
macro_rules! known {
    ($name:expr) => {
        const { $crate::graph::AttrKey::known($name) }
    };
}
pub(crate) use known;

impl From<&str> for AttrKey {
    fn from(name: &str) -> Self {
        key(name)
    }
}

impl From<String> for AttrKey {
    fn from(name: String) -> Self {
        key(&name)
    }
}

impl From<&String> for AttrKey {
    fn from(name: &String) -> Self {
        key(name)
    }
}

/// Every attribute name citemap gives, sorted: names read back (kept graphs)
/// are matched against it so they share the static text.
const KNOWN: &[&str] = &[
    "amstar2",
    "authors",
    "basis",
    "betweenness",
    "citations_global",
    "citations_local",
    "cited_authors",
    "cluster",
    "cluster_name",
    "component",
    "count",
    "degree",
    "doc_type",
    "doi",
    "field",
    "found_by",
    "in_degree",
    "included",
    "issn",
    "lens",
    "missing",
    "n_reports",
    "n_reviews",
    "openalex",
    "orcid",
    "out_degree",
    "pagerank",
    "pmid",
    "position",
    "reports",
    "role",
    "search_date",
    "single",
    "size",
    "sources",
    "title",
    "venue",
    "w_citation",
    "w_cocitation",
    "w_coupling",
    "w_similarity",
    "weight",
    "weighted_degree",
    "works",
    "year",
    "year_note",
];

/// `name` as an [`AttrKey`]: its place in [`KNOWN`] when citemap gives the
/// name, else its place in the table of other names (added the first time).
pub fn key(name: &str) -> AttrKey {
    if let Ok(i) = KNOWN.binary_search(&name) {
        return AttrKey(i as u32);
    }
    if let Some(&n) = OTHER_NAMES.read().unwrap_or_else(|e| e.into_inner()).numbers.get(name) {
        return AttrKey(n);
    }
    let mut other = OTHER_NAMES.write().unwrap_or_else(|e| e.into_inner());
    if let Some(&n) = other.numbers.get(name) {
        return AttrKey(n);
    }
    let n = (KNOWN.len() + other.names.len()) as u32;
    let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
    other.names.push(name);
    other.numbers.insert(name, n);
    AttrKey(n)
}

/// Below this many attributes an [`Attrs`] grows by exactly one.
const SMALL: usize = 8;

/// Attributes keyed by name, iterated in name order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attrs(Vec<(AttrKey, Attr)>);

impl Attrs {
    /// No attributes.
    pub fn new() -> Self {
        Attrs(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_ref().cmp(key))
    }

    /// Sets `key` to `value`; returns the previous value. A `&'static str`
    /// name is kept without allocating.
    pub fn insert(&mut self, key: impl Into<AttrKey>, value: Attr) -> Option<Attr> {
        let key = key.into();
        match self.0.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                // Grown one at a time while small: a graph has millions of
                // edges with two or three attributes, and `Vec`'s first
                // growth would give each room for four.
                if self.0.len() == self.0.capacity() && self.0.len() < SMALL {
                    self.0.reserve_exact(1);
                }
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// [`Attrs::insert`], quickest when keys come in name order (as a kept
    /// graph holds them): a key after the last one is appended after one
    /// comparison, without a search.
    pub fn insert_ordered(&mut self, key: impl Into<AttrKey>, value: Attr) -> Option<Attr> {
        let key = key.into();
        match self.0.last() {
            Some((last, _)) if *last >= key => self.insert(key, value),
            _ => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// No attributes, with room for `n`.
    pub fn with_capacity(n: usize) -> Self {
        Attrs(Vec::with_capacity(n))
    }

    /// Makes room for `additional` more attributes.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
    }

    /// Makes room for exactly `additional` more attributes (for a pass that
    /// adds several to every node of a big graph).
    pub fn reserve_exact(&mut self, additional: usize) {
        self.0.reserve_exact(additional);
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Attr> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Attr> {
        self.find(key).ok().map(move |i| &mut self.0[i].1)
    }

    /// True when `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Attr> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// `(name, value)` in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Attr)> + '_ {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// `(key, value)` in name order.
    pub fn entries(&self) -> impl Iterator<Item = (AttrKey, &Attr)> + '_ {
        self.0.iter().map(|(k, v)| (*k, v))
    }

    /// Names in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    /// Values in name order.
    pub fn values(&self) -> impl Iterator<Item = &Attr> + '_ {
        self.0.iter().map(|(_, v)| v)
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<&str> for Attrs {
    type Output = Attr;
    /// The value of `key`; panics when it is not set (as `BTreeMap` does).
    fn index(&self, key: &str) -> &Attr {
        self.get(key).expect("attribute is set")
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = (&'a str, &'a Attr);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (AttrKey, Attr)>, fn(&'a (AttrKey, Attr)) -> (&'a str, &'a Attr)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl IntoIterator for Attrs {
    type Item = (AttrKey, Attr);
    type IntoIter = std::vec::IntoIter<(AttrKey, Attr)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: Into<AttrKey>> Extend<(K, Attr)> for Attrs {
    fn extend<I: IntoIterator<Item = (K, Attr)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Into<AttrKey>> FromIterator<(K, Attr)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (K, Attr)>>(iter: I) -> Self {
        let mut a = Attrs::new();
        a.extend(iter);
        a
    }
}

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// A name read back: borrowed from the input when it can be, so a known name
/// costs no allocation.
struct KeyIn(AttrKey);

impl<'de> Deserialize<'de> for KeyIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyIn;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an attribute name")
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyIn, E> {
                Ok(KeyIn(key(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attrs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of attributes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                let mut out: Vec<(AttrKey, Attr)> = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some((KeyIn(k), v)) = map.next_entry::<KeyIn, Attr>()? {
                    out.push((k, v));
                }
                // Written in name order; anything else is put in order, the
                // last of equal names kept (as a map read would).
                if !out.windows(2).all(|w| w[0].0 < w[1].0) {
                    let mut a = Attrs::new();
                    a.extend(out);
                    return Ok(a);
                }
                Ok(Attrs(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lookups search `KNOWN` and keys of it compare as their places.
    #[test]
    fn known_names_are_sorted_and_order_keys_as_names_do() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
        // The key worked out when compiling is the one looked up at run time.
        for name in KNOWN {
            assert!(AttrKey::known(name) == key(name), "{name}");
        }
        let names = ["year", "zz_other", "amstar2", "a_other", "weight", "sources"];
        for a in names {
            for b in names {
                assert_eq!(key(a).cmp(&key(b)), a.cmp(b), "{a} {b}");
            }
        }
    }

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut a = Attrs::new();
        assert!(a.insert("year", Attr::Int(2020)).is_none());
        assert!(a.insert("doi", Attr::Str("10.1/x".into())).is_none());
        assert_eq!(a.insert("year", Attr::Int(2021)), Some(Attr::Int(2020)));
        assert_eq!(a.keys().collect::<Vec<_>>(), ["doi", "year"]);
        assert_eq!(a.get("year"), Some(&Attr::Int(2021)));
        assert!(a.contains_key("doi") && !a.contains_key("title"));
        assert_eq!(a.remove("doi"), Some(Attr::Str("10.1/x".into())));
        assert_eq!(a.len(), 1);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"year":{"Int":2021}}"#
                .replace("{\"Int\":2021}", &serde_json::to_string(&Attr::Int(2021)).unwrap())
        );
        assert_eq!(serde_json::from_str::<Attrs>(&json).unwrap(), a);
        let unsorted: Attrs = serde_json::from_str(r#"{"year":1,"doi":"x","year":2}"#).unwrap();
        assert_eq!(unsorted.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["doi", "year"]);
        assert_eq!(unsorted.get("year"), Some(&Attr::Int(2)));
    }

    #[test]
    fn known_names_are_static_and_sorted() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
        assert!((key("pagerank").0 as usize) < KNOWN.len());
        let other = key("something_else");
        assert!(other.0 as usize >= KNOWN.len());
        assert_eq!((other, other.as_str()), (key("something_else"), "something_else"));
        let read: Attrs = serde_json::from_str(r#"{"count":3,"zz":true,"aa":1}"#).unwrap();
        assert_eq!(read.keys().collect::<Vec<_>>(), ["aa", "count", "zz"]);
        assert_eq!(read.0[1].0, key("count"));
        assert_eq!(std::mem::size_of::<(AttrKey, Attr)>(), 24);
    }
}
