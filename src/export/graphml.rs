//! GraphML writer (work in progress).
use crate::graph::CitationGraph;
use std::io::{self, Write};
/// GraphML settings.
#[derive(Clone, Debug, Default)]
pub struct Options {}
/// Writes `g` as GraphML.
pub fn write(_g: &CitationGraph, _w: &mut dyn Write, _opts: &Options) -> io::Result<()> {
    Ok(())
}
