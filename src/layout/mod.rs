//! Node positions for pictures: seeded, deterministic force-directed layout.
