//! A real Squid from Debian's packages (`.ci/run` installs `squid`), on a free loopback
//! port, demanding NTLM (its `ntlm_fake_auth` helper, which accepts any credentials) or
//! Negotiate (its `negotiate_kerberos_auth` helper against a test KDC). Its access log
//! says which requests were refused with 407 and which user passed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Squid {
    child: Child,
    pub port: u16,
    access_log: PathBuf,
    cache_log: PathBuf,
    _dir: tempfile::TempDir,
}

/// One line of Squid's native access log.
#[derive(Debug)]
pub struct Access {
    /// `TCP_DENIED/407`, `TCP_MISS/200`, `TCP_TUNNEL/200`, ...
    pub result: String,
    pub method: String,
    pub user: String,
}

impl Squid {
    pub fn url(&self, host: &str) -> String {
        format!("http://{host}:{}", self.port)
    }

    pub fn access(&self) -> Vec<Access> {
        let text = std::fs::read_to_string(&self.access_log).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                (f.len() >= 8).then(|| Access { result: f[3].into(), method: f[5].into(), user: f[7].into() })
            })
            .collect()
    }

    pub fn cache_log(&self) -> String {
        std::fs::read_to_string(&self.cache_log).unwrap_or_default()
    }
}

impl Drop for Squid {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const HELPERS: &str = "/usr/lib/squid";

/// Whether a program the test needs is there; outside CI a missing one skips the test with
/// a loud note, under `CI=true` it fails it (`.ci/run` installs every one).
pub fn require(paths: &[&str], package: &str) -> bool {
    if let Some(missing) = paths.iter().find(|p| !Path::new(p).exists()) {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{missing} is missing; .ci/run installs {package} and CI must never skip these tests");
        }
        eprintln!(
            "\n*** SKIPPED: {missing} is missing (apt-get install {package}); this real-proxy test did not run ***\n"
        );
        return false;
    }
    true
}

/// Starts Squid with these `auth_param` lines (and environment for its helpers).
pub fn start(auth_lines: &str, env: &[(&str, &Path)]) -> Squid {
    let dir = super::tempdir();
    // Squid started as root runs as `proxy`: let it write its logs here.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let port = postie::testkit::unused_local_port();
    let d = dir.path().display();
    let conf = dir.path().join("squid.conf");
    std::fs::write(
        &conf,
        format!(
            "http_port 127.0.0.1:{port}\npid_filename {d}/squid.pid\ncache_log {d}/cache.log\n\
             access_log stdio:{d}/access.log squid\ncache deny all\ncoredump_dir {d}\nnetdb_filename none\n\
             pinger_enable off\nvisible_hostname localhost\nshutdown_lifetime 0 seconds\n{auth_lines}\n\
             acl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all\n"
        ),
    )
    .unwrap();
    let mut cmd = Command::new("/usr/sbin/squid");
    cmd.arg("-N").arg("-f").arg(&conf).stdout(Stdio::null()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("squid starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        let log = std::fs::read_to_string(dir.path().join("cache.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "squid did not start:\n{log}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let access_log = dir.path().join("access.log");
    let cache_log = dir.path().join("cache.log");
    Squid { child, port, access_log, cache_log, _dir: dir }
}
