//! The dependency rule of ARCHITECTURE.md, enforced: every `crate::` path in
//! a module of `src/` must name a module of a lower layer (or the module
//! itself). Layers, lowest first:
//!
//! 0. `model`, `text_safety`, `escape`, `style` (the shared vocabulary and
//!    the text and look every output shares)
//! 1. `store`, `ingest`
//! 2. `resolve`, `fetch` (fetch reads answers with ingest's readers and
//!    caches them in the store)
//! 3. `graph`
//! 4. `analysis`
//! 5. `layout`
//! 6. `render`, `export`, `pipeline` (none of them uses another)
//! 7. `config` (it embeds every stage's options)
//!
//! Besides, `export` does not use `layout` and `store` uses `model` alone
//! ([`FORBIDDEN`]).
//!
//! `cli` is the binary on top: it uses the library as `citemap::`, never
//! `crate::`, and is not checked here. Paths are read from the code with
//! comments (and so doc links) left out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const LAYERS: &[(&str, u32)] = &[
    ("model", 0),
    ("text_safety", 0),
    ("escape", 0),
    ("style", 0),
    ("store", 1),
    ("ingest", 1),
    ("resolve", 2),
    ("fetch", 2),
    ("graph", 3),
    ("analysis", 4),
    ("layout", 5),
    ("render", 6),
    ("export", 6),
    ("pipeline", 6),
    ("config", 7),
];

/// Imports of a lower layer that are still not allowed: exporters take
/// positions as data (from `pipeline::lay_out`) and never lay out
/// themselves; the store depends on `model` alone.
const FORBIDDEN: &[(&str, &str)] =
    &[("export", "layout"), ("store", "text_safety"), ("store", "escape"), ("store", "style")];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("src/ readable").flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`src/render/svg.rs` -> `render`).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix("src").ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// `text` without `//` comments (line and doc comments) and without the
/// contents of string literals, so neither a doc link nor a URL counts.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = '\0';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if in_str {
                if c == '"' && prev != '\\' {
                    in_str = false;
                    out.push('"');
                }
                prev = if prev == '\\' && c == '\\' { '\0' } else { c };
                continue;
            }
            if c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            // A char literal such as '"' is not the start of a string.
            if c == '"' && prev != '\'' {
                in_str = true;
            }
            out.push(c);
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// The top-level modules named by `crate::` paths in `code`, with a line
/// number each (`crate::{a::x, b}` names `a` and `b`).
fn crate_paths(code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    for (i, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            let after = &rest[at + "crate::".len()..];
            rest = after;
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `citemap_crate::` or similar
            }
            if let Some(group) = after.strip_prefix('{') {
                // Top-level names of the group, at brace depth 0.
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            found.push((ident(item.trim()), i + 1));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        item.push(c);
                    }
                }
                if !item.trim().is_empty() {
                    found.push((ident(item.trim()), i + 1));
                }
            } else {
                found.push((ident(after), i + 1));
            }
        }
    }
    found.retain(|(m, _)| !m.is_empty());
    found
}

#[test]
fn the_parser_reads_paths_groups_and_skips_comments() {
    let code = code_only(
        "use crate::graph::{a, b};\nuse crate::{escape::xml, style::{bounds, PALETTE}};\n\
         //! see [`crate::render`]\nlet s = \"crate::cli\"; f(crate::layout::layout(g)); // crate::export\n",
    );
    let names: Vec<String> = crate_paths(&code).into_iter().map(|(m, _)| m).collect();
    assert_eq!(names, ["graph", "escape", "style", "layout"]);
}

#[test]
fn no_module_imports_a_higher_or_sideways_layer() {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    let mut violations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for path in &files {
        let Some(module) = module_of(path) else { continue };
        if matches!(module.as_str(), "lib" | "main" | "cli") {
            continue;
        }
        let own = layer(&module).unwrap_or_else(|| {
            panic!("{}: module {module} has no layer: add it to LAYERS and ARCHITECTURE.md", path.display())
        });
        checked += 1;
        let text = std::fs::read_to_string(path).expect("source readable");
        for (used, line) in crate_paths(&code_only(&text)) {
            if used == module || used == "VERSION" {
                continue;
            }
            let ok = match layer(&used) {
                Some(l) => l < own && !FORBIDDEN.contains(&(module.as_str(), used.as_str())),
                None => false,
            };
            if !ok {
                violations
                    .entry(format!("{module} -> {used}"))
                    .or_default()
                    .push(format!("{}:{line}", path.display()));
            }
        }
    }
    assert!(checked > 50, "only {checked} files checked");
    assert!(
        violations.is_empty(),
        "imports against the layers (ARCHITECTURE.md):\n{}",
        violations.iter().map(|(k, v)| format!("  {k}: {}", v.join(", "))).collect::<Vec<_>>().join("\n")
    );
}
