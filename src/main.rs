//! The `citemap` binary: a thin layer over the library (see `cli`).
//!
//! Exit codes: 0 success; 1 nothing usable was read, or a command failed;
//! 2 invalid arguments or configuration.

mod cli;

/// mimalloc: resolution and the networks allocate and free many small
/// strings and vectors; glibc's allocator spent a quarter of an `ingest` in
/// consolidating and unlinking chunks. The library leaves the choice to the
/// program that links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
