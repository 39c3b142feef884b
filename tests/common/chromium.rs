//! A real headless Chromium driven over the DevTools protocol, for the HTML report tests.
//! It runs offline on purpose: every proxy points at a closed port, so a page that tries
//! to fetch anything shows it as a failed request.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use super::chromium_offline::{BINARIES, OFFLINE_FLAGS};

const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Chromium {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    /// Every event seen, in order.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> Option<PathBuf> {
    BINARIES.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Starts Chromium with a fresh profile and one page; `None` (with a loud note) when it
/// is not installed outside CI. Under `CI=true` a missing Chromium fails the test.
pub fn start() -> Option<Chromium> {
    let Some(binary) = binary() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium is not installed; .ci/run installs it and CI must never skip these tests");
        }
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED: chromium is not installed (apt-get install chromium); HTML report browser tests did not run ***\n"
        );
        return None;
    };
    let profile = super::tempdir();
    let child = Command::new(binary)
        .args(OFFLINE_FLAGS)
        .args(["--remote-debugging-port=0", "--window-size=1280,1600"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Chromium writes the port it picked and the browser's socket path here.
    let active = profile.path().join("DevToolsActivePort");
    let deadline = Instant::now() + TIMEOUT;
    let (port, path) = loop {
        if let Ok(text) = std::fs::read_to_string(&active) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                break (port.to_string(), path.to_string());
            }
        }
        assert!(Instant::now() < deadline, "chromium did not open its DevTools port");
        std::thread::sleep(Duration::from_millis(50));
    };
    let stream = TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let (ws, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream).expect("DevTools handshake");
    let mut browser = Chromium { child, ws, next_id: 0, session: String::new(), events: Vec::new(), _profile: profile };
    let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
    let attached = browser.call("Target.attachToTarget", json!({ "targetId": target["targetId"], "flatten": true }));
    browser.session = attached["sessionId"].as_str().unwrap().to_string();
    for domain in ["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"] {
        browser.call(domain, json!({}));
    }
    Some(browser)
}

impl Chromium {
    fn read(&mut self) -> Value {
        loop {
            match self.ws.read().expect("DevTools connection") {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(_) => panic!("chromium closed the DevTools connection"),
                _ => continue,
            }
        }
    }

    /// Sends a command (to the page's session once there is one) and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = Value::from(self.session.clone());
        }
        self.ws.send(Message::text(message.to_string())).unwrap();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "no answer to {method}");
            let m = self.read();
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{method} failed: {}", m["error"]);
                return m["result"].clone();
            }
            self.events.push(m);
        }
    }

    /// Opens `url` and waits until the load event and `ready` (a JS expression) is true.
    pub fn open(&mut self, url: &str, ready: &str) {
        self.events.clear();
        self.call("Page.navigate", json!({ "url": url }));
        let deadline = Instant::now() + TIMEOUT;
        while !self.events.iter().any(|e| e["method"] == "Page.loadEventFired") {
            assert!(Instant::now() < deadline, "{url} did not load");
            let m = self.read();
            self.events.push(m);
        }
        self.wait_for(ready);
    }

    /// Waits until a JS expression is true (events such as `toggle` and `hashchange` are
    /// handled after the call that caused them returns).
    pub fn wait_for(&mut self, expression: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while self.eval(expression) != Value::Bool(true) {
            assert!(Instant::now() < deadline, "`{expression}` never became true; problems: {:?}", self.problems());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The value of a JS expression in the page (JSON-serialisable results only).
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }));
        assert!(r.get("exceptionDetails").is_none(), "`{expression}` threw: {}", r["exceptionDetails"]);
        r["result"]["value"].clone()
    }

    /// A PNG of the whole page, or of the window (1280 × 1600) only.
    pub fn screenshot(&mut self, path: &Path, whole_page: bool) {
        let r = self.call("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": whole_page }));
        let png = base64::engine::general_purpose::STANDARD.decode(r["data"].as_str().unwrap()).unwrap();
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// Console errors, uncaught exceptions, failed loads and any request that left the
    /// file: the page must have none.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.events {
            let p = &e["params"];
            match e["method"].as_str().unwrap_or_default() {
                "Runtime.exceptionThrown" => out.push(format!("exception: {}", p["exceptionDetails"])),
                "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => {
                    out.push(format!("console.{}: {}", p["type"].as_str().unwrap_or_default(), p["args"]))
                }
                "Log.entryAdded" if p["entry"]["level"] == "error" => out.push(format!("log: {}", p["entry"]["text"])),
                "Network.loadingFailed" => out.push(format!("failed load: {}", p["errorText"])),
                "Network.requestWillBeSent" => {
                    let url = p["request"]["url"].as_str().unwrap_or_default();
                    if !url.starts_with("file:") && !url.starts_with("data:") && !url.starts_with("about:") {
                        out.push(format!("request to {url}"));
                    }
                }
                _ => {}
            }
        }
        out
    }
}
