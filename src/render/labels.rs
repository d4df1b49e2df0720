//! Greedy label placement: each label tries a few candidate positions around
//! its node (right, left, above, below, then the diagonals) and takes the first
//! whose box stays inside the frame and hits no placed label and no labelled
//! node's disc; a label that fits nowhere is dropped.
//!
//! Labels are placed in the order given (most important first), so the
//! important ones win. Complexity: O(k * placed) for k labels, fine for the few
//! hundred labels a picture can hold.

/// An axis-aligned box: `x0 <= x1`, `y0 <= y1`, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x0: f32,
    /// Top.
    pub y0: f32,
    /// Right.
    pub x1: f32,
    /// Bottom.
    pub y1: f32,
}

impl Rect {
    /// True when the two boxes share interior area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    /// True when `self` lies inside `o`.
    pub fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.y0 >= o.y0 && self.x1 <= o.x1 && self.y1 <= o.y1
    }
}

/// A label to place: the node's centre and radius, and the text box size.
#[derive(Clone, Copy, Debug)]
pub struct LabelRequest {
    /// Node centre x.
    pub x: f32,
    /// Node centre y.
    pub y: f32,
    /// Node radius.
    pub r: f32,
    /// Text width (from [`metrics::text_width`](super::metrics::text_width)).
    pub width: f32,
    /// Text box height (ascent + descent).
    pub height: f32,
}

/// Where a label went: its box (the text fills it, left-aligned).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placement {
    /// The text box.
    pub rect: Rect,
}

/// Places `labels` greedily inside `frame`; `None` for labels that were dropped.
///
/// The discs of all requested nodes are obstacles too, so a label never covers
/// another labelled node. Returned boxes never overlap each other.
pub fn place_labels(labels: &[LabelRequest], frame: Rect) -> Vec<Option<Placement>> {
    let discs: Vec<Rect> =
        labels.iter().map(|l| Rect { x0: l.x - l.r, y0: l.y - l.r, x1: l.x + l.r, y1: l.y + l.r }).collect();
    let mut placed: Vec<Rect> = Vec::new();
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if !(l.x.is_finite() && l.y.is_finite() && l.width.is_finite() && l.height.is_finite()) {
                return None;
            }
            let gap = 2.0 + l.r * 0.15;
            let (w, h) = (l.width.max(0.0), l.height.max(0.0));
            let d = l.r + gap;
            let dd = l.r * std::f32::consts::FRAC_1_SQRT_2 + gap;
            // Top-left corners of the candidate boxes.
            let candidates = [
                (l.x + d, l.y - h / 2.0),
                (l.x - d - w, l.y - h / 2.0),
                (l.x - w / 2.0, l.y - d - h),
                (l.x - w / 2.0, l.y + d),
                (l.x + dd, l.y - dd - h),
                (l.x - dd - w, l.y - dd - h),
                (l.x + dd, l.y + dd),
                (l.x - dd - w, l.y + dd),
            ];
            candidates.iter().find_map(|&(x0, y0)| {
                let rect = Rect { x0, y0, x1: x0 + w, y1: y0 + h };
                let free = rect.inside(&frame)
                    && !placed.iter().any(|p| p.overlaps(&rect))
                    && !discs.iter().enumerate().any(|(j, disc)| j != i && disc.overlaps(&rect));
                free.then(|| {
                    placed.push(rect);
                    Placement { rect }
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Rect {
        Rect { x0: 0.0, y0: 0.0, x1: 500.0, y1: 500.0 }
    }

    #[test]
    fn crowded_labels_never_overlap() {
        // 200 labels on a tight grid: many must move or be dropped.
        let labels: Vec<LabelRequest> = (0..200)
            .map(|i| LabelRequest {
                x: 20.0 + (i % 20) as f32 * 23.0,
                y: 20.0 + (i / 20) as f32 * 17.0,
                r: 3.0 + (i % 3) as f32,
                width: 30.0 + (i % 7) as f32 * 9.0,
                height: 12.0,
            })
            .collect();
        let placed = place_labels(&labels, frame());
        let boxes: Vec<Rect> = placed.iter().flatten().map(|p| p.rect).collect();
        assert!(boxes.len() > 10, "some labels placed: {}", boxes.len());
        assert!(boxes.len() < 200, "some labels dropped");
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.inside(&frame()));
            for b in &boxes[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
            }
        }
        // No box covers another labelled node's disc.
        for (i, p) in placed.iter().enumerate() {
            let Some(p) = p else { continue };
            for (j, l) in labels.iter().enumerate() {
                let disc = Rect { x0: l.x - l.r, y0: l.y - l.r, x1: l.x + l.r, y1: l.y + l.r };
                assert!(i == j || !p.rect.overlaps(&disc));
            }
        }
    }

    #[test]
    fn first_label_takes_the_right_side() {
        let l = LabelRequest { x: 100.0, y: 100.0, r: 5.0, width: 40.0, height: 10.0 };
        let p = place_labels(&[l], frame())[0].expect("placed");
        assert!(p.rect.x0 > 105.0 && (p.rect.y0 + p.rect.y1) / 2.0 == 100.0);
    }

    #[test]
    fn label_near_the_edge_moves_or_drops() {
        let l = LabelRequest { x: 495.0, y: 250.0, r: 3.0, width: 40.0, height: 10.0 };
        let p = place_labels(&[l], frame())[0].expect("placed on the left");
        assert!(p.rect.x1 < 495.0);
        let huge = LabelRequest { x: 250.0, y: 250.0, r: 3.0, width: 600.0, height: 10.0 };
        assert!(place_labels(&[huge], frame())[0].is_none());
    }
}
