//! Pictures: SVG drawing of a laid-out graph and PNG rasterisation with an
//! embedded font, so a fresh machine renders the same picture.
pub mod heatmap;
pub mod raster;
