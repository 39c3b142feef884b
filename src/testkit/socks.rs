//! A minimal SOCKS5 server (no authentication, CONNECT only) that forwards to loopback
//! targets and records them, for testing `socks5://` and `socks5h://` proxies.
//! Must not: connect anywhere but 127.0.0.1 / ::1 (a `localhost` name maps to 127.0.0.1).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::server_thread::{ServerThread, TestkitError};

pub struct SocksProxy {
    thread: ServerThread,
    targets: Arc<Mutex<Vec<String>>>,
}

impl SocksProxy {
    pub fn start_blocking() -> Result<SocksProxy, TestkitError> {
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        let thread = ServerThread::spawn("socks proxy", move |listener| async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let seen = seen.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, seen).await;
                });
            }
        })?;
        let hits = targets.clone();
        let thread = thread.count_hits(move || hits.lock().map(|t| t.len() as u64).unwrap_or(0));
        Ok(SocksProxy { thread, targets })
    }

    pub fn port(&self) -> u16 {
        self.thread.addr().port()
    }

    /// This proxy may see no connection in this test (see `EchoServer::allow_no_hits`).
    pub fn allow_no_hits(&self) {
        self.thread.allow_no_hits();
    }

    /// `host:port` of every CONNECT, as the client asked (a name for socks5h, an address for socks5).
    pub fn targets(&self) -> Vec<String> {
        self.targets.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

async fn serve(mut client: TcpStream, seen: Arc<Mutex<Vec<String>>>) -> std::io::Result<()> {
    let mut head = [0u8; 2];
    client.read_exact(&mut head).await?;
    let mut methods = vec![0u8; head[1] as usize];
    client.read_exact(&mut methods).await?;
    client.write_all(&[5, 0]).await?;
    let mut req = [0u8; 4];
    client.read_exact(&mut req).await?;
    let (shown, addr) = match req[3] {
        1 => {
            let mut ip = [0u8; 4];
            client.read_exact(&mut ip).await?;
            let ip = Ipv4Addr::from(ip);
            (ip.to_string(), Some(std::net::IpAddr::V4(ip)))
        }
        4 => {
            let mut ip = [0u8; 16];
            client.read_exact(&mut ip).await?;
            let ip = Ipv6Addr::from(ip);
            (ip.to_string(), Some(std::net::IpAddr::V6(ip)))
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).await?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name).await?;
            let name = String::from_utf8_lossy(&name).into_owned();
            let ip = (name == "localhost").then_some(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST));
            (name, ip)
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await?;
    let port = u16::from_be_bytes(port);
    if let Ok(mut s) = seen.lock() {
        s.push(format!("{shown}:{port}"));
    }
    // Refuse (rule set) anything that is not loopback.
    let Some(ip) = addr.filter(|ip| ip.is_loopback()) else {
        client.write_all(&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
        return Ok(());
    };
    let Ok(mut upstream) = TcpStream::connect(SocketAddr::new(ip, port)).await else {
        client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
        return Ok(());
    };
    client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
