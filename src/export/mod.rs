//! Exporters: one module per format, each with a plain `write(graph, writer, options)`.
//!
//! **Invariant:** output depends only on the graph and options (sorted
//! iteration, fixed float formatting), and everything from the data is escaped
//! for the target format.
pub mod csl_json;
pub mod dot;
pub mod graphml;
pub mod overlap;
pub mod ris;
