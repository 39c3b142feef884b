//! URL hosts as match patterns and proxy bypass lists compare them (PROXY.md
//! "Normalisation"): IDNA already applied by `url`, IPv6 brackets removed, one trailing
//! dot removed, compared ASCII case-insensitively. Borrowed from the `Url`, never copied,
//! because the proxy asks for every request. Knows nothing of ports or patterns.

use std::net::IpAddr;

/// The URL's host without brackets and one trailing dot, and its address when it is an
/// IP literal; `None` when the URL has no host (`mailto:`, `file:///`).
pub(crate) fn url_host(url: &url::Url) -> Option<(&str, Option<IpAddr>)> {
    let (host, ip) = match url.host()? {
        url::Host::Ipv4(ip) => (url.host_str()?, Some(IpAddr::V4(ip))),
        url::Host::Ipv6(ip) => (strip_brackets(url.host_str()?), Some(IpAddr::V6(ip))),
        url::Host::Domain(d) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            // Opaque hosts of non-special schemes are not parsed as IPs by `url`.
            (d, d.parse::<IpAddr>().ok())
        }
    };
    (!host.is_empty()).then_some((host, ip))
}

pub(crate) fn strip_brackets(host: &str) -> &str {
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

/// Whether `host` ends with `"." + suffix`, ASCII case-insensitively.
pub(crate) fn ends_with_label(host: &str, suffix: &str) -> bool {
    let (h, s) = (host.as_bytes(), suffix.as_bytes());
    h.len() > s.len() && h[h.len() - s.len() - 1] == b'.' && h[h.len() - s.len()..].eq_ignore_ascii_case(s)
}

/// `domain` or one of its subdomains. An IP literal is never "in" a domain, so
/// `*.0.0.1` cannot catch `127.0.0.1`.
pub(crate) fn in_domain(host: &str, is_ip: bool, domain: &str) -> bool {
    !is_ip && (host.eq_ignore_ascii_case(domain) || ends_with_label(host, domain))
}
