//! Prevent-overlap pass: pushes apart node discs that cover each other, on a
//! uniform grid so each pass is O(n) for evenly spread layouts.

use std::collections::HashMap;

/// Mean discs per occupied grid cell above which the pass gives up.
pub const MAX_MEAN_OCCUPANCY: usize = 24;

/// Pushes overlapping discs apart in place.
///
/// `rel_radius[i]` is node `i`'s radius as a fraction of the frame side (see
/// [`relative_radius`](super::relative_radius)); the frame side is taken as the
/// larger side of the current bounds, so radii follow the picture's scale.
/// Runs at most `passes` passes and stops early when nothing overlaps.
/// Deterministic: nodes are visited in index order and moved in place.
///
/// Complexity: O(passes * n * k), k the number of discs in neighbouring cells.
/// When the discs are packed so densely that a cell holds more than
/// [`MAX_MEAN_OCCUPANCY`] discs on average, they cannot all be separated
/// anyway (a hairball of tens of thousands of nodes) and the pass stops, so
/// the cost never turns quadratic.
pub fn remove_overlaps(pos: &mut [(f32, f32)], rel_radius: &[f32], passes: usize) {
    let n = pos.len().min(rel_radius.len());
    if n < 2 {
        return;
    }
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for _ in 0..passes {
        let Some((x0, y0, x1, y1)) = super::bounds(pos) else { return };
        let side = (x1 - x0).max(y1 - y0);
        if !(side.is_finite() && side > 0.0) {
            return;
        }
        // A small margin so discs do not touch.
        let radius = |i: usize| rel_radius[i].max(0.0) * side * 1.15;
        let max_r = (0..n).map(radius).fold(0.0f32, f32::max);
        if max_r <= 0.0 {
            return;
        }
        let cell = 2.0 * max_r;
        let key = |(x, y): (f32, f32)| (((x - x0) / cell).floor() as i64, ((y - y0) / cell).floor() as i64);
        cells.clear();
        for (i, &p) in pos.iter().enumerate().take(n) {
            cells.entry(key(p)).or_default().push(i);
        }
        if n > cells.len().saturating_mul(MAX_MEAN_OCCUPANCY) {
            return;
        }
        let mut moved = false;
        for i in 0..n {
            let (cx, cy) = key(pos[i]);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let Some(list) = cells.get(&(cx + dx, cy + dy)) else { continue };
                    for &j in list {
                        if j <= i {
                            continue;
                        }
                        let (ax, ay) = pos[i];
                        let (bx, by) = pos[j];
                        let (vx, vy) = (bx - ax, by - ay);
                        let d = (vx * vx + vy * vy).sqrt();
                        let need = radius(i) + radius(j);
                        if d >= need {
                            continue;
                        }
                        let (ux, uy) = if d > 1e-9 * side {
                            (vx / d, vy / d)
                        } else {
                            // Coincident discs: a direction fixed by the indices.
                            let t = ((i * 7919 + j * 104_729) % 360) as f32 * std::f32::consts::PI / 180.0;
                            (t.cos(), t.sin())
                        };
                        let push = (need - d) / 2.0;
                        let (vx, vy) = (ux, uy);
                        pos[i] = (ax - vx * push, ay - vy * push);
                        pos[j] = (bx + vx * push, by + vy * push);
                        moved = true;
                    }
                }
            }
        }
        if !moved {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hairball_too_dense_to_separate_is_left_as_is_quickly() {
        // 40,000 discs on one spot but for two far corners: nothing can be
        // separated in reasonable time; the pass returns without moving them.
        let mut pos: Vec<(f32, f32)> =
            (0..40_000).map(|i| ((i % 200) as f32 * 1e-4, (i / 200) as f32 * 1e-4)).collect();
        pos.push((100.0, 100.0));
        pos.push((-100.0, -100.0));
        let before = pos.clone();
        let r = vec![0.01; pos.len()];
        remove_overlaps(&mut pos, &r, 40);
        assert_eq!(pos, before);
    }

    #[test]
    fn overlapping_discs_are_separated() {
        let mut pos = vec![(0.0, 0.0), (0.1, 0.0), (0.1, 0.0), (10.0, 10.0)];
        let r = vec![0.02; 4];
        remove_overlaps(&mut pos, &r, 50);
        let (x0, y0, x1, y1) = super::super::bounds(&pos).unwrap();
        let side = (x1 - x0).max(y1 - y0);
        for i in 0..4 {
            for j in i + 1..4 {
                let d = (pos[i].0 - pos[j].0).hypot(pos[i].1 - pos[j].1);
                assert!(d >= 0.04 * side * 0.99, "{i} {j} {d}");
            }
        }
    }
}
