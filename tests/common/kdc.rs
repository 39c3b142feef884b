//! A real MIT Kerberos KDC (Debian `krb5-kdc`; `kadmin.local` from `krb5-admin-server`
//! creates the principals) with its own realm in a temp dir: a service keytab for the
//! proxy (`HTTP/localhost`) and a user keytab for `kinit`, so no password is involved.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const REALM: &str = "POSTIE.TEST";
pub const TOOLS: [&str; 4] = ["/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local", "/usr/bin/kinit"];

pub struct Kdc {
    child: Child,
    pub dir: tempfile::TempDir,
    pub krb5_conf: PathBuf,
    kdc_conf: PathBuf,
    pub proxy_keytab: PathBuf,
    pub user_keytab: PathBuf,
}

impl Drop for Kdc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Kdc {
    /// A principal that logs in with a password (no keytab, no ticket cache).
    pub fn add_password_principal(&self, user: &str, password: &str) {
        let env: [(&str, &Path); 2] = [("KRB5_CONFIG", &self.krb5_conf), ("KRB5_KDC_PROFILE", &self.kdc_conf)];
        let query = format!("addprinc -pw {password} {user}");
        run(self.dir.path(), &env, "/usr/sbin/kadmin.local", &["-r", REALM, "-q", &query]);
    }

    /// `kinit` from the user keytab into a fresh cache; returns the cache's path.
    pub fn kinit(&self, user: &str) -> PathBuf {
        let cache = self.dir.path().join(format!("ccache-{user}"));
        let status = Command::new("/usr/bin/kinit")
            .arg("-kt")
            .arg(&self.user_keytab)
            .arg(format!("{user}@{REALM}"))
            .env("KRB5_CONFIG", &self.krb5_conf)
            .env("KRB5CCNAME", format!("FILE:{}", cache.display()))
            .status()
            .expect("kinit runs");
        assert!(status.success(), "kinit failed");
        cache
    }
}

fn run(dir: &Path, env: &[(&str, &Path)], program: &str, args: &[&str]) {
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(dir).stdout(Stdio::null()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("kerberos tool runs");
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A loopback port free for TCP and UDP alike (the KDC listens on both).
fn tcp_and_udp_port() -> u16 {
    for _ in 0..50 {
        let port = postie::testkit::unused_local_port();
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no loopback port free for both TCP and UDP");
}

/// A KDC for `REALM` with principals `HTTP/localhost` and `user`.
pub fn start(user: &str) -> Kdc {
    let dir = super::tempdir();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let port = tcp_and_udp_port();
    let d = dir.path().display();
    let krb5_conf = dir.path().join("krb5.conf");
    std::fs::write(
        &krb5_conf,
        format!(
            "[libdefaults]\n default_realm = {REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n \
             dns_canonicalize_hostname = false\n udp_preference_limit = 1\n[realms]\n {REALM} = {{\n  kdc = 127.0.0.1:{port}\n }}\n\
             [domain_realm]\n localhost = {REALM}\n"
        ),
    )
    .unwrap();
    let kdc_conf = dir.path().join("kdc.conf");
    std::fs::write(
        &kdc_conf,
        format!(
            "[kdcdefaults]\n kdc_ports = {port}\n kdc_tcp_ports = {port}\n[realms]\n {REALM} = {{\n  database_name = {d}/principal\n  \
             key_stash_file = {d}/stash\n  acl_file = {d}/kadm5.acl\n }}\n[logging]\n kdc = FILE:{d}/kdc.log\n"
        ),
    )
    .unwrap();
    let env: [(&str, &Path); 2] = [("KRB5_CONFIG", &krb5_conf), ("KRB5_KDC_PROFILE", &kdc_conf)];
    run(dir.path(), &env, "/usr/sbin/kdb5_util", &["create", "-s", "-r", REALM, "-P", "postie-master-key"]);
    let proxy_keytab = dir.path().join("proxy.keytab");
    let user_keytab = dir.path().join("user.keytab");
    for query in [
        "addprinc -randkey HTTP/localhost".to_string(),
        format!("addprinc -randkey {user}"),
        format!("ktadd -k {} HTTP/localhost", proxy_keytab.display()),
        format!("ktadd -k {} {user}", user_keytab.display()),
    ] {
        run(dir.path(), &env, "/usr/sbin/kadmin.local", &["-r", REALM, "-q", &query]);
    }
    // Squid's helper runs as `proxy` when the tests run as root.
    std::fs::set_permissions(&proxy_keytab, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = Command::new("/usr/sbin/krb5kdc");
    cmd.arg("-n").stdout(Stdio::null()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("krb5kdc starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "krb5kdc did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Kdc { child, dir, krb5_conf, kdc_conf, proxy_keytab, user_keytab }
}
