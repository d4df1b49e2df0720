//! citemap turns what systematic reviewers collect (database exports, scraped
//! abstract pages, full texts with author-year citations, citation matrices)
//! into one graph of papers, people and cited works, with the provenance of
//! every node, field and edge.
//!
//! The pipeline, each stage a module:
//!
//! ```text
//! ingest (bytes -> Records) -> resolve (Records -> Corpus) -> graph (Corpus -> CitationGraph)
//!   -> analysis (networks, clusters, metrics, overlap) -> layout -> render / export
//! store (SQLite: inputs, raw text, records) on the side; cli on top.
//! pipeline::analyse and pipeline::lay_out: the analysis and layout steps as two calls.
//! config: every stage's options in one file; escape, style, text_safety: shared below all.
//! ```
//!
//! ```
//! use citemap::model::{Author, Citation, Provenance, Record};
//! use citemap::{export, graph, resolve};
//! let mut paper = Record::new(Provenance::new("notes.txt", 1, None), "example");
//! paper.title = Some("Staff experience of a perinatal network group".into());
//! paper.authors = vec![Author::person("O'Leary, N."), Author::person("F Wynne")];
//! paper.citations = vec![Citation {
//!     raw: "(Braun & Clarke, 2012)".into(),
//!     authors: vec![Author::person("Braun"), Author::person("Clarke")],
//!     year: Some(2012),
//!     count: 1,
//!     at: Provenance::new("notes.txt", 9, None),
//!     ..Citation::default()
//! }];
//! let corpus = resolve::resolve(&[paper], &resolve::Options::default());
//! let g = graph::build(&corpus, &graph::BuildOptions::default());
//! let mut dot = Vec::new();
//! export::dot::write(&g, &mut dot, &export::dot::Options::default()).unwrap();
//! assert!(String::from_utf8(dot).unwrap().contains("Braun & Clarke 2012"));
//! ```
#![warn(missing_docs)]

pub mod analysis;
pub mod config;
pub mod escape;
pub mod export;
pub mod fetch;
pub mod graph;
pub mod ingest;
pub mod layout;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod store;
pub mod style;
pub mod text_safety;

/// The tool version written into every run manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
