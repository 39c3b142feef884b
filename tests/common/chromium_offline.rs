//! Where Chromium is and how it is started offline: shared by the HTML report tests and
//! the HTML benchmark. The proxy points at a closed port, so any fetch fails visibly.

pub const BINARIES: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/// Headless, as root, with nothing that reaches for the network by itself.
pub const OFFLINE_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--proxy-server=127.0.0.1:9",
];
