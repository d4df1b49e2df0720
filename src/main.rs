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
    no_transparent_huge_pages();
    cli::main()
}

/// Turns transparent huge pages off for this process, unless the user asked
/// for them with mimalloc's own `MIMALLOC_ALLOW_THP` (any value but `0`).
///
/// mimalloc asks the kernel for huge pages on its arenas. On the 2-core
/// virtual machines citemap is benchmarked on, touching a fresh huge page
/// costs about 20 times what touching the same memory in 4 KiB pages does
/// (2 GB: 13.2 s against 0.7 s), and that page zeroing was 44% of a 100k
/// `map`'s samples. Without them `map` at 100k took 48.8 s instead of
/// 69.9 s, at the same peak (ARCHITECTURE.md, dependencies). The flag is the
/// process's, so it also covers the arena mimalloc reserved before `main`.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        let asked = std::env::var_os("MIMALLOC_ALLOW_THP").is_some_and(|v| v != "0");
        if !asked {
            // Failure (an old kernel) leaves the default: slower, not wrong.
            let _ = rustix::thread::disable_transparent_huge_pages(true);
        }
    }
}
