//! Greedy label placement: each label tries a few candidate positions around
//! its node (right, left, above, below, the diagonals, then right and left
//! shifted up or down) and takes the first whose box stays inside the frame
//! and hits no placed label, no labelled node's disc and no other obstacle
//! (the discs of unlabelled nodes, when the caller passes them); a label that
//! fits nowhere is dropped.
//!
//! Labels are placed in the order given (most important first), so the
//! important ones win. Complexity: O(k * placed) for k labels, fine for the few
//! hundred labels a picture can hold; obstacles sit in a uniform grid, so each
//! candidate box looks only at the obstacles in the cells it covers.

pub use crate::graph::labels::{distinct_labels, first_author};

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
    /// Text width (from [`glyph_widths::text_width`](super::glyph_widths::text_width)).
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
    place_labels_avoiding(labels, &[], 0, frame)
}

/// Like [`place_labels`], but no label box may cover any of `obstacles` either
/// (the discs of nodes that get no label), except that the first `essential`
/// labels, when no candidate is clear of obstacles, take the first candidate
/// that is clear of labels and labelled nodes only: the most important labels
/// are kept even in a crowded cluster.
pub fn place_labels_avoiding(
    labels: &[LabelRequest],
    obstacles: &[Rect],
    essential: usize,
    frame: Rect,
) -> Vec<Option<Placement>> {
    let grid = Grid::new(obstacles, frame);
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
                (l.x + d, l.y - h),
                (l.x + d, l.y),
                (l.x - d - w, l.y - h),
                (l.x - d - w, l.y),
            ];
            let fits = |rect: &Rect, placed: &[Rect]| {
                rect.inside(&frame)
                    && !placed.iter().any(|p| p.overlaps(rect))
                    && !discs.iter().enumerate().any(|(j, disc)| j != i && disc.overlaps(rect))
            };
            let boxes = candidates.map(|(x0, y0)| Rect { x0, y0, x1: x0 + w, y1: y0 + h });
            let chosen = boxes
                .iter()
                .find(|r| fits(r, &placed) && !grid.hits(obstacles, r))
                .or_else(|| if i < essential { boxes.iter().find(|r| fits(r, &placed)) } else { None })
                .copied();
            chosen.map(|rect| {
                placed.push(rect);
                Placement { rect }
            })
        })
        .collect()
}

/// `text` cut to at most `max` characters (with an ellipsis) keeping a
/// trailing year ("Soc Psychiatry Psychiatr Epidemiol 2022" ->
/// "Soc Psychiatry Psychi… 2022"), so labels cut to one length stay apart.
pub fn shorten(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let tail: String = text.rsplit_once(' ').map(|(_, t)| t).unwrap_or("").to_string();
    let is_year = |t: &str| {
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.len() == 4 && t.chars().skip(4).all(|c| c.is_ascii_lowercase()) && t.chars().count() <= 6
    };
    let keep = tail.chars().count() + 1;
    if is_year(&tail) && max > keep + 4 {
        let head: String = text.chars().take(max - keep - 1).collect();
        return format!("{}… {tail}", head.trim_end());
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A uniform grid over the frame: for each cell, the obstacles touching it.
struct Grid {
    x0: f32,
    y0: f32,
    cell: f32,
    cols: usize,
    rows: usize,
    cells: Vec<Vec<u32>>,
}

impl Grid {
    fn new(obstacles: &[Rect], frame: Rect) -> Grid {
        let (fw, fh) = ((frame.x1 - frame.x0).max(1.0), (frame.y1 - frame.y0).max(1.0));
        let cell = if fw.is_finite() && fh.is_finite() { (fw.max(fh) / 64.0).max(8.0) } else { 8.0 };
        let (cols, rows) = if obstacles.is_empty() || !cell.is_finite() {
            (0, 0)
        } else {
            ((fw / cell).ceil().min(4096.0) as usize + 1, (fh / cell).ceil().min(4096.0) as usize + 1)
        };
        let mut g =
            Grid { x0: frame.x0, y0: frame.y0, cell, cols, rows, cells: vec![Vec::new(); cols * rows] };
        for (k, o) in obstacles.iter().enumerate() {
            if let Some((c0, r0, c1, r1)) = g.span(o) {
                for r in r0..=r1 {
                    for c in c0..=c1 {
                        g.cells[r * cols + c].push(k as u32);
                    }
                }
            }
        }
        g
    }

    /// The cell columns and rows `r` covers, clamped to the grid.
    fn span(&self, r: &Rect) -> Option<(usize, usize, usize, usize)> {
        if self.cols == 0 || ![r.x0, r.y0, r.x1, r.y1].iter().all(|v| v.is_finite()) {
            return None;
        }
        let col = |x: f32| (((x - self.x0) / self.cell).floor().max(0.0) as usize).min(self.cols - 1);
        let row = |y: f32| (((y - self.y0) / self.cell).floor().max(0.0) as usize).min(self.rows - 1);
        Some((col(r.x0), row(r.y0), col(r.x1), row(r.y1)))
    }

    /// True when `rect` overlaps one of the obstacles.
    fn hits(&self, obstacles: &[Rect], rect: &Rect) -> bool {
        let Some((c0, r0, c1, r1)) = self.span(rect) else { return false };
        (r0..=r1).any(|r| {
            (c0..=c1).any(|c| {
                self.cells[r * self.cols + c]
                    .iter()
                    .any(|&k| obstacles.get(k as usize).is_some_and(|o| o.overlaps(rect)))
            })
        })
    }
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
    fn labels_avoid_unlabelled_nodes() {
        let l = LabelRequest { x: 100.0, y: 100.0, r: 5.0, width: 40.0, height: 10.0 };
        // An unlabelled node right of the labelled one: the label goes left.
        let dot = Rect { x0: 120.0, y0: 96.0, x1: 126.0, y1: 102.0 };
        let p = place_labels_avoiding(&[l], &[dot], 0, frame())[0].expect("placed");
        assert!(!p.rect.overlaps(&dot));
        assert!(p.rect.x1 < 100.0, "moved to the left: {:?}", p.rect);
        // Surrounded on every side: dropped rather than drawn over a node.
        let ring: Vec<Rect> = (0..64)
            .map(|k| {
                let t = k as f32 / 64.0 * std::f32::consts::TAU;
                let (x, y) = (100.0 + 30.0 * t.cos(), 100.0 + 30.0 * t.sin());
                Rect { x0: x - 4.0, y0: y - 4.0, x1: x + 4.0, y1: y + 4.0 }
            })
            .collect();
        assert!(place_labels_avoiding(&[l], &ring, 0, frame())[0].is_none());
        // ... unless it is one of the essential labels.
        let p = place_labels_avoiding(&[l], &ring, 1, frame())[0].expect("essential label kept");
        assert!(p.rect.x0 > 105.0, "first candidate: {:?}", p.rect);
    }

    #[test]
    fn shortened_labels_keep_their_year() {
        assert_eq!(shorten("Soc Psychiatry Psychiatr Epidemiol 2022", 24), "Soc Psychiatry Psy… 2022");
        assert_eq!(shorten("Soc Psychiatry Psychiatr Epidemiol 2022b", 24), "Soc Psychiatry Ps… 2022b");
        assert_eq!(shorten("We examined interprofessional working", 12), "We examined…");
        assert_eq!(shorten("Short 2020", 24), "Short 2020");
        assert!(shorten("Soc Psychiatry Psychiatr Epidemiol 2021", 24).chars().count() <= 24);
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
