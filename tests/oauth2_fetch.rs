//! OAuth 2.0 tokens fetched by the runner, against the echo API's token endpoint and
//! protected resource: client credentials (Basic and body client authentication), the
//! password grant, refresh on expiry and on a 401, one fetch for many requests across
//! lanes, clear errors that let the run go on, and no secret or token in any output.

mod common;

use std::path::Path;

use common::{postie, run, tempdir, write_items};
use postie::testkit::EchoServer;
use postie::testkit::oauth2_server::{CLIENT_ID, USER};
use postie::testkit::signed::TEST_SECRET;

fn oauth2(params: &[(&str, &str)]) -> String {
    let list: Vec<String> = params.iter().map(|(k, v)| format!(r#"{{"key":"{k}","value":"{v}"}}"#)).collect();
    format!(r#"{{"type":"oauth2","oauth2":[{}]}}"#, list.join(","))
}

fn item(name: &str, url: &str, auth: &str, expect: u16) -> String {
    format!(
        r#"{{"name":"{name}","request":{{"method":"GET","url":"{url}","auth":{auth}}},"event":[{{"listen":"test","script":{{"exec":["pm.test('{expect}', () => pm.response.to.have.status({expect}));"]}}}}]}}"#
    )
}

fn client_credentials(echo: &EchoServer, token_query: &str, more: &[(&str, &str)]) -> String {
    let token_url = echo.url(&format!("/oauth2/token{token_query}"));
    let mut params = vec![
        ("grant_type", "client_credentials"),
        ("accessTokenUrl", token_url.as_str()),
        ("clientId", CLIENT_ID),
        ("clientSecret", "{{clientSecret}}"),
    ];
    params.extend_from_slice(more);
    oauth2(&params)
}

/// Token requests in the echo server's journal, by grant.
fn grants(echo: &EchoServer) -> Vec<String> {
    echo.requests()
        .into_iter()
        .filter(|r| r.path == "/oauth2/token")
        .map(|r| {
            url::form_urlencoded::parse(&r.body)
                .find(|(k, _)| k == "grant_type")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn run_with(dir: &Path, collection: &Path, extra: &[&str]) -> common::RunResult {
    let mut cmd = postie(dir);
    cmd.args(["run", collection.to_str().unwrap(), "-r", "cli,json", "--reporter-json-export", "out.json"])
        .args(["--env-var", &format!("clientSecret={TEST_SECRET}")])
        .args(extra);
    run(cmd)
}

fn assert_no_secrets(out: &common::RunResult, dir: &Path) {
    let everything = out.all() + &std::fs::read_to_string(dir.join("out.json")).unwrap_or_default();
    for secret in [TEST_SECRET, USER.1] {
        assert!(!everything.contains(secret), "`{secret}` leaked");
    }
    // Issued tokens look like `at-<n>-<random>` and `rt-<n>-<random>`.
    for prefix in ["at-", "rt-"] {
        for (at, _) in everything.match_indices(prefix) {
            let next = everything[at + prefix.len()..].chars().next().unwrap_or(' ');
            assert!(!next.is_ascii_digit(), "a token leaked: {}", &everything[at..(at + 24).min(everything.len())]);
        }
    }
}

#[test]
fn one_token_for_fifty_requests_across_four_lanes() {
    let echo = EchoServer::start_blocking();
    let dir = tempdir();
    let auth = client_credentials(&echo, "", &[("scope", "read write")]);
    let collection = write_items(dir.path(), "cc", &[item("resource", &echo.url("/oauth2/resource"), &auth, 200)]);
    let out = run_with(dir.path(), &collection, &["-n", "50", "--jobs", "4"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(grants(&echo), ["client_credentials"], "fetched once, cached for the run");
    let token_request = echo.requests().into_iter().find(|r| r.path == "/oauth2/token").unwrap();
    let basic = token_request.headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.clone());
    assert!(basic.is_some_and(|v| v.starts_with("Basic ")), "client authentication in the header by default");
    assert!(String::from_utf8_lossy(&token_request.body).contains("scope=read+write"));
    assert_no_secrets(&out, dir.path());
}

#[test]
fn password_grant_with_client_credentials_in_the_body() {
    let echo = EchoServer::start_blocking();
    let dir = tempdir();
    let token_url = echo.url("/oauth2/token");
    let auth = oauth2(&[
        ("grant_type", "password_credentials"),
        ("accessTokenUrl", &token_url),
        ("clientId", CLIENT_ID),
        ("clientSecret", "{{clientSecret}}"),
        ("username", USER.0),
        ("password", USER.1),
        ("client_authentication", "body"),
        ("addTokenTo", "queryParams"),
    ]);
    // Scripts see the fetched token as the block's accessToken, as Postman shows it.
    let exposed = format!(
        r#"{{"name":"resource","request":{{"method":"GET","url":"{}","auth":{auth}}},"event":[{{"listen":"test","script":{{"exec":["pm.test('200', () => pm.response.to.have.status(200));","pm.test('token', () => {{ const a = pm.request.auth; pm.expect(a.type).to.equal('oauth2'); const t = a.parameters().get('accessToken'); pm.expect(t).to.match(/^at-/); pm.expect(a.oauth2.get('username')).to.equal('alice'); pm.expect(pm.request.url.toString()).to.include(t); }});"]}}}}]}}"#,
        echo.url("/oauth2/resource")
    );
    let collection = write_items(dir.path(), "pw", &[exposed]);
    let out = run_with(dir.path(), &collection, &[]);
    assert_eq!(out.code, 0, "{}", out.all());
    let token_request = echo.requests().into_iter().find(|r| r.path == "/oauth2/token").unwrap();
    let body = String::from_utf8_lossy(&token_request.body).to_string();
    assert!(body.contains("grant_type=password") && body.contains(&format!("client_id={CLIENT_ID}")), "{body}");
    assert!(!token_request.headers.iter().any(|(k, _)| k == "authorization"), "no Basic header with body auth");
    let resource = echo.requests().into_iter().find(|r| r.path == "/oauth2/resource").unwrap();
    assert!(resource.query.starts_with("access_token="), "the token went in the query: {}", resource.query);
    assert_no_secrets(&out, dir.path());
}

#[test]
fn tokens_are_refreshed_when_they_expire_and_after_a_401() {
    let echo = EchoServer::start_blocking();
    let dir = tempdir();
    // Expiry: a token that lives two seconds, and requests 2.3 s apart.
    let short = client_credentials(&echo, "?expires_in=2", &[]);
    let collection = write_items(
        dir.path(),
        "expiry",
        &[
            item("first", &echo.url("/oauth2/resource"), &short, 200),
            item("second", &echo.url("/oauth2/resource"), &short, 200),
        ],
    );
    let out = run_with(dir.path(), &collection, &["--delay-request", "2300"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(grants(&echo), ["client_credentials", "refresh_token"]);

    // 401: the resource takes only the latest token; a second client's fetch revokes the
    // first one's, whose next request gets 401, refreshes once and passes.
    let echo = EchoServer::start_blocking();
    let only_latest = echo.url("/oauth2/resource?only_latest=1");
    let a = client_credentials(&echo, "", &[("scope", "a")]);
    let b = client_credentials(&echo, "", &[("scope", "b")]);
    let collection = write_items(
        dir.path(),
        "on401",
        &[item("a", &only_latest, &a, 200), item("b", &only_latest, &b, 200), item("a again", &only_latest, &a, 200)],
    );
    let out = run_with(dir.path(), &collection, &[]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(grants(&echo), ["client_credentials", "client_credentials", "refresh_token"]);
    let resource = echo.requests().into_iter().filter(|r| r.path == "/oauth2/resource").count();
    assert_eq!(resource, 4, "the 401 was answered by one more request, with the new token");
    assert_no_secrets(&out, dir.path());
}

#[test]
fn token_failures_are_clear_errors_and_the_run_goes_on() {
    let echo = EchoServer::start_blocking();
    let dir = tempdir();
    let closed = postie::testkit::unused_local_port();
    let down = oauth2(&[
        ("grant_type", "client_credentials"),
        ("accessTokenUrl", &format!("http://127.0.0.1:{closed}/token")),
        ("clientId", CLIENT_ID),
        ("clientSecret", "{{clientSecret}}"),
    ]);
    let wrong = oauth2(&[
        ("grant_type", "client_credentials"),
        ("accessTokenUrl", &echo.url("/oauth2/token")),
        ("clientId", CLIENT_ID),
        ("clientSecret", "not-the-secret"),
    ]);
    let browser = oauth2(&[("grant_type", "authorization_code"), ("accessTokenUrl", &echo.url("/oauth2/token"))]);
    let collection = write_items(
        dir.path(),
        "failures",
        &[
            item("endpoint down", &echo.url("/oauth2/resource"), &down, 200),
            item("invalid client", &echo.url("/oauth2/resource"), &wrong, 200),
            item("interactive grant", &echo.url("/oauth2/resource"), &browser, 401),
            item("the run goes on", &echo.url("/get"), r#"{"type":"noauth"}"#, 200),
        ],
    );
    let out = run_with(dir.path(), &collection, &[]);
    assert_eq!(out.code, 1, "{}", out.all());
    let stdout = &out.stdout;
    assert!(
        stdout
            .contains(&format!("OAuth2TokenFailed: OAuth 2.0 token request to http://127.0.0.1:{closed}/token failed")),
        "{stdout}"
    );
    assert!(
        stdout.contains("token request to") && stdout.contains("invalid_client (client authentication failed)"),
        "{stdout}"
    );
    assert!(stdout.contains("needs a browser"), "{stdout}");
    assert!(echo.requests().iter().any(|r| r.path == "/get"), "the last request ran");
    assert_eq!(
        echo.requests().iter().filter(|r| r.path == "/oauth2/resource").count(),
        1,
        "only the interactive one was sent"
    );
    assert_no_secrets(&out, dir.path());
}

#[test]
fn flags_choose_the_secret_and_whether_to_fetch() {
    let echo = EchoServer::start_blocking();
    let dir = tempdir();
    let auth = client_credentials(&echo, "", &[]).replace("{{clientSecret}}", "committed-placeholder");
    let collection = write_items(dir.path(), "flags", &[item("resource", &echo.url("/oauth2/resource"), &auth, 200)]);
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "--oauth2-client-secret-env", "CI_OAUTH_SECRET"])
        .env("CI_OAUTH_SECRET", TEST_SECRET);
    let out = run(cmd);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(!out.all().contains(TEST_SECRET));

    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "--oauth2-client-secret-env", "NOT_SET_ANYWHERE"]);
    let out = run(cmd);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("NOT_SET_ANYWHERE"), "{}", out.stderr);

    let before = grants(&echo).len();
    let mut cmd = postie(dir.path());
    cmd.args(["run", collection.to_str().unwrap(), "--oauth2-fetch", "never"]);
    let out = run(cmd);
    assert_eq!(out.code, 1, "sent without a token, as Newman does: {}", out.all());
    assert_eq!(grants(&echo).len(), before, "nothing fetched");
}
