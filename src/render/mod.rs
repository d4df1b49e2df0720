//! Pictures: SVG drawing of a laid-out graph (cluster, year-overlay and
//! density views), the historiograph (`timeline`), the review–study map of
//! an umbrella review (`umbrella`), and PNG rasterisation with
//! an embedded font, so a fresh machine renders the same picture.
pub mod escape;
pub mod graphviz;
pub mod heatmap;
pub mod labels;
pub mod metrics;
pub mod overview;
pub mod raster;
pub mod svg;
pub mod timeline;
pub mod umbrella;

/// The picture engine (`--engine`): the built-in drawing (no dependency) or
/// one of Graphviz's layout programs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Built-in layout and drawing (SVG, PNG); needs nothing installed.
    #[default]
    Builtin,
    /// Graphviz `dot` (hierarchical).
    Dot,
    /// Graphviz `sfdp` (force-directed, large graphs).
    Sfdp,
    /// Graphviz `neato` (spring model, small graphs).
    Neato,
}

impl Engine {
    /// The Graphviz program, `None` for the built-in engine.
    pub fn graphviz(self) -> Option<graphviz::Engine> {
        match self {
            Engine::Builtin => None,
            Engine::Dot => Some(graphviz::Engine::Dot),
            Engine::Sfdp => Some(graphviz::Engine::Sfdp),
            Engine::Neato => Some(graphviz::Engine::Neato),
        }
    }
}

/// Every file a graph can be written as: pictures (SVG, PNG, and PDF through
/// Graphviz) and the graph exports. The records formats (RIS, CSL-JSON) are
/// not here: they write the corpus, not a graph (see `export::Format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// SVG picture.
    Svg,
    /// PNG picture.
    Png,
    /// PDF picture (Graphviz engines only).
    Pdf,
    /// Graphviz DOT.
    Dot,
    /// GraphML.
    Graphml,
    /// GEXF (Gephi).
    Gexf,
    /// Node-link JSON.
    Json,
    /// VOSviewer JSON.
    Vosviewer,
    /// VOSviewer map and network text files.
    VosviewerTxt,
    /// Pajek `.net` + `.clu`.
    Pajek,
    /// Nodes and edges CSV.
    Csv,
    /// Interactive HTML page.
    Html,
}

impl Format {
    /// The name used on the command line (`vosviewer-txt`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Svg => "svg",
            Format::Png => "png",
            Format::Pdf => "pdf",
            Format::Dot => "dot",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Json => "json",
            Format::Vosviewer => "vosviewer",
            Format::VosviewerTxt => "vosviewer-txt",
            Format::Pajek => "pajek",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    /// The format a file extension implies (case-insensitive), if any.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "svg" => Format::Svg,
            "png" => Format::Png,
            "pdf" => Format::Pdf,
            "gexf" => Format::Gexf,
            "json" => Format::Json,
            "html" | "htm" => Format::Html,
            "csv" => Format::Csv,
            "dot" | "gv" => Format::Dot,
            "graphml" => Format::Graphml,
            "net" => Format::Pajek,
            "txt" => Format::VosviewerTxt,
            _ => return None,
        })
    }

    /// Formats that write two sibling files (and so cannot go to standard output).
    pub fn writes_two_files(self) -> bool {
        matches!(self, Format::VosviewerTxt | Format::Pajek | Format::Csv)
    }

    /// Pictures (drawn by an engine) rather than graph files.
    pub fn is_picture(self) -> bool {
        matches!(self, Format::Svg | Format::Png | Format::Pdf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn names_round_trip_through_clap() {
        for f in Format::value_variants() {
            assert_eq!(Format::from_str(f.as_str(), false), Ok(*f));
        }
        assert_eq!(Engine::from_str("sfdp", true).map(Engine::graphviz), Ok(Some(graphviz::Engine::Sfdp)));
        assert!(Engine::from_str("circo", true).is_err());
        assert_eq!(Format::from_extension("HTM"), Some(Format::Html));
        assert_eq!(Format::from_extension("xlsx"), None);
    }
}
