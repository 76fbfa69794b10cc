//! The two outside checkers the every-page test runs on what it opens: axe-core (accessibility,
//! run inside Chromium on the page as shown at its width) and the Nu Html Checker (vnu.jar, run
//! once on the HTML as the server sent it). Both come from npm, pinned in `.ci/a11y`, where
//! `.ci/run` installs them (`npm ci`); `AXE_JS` and `VNU_JAR` point elsewhere.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a checker is, or `None` (with one line) when it is not installed, unless CI is set,
/// where that is a failure.
fn locate(variable: &str, installed: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(".ci/a11y/node_modules")
                .join(installed)
        });
    if path.is_file() {
        return Some(path);
    }
    let how = "npm ci --ignore-scripts --prefix .ci/a11y";
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set and {} is missing ({how})",
        path.display()
    );
    eprintln!(
        "{variable} check SKIPPED: {} is missing ({how})",
        path.display()
    );
    None
}

pub(crate) struct Axe(String);

impl Axe {
    pub(crate) fn load() -> Option<Self> {
        let path = locate("AXE_JS", "axe-core/axe.min.js")?;
        Some(Self(std::fs::read_to_string(path).expect("read axe")))
    }

    /// Each violation on the page shown, as "rule: help (first elements)".
    pub(crate) async fn violations(&self, browser: &fantoccini::Client) -> Vec<String> {
        let run = "const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' +
                  v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ') + ')')))
              .catch(e => done(['axe failed: ' + e]));";
        let found = browser
            .execute_async(&format!("{}\n;{run}", self.0), vec![])
            .await
            .expect("run axe");
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }
}

/// Pages' HTML gathered to be checked in one run of vnu (its start costs seconds).
pub(crate) struct Vnu {
    jar: PathBuf,
    dir: tempfile::TempDir,
    pages: Vec<String>,
}

impl Vnu {
    pub(crate) fn load() -> Option<Self> {
        let jar = locate("VNU_JAR", "vnu-jar/build/dist/vnu.jar")?;
        Some(Self {
            jar,
            dir: tempfile::tempdir().expect("temporary directory"),
            pages: Vec::new(),
        })
    }

    /// Keeps `html` to check, named by `what` in the errors.
    pub(crate) fn add(&mut self, what: String, html: &str) {
        let file = self.dir.path().join(format!("{}.html", self.pages.len()));
        std::fs::write(file, html).expect("write page");
        self.pages.push(what);
    }

    pub(crate) fn len(&self) -> usize {
        self.pages.len()
    }

    /// Each error vnu finds, as "what: line: message".
    pub(crate) fn errors(&self) -> Vec<String> {
        let files: Vec<PathBuf> = (0..self.pages.len())
            .map(|n| self.dir.path().join(format!("{n}.html")))
            .collect();
        let out = Command::new("java")
            .arg("-jar")
            .arg(&self.jar)
            .args(["--errors-only", "--exit-zero-always", "--format", "json"])
            .args(&files)
            .output()
            .expect("java runs vnu.jar (apt-get install default-jre-headless)");
        let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
            panic!("vnu report: {e}: {}", String::from_utf8_lossy(&out.stderr))
        });
        report["messages"]
            .as_array()
            .expect("vnu messages")
            .iter()
            .map(|m| {
                let file = m["url"].as_str().unwrap_or_default();
                let n: usize = file
                    .rsplit('/')
                    .next()
                    .and_then(|f| f.trim_end_matches(".html").parse().ok())
                    .unwrap_or(usize::MAX);
                let what = self.pages.get(n).map_or(file, String::as_str);
                format!("{what}: line {}: {}", m["lastLine"], m["message"])
            })
            .collect()
    }
}
