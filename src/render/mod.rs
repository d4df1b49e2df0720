//! Pictures: SVG drawing of a laid-out graph (cluster, year-overlay and
//! density views), the historiograph (`timeline`), and PNG rasterisation with
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
