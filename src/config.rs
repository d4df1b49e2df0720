//! Settings (work in progress).
