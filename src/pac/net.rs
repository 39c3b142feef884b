//! The name resolution and local address the PAC helpers ask for (`dnsResolve`,
//! `myIpAddress` and their `Ex` forms), answered from the system resolver.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};

/// The addresses of `host`: the first IPv4 one for `dnsResolve` (as browsers answer it),
/// all of them joined by `;` for `dnsResolveEx`; `""` when the name does not resolve.
pub fn resolve(host: &str, ex: bool) -> String {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return if ex || ip.is_ipv4() { ip.to_string() } else { String::new() };
    }
    let Ok(found) = (bare, 0).to_socket_addrs() else { return String::new() };
    let mut ips: Vec<IpAddr> = Vec::new();
    for ip in found.map(|a| a.ip()) {
        if !ips.contains(&ip) {
            ips.push(ip);
        }
    }
    if ex {
        ips.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join(";")
    } else {
        ips.iter().find(|ip| ip.is_ipv4()).map(|ip| ip.to_string()).unwrap_or_default()
    }
}

/// The address this machine would use to reach the outside, found the way browsers do it:
/// a UDP socket "connected" to a documentation address (no packet is sent). Loopback
/// when there is no route out.
pub fn my_ip(ex: bool) -> String {
    let v4 = local_towards("192.0.2.1:80").unwrap_or_else(|| "127.0.0.1".to_string());
    if !ex {
        return v4;
    }
    match local_towards("[2001:db8::1]:80") {
        Some(v6) => format!("{v6};{v4}"),
        None => v4,
    }
}

fn local_towards(outside: &str) -> Option<String> {
    let target: SocketAddr = outside.parse().ok()?;
    let bind = if target.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let socket = UdpSocket::bind(bind).ok()?;
    socket.connect(target).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then(|| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_localhost_resolve_without_a_network() {
        assert_eq!(resolve("10.1.2.3", false), "10.1.2.3");
        assert_eq!(resolve("::1", false), "");
        assert_eq!(resolve("[::1]", true), "::1");
        assert_eq!(resolve("localhost", false), "127.0.0.1");
        assert_eq!(resolve("no-such-host.invalid", false), "");
        assert_eq!(resolve("no-such-host.invalid", true), "");
        assert!(!my_ip(false).is_empty());
    }
}
