//! The house keeps its floors: read from the source, the top-level folders of `src/` import each
//! other without a circle, the vocabulary floor (`src/domain`) imports no area, and the plumbing
//! (`web`, `auth`, `audit`, `db`, `error`, `schema`) imports neither the vocabulary nor an area.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which top-level module each top-level module names (`crate::x`), outside comments and tests.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .expect("src")
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.trim_end_matches(".rs").to_string()
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).expect("under src");
            let first = rel.components().next().expect("a component");
            let from = first
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("read");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let name: String = line[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if name != from && modules.contains(&name) {
                        graph.entry(from.clone()).or_default().insert(name);
                    }
                }
            }
        }
    }
    graph
}

/// Whether `to` is reachable from `from`.
fn reaches(graph: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    false
}

#[test]
fn no_folder_imports_one_that_imports_it_back() {
    let graph = imports();
    let circles: Vec<String> = graph
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (from, to)))
        .filter(|(from, to)| reaches(&graph, to, from))
        .map(|(from, to)| format!("{from} -> {to}"))
        .collect();
    assert!(
        circles.is_empty(),
        "imports that close a circle: {circles:?}"
    );
    assert!(graph.len() > 20, "the walk found the modules: {graph:?}");
}

#[test]
fn the_vocabulary_floor_imports_no_area() {
    let graph = imports();
    let below: BTreeSet<&str> = ["db", "error", "schema", "domain"].into();
    let domain: Vec<&String> = graph
        .get("domain")
        .into_iter()
        .flatten()
        .filter(|m| !below.contains(m.as_str()))
        .collect();
    assert!(domain.is_empty(), "domain imports {domain:?}");
}

#[test]
fn the_plumbing_imports_neither_vocabulary_nor_areas() {
    let graph = imports();
    let plumbing: BTreeSet<&str> = ["db", "error", "schema", "audit", "auth", "web"].into();
    // The permission catalog is a table of names the guards check, not an area.
    let allowed: BTreeSet<&str> = plumbing.iter().copied().chain(["permissions"]).collect();
    let upward: Vec<String> = plumbing
        .iter()
        .flat_map(|from| {
            graph
                .get(*from)
                .into_iter()
                .flatten()
                .filter(|to| !allowed.contains(to.as_str()))
                .map(move |to| format!("{from} -> {to}"))
        })
        .collect();
    assert!(upward.is_empty(), "plumbing that reaches up: {upward:?}");
}
