//! NTLM and Negotiate (Kerberos) against a real Squid, as users meet them: Squid with its
//! `ntlm_fake_auth` helper, and Squid with `negotiate_kerberos_auth` against a real MIT KDC
//! whose ticket postie takes from the cache `kinit` filled from a keytab (no password).
//! Plain http and CONNECT both pass, and Squid's access log shows one handshake per
//! connection, not per request. Under `CI=true` a missing package fails these tests.

mod common;

use std::path::Path;

use common::squid::{self, HELPERS};
use common::{certs, kdc, postie, run, tempdir, write_items};
use postie::testkit::{EchoServer, TlsServer};

fn items(urls: &[String]) -> Vec<String> {
    urls.iter()
        .enumerate()
        .map(|(i, u)| {
            format!(
                r#"{{"name":"r{i}","request":{{"method":"GET","url":"{u}"}},"event":[{{"listen":"test","script":{{"exec":["pm.test('ok', () => pm.response.to.have.status(200));"]}}}}]}}"#
            )
        })
        .collect()
}

fn targets() -> (EchoServer, TlsServer, Vec<String>) {
    let echo = EchoServer::start_blocking();
    let ca = certs::TestCa::new("postie squid test");
    let leaf = ca.leaf(&["localhost"]);
    let tls = TlsServer::start_blocking(&leaf.cert_pem, &leaf.key_pem, None).unwrap();
    let mut urls: Vec<String> = (0..4).map(|i| echo.url(&format!("/get?n={i}"))).collect();
    urls.extend((0..2).map(|i| tls.url(&format!("/tls/{i}"))));
    (echo, tls, urls)
}

fn outputs(out: &common::RunResult, dir: &Path) -> String {
    let mut all = out.all();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_file() {
            all.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    all
}

/// (407s, passes) per method in Squid's log. Squid writes a tunnel's line when the tunnel
/// closes, which may be just after postie exits: wait (bounded) for `expected`.
fn tally(proxy: &squid::Squid, method: &str, expected: (usize, usize)) -> (usize, usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let lines: Vec<_> = proxy.access().into_iter().filter(|a| a.method == method).collect();
        let denied = lines.iter().filter(|a| a.result.ends_with("/407")).count();
        let found = (denied, lines.len() - denied);
        if found == expected || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Whether every request Squid forwarded (plain http; its tunnel lines carry no user) was
/// forwarded for a user `matches` accepts.
fn passed_as(proxy: &squid::Squid, matches: impl Fn(&str) -> bool) -> bool {
    let forwarded: Vec<_> =
        proxy.access().into_iter().filter(|a| a.method == "GET" && !a.result.ends_with("/407")).collect();
    !forwarded.is_empty() && forwarded.iter().all(|a| matches(&a.user))
}

#[test]
fn squid_ntlm_over_plain_http_and_connect_one_handshake_per_connection() {
    if !squid::require(&["/usr/sbin/squid", &format!("{HELPERS}/ntlm_fake_auth")], "squid") {
        return;
    }
    let auth = format!(
        "auth_param ntlm program {HELPERS}/ntlm_fake_auth\nauth_param ntlm children 2\nauth_param ntlm keep_alive on"
    );
    let proxy = squid::start(&auth, &[]);
    let (echo, tls, urls) = targets();
    let dir = tempdir();
    let collection = write_items(dir.path(), "squid-ntlm", &items(&urls));
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "-k", "--proxy", &proxy.url("127.0.0.1")])
        .args(["--proxy-user", "CORP\\alice", "-r", "cli,json", "--reporter-json-export", "out.json"])
        .env("POSTIE_PROXY_PASSWORD", "squid-ntlm-pw");
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}\n{}", out.all(), proxy.cache_log());
    assert_eq!(echo.requests().len(), 4);
    assert_eq!(tls.records().len(), 2);
    // The relay asks once without credentials (learning the schemes), then NTLM's two legs:
    // two 407s per handshake, and one handshake for the four plain requests in a row.
    assert_eq!(tally(&proxy, "GET", (2, 4)), (2, 4), "{:#?}", proxy.access());
    assert_eq!(tally(&proxy, "CONNECT", (2, 1)), (2, 1), "one tunnel for both https requests: {:#?}", proxy.access());
    assert!(passed_as(&proxy, |u| u.contains("alice")), "Squid saw the NTLM user: {:#?}", proxy.access());
    let everything = outputs(&out, dir.path());
    assert!(!everything.contains("squid-ntlm-pw") && !everything.contains("TlRMTVNT"), "a secret leaked");
}

#[test]
fn squid_negotiate_with_a_kinit_ticket_or_a_password_and_a_clear_error_without_either() {
    let helper = format!("{HELPERS}/negotiate_kerberos_auth");
    let mut needed: Vec<&str> = vec!["/usr/sbin/squid", &helper];
    needed.extend(kdc::TOOLS);
    if !squid::require(&needed, "squid krb5-kdc krb5-admin-server krb5-user") {
        return;
    }
    let kdc = kdc::start("alice");
    let auth = format!(
        "auth_param negotiate program {helper} -s HTTP/localhost@{} -k {}\nauth_param negotiate children 2\nauth_param negotiate keep_alive on",
        kdc::REALM,
        kdc.proxy_keytab.display()
    );
    let proxy = squid::start(&auth, &[("KRB5_CONFIG", &kdc.krb5_conf), ("KRB5_KTNAME", &kdc.proxy_keytab)]);
    let (echo, tls, urls) = targets();
    let dir = tempdir();
    let collection = write_items(dir.path(), "squid-negotiate", &items(&urls));
    let cache = kdc.kinit("alice");
    // The proxy is named by host name: the ticket is for its service principal HTTP/localhost.
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "-k", "--proxy", &proxy.url("localhost")])
        .args(["--proxy-auth", "negotiate", "-r", "cli,json", "--reporter-json-export", "out.json"])
        .env("KRB5_CONFIG", &kdc.krb5_conf)
        .env("KRB5CCNAME", format!("FILE:{}", cache.display()));
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}\n{}", out.all(), proxy.cache_log());
    assert_eq!(echo.requests().len(), 4);
    assert_eq!(tls.records().len(), 2);
    assert_eq!(tally(&proxy, "GET", (1, 4)), (1, 4), "one Negotiate leg per connection: {:#?}", proxy.access());
    assert_eq!(tally(&proxy, "CONNECT", (1, 1)), (1, 1), "{:#?}", proxy.access());
    let principal = format!("alice@{}", kdc::REALM);
    assert!(passed_as(&proxy, |u| u == principal), "Squid saw the Kerberos user: {:#?}", proxy.access());
    let everything = outputs(&out, dir.path());
    assert!(!everything.contains("YII"), "a Kerberos token leaked");

    // No ticket cache, but a principal and its password: postie logs in itself.
    kdc.add_password_principal("bob", "Kerberos-pw-2026");
    let empty_cache = format!("FILE:{}/no-such-cache", kdc.dir.path().display());
    let before = proxy.access().len();
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "-k", "--proxy", &proxy.url("localhost")])
        .args(["--proxy-user", &format!("bob@{}", kdc::REALM), "-r", "cli,json", "--reporter-json-export", "out.json"])
        .env("POSTIE_PROXY_PASSWORD", "Kerberos-pw-2026")
        .env("KRB5_CONFIG", &kdc.krb5_conf)
        .env("KRB5CCNAME", &empty_cache);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}\n{}", out.all(), proxy.cache_log());
    let bob = format!("bob@{}", kdc::REALM);
    let later: Vec<_> =
        proxy.access().into_iter().skip(before).filter(|a| a.method == "GET" && !a.result.ends_with("/407")).collect();
    assert!(!later.is_empty() && later.iter().all(|a| a.user == bob), "{later:#?}");
    let everything = outputs(&out, dir.path());
    assert!(!everything.contains("Kerberos-pw-2026") && !everything.contains("YII"), "a secret leaked");

    // No ticket: one clear error per request, naming the proxy, the scheme and kinit.
    echo.allow_no_hits();
    tls.allow_no_hits();
    let mut cmd = postie(dir.path());
    cmd.args([
        "run",
        collection.to_str().unwrap(),
        "-k",
        "--proxy",
        &proxy.url("localhost"),
        "--proxy-auth",
        "negotiate",
    ])
    .env("KRB5_CONFIG", &kdc.krb5_conf)
    .env("KRB5CCNAME", format!("FILE:{}/no-such-cache", kdc.dir.path().display()));
    let out = run(cmd);
    assert_eq!(out.code, 1, "{}", out.all());
    let port = proxy.port;
    assert!(
        out.stdout.contains(&format!("proxy authentication failed at http://localhost:{port}: Negotiate (Kerberos)")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("kinit"), "{}", out.stdout);
}
