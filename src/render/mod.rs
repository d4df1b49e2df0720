//! Pictures: SVG drawing of a laid-out graph (cluster, year-overlay and
//! density views), the historiograph (`timeline`), the review–study map of
//! an umbrella review (`umbrella`), and PNG rasterisation with
//! an embedded font, so a fresh machine renders the same picture.
pub mod glyph_widths;
pub mod graphviz;
pub mod heatmap;
pub mod labels;
pub mod overview;
pub mod raster;
pub mod svg;
pub mod timeline;
pub mod umbrella;

/// The picture engine (`--engine`): the built-in drawing (no dependency) or
/// one of Graphviz's layout programs.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
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

/// The picture settings a user chooses (`[picture]` in `config.toml`, the
/// picture flags of `render` and `map`); their `Default` is the only place
/// the picture defaults live ([`svg::RenderOptions`] and
/// [`overview::OverviewOptions`] start from it).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PictureOptions {
    /// Picture engine: the built-in drawing or a Graphviz program.
    pub engine: Engine,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// PNG scale factor.
    pub scale: f32,
    /// PNG resolution in dots per inch (sets the scale to DPI/96 and is
    /// recorded in the file); `None`: the scale decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dpi: Option<f32>,
    /// Most node labels drawn; `None`: every node up to 80 nodes, else 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<usize>,
    /// Draw the legend.
    pub legend: bool,
    /// What the picture shows.
    pub view: svg::View,
    /// Transparent background (no white rectangle; PNG with alpha).
    pub transparent: bool,
}

impl Default for PictureOptions {
    fn default() -> Self {
        PictureOptions {
            engine: Engine::Builtin,
            width: 1600,
            height: 1200,
            scale: 1.0,
            dpi: None,
            labels: None,
            legend: true,
            view: svg::View::Clusters,
            transparent: false,
        }
    }
}

impl PictureOptions {
    /// The PNG scale: DPI/96 when a usable DPI is given, else `scale`.
    pub fn effective_scale(&self) -> f32 {
        self.dpi.filter(|d| d.is_finite() && *d > 0.0).map_or(self.scale, |d| d / 96.0)
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
