//! `Target`: the request URL's host and effective port, normalised once for matching.
//!
//! Normalisation per PROXY.md: the host as `crate::urlmatch::host` reads it (the same
//! reading match patterns use), port = explicit port or the scheme default. Borrowed from
//! the `Url`: no allocation, because `ProxyPolicy::route` runs for every request.

use std::net::IpAddr;

use crate::urlmatch::host::{ends_with_label, url_host};

#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    /// Host text without brackets and without one trailing dot; ASCII, any case.
    pub host: &'a str,
    /// Set when the host is an IP literal.
    pub ip: Option<IpAddr>,
    /// Explicit port, else the scheme's default; `None` for schemes without one.
    pub port: Option<u16>,
}

impl<'a> Target<'a> {
    /// `None` when the URL has no host (`mailto:`, `file:///`).
    pub fn from_url(url: &'a url::Url) -> Option<Target<'a>> {
        let (host, ip) = url_host(url)?;
        Some(Target { host, ip, port: url.port_or_known_default() })
    }

    /// `localhost`, `*.localhost`, 127.0.0.0/8, `::1` (and `::ffff:127.x.y.z`).
    pub fn is_loopback(&self) -> bool {
        match self.ip {
            Some(IpAddr::V4(v4)) => v4.is_loopback(),
            Some(IpAddr::V6(v6)) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
            None => is_localhost_name(self.host),
        }
    }
}

/// `localhost` or a name under it, case-insensitively.
pub(crate) fn is_localhost_name(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || ends_with_label(host, "localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_host_and_port() {
        // (url, host, is ip, port, loopback)
        let cases: &[(&str, &str, bool, Option<u16>, bool)] = &[
            ("http://www.EXAMPLE.com./", "www.example.com", false, Some(80), false),
            ("https://example.com:8443/x", "example.com", false, Some(8443), false),
            ("http://[::1]:8080/", "::1", true, Some(8080), true),
            ("http://127.0.0.2/", "127.0.0.2", true, Some(80), true),
            ("http://api.localhost/", "api.localhost", false, Some(80), true),
            ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1", true, Some(80), true),
            ("foo://10.0.0.1/", "10.0.0.1", true, None, false),
            ("http://bücher.example/", "xn--bcher-kva.example", false, Some(80), false),
        ];
        for &(u, host, is_ip, port, loopback) in cases {
            let url = url::Url::parse(u).expect("test URL");
            let t = Target::from_url(&url).expect("has host");
            assert_eq!(t.host, host, "{u}");
            assert_eq!(t.ip.is_some(), is_ip, "{u}");
            assert_eq!(t.port, port, "{u}");
            assert_eq!(t.is_loopback(), loopback, "{u}");
        }
        let no_host = url::Url::parse("mailto:a@b.c").expect("test URL");
        assert!(Target::from_url(&no_host).is_none());
    }
}
