//! Exporters: one module per format, each with a plain `write(graph, writer, options)`.
//!
//! **Invariant:** output depends only on the graph and options (sorted
//! iteration, fixed float formatting), and everything from the data is escaped
//! for the target format.
mod chunks;
pub mod csl_json;
pub mod csv;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod html;
pub mod json;
pub mod num;
pub mod pajek;
pub mod parquet;
pub mod records;
pub mod ris;
pub mod umbrella;
pub mod vosviewer;
mod xml_text;

/// What `citemap export --format` writes: every graph format (named as in
/// `render::Format`, the list of every file a graph can be written as; PDF
/// needs a Graphviz engine, which `export` has not, so it is left out) and
/// the records formats (RIS, CSL-JSON) that write the deduplicated corpus
/// instead of a graph.
///
/// A new exporter adds a variant here, an arm in [`Format::target`] and an
/// arm in the CLI's dispatch (`src/cli/export.rs::write`); clap lists the
/// variants in `--help` and in the error for an unknown name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// GraphML.
    Graphml,
    /// GEXF (Gephi), with positions.
    Gexf,
    /// VOSviewer JSON.
    Vosviewer,
    /// VOSviewer map and network text files.
    VosviewerTxt,
    /// Pajek `.net` + `.clu`.
    Pajek,
    /// Nodes and edges CSV.
    Csv,
    /// Node-link JSON.
    Json,
    /// Interactive HTML page.
    Html,
    /// SVG picture (built-in engine).
    Svg,
    /// PNG picture (built-in engine).
    Png,
    /// RIS records of the deduplicated corpus.
    Ris,
    /// CSL-JSON records of the deduplicated corpus.
    CslJson,
    /// `nodes.parquet` + `edges.parquet` (GraphML's ids and attribute names).
    Parquet,
    // New formats go here, with their arm in `target`.
}

/// What an export [`Format`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A graph (the clustered network or the full graph), in the
    /// `render::Format` of the same name.
    Graph,
    /// Records of the corpus: RIS.
    Ris,
    /// Records of the corpus: CSL-JSON.
    CslJson,
    /// The graph as two Parquet tables.
    Parquet,
}

impl Format {
    /// What the format writes.
    pub fn target(self) -> Target {
        match self {
            Format::Dot => Target::Graph,
            Format::Graphml => Target::Graph,
            Format::Gexf => Target::Graph,
            Format::Vosviewer => Target::Graph,
            Format::VosviewerTxt => Target::Graph,
            Format::Pajek => Target::Graph,
            Format::Csv => Target::Graph,
            Format::Json => Target::Graph,
            Format::Html => Target::Graph,
            Format::Svg => Target::Graph,
            Format::Png => Target::Graph,
            Format::Ris => Target::Ris,
            Format::CslJson => Target::CslJson,
            Format::Parquet => Target::Parquet,
        }
    }

    /// Records formats write the corpus, not a graph (no analysis needed).
    pub fn is_records(self) -> bool {
        matches!(self.target(), Target::Ris | Target::CslJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn records_formats_keep_their_names() {
        for f in Format::value_variants() {
            let name = f.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
            match f.target() {
                Target::Graph => assert!(!f.is_records(), "{name}"),
                Target::Ris => assert_eq!(name, "ris"),
                Target::CslJson => assert_eq!(name, "csl-json"),
                Target::Parquet => assert_eq!(name, "parquet"),
            }
        }
        assert!(Format::from_str("pdf", true).is_err());
    }
}
