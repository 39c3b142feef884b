//! Shared by the integration tests: run the real `postie` binary hermetically (no proxy
//! variables, no user config, its own working folder) and find fixtures.
#![allow(dead_code)]

pub mod certs;
pub mod chromium;
pub mod chromium_offline;
pub mod kdc;
pub mod oracle;
pub mod squid;
pub mod tinyproxy;
pub mod wire;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const PROXY_VARS: &[&str] = &[
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUEST_METHOD",
    "POSTIE_PROXY_PASSWORD",
    // Kerberos: a developer's own tickets and realm never reach a test run.
    "KRB5CCNAME",
    "KRB5_CONFIG",
];

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A `postie` command with a clean environment, run inside `dir`.
pub fn postie(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_postie"));
    for var in PROXY_VARS {
        cmd.env_remove(var);
    }
    cmd.env("HOME", dir).env("XDG_CONFIG_HOME", dir.join(".config")).env("NO_COLOR", "1").env("CI", "true");
    cmd.current_dir(dir);
    cmd
}

pub struct RunResult {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl RunResult {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

pub fn run(mut cmd: Command) -> RunResult {
    let Output { status, stdout, stderr } = cmd.output().expect("the postie binary runs");
    RunResult {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Writes `collection` into `dir` and runs `postie run` on it with `args`.
pub fn run_collection(dir: &Path, collection: &serde_json::Value, args: &[&str]) -> RunResult {
    let path = dir.join("collection.postman_collection.json");
    std::fs::write(&path, collection.to_string()).expect("write the collection");
    let mut cmd = postie(dir);
    cmd.arg("run").arg(&path).args(args);
    run(cmd)
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

/// Writes `<dir>/<name>.postman_collection.json`: a v2.1 collection of these item objects
/// (each already JSON text).
pub fn write_items(dir: &Path, name: &str, items: &[String]) -> PathBuf {
    let path = dir.join(format!("{name}.postman_collection.json"));
    let text = format!(
        r#"{{"info":{{"name":"{name}","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},"item":[{}]}}"#,
        items.join(",")
    );
    std::fs::write(&path, text).unwrap();
    path
}
