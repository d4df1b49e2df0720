//! The project's embedded store (work in progress).
