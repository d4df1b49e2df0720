//! Running the citemap binary from an integration test: the one helper the
//! export tests share.

use std::process::Command;

/// Runs the citemap binary with a pinned `SOURCE_DATE_EPOCH`; panics with its
/// stderr when it fails, else returns its standard output.
pub fn cli(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_citemap"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .output()
        .expect("citemap runs");
    assert!(o.status.success(), "citemap {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).to_string()
}
