//! How a map looks in every output that draws it: the cluster palette
//! ([`PALETTE`], [`cluster_colour`]), the node disc size ([`relative_radius`])
//! and the frame the positions are fitted into ([`bounds`]). The SVG and PNG
//! pictures, the HTML page and the GEXF / VOSviewer / Pajek exports all take
//! them from here, so a cluster has the same colour and a node the same size
//! everywhere.
//!
//! Sits below `layout`, `render` and `export` and depends on nothing.

/// Cluster colours, distinguishable up to 30 clusters: Paul Tol's "muted"
/// qualitative palette (nine colours that stay apart under the common
/// colour-vision deficiencies) for the largest clusters, then 21 colours
/// chosen greedily to stay at least 22 CIELAB ΔE from every colour before
/// them and from the two greys. Cluster `k` (1 = largest) gets
/// `PALETTE[k - 1]`; the "other" rule: clusters past the 30th share
/// [`OTHER_COLOUR`] and one legend line ("N more clusters").
pub const PALETTE: [&str; 30] = [
    "#332288", "#CC6677", "#117733", "#DDCC77", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499",
    "#00EE00", "#EE0000", "#0000EE", "#EE00EE", "#EE8800", "#004466", "#0088EE", "#44EE88", "#664422",
    "#880000", "#EECC00", "#88CC22", "#CCAAEE", "#EE0066", "#8844EE", "#EE00AA", "#EE6644", "#EEAA88",
    "#224422", "#00EECC", "#88CC88",
];
/// Colour of nodes without a cluster (cluster 0 or absent).
pub const UNCLUSTERED_COLOUR: &str = "#9E9E9E";
/// Colour of clusters past the palette.
pub const OTHER_COLOUR: &str = "#CFCFCF";

/// The colour of cluster `c` (0 = unclustered).
pub fn cluster_colour(c: i64) -> &'static str {
    match c {
        c if c >= 1 && c <= PALETTE.len() as i64 => PALETTE[(c - 1) as usize],
        c if c > PALETTE.len() as i64 => OTHER_COLOUR,
        _ => UNCLUSTERED_COLOUR,
    }
}

/// Disc radius as a fraction of the frame side, for a node of weight `w`
/// when the heaviest node weighs `max_w` and the graph has `n` nodes.
///
/// Small graphs get large discs, 50,000 nodes get discs of a few pixels; the
/// heaviest node has four times the radius of a leaf.
pub fn relative_radius(w: f64, max_w: f64, n: usize) -> f32 {
    let n = n.max(1) as f32;
    let r0 = (0.22 / n.sqrt()).clamp(0.0012, 0.0065);
    let r1 = (r0 * 4.0).min(0.022);
    // Sizes are relative to the most cited node, but never to fewer than 20
    // citations: in a small corpus a work cited once is not drawn at full size.
    let max_w = max_w.max(20.0);
    let t = if w > 0.0 { (w / max_w).clamp(0.0, 1.0).sqrt() as f32 } else { 0.0 };
    r0 + (r1 - r0) * t
}

/// Axis-aligned bounds `(min_x, min_y, max_x, max_y)` of finite positions.
pub fn bounds(pos: &[(f32, f32)]) -> Option<(f32, f32, f32, f32)> {
    let mut it = pos.iter().filter(|(x, y)| x.is_finite() && y.is_finite());
    let &(x0, y0) = it.next()?;
    Some(it.fold((x0, y0, x0, y0), |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radius_grows_with_weight_and_shrinks_with_size() {
        assert!(relative_radius(10.0, 10.0, 50) > relative_radius(0.0, 10.0, 50));
        assert!(relative_radius(0.0, 10.0, 50_000) < relative_radius(0.0, 10.0, 50));
    }

    #[test]
    fn clusters_past_the_palette_share_one_colour() {
        assert_eq!(cluster_colour(1), PALETTE[0]);
        assert_eq!(cluster_colour(30), PALETTE[29]);
        assert_eq!(cluster_colour(31), OTHER_COLOUR);
        assert_eq!(cluster_colour(0), UNCLUSTERED_COLOUR);
        assert_eq!(bounds(&[(1.0, 2.0), (f32::NAN, 0.0), (-1.0, 5.0)]), Some((-1.0, 2.0, 1.0, 5.0)));
        assert_eq!(bounds(&[]), None);
    }
}
