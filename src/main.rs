//! The `citemap` binary: a thin wrapper over [`citemap::cli`] (work in progress).
fn main() {}
