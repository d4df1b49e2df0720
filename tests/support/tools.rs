//! The external programs some tests drive: Graphviz `dot`, headless
//! Chromium, Python with networkx. On a developer machine a missing program
//! skips the check with a message; under CI (the `CI` environment variable
//! set, as `.ci/run` does after installing them) a missing program fails the
//! test, so a broken CI image cannot pass by skipping.
#![allow(dead_code)]

use std::process::{Command, Stdio};

/// True under CI, where every program these tests need must be installed.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Reports a missing program: panics under CI, else prints why the check is
/// skipped. Returns `false` so callers can write `if !found(..) { return; }`.
fn missing(what: &str, install: &str) -> bool {
    assert!(!in_ci(), "{what} is not installed but CI is set: install it ({install})");
    eprintln!("skipped: {what} is not installed ({install})");
    false
}

/// True when `program args` runs and exits 0.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Graphviz `dot` is installed (else skipped, or a failure under CI).
pub fn graphviz() -> bool {
    runs("dot", &["-V"]) || missing("Graphviz `dot`", "apt-get install graphviz")
}

/// The headless Chromium to run (else `None`: skipped, or a failure under CI).
pub fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .into_iter()
        .find(|b| runs(b, &["--version"]));
    if found.is_none() {
        missing("Chromium", "apt-get install chromium");
    }
    found
}

/// Python 3 with networkx is installed (else skipped, or a failure under CI).
pub fn networkx() -> bool {
    runs("python3", &["-c", "import networkx"]) || missing("python3 with networkx", "pip install networkx")
}
