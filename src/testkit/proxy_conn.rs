//! One client connection of the recording proxy: absolute-form forwarding with keep-alive
//! on both sides, and CONNECT tunnels.
//!
//! Owns target parsing, the loopback-only rule, hop-by-hop header handling and reuse of the
//! upstream connection. Bodies are copied as framed (see `http1.rs`), never buffered whole.
//! Must not: connect anywhere but 127.0.0.1 or ::1 (no name resolution at all).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use super::http1::{Framing, Head, Http1Error, copy_body, read_head, request_framing, response_framing};
use super::proxy_state::{NtlmStep, ProxyAuth, ProxyRecord, ProxyShared, ntlm_step};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Headers that belong to one hop and are never forwarded.
const HOP_BY_HOP: [&str; 6] = ["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade"];

/// Where an absolute-form request goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct AbsoluteTarget {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `host[:port]` as written, for the Host header.
    pub(crate) authority: String,
    /// Origin-form: path and query, fragment dropped.
    pub(crate) path: String,
}

/// `host:port`, `[v6]:port` or (with a default port) `host`; the host without brackets.
pub(crate) fn parse_authority(authority: &str, default_port: Option<u16>) -> Option<(String, u16)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        match after.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if after.is_empty() => (host, None),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => return None,
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(port) => port.parse().ok()?,
        None => default_port?,
    };
    (!host.is_empty()).then(|| (host.to_string(), port))
}

/// `http://host[:port]/path?query` → its parts; `None` for anything else.
pub(crate) fn parse_absolute_http(target: &str) -> Option<AbsoluteTarget> {
    let scheme_end = target.find("://")?;
    if !target[..scheme_end].eq_ignore_ascii_case("http") {
        return None;
    }
    let rest = &target[scheme_end + 3..];
    let rest = rest.split('#').next().unwrap_or_default();
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = parse_authority(authority, Some(80))?;
    let path = match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    };
    Some(AbsoluteTarget { host, port, authority: authority.to_string(), path })
}

/// The only addresses the proxy connects to; `None` means the target is refused.
pub(crate) fn loopback_addrs(host: &str, port: u16) -> Option<Vec<SocketAddr>> {
    let v4 = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let v6 = SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port);
    match host.to_ascii_lowercase().as_str() {
        "127.0.0.1" => Some(vec![v4]),
        "::1" => Some(vec![v6]),
        "localhost" | "localhost." => Some(vec![v4, v6]),
        _ => None,
    }
}

async fn connect_any(addrs: &[SocketAddr]) -> Option<TcpStream> {
    for addr in addrs {
        if let Ok(Ok(stream)) = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
            let _ = stream.set_nodelay(true);
            return Some(stream);
        }
    }
    None
}

/// Headers to forward: hop-by-hop ones and those named in `Connection` dropped.
fn end_to_end(head: &Head) -> Vec<(String, String)> {
    let named: Vec<String> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("connection"))
        .flat_map(|(_, v)| v.split(',').map(|t| t.trim().to_ascii_lowercase()))
        .collect();
    head.headers
        .iter()
        .filter(|(n, _)| {
            let lower = n.to_ascii_lowercase();
            !HOP_BY_HOP.contains(&lower.as_str()) && !named.contains(&lower)
        })
        .cloned()
        .collect()
}

fn is_http11(version: &str) -> bool {
    version.eq_ignore_ascii_case("HTTP/1.1")
}

struct Upstream {
    key: (String, u16),
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Upstream {
    /// False once the server closed (or sent something unasked) since the last response.
    fn is_idle_and_open(&mut self) -> bool {
        // Pending means idle and open; ready means EOF, an error or unasked bytes.
        self.reader.fill_buf().now_or_never().is_none()
    }
}

enum Next {
    KeepAlive,
    Close,
    Tunnel(TcpStream),
}

struct ClientConn {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    id: u64,
    shared: Arc<ProxyShared>,
    upstream: Option<Upstream>,
    /// The connection completed an NTLM handshake.
    ntlm_ok: bool,
}

/// Serves one client connection until it closes, fails or becomes a tunnel.
pub(crate) async fn serve_connection(stream: TcpStream, id: u64, shared: Arc<ProxyShared>) {
    let _ = stream.set_nodelay(true);
    let (read_half, write_half) = stream.into_split();
    let conn = ClientConn {
        reader: BufReader::new(read_half),
        writer: write_half,
        id,
        shared,
        upstream: None,
        ntlm_ok: false,
    };
    let _ = conn.run().await;
}

impl ClientConn {
    async fn run(mut self) -> Result<(), Http1Error> {
        loop {
            let head = match read_head(&mut self.reader).await {
                Ok(Some(head)) => head,
                Ok(None) => return Ok(()),
                Err(Http1Error::Io(e)) => return Err(Http1Error::Io(e)),
                Err(e) => {
                    self.respond(400, "Bad Request", None, &format!("{e}\n"), false).await?;
                    return Ok(());
                }
            };
            match self.handle(head).await? {
                Next::KeepAlive => continue,
                Next::Close => return Ok(()),
                Next::Tunnel(upstream) => return self.tunnel(upstream).await,
            }
        }
    }

    async fn handle(&mut self, head: Head) -> Result<Next, Http1Error> {
        let mut words = head.start.split_whitespace();
        let (Some(method), Some(target), Some(version), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            let body = format!("malformed request line {:?}\n", head.start);
            self.respond(400, "Bad Request", None, &body, false).await?;
            return Ok(Next::Close);
        };
        let (method, target, version) = (method.to_string(), target.to_string(), version.to_string());
        let proxy_authorization = head.get("proxy-authorization").map(str::to_string);
        self.shared.journal.push(ProxyRecord {
            method: method.clone(),
            target: target.clone(),
            proxy_authorization: proxy_authorization.clone(),
            connection_id: self.id,
        });
        let framing = match request_framing(&head) {
            Ok(framing) => framing,
            Err(e) => {
                self.respond(400, "Bad Request", None, &format!("{e}\n"), false).await?;
                return Ok(Next::Close);
            }
        };
        let keep = is_http11(&version)
            && !head.has_token("connection", "close")
            && !head.has_token("proxy-connection", "close");
        if let ProxyAuth::Ntlm(server) = &self.shared.auth
            && !self.ntlm_ok
        {
            let denied = "testkit proxy: NTLM authentication required\n";
            match ntlm_step(server, proxy_authorization.as_deref()) {
                NtlmStep::Challenge(value) => {
                    return self
                        .refuse(framing, 407, "Proxy Authentication Required", Some(&value), denied, keep)
                        .await;
                }
                NtlmStep::Rejected(why) => {
                    self.shared.ntlm_rejections.lock().unwrap_or_else(|p| p.into_inner()).push(why);
                    return self
                        .refuse(framing, 407, "Proxy Authentication Required", Some("NTLM"), denied, keep)
                        .await;
                }
                NtlmStep::Accepted => {
                    self.ntlm_ok = true;
                    self.shared.ntlm_handshakes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
        if let Some(challenge) = self.shared.auth.reject(proxy_authorization.as_deref()) {
            let body = "testkit proxy: authentication required\n";
            return self.refuse(framing, 407, "Proxy Authentication Required", Some(&challenge), body, keep).await;
        }
        if method.eq_ignore_ascii_case("CONNECT") {
            return self.open_tunnel(&target, keep).await;
        }
        let Some(url) = parse_absolute_http(&target) else {
            let body = "testkit proxy: expected an absolute http:// URL (use CONNECT for https)\n";
            return self.refuse(framing, 400, "Bad Request", None, body, keep).await;
        };
        let Some(addrs) = loopback_addrs(&url.host, url.port) else {
            let body = "testkit proxy: only 127.0.0.1, localhost and ::1 targets are forwarded\n";
            return self.refuse(framing, 403, "Forbidden", None, body, keep).await;
        };
        let Some(mut upstream) = self.upstream_for(&url, &addrs).await else {
            let body = format!("testkit proxy: cannot connect to {}\n", url.authority);
            return self.refuse(framing, 502, "Bad Gateway", None, &body, keep).await;
        };
        let result = self.exchange(&mut upstream, &method, &url, &head, framing, keep).await;
        match result {
            Ok((next, upstream_keep)) => {
                if upstream_keep {
                    self.upstream = Some(upstream);
                }
                Ok(next)
            }
            Err(e) => Err(e),
        }
    }

    /// Forwards one request and its response; returns what to do next and whether the
    /// upstream connection may be reused.
    async fn exchange(
        &mut self,
        upstream: &mut Upstream,
        method: &str,
        url: &AbsoluteTarget,
        head: &Head,
        framing: Framing,
        keep: bool,
    ) -> Result<(Next, bool), Http1Error> {
        let mut headers = end_to_end(head);
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            headers.insert(0, ("Host".to_string(), url.authority.clone()));
        }
        let outgoing = Head { start: format!("{method} {} HTTP/1.1", url.path), headers };
        upstream.writer.write_all(&outgoing.to_bytes()).await?;
        copy_body(&mut self.reader, &mut upstream.writer, framing).await?;
        let (response, status) = loop {
            let Some(response) = read_head(&mut upstream.reader).await.ok().flatten() else {
                let body = format!("testkit proxy: {} closed without an answer\n", url.authority);
                self.respond(502, "Bad Gateway", None, &body, false).await?;
                return Ok((Next::Close, false));
            };
            let status = response.start.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
            if (100..200).contains(&status) && status != 101 {
                self.writer.write_all(&response.to_bytes()).await?;
                continue;
            }
            break (response, status);
        };
        let resp_framing = response_framing(method, status, &response)?;
        let close_client = !keep || resp_framing == Framing::UntilClose;
        let version = response.start.split_whitespace().next().unwrap_or_default();
        let upstream_keep =
            is_http11(version) && !response.has_token("connection", "close") && resp_framing != Framing::UntilClose;
        let reason = response.start.splitn(3, ' ').nth(2).unwrap_or_default();
        let mut headers = end_to_end(&response);
        if close_client {
            headers.push(("Connection".to_string(), "close".to_string()));
        }
        let back = Head { start: format!("HTTP/1.1 {status} {reason}"), headers };
        self.writer.write_all(&back.to_bytes()).await?;
        copy_body(&mut upstream.reader, &mut self.writer, resp_framing).await?;
        Ok((if close_client { Next::Close } else { Next::KeepAlive }, upstream_keep))
    }

    /// The kept upstream connection when it goes to the same place and is still open.
    async fn upstream_for(&mut self, url: &AbsoluteTarget, addrs: &[SocketAddr]) -> Option<Upstream> {
        let key = (url.host.to_ascii_lowercase(), url.port);
        if let Some(mut kept) = self.upstream.take()
            && kept.key == key
            && kept.is_idle_and_open()
        {
            return Some(kept);
        }
        let stream = connect_any(addrs).await?;
        let (reader, writer) = stream.into_split();
        Some(Upstream { key, reader: BufReader::new(reader), writer })
    }

    async fn open_tunnel(&mut self, target: &str, keep: bool) -> Result<Next, Http1Error> {
        let Some((host, port)) = parse_authority(target, None) else {
            let body = format!("testkit proxy: CONNECT needs host:port, got {target:?}\n");
            return self.refuse(Framing::Empty, 400, "Bad Request", None, &body, keep).await;
        };
        let Some(addrs) = loopback_addrs(&host, port) else {
            let body = "testkit proxy: only 127.0.0.1, localhost and ::1 targets are tunnelled\n";
            return self.refuse(Framing::Empty, 403, "Forbidden", None, body, keep).await;
        };
        let Some(upstream) = connect_any(&addrs).await else {
            let body = format!("testkit proxy: cannot connect to {target}\n");
            return self.refuse(Framing::Empty, 502, "Bad Gateway", None, &body, keep).await;
        };
        self.writer.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n").await?;
        Ok(Next::Tunnel(upstream))
    }

    async fn tunnel(self, mut upstream: TcpStream) -> Result<(), Http1Error> {
        // Bytes the client sent right behind the CONNECT head are already buffered here.
        let early = self.reader.buffer().to_vec();
        upstream.write_all(&early).await?;
        let read_half = self.reader.into_inner();
        let Ok(mut client) = read_half.reunite(self.writer) else {
            return Ok(());
        };
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
        Ok(())
    }

    /// Answers without forwarding, after reading the request body so the connection stays
    /// usable for the next request.
    async fn refuse(
        &mut self,
        framing: Framing,
        status: u16,
        reason: &str,
        challenge: Option<&str>,
        body: &str,
        keep: bool,
    ) -> Result<Next, Http1Error> {
        copy_body(&mut self.reader, &mut tokio::io::sink(), framing).await?;
        self.respond(status, reason, challenge, body, keep).await?;
        Ok(if keep { Next::KeepAlive } else { Next::Close })
    }

    async fn respond(
        &mut self,
        status: u16,
        reason: &str,
        challenge: Option<&str>,
        body: &str,
        keep: bool,
    ) -> Result<(), Http1Error> {
        let mut headers = vec![
            ("Content-Type".to_string(), "text/plain; charset=utf-8".to_string()),
            ("Content-Length".to_string(), body.len().to_string()),
        ];
        if let Some(challenge) = challenge {
            headers.push(("Proxy-Authenticate".to_string(), challenge.to_string()));
        }
        if !keep {
            headers.push(("Connection".to_string(), "close".to_string()));
        }
        let head = Head { start: format!("HTTP/1.1 {status} {reason}"), headers };
        self.writer.write_all(&[head.to_bytes(), body.as_bytes().to_vec()].concat()).await?;
        self.writer.flush().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_table() {
        /// (authority, default port, expected host and port)
        type Case<'a> = (&'a str, Option<u16>, Option<(&'a str, u16)>);
        let cases: [Case; 9] = [
            ("127.0.0.1:8080", None, Some(("127.0.0.1", 8080))),
            ("localhost", Some(80), Some(("localhost", 80))),
            ("localhost", None, None),
            ("[::1]:443", None, Some(("::1", 443))),
            ("[::1]", Some(80), Some(("::1", 80))),
            ("::1:443", None, None),
            ("host:99999", None, None),
            ("[::1]x", Some(80), None),
            (":80", None, None),
        ];
        for (input, default, expected) in cases {
            let expected = expected.map(|(h, p)| (h.to_string(), p));
            assert_eq!(parse_authority(input, default), expected, "{input}");
        }
    }

    #[test]
    fn absolute_target_table() {
        let cases = [
            ("http://127.0.0.1:9/get?a=1#frag", Some(("127.0.0.1", 9, "127.0.0.1:9", "/get?a=1"))),
            ("HTTP://localhost", Some(("localhost", 80, "localhost", "/"))),
            ("http://[::1]:5?x", Some(("::1", 5, "[::1]:5", "/?x"))),
            ("http://user:pw@127.0.0.1:7/p", Some(("127.0.0.1", 7, "127.0.0.1:7", "/p"))),
            ("https://127.0.0.1/", None),
            ("/origin-form", None),
        ];
        for (input, expected) in cases {
            let expected = expected.map(|(host, port, authority, path)| AbsoluteTarget {
                host: host.into(),
                port,
                authority: authority.into(),
                path: path.into(),
            });
            assert_eq!(parse_absolute_http(input), expected, "{input}");
        }
    }

    #[test]
    fn only_loopback_targets() {
        let cases = [
            ("127.0.0.1", Some(1)),
            ("LOCALHOST", Some(2)),
            ("::1", Some(1)),
            ("127.0.0.2", None),
            ("10.0.0.1", None),
            ("example.com", None),
            ("localhost.example.com", None),
            ("0.0.0.0", None),
        ];
        for (host, expected) in cases {
            let addrs = loopback_addrs(host, 80);
            assert_eq!(addrs.as_ref().map(Vec::len), expected, "{host}");
            assert!(addrs.unwrap_or_default().iter().all(|a| a.ip().is_loopback()));
        }
    }

    #[test]
    fn hop_by_hop_headers_are_dropped() {
        let head = Head {
            start: "GET http://a/ HTTP/1.1".into(),
            headers: [
                ("Host", "a"),
                ("Connection", "keep-alive, X-Secret-Hop"),
                ("X-Secret-Hop", "1"),
                ("Proxy-Authorization", "Basic x"),
                ("Proxy-Connection", "keep-alive"),
                ("Transfer-Encoding", "chunked"),
                ("X-Kept", "2"),
            ]
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        };
        let names: Vec<String> = end_to_end(&head).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Host", "Transfer-Encoding", "X-Kept"]);
    }
}
