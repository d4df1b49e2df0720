//! The `citemap` binary: a thin layer over the library (see `cli`).
//!
//! Exit codes: 0 success; 1 nothing usable was read, or a command failed;
//! 2 invalid arguments or configuration.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
