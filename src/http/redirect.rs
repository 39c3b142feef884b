//! Redirects as Newman follows them (postman-request's rules), one hop at a time: which
//! responses are followed, what the next request keeps of the last (method, body,
//! `Authorization`, `Referer`), and when the chain is too long. Pure: `send` does the I/O.
//!
//! reqwest's own policy differs in ways suites notice: it follows only 301/302/303/307/308,
//! cannot re-send a multipart body on 307/308, drops `Authorization` and `Cookie` on a port
//! change and has no `followOriginalHttpMethod`; so runs send with it turned off.

use url::Url;

use super::prepare::{PreparedBody, PreparedRequest};

/// How a request follows redirects (`protocolProfileBehavior`'s redirect settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RedirectRules {
    /// Hops followed before the chain fails (`maxRedirects`, 10 by default).
    pub max: usize,
    /// `followOriginalHttpMethod`: keep the method and body on 301/302/303 too.
    pub keep_method: bool,
    /// `followAuthorizationHeader`: keep `Authorization` when the host name changes.
    pub keep_authorization: bool,
    /// `Referer` set to the previous URL on each hop (off with `removeRefererHeaderOnRedirect`).
    pub referer: bool,
}

impl Default for RedirectRules {
    fn default() -> Self {
        RedirectRules { max: 10, keep_method: false, keep_authorization: false, referer: true }
    }
}

/// What to do with a response on the way.
#[derive(Debug)]
pub enum Hop {
    /// Not a redirect to follow: this is the response.
    Done,
    /// Send this next.
    Follow(Box<PreparedRequest>),
    /// One hop too many; Newman's words.
    TooMany(String),
    /// A `Location` that is not a URL even against the current one.
    BadLocation(String),
}

/// The hop after `current` answered `status` with `location`, `followed` hops in.
pub fn next_hop(
    rules: &RedirectRules,
    current: &PreparedRequest,
    status: u16,
    location: Option<&str>,
    followed: usize,
) -> Hop {
    // Every 3xx with a Location, whatever the method (Newman sets followAllRedirects).
    let Some(location) = location.filter(|_| (300..400).contains(&status)) else { return Hop::Done };
    if followed >= rules.max {
        return Hop::TooMany(format!("Exceeded maxRedirects. Probably stuck in a redirect loop {}", current.url));
    }
    let next_url = match resolve(&current.url, location) {
        Some(url) => url,
        None => return Hop::BadLocation(format!("cannot follow the redirect from {} to `{location}`", current.url)),
    };
    let mut next = current.clone();
    if current.url.host_str() != next_url.host_str() {
        next.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("host"));
        if !rules.keep_authorization {
            next.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
        }
    }
    if !rules.keep_method && status != 307 && status != 308 {
        if !next.method.eq_ignore_ascii_case("HEAD") {
            next.method = "GET".to_string();
        }
        next.body = PreparedBody::None;
        next.headers
            .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type") && !k.eq_ignore_ascii_case("content-length"));
    }
    if rules.referer {
        next.set_header("Referer", current.url.to_string());
    }
    next.url = next_url;
    Hop::Follow(Box::new(next))
}

/// `Location` against the URL that sent it; an absolute http(s) URL stands alone.
fn resolve(base: &Url, location: &str) -> Option<Url> {
    let url = base.join(location.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, url: &str, headers: &[(&str, &str)], body: PreparedBody) -> PreparedRequest {
        PreparedRequest {
            method: method.into(),
            url: Url::parse(url).expect("test URL"),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body,
            digest: None,
            ntlm: None,
            secrets: vec![],
            warnings: vec![],
        }
    }

    fn follow(rules: &RedirectRules, req: &PreparedRequest, status: u16, location: &str) -> PreparedRequest {
        match next_hop(rules, req, status, Some(location), 0) {
            Hop::Follow(next) => *next,
            other => panic!("expected a hop, got {other:?}"),
        }
    }

    const BASE: &str = "http://127.0.0.1:8080/r/302?to=/echo";

    // Expected values as Newman 6.2.2 sent them to a recording server.
    #[test]
    fn see_other_kinds_become_get_without_body_and_content_headers() {
        let req = request(
            "POST",
            BASE,
            &[("Authorization", "Bearer abc"), ("Content-Type", "text/plain")],
            PreparedBody::Text("hello".into()),
        );
        for status in [300, 301, 302, 303, 304, 305] {
            let next = follow(&RedirectRules::default(), &req, status, "/echo?a=1");
            assert_eq!(next.method, "GET", "{status}");
            assert!(matches!(next.body, PreparedBody::None));
            assert_eq!(next.header("content-type"), None);
            assert_eq!(next.header("authorization"), Some("Bearer abc"), "same host keeps it");
            assert_eq!(next.header("referer"), Some(BASE));
            assert_eq!(next.url.as_str(), "http://127.0.0.1:8080/echo?a=1");
        }
        let head = request("HEAD", BASE, &[], PreparedBody::None);
        assert_eq!(follow(&RedirectRules::default(), &head, 302, "/echo").method, "HEAD");
    }

    #[test]
    fn temporary_and_permanent_redirects_keep_method_and_body() {
        let req = request("POST", BASE, &[("Content-Type", "text/plain")], PreparedBody::Text("x".into()));
        for status in [307, 308] {
            let next = follow(&RedirectRules::default(), &req, status, "/echo");
            assert_eq!(next.method, "POST");
            assert!(matches!(next.body, PreparedBody::Text(ref t) if t == "x"));
            assert_eq!(next.header("content-type"), Some("text/plain"));
        }
    }

    #[test]
    fn follow_original_method_keeps_everything() {
        let rules = RedirectRules { keep_method: true, ..RedirectRules::default() };
        let req = request("PUT", BASE, &[("Content-Type", "text/plain")], PreparedBody::Text("kept".into()));
        let next = follow(&rules, &req, 301, "/echo");
        assert_eq!((next.method.as_str(), next.header("content-type")), ("PUT", Some("text/plain")));
        assert!(matches!(next.body, PreparedBody::Text(ref t) if t == "kept"));
    }

    #[test]
    fn authorization_goes_when_the_host_name_changes_not_the_port() {
        let req =
            request("GET", BASE, &[("Authorization", "Bearer abc"), ("Host", "127.0.0.1:8080")], PreparedBody::None);
        let other = follow(&RedirectRules::default(), &req, 302, "http://localhost:8080/echo");
        assert_eq!((other.header("authorization"), other.header("host")), (None, None));
        let kept = RedirectRules { keep_authorization: true, ..RedirectRules::default() };
        assert_eq!(follow(&kept, &req, 302, "http://localhost:8080/echo").header("authorization"), Some("Bearer abc"));
        let port = follow(&RedirectRules::default(), &req, 302, "http://127.0.0.1:9090/echo");
        assert_eq!(port.header("authorization"), Some("Bearer abc"));
    }

    #[test]
    fn referer_can_be_left_out() {
        let rules = RedirectRules { referer: false, ..RedirectRules::default() };
        let req = request("GET", BASE, &[], PreparedBody::None);
        assert_eq!(follow(&rules, &req, 302, "/echo").header("referer"), None);
    }

    #[test]
    fn relative_locations_resolve_against_the_current_url() {
        let req = request("GET", "http://h/a/b/c?q=1", &[], PreparedBody::None);
        assert_eq!(follow(&RedirectRules::default(), &req, 302, "../d").url.as_str(), "http://h/a/d");
        assert_eq!(follow(&RedirectRules::default(), &req, 302, "//other/x").url.as_str(), "http://other/x");
        assert!(matches!(next_hop(&RedirectRules::default(), &req, 302, Some("ftp://x/"), 0), Hop::BadLocation(_)));
    }

    #[test]
    fn the_chain_ends_at_max_and_non_redirects_are_done() {
        let req = request("GET", "http://127.0.0.1:1/loop", &[], PreparedBody::None);
        match next_hop(&RedirectRules::default(), &req, 302, Some("/loop"), 10) {
            Hop::TooMany(m) => {
                assert_eq!(m, "Exceeded maxRedirects. Probably stuck in a redirect loop http://127.0.0.1:1/loop")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(next_hop(&RedirectRules::default(), &req, 302, None, 0), Hop::Done));
        assert!(matches!(next_hop(&RedirectRules::default(), &req, 200, Some("/x"), 0), Hop::Done));
        assert!(matches!(next_hop(&RedirectRules::default(), &req, 401, Some("/x"), 0), Hop::Done));
    }
}
