//! The run's cookie jar: one for every request of the run, as Newman's. It matches and
//! expires cookies with `cookie_store` (RFC 6265; loopback counts as secure, as in
//! Postman's tough-cookie) and keeps what that store does not: when each cookie was made
//! and last used, which orders cookies the way tough-cookie does (longest path first, then
//! oldest) for the `Cookie` header, `pm.cookies` and the exported jar.
//!
//! `tough` reads and writes the jar as tough-cookie's JSON (`--cookie-jar`,
//! `--export-cookie-jar`).

pub mod tough;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use cookie_store::{CookieDomain, CookieExpiration, CookieStore};
use url::Url;

/// One cookie as scripts and the exported jar see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JarCookie {
    pub name: String,
    pub value: String,
    /// The host for a host-only cookie, else the `Domain` attribute without its dot.
    pub domain: String,
    pub path: String,
    /// `None`: a session cookie.
    pub expires: Option<SystemTime>,
    /// The `Max-Age` attribute as received.
    pub max_age: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    pub host_only: bool,
    /// The path was not given and comes from the request's URL.
    pub path_is_default: bool,
    /// `lax`, `strict` or `none`, lower case as tough-cookie writes it.
    pub same_site: Option<String>,
    pub created: SystemTime,
    pub last_accessed: SystemTime,
}

/// When a cookie was made (and in what order) and last used.
#[derive(Clone, Copy, Debug)]
struct Stamp {
    order: u64,
    created: SystemTime,
    accessed: SystemTime,
}

impl Stamp {
    /// For a cookie the store has and the stamps do not (never expected): last, now.
    fn unknown() -> Stamp {
        let now = SystemTime::now();
        Stamp { order: u64::MAX, created: now, accessed: now }
    }
}

/// tough-cookie's `cookieCompare`: longest path first, then oldest, then first stored.
fn tough_order(a: (usize, &Stamp), b: (usize, &Stamp)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.created.cmp(&b.1.created)).then(a.1.order.cmp(&b.1.order))
}

type Key = (String, String, String);

#[derive(Default)]
struct Inner {
    store: CookieStore,
    stamps: HashMap<Key, Stamp>,
    next_order: u64,
}

#[derive(Default)]
pub struct CookieJar {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CookieJar")
    }
}

impl CookieJar {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves a usable store: take it anyway.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores what one `Set-Cookie` header says, as received from `url`; `created` for a
    /// cookie read from a file, else now. A cookie the store refuses (wrong domain, bad
    /// syntax) is dropped, as browsers and Newman drop it; the bool says whether it is kept.
    pub fn store(&self, set_cookie: &str, url: &Url, created: Option<SystemTime>) -> bool {
        self.set(set_cookie, url, created).is_some()
    }

    /// `store`, answering with the cookie as kept (`pm.cookies.jar().set`).
    pub fn set(&self, set_cookie: &str, url: &Url, created: Option<SystemTime>) -> Option<JarCookie> {
        let raw = cookie::Cookie::parse(set_cookie.to_string()).ok()?;
        let parsed = cookie_store::Cookie::try_from_raw_cookie(&raw, url).ok()?.into_owned();
        let key = key_of(&parsed);
        let now = SystemTime::now();
        let mut inner = self.lock();
        match inner.store.insert(parsed.clone(), url) {
            Ok(cookie_store::StoreAction::Inserted) => {
                let order = inner.next_order;
                inner.next_order += 1;
                let created = created.unwrap_or(now);
                let stamp = Stamp { order, created, accessed: created };
                inner.stamps.insert(key, stamp);
                Some(view(&parsed, &stamp))
            }
            Ok(cookie_store::StoreAction::UpdatedExisting) => {
                // A replaced cookie keeps its creation time and place, as in RFC 6265 5.3.
                let stamp = inner.stamps.entry(key).or_insert(Stamp { order: u64::MAX, created: now, accessed: now });
                stamp.accessed = now;
                Some(view(&parsed, stamp))
            }
            Ok(cookie_store::StoreAction::ExpiredExisting) => {
                inner.store.remove(&key.0, &key.1, &key.2);
                inner.stamps.remove(&key);
                None
            }
            Err(_) => None,
        }
    }

    /// Removes the first cookie named `name` that a request to `url` would carry
    /// (`pm.cookies.jar().unset`); all of them with `name` `None` (`clear`).
    pub fn remove_for(&self, url: &Url, name: Option<&str>) {
        let mut inner = self.lock();
        let Inner { store, stamps, .. } = &mut *inner;
        let mut found: Vec<(Stamp, usize, Key)> = store
            .matches(url)
            .into_iter()
            .filter(|c| name.is_none_or(|n| n == c.name()))
            .map(|c| {
                let key = key_of(c);
                (stamps.get(&key).copied().unwrap_or_else(Stamp::unknown), c.path.len(), key)
            })
            .collect();
        found.sort_by(|a, b| tough_order((a.1, &a.0), (b.1, &b.0)));
        let take = if name.is_some() { 1 } else { found.len() };
        for (_, _, key) in found.into_iter().take(take) {
            store.remove(&key.0, &key.1, &key.2);
            stamps.remove(&key);
        }
    }

    /// The cookies a request to `url` carries, in tough-cookie's order; using them counts as
    /// an access.
    pub fn for_url(&self, url: &Url) -> Vec<JarCookie> {
        let now = SystemTime::now();
        let mut inner = self.lock();
        let Inner { store, stamps, .. } = &mut *inner;
        let mut out: Vec<(Stamp, JarCookie)> = store
            .matches(url)
            .into_iter()
            .map(|c| {
                let stamp = stamps.entry(key_of(c)).or_insert_with(Stamp::unknown);
                stamp.accessed = now;
                (*stamp, view(c, stamp))
            })
            .collect();
        out.sort_by(|(a_stamp, a), (b_stamp, b)| tough_order((a.path.len(), a_stamp), (b.path.len(), b_stamp)));
        out.into_iter().map(|(_, c)| c).collect()
    }

    /// Every cookie not yet expired, oldest first (what an exported jar holds).
    pub fn all(&self) -> Vec<JarCookie> {
        let inner = self.lock();
        let now = SystemTime::now();
        let mut out: Vec<(u64, JarCookie)> = inner
            .store
            .iter_unexpired()
            .map(|c| {
                let stamp = inner.stamps.get(&key_of(c)).copied().unwrap_or(Stamp {
                    order: u64::MAX,
                    created: now,
                    accessed: now,
                });
                (stamp.order, view(c, &stamp))
            })
            .collect();
        out.sort_by_key(|(order, _)| *order);
        out.into_iter().map(|(_, c)| c).collect()
    }

    /// The `Cookie` header for `url`, `None` when no cookie applies.
    pub fn header_for(&self, url: &Url) -> Option<String> {
        let cookies = self.for_url(url);
        (!cookies.is_empty())
            .then(|| cookies.iter().map(|c| format!("{}={}", c.name, c.value)).collect::<Vec<_>>().join("; "))
    }
}

fn key_of(c: &cookie_store::Cookie<'_>) -> Key {
    (String::from(&c.domain), String::from(&c.path), c.name().to_string())
}

fn view(c: &cookie_store::Cookie<'_>, stamp: &Stamp) -> JarCookie {
    let expires = match c.expires {
        CookieExpiration::AtUtc(at) => {
            let secs = at.unix_timestamp();
            let nanos = at.nanosecond();
            Some(if secs >= 0 {
                SystemTime::UNIX_EPOCH + Duration::new(secs as u64, nanos)
            } else {
                SystemTime::UNIX_EPOCH
            })
        }
        CookieExpiration::SessionEnd => None,
    };
    JarCookie {
        name: c.name().to_string(),
        value: c.value().to_string(),
        // tough-cookie writes an IPv6 host without its brackets.
        domain: String::from(&c.domain).trim_start_matches('[').trim_end_matches(']').to_string(),
        path: String::from(&c.path),
        expires,
        max_age: c.max_age().map(|d| d.whole_seconds()),
        secure: c.secure().unwrap_or(false),
        http_only: c.http_only().unwrap_or(false),
        host_only: matches!(c.domain, CookieDomain::HostOnly(_)),
        path_is_default: !c.path.is_from_path_attr(),
        same_site: c.same_site().map(|s| s.to_string().to_ascii_lowercase()),
        created: stamp.created,
        last_accessed: stamp.accessed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn cookies_come_longest_path_first_then_oldest_as_newman_sends_them() {
        // The order Newman 6.2.2 sent and showed for the same Set-Cookie headers.
        let jar = CookieJar::new();
        let base = url("http://127.0.0.1:1/p/set");
        jar.store("pre=loaded; Path=/", &base, None);
        jar.store("a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly", &base, None);
        jar.store("b=2", &base, None);
        jar.store("s=3; Secure; Max-Age=3600; SameSite=Lax", &base, None);
        assert_eq!(jar.header_for(&url("http://127.0.0.1:1/p/later")).as_deref(), Some("b=2; s=3; pre=loaded; a=1"));
        assert_eq!(jar.header_for(&url("http://127.0.0.1:1/q")).as_deref(), Some("pre=loaded; a=1"));
        let all = jar.all();
        let names: Vec<_> = all.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["pre", "a", "b", "s"]);
        let b = &all[2];
        assert!(b.host_only && b.path_is_default && b.expires.is_none());
        assert_eq!((b.domain.as_str(), b.path.as_str()), ("127.0.0.1", "/p"));
        let s = &all[3];
        assert_eq!((s.max_age, s.secure, s.same_site.as_deref()), (Some(3600), true, Some("lax")));
        assert!(all[1].http_only && all[1].expires.is_some());
    }

    #[test]
    fn a_replaced_cookie_keeps_its_place_and_an_expired_one_goes() {
        let jar = CookieJar::new();
        let base = url("http://h.test/");
        jar.store("x=1", &base, None);
        jar.store("y=1", &base, None);
        jar.store("x=2", &base, None);
        assert_eq!(jar.header_for(&base).as_deref(), Some("x=2; y=1"));
        jar.store("x=; Max-Age=0", &base, None);
        assert_eq!(jar.header_for(&base).as_deref(), Some("y=1"));
        assert_eq!(jar.all().len(), 1);
    }

    #[test]
    fn domain_cookies_reach_subdomains_and_host_only_ones_do_not() {
        let jar = CookieJar::new();
        jar.store("d=1; Domain=example.test", &url("http://api.example.test/"), None);
        jar.store("h=1", &url("http://api.example.test/"), None);
        jar.store("bad=1; Domain=other.test", &url("http://api.example.test/"), None);
        assert_eq!(jar.header_for(&url("http://www.example.test/")).as_deref(), Some("d=1"));
        let d = &jar.for_url(&url("http://api.example.test/"))[0];
        assert_eq!((d.domain.as_str(), d.host_only), ("example.test", false));
        assert_eq!(jar.all().len(), 2);
    }

    #[test]
    fn scripts_set_unset_and_clear_cookies_for_a_url() {
        let jar = CookieJar::new();
        let page = url("http://h.test/a/b");
        let set = jar.set("k=v", &page, None).expect("kept");
        assert_eq!((set.domain.as_str(), set.path.as_str(), set.host_only), ("h.test", "/a", true));
        jar.set("other=1; Path=/", &page, None);
        jar.remove_for(&page, Some("k"));
        assert_eq!(jar.header_for(&page).as_deref(), Some("other=1"));
        jar.remove_for(&url("http://elsewhere.test/"), None);
        assert_eq!(jar.all().len(), 1, "clear touches only the URL's cookies");
        jar.remove_for(&page, None);
        assert!(jar.all().is_empty());
    }

    #[test]
    fn secure_cookies_go_over_https_and_loopback_only() {
        let jar = CookieJar::new();
        jar.store("s=1; Secure", &url("https://example.test/"), None);
        assert_eq!(jar.header_for(&url("http://example.test/")), None);
        assert_eq!(jar.header_for(&url("https://example.test/")).as_deref(), Some("s=1"));
    }
}
