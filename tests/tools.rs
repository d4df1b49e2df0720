//! The programs the picture, export and browser tests drive are there when
//! CI runs: with `CI` set a missing Graphviz, Chromium or networkx fails here
//! (and in each test that needs it) instead of letting those tests skip.

#[path = "support/tools.rs"]
mod tools;

#[test]
fn ci_has_graphviz_chromium_and_networkx() {
    let dot = tools::graphviz();
    let chromium = tools::chromium().is_some();
    let networkx = tools::networkx();
    if tools::in_ci() {
        assert!(dot && chromium && networkx, "dot {dot}, chromium {chromium}, networkx {networkx}");
    }
}
