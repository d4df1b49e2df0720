//! Exporters: one module per format, each with a plain `write(graph, writer, options)`.
//!
//! **Invariant:** output depends only on the graph and options (sorted
//! iteration, fixed float formatting), and everything from the data is escaped
//! for the target format.
pub mod csl_json;
pub mod csv;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod html;
pub mod json;
pub mod overlap;
pub mod pajek;
pub mod parquet;
pub mod records;
pub mod ris;
pub mod vosviewer;
