//! Rendering through Graphviz (`dot`, `sfdp`, `neato`) with graphviz-rust,
//! for users who prefer Graphviz layouts: takes the DOT text written by
//! [`export::dot`](crate::export::dot) and returns the rendered bytes.
//!
//! A missing `dot` executable is reported as [`Error::NotInstalled`] with
//! install instructions, never as a bare "No such file or directory".

use graphviz_rust::cmd::{CommandArg, Format, Layout};
use std::io;

/// Why Graphviz rendering failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The `dot` executable is not on the PATH.
    #[error(
        "graphviz is not installed (the `dot` program was not found on PATH); install it with \
         `apt-get install graphviz` (Debian/Ubuntu), `dnf install graphviz` (Fedora), \
         `brew install graphviz` (macOS), `choco install graphviz` or `winget install graphviz` \
         (Windows), or use the built-in renderer"
    )]
    NotInstalled,
    /// Graphviz ran and failed (its message, e.g. a DOT syntax error).
    #[error("graphviz failed: {0}")]
    Failed(String),
    /// Running Graphviz failed for another reason.
    #[error("running graphviz: {0}")]
    Io(#[from] io::Error),
}

/// The Graphviz layout engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Hierarchical (citation chains flow top to bottom).
    Dot,
    /// Scalable force-directed, for large graphs.
    #[default]
    Sfdp,
    /// Spring model, for small graphs.
    Neato,
}

impl Engine {
    fn layout(self) -> Layout {
        match self {
            Engine::Dot => Layout::Dot,
            Engine::Sfdp => Layout::Sfdp,
            Engine::Neato => Layout::Neato,
        }
    }
    /// Parses `dot`, `sfdp` or `neato`.
    pub fn parse(s: &str) -> Option<Engine> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dot" => Some(Engine::Dot),
            "sfdp" => Some(Engine::Sfdp),
            "neato" => Some(Engine::Neato),
            _ => None,
        }
    }
}

/// Output format of a Graphviz rendering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// SVG.
    #[default]
    Svg,
    /// PNG.
    Png,
    /// PDF.
    Pdf,
}

/// True when the `dot` executable can be run.
pub fn available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Renders DOT text with Graphviz `engine` to `format`.
///
/// # Errors
/// [`Error::NotInstalled`] when `dot` is missing, [`Error::Failed`] with
/// Graphviz's own message when it rejects the input.
pub fn render(dot: &str, engine: Engine, format: OutputFormat) -> Result<Vec<u8>, Error> {
    let format = match format {
        OutputFormat::Svg => Format::Svg,
        OutputFormat::Png => Format::Png,
        OutputFormat::Pdf => Format::Pdf,
    };
    let args = vec![CommandArg::Layout(engine.layout()), CommandArg::Format(format)];
    match graphviz_rust::exec_dot(dot.to_string(), args) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::NotInstalled),
        Err(e) if e.kind() == io::ErrorKind::Other => Err(Error::Failed(e.to_string().trim().to_string())),
        Err(e) => Err(Error::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_parse() {
        assert_eq!(Engine::parse("SFDP"), Some(Engine::Sfdp));
        assert_eq!(Engine::parse("circo"), None);
        assert!(Error::NotInstalled.to_string().contains("apt-get install graphviz"));
    }
}
