//! A real tinyproxy from Debian's packages (`.ci/run` installs `tinyproxy-bin`), on a free
//! loopback port, forwarding only to loopback. It closes its client connections after every
//! response without `Connection: close`, which is what the reconnect tests need.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Tinyproxy {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tinyproxy {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> Option<PathBuf> {
    ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// Starts tinyproxy with Basic auth when `auth` is given; `None` (with a loud note) when it is
/// not installed outside CI. Under `CI=true` a missing tinyproxy fails the test.
pub fn start(auth: Option<(&str, &str)>) -> Option<Tinyproxy> {
    let Some(binary) = binary() else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("tinyproxy is not installed; .ci/run installs tinyproxy-bin and CI must never skip these tests");
        }
        let mut err = std::io::stderr();
        let _ = writeln!(
            err,
            "\n*** SKIPPED: tinyproxy is not installed (apt-get install tinyproxy-bin); real-proxy tests did not run ***\n"
        );
        return None;
    };
    let dir = super::tempdir();
    let port = postie::testkit::unused_local_port();
    let log = dir.path().join("tinyproxy.log");
    let filter = dir.path().join("filter");
    std::fs::write(&filter, "^127\\.0\\.0\\.1$\n^localhost$\n").unwrap();
    let conf = dir.path().join("tinyproxy.conf");
    let auth = auth.map(|(user, pass)| format!("BasicAuth {user} {pass}\n")).unwrap_or_default();
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\n{auth}LogFile \"{}\"\nLogLevel Connect\nMaxClients 64\nFilter \"{}\"\nFilterType ere\nFilterDefaultDeny Yes\n",
            log.display(),
            filter.display(),
        ),
    )
    .unwrap();
    let child = Command::new(binary)
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tinyproxy did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(Tinyproxy { child, port, log, _dir: dir })
}
