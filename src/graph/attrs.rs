//! [`Attrs`]: the attributes of a node or an edge, a small map from name to
//! [`Attr`] kept as a vector sorted by name.
//!
//! A graph of a 100k-work corpus has millions of edges with two or three
//! attributes each; a `BTreeMap` spends a 600-byte tree node on each of them,
//! a sorted vector 56 bytes per attribute. Lookups are binary searches,
//! iteration is in name order (the order every writer relies on for
//! byte-identical output), and the API is the part of `BTreeMap`'s the code
//! uses, so call sites read the same.

use super::Attr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Attributes keyed by name, iterated in name order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attrs(Vec<(String, Attr)>);

impl Attrs {
    /// No attributes.
    pub fn new() -> Self {
        Attrs(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// Sets `key` to `value`; returns the previous value.
    pub fn insert(&mut self, key: String, value: Attr) -> Option<Attr> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Makes room for `additional` more attributes.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve(additional);
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
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Attr)> + '_ {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Names in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.0.iter().map(|(k, _)| k)
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
    type Item = (&'a String, &'a Attr);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Attr)>,
        fn(&'a (String, Attr)) -> (&'a String, &'a Attr),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Attrs {
    type Item = (String, Attr);
    type IntoIter = std::vec::IntoIter<(String, Attr)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Extend<(String, Attr)> for Attrs {
    fn extend<I: IntoIterator<Item = (String, Attr)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(String, Attr)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (String, Attr)>>(iter: I) -> Self {
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

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = std::collections::BTreeMap::<String, Attr>::deserialize(d)?;
        Ok(Attrs(m.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_sorted_map() {
        let mut a = Attrs::new();
        assert!(a.insert("year".into(), Attr::Int(2020)).is_none());
        assert!(a.insert("doi".into(), Attr::Str("10.1/x".into())).is_none());
        assert_eq!(a.insert("year".into(), Attr::Int(2021)), Some(Attr::Int(2020)));
        assert_eq!(a.keys().map(String::as_str).collect::<Vec<_>>(), ["doi", "year"]);
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
    }
}
