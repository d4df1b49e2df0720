//! Apache Parquet writer of a [`CitationGraph`]: a nodes table and an edges
//! table, for DuckDB, Spark GraphFrames, polars and pandas, the engines a
//! user moves to when a corpus outgrows one machine's memory.
//!
//! The tables carry the GraphML contract (see [`super::graphml`]): node ids
//! are the stable corpus ids and attribute names are the same. Nodes have
//! `id`, `kind` and `label` (required strings), then one optional column
//! per node attribute in name order; edges have `source`, `target` (node
//! ids), `kind` (required strings), `weight` (required double), then one
//! optional column per edge attribute. An attribute is typed as GraphML
//! types it: `string` (UTF-8), `int64`, `double` or `boolean`, and `string`
//! when one name is seen with two types (values then written as text, floats
//! with [`format_float`]). A row without the attribute holds null. An
//! attribute whose name is one of the fixed columns is left out, as it
//! would shadow the column.
//!
//! Output is deterministic: rows in graph order, columns in name order, a
//! fixed `created_by` (the citemap version, no timestamp), Snappy pages and
//! fixed row-group sizes, so the same graph gives byte-identical files.
//! Rows are written in groups of [`ROW_GROUP`], so memory beyond the graph
//! is bounded by one group's column values.

use crate::graph::{attr, format_float, Attr, CitationGraph, Edge, Node};
use ::parquet::basic::{Compression, LogicalType, Repetition, Type as Physical};
use ::parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::types::Type;
use petgraph::visit::EdgeRef;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

/// Rows per row group (and per batch handed to the column writers).
pub const ROW_GROUP: usize = 65_536;

/// Parquet settings.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Leave out the `sources` attribute (smaller files for big graphs).
    pub without_sources: bool,
}

/// Errors of the Parquet writer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The Parquet library refused the schema or a write (IO errors included).
    #[error("writing Parquet ({table} table): {source}")]
    Parquet {
        /// `nodes` or `edges`.
        table: &'static str,
        /// The library's error.
        #[source]
        source: ::parquet::errors::ParquetError,
    },
}

/// The column type of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColType {
    Str,
    Int,
    Float,
    Bool,
}

impl ColType {
    fn of(a: &Attr) -> Self {
        match a {
            Attr::Str(_) => ColType::Str,
            Attr::Int(_) => ColType::Int,
            Attr::Float(_) => ColType::Float,
            Attr::Bool(_) => ColType::Bool,
        }
    }
}

/// Adds each kept attribute of `attrs` to `types`, a name seen with two
/// types becoming a string (as in GraphML).
fn collect_types<'a>(
    types: &mut BTreeMap<&'a str, ColType>,
    attrs: impl Iterator<Item = (&'a str, &'a Attr)>,
    keep: &dyn Fn(&str) -> bool,
) {
    for (k, v) in attrs {
        if !keep(k) {
            continue;
        }
        let t = ColType::of(v);
        types
            .entry(k)
            .and_modify(|old| {
                if *old != t {
                    *old = ColType::Str;
                }
            })
            .or_insert(t);
    }
}

fn column(name: &str, t: ColType, required: bool) -> ::parquet::errors::Result<Arc<Type>> {
    let (physical, logical) = match t {
        ColType::Str => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
        ColType::Int => (Physical::INT64, None),
        ColType::Float => (Physical::DOUBLE, None),
        ColType::Bool => (Physical::BOOLEAN, None),
    };
    let rep = if required { Repetition::REQUIRED } else { Repetition::OPTIONAL };
    Ok(Arc::new(
        Type::primitive_type_builder(name, physical)
            .with_repetition(rep)
            .with_logical_type(logical)
            .build()?,
    ))
}

fn properties() -> Arc<WriterProperties> {
    Arc::new(
        WriterProperties::builder()
            .set_created_by(concat!("citemap ", env!("CARGO_PKG_VERSION")).to_string())
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .build(),
    )
}

/// A fixed column of a table: its name, type and how a row yields its value.
type Fixed<'g, R> = (&'static str, ColType, Box<dyn Fn(&R) -> Attr + 'g>);

/// Writes one table: the `fixed` required columns, then one optional
/// column per attribute in `types`, for the rows in `rows`.
fn write_table<'g, R, W: Write + Send>(
    w: W,
    rows: &[R],
    fixed: &[Fixed<'g, R>],
    types: &BTreeMap<&str, ColType>,
    attrs_of: &dyn Fn(&R) -> &'g crate::graph::Attrs,
) -> ::parquet::errors::Result<()> {
    let mut fields = Vec::with_capacity(fixed.len() + types.len());
    for (name, t, _) in fixed {
        fields.push(column(name, *t, true)?);
    }
    for (name, t) in types {
        fields.push(column(name, *t, false)?);
    }
    let schema = Arc::new(Type::group_type_builder("schema").with_fields(fields).build()?);
    let mut writer = SerializedFileWriter::new(w, schema, properties())?;
    for chunk in rows.chunks(ROW_GROUP) {
        let mut rg = writer.next_row_group()?;
        for (_, t, get) in fixed {
            let values: Vec<Option<Attr>> = chunk.iter().map(|r| Some(get(r))).collect();
            write_column(&mut rg, *t, &values, false)?;
        }
        for (name, t) in types {
            let values: Vec<Option<Attr>> = chunk.iter().map(|r| attrs_of(r).get(name).cloned()).collect();
            write_column(&mut rg, *t, &values, true)?;
        }
        rg.close()?;
    }
    writer.close()?;
    Ok(())
}

/// Writes `values` to the next column of `rg`; `optional` columns get
/// definition levels (1 present, 0 null).
fn write_column<W: Write + Send>(
    rg: &mut ::parquet::file::writer::SerializedRowGroupWriter<'_, W>,
    t: ColType,
    values: &[Option<Attr>],
    optional: bool,
) -> ::parquet::errors::Result<()> {
    let Some(mut col) = rg.next_column()? else {
        return Err(::parquet::errors::ParquetError::General("schema has fewer columns than written".into()));
    };
    let def: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
    let def = optional.then_some(def.as_slice());
    let present = values.iter().flatten();
    match t {
        ColType::Str => {
            let v: Vec<ByteArray> = present
                .map(|a| match a {
                    Attr::Str(s) => ByteArray::from(&**s),
                    Attr::Float(f) => ByteArray::from(format_float(*f).into_bytes()),
                    other => ByteArray::from(other.to_text().into_bytes()),
                })
                .collect();
            col.typed::<ByteArrayType>().write_batch(&v, def, None)?;
        }
        ColType::Int => {
            let v: Vec<i64> =
                present.filter_map(|a| if let Attr::Int(i) = a { Some(*i) } else { None }).collect();
            col.typed::<Int64Type>().write_batch(&v, def, None)?;
        }
        ColType::Float => {
            let v: Vec<f64> =
                present.filter_map(|a| if let Attr::Float(f) = a { Some(*f) } else { None }).collect();
            col.typed::<DoubleType>().write_batch(&v, def, None)?;
        }
        ColType::Bool => {
            let v: Vec<bool> =
                present.filter_map(|a| if let Attr::Bool(b) = a { Some(*b) } else { None }).collect();
            col.typed::<BoolType>().write_batch(&v, def, None)?;
        }
    }
    col.close()
}

/// Node columns that attributes may not shadow.
const NODE_FIXED: [&str; 3] = ["id", attr::KIND, attr::LABEL];
/// Edge columns that attributes may not shadow.
const EDGE_FIXED: [&str; 4] = ["source", "target", attr::KIND, attr::WEIGHT];

/// False for `sources` when the options leave it out.
fn kept(opts: &Options, k: &str) -> bool {
    !opts.without_sources || k != attr::SOURCES
}

/// Writes the nodes table of `g` to `w`.
///
/// # Errors
/// IO failures of `w`, reported by the Parquet library.
pub fn write_nodes<W: Write + Send>(g: &CitationGraph, w: W, opts: &Options) -> Result<(), Error> {
    let keep = |k: &str| !NODE_FIXED.contains(&k) && kept(opts, k);
    let rows: Vec<&Node> = g.graph.node_weights().collect();
    let mut types = BTreeMap::new();
    collect_types(&mut types, rows.iter().flat_map(|n| n.attrs.iter()), &keep);
    // Attributes collected with `keep`, so a row's attribute of another
    // name is never looked up.
    let fixed: [Fixed<'_, &Node>; 3] = [
        ("id", ColType::Str, Box::new(|n: &&Node| Attr::text(n.id.as_str()))),
        (attr::KIND, ColType::Str, Box::new(|n: &&Node| Attr::text(n.kind.as_str()))),
        (attr::LABEL, ColType::Str, Box::new(|n: &&Node| Attr::text(n.label.as_str()))),
    ];
    write_table(w, &rows, &fixed, &types, &|n: &&Node| &n.attrs)
        .map_err(|source| Error::Parquet { table: "nodes", source })
}

/// One edge row: source id, target id and the edge.
type EdgeRow<'g> = (&'g str, &'g str, &'g Edge);

/// Writes the edges table of `g` to `w`.
///
/// # Errors
/// IO failures of `w`, reported by the Parquet library.
pub fn write_edges<W: Write + Send>(g: &CitationGraph, w: W, opts: &Options) -> Result<(), Error> {
    let keep = |k: &str| !EDGE_FIXED.contains(&k) && kept(opts, k);
    let rows: Vec<EdgeRow<'_>> = g
        .graph
        .edge_references()
        .map(|e| (g.graph[e.source()].id.as_str(), g.graph[e.target()].id.as_str(), e.weight()))
        .collect();
    let mut types = BTreeMap::new();
    collect_types(&mut types, rows.iter().flat_map(|r| r.2.attrs.iter()), &keep);
    let fixed: [Fixed<'_, EdgeRow<'_>>; 4] = [
        ("source", ColType::Str, Box::new(|r: &EdgeRow<'_>| Attr::text(r.0))),
        ("target", ColType::Str, Box::new(|r: &EdgeRow<'_>| Attr::text(r.1))),
        (attr::KIND, ColType::Str, Box::new(|r: &EdgeRow<'_>| Attr::text(r.2.kind.as_str()))),
        (attr::WEIGHT, ColType::Float, Box::new(|r: &EdgeRow<'_>| Attr::Float(r.2.weight))),
    ];
    write_table(w, &rows, &fixed, &types, &|r: &EdgeRow<'_>| &r.2.attrs)
        .map_err(|source| Error::Parquet { table: "edges", source })
}

/// Writes both tables: nodes to `nodes`, edges to `edges`.
///
/// # Errors
/// As [`write_nodes`] and [`write_edges`].
pub fn write<N: Write + Send, E: Write + Send>(
    g: &CitationGraph,
    nodes: N,
    edges: E,
    opts: &Options,
) -> Result<(), Error> {
    write_nodes(g, nodes, opts)?;
    write_edges(g, edges, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicting_attribute_types_become_strings() {
        let mut types = BTreeMap::new();
        let a = [("x".to_string(), Attr::Int(1)), ("y".to_string(), Attr::Float(0.5))];
        let b = [("x".to_string(), Attr::Str("one".into())), ("id".to_string(), Attr::Int(3))];
        let keep = |k: &str| !NODE_FIXED.contains(&k);
        collect_types(&mut types, a.iter().map(|(k, v)| (k.as_str(), v)), &keep);
        collect_types(&mut types, b.iter().map(|(k, v)| (k.as_str(), v)), &keep);
        assert_eq!(types.get("x"), Some(&ColType::Str));
        assert_eq!(types.get("y"), Some(&ColType::Float));
        assert!(!types.contains_key("id"));
    }
}
