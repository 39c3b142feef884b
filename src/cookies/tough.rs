//! The jar as tough-cookie serializes it, the format Newman's `--cookie-jar` reads and
//! `--export-cookie-jar` writes: `{"version", "storeType", ..., "cookies": [{"key",
//! "value", "domain", "path", ...}]}`, dates as ISO 8601 in UTC.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};
use url::Url;

use super::{CookieJar, JarCookie};

/// The version Newman 6.2.2 writes (Postman's fork of tough-cookie); readers do not check it.
const VERSION: &str = "tough-cookie@4.1.3-postman.1";

/// 9999-12-31T23:59:59Z, in seconds: expiry dates are kept at or before it.
const LATEST_SECS: u64 = 253_402_300_799;

fn latest() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(LATEST_SECS)
}

/// Why a jar file cannot be read; `at` is the cookie's place in the list.
#[derive(Debug, thiserror::Error)]
pub enum ToughError {
    #[error("is not JSON: {0}")]
    NotJson(String),
    #[error("has no \"cookies\" list; a jar is the JSON Newman's --export-cookie-jar writes")]
    NoCookies,
    #[error("cookie {at}: {why}")]
    Cookie { at: usize, why: String },
}

/// Loads a serialized jar into `jar`; the number of cookies taken (expired ones are not).
pub fn load(jar: &CookieJar, text: &str) -> Result<usize, ToughError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| ToughError::NotJson(e.to_string()))?;
    let cookies = doc.get("cookies").and_then(Value::as_array).ok_or(ToughError::NoCookies)?;
    let now = SystemTime::now();
    let mut taken = 0;
    for (at, cookie) in cookies.iter().enumerate() {
        let bad = |why: &str| ToughError::Cookie { at, why: why.to_string() };
        let obj = cookie.as_object().ok_or_else(|| bad("is not an object"))?;
        let text = |k: &str| obj.get(k).and_then(Value::as_str);
        let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
        let name = text("key").ok_or_else(|| bad("has no \"key\" (the cookie's name)"))?;
        let domain = text("domain").filter(|d| !d.is_empty()).ok_or_else(|| bad("has no \"domain\""))?;
        let domain = domain.trim_start_matches('.');
        let path = text("path").filter(|p| p.starts_with('/')).unwrap_or("/");
        let created = text("creation").and_then(parse_date);
        let expiry = match obj.get("maxAge").and_then(Value::as_f64) {
            Some(secs) if secs.is_finite() => {
                let base = created.unwrap_or(now);
                // Past the year 9999 is as good as never, and stays a date chrono can write.
                let secs = secs.clamp(0.0, latest().duration_since(base).map_or(0.0, |d| d.as_secs_f64()));
                Some(if secs > 0.0 { base + Duration::from_secs_f64(secs) } else { SystemTime::UNIX_EPOCH })
            }
            _ => text("expires").and_then(parse_date),
        }
        .map(|at| at.min(latest()));
        if expiry.is_some_and(|at| at <= now) {
            continue;
        }
        let mut line = format!("{name}={}; Path={path}", text("value").unwrap_or(""));
        if obj.get("hostOnly").and_then(Value::as_bool) == Some(false) {
            line.push_str(&format!("; Domain={domain}"));
        }
        if let Some(at) = expiry {
            line.push_str(&format!("; Expires={}", http_date(at)));
        }
        if flag("secure") {
            line.push_str("; Secure");
        }
        if flag("httpOnly") {
            line.push_str("; HttpOnly");
        }
        if let Some(same_site) = text("sameSite").filter(|s| !s.eq_ignore_ascii_case("unspecified")) {
            line.push_str(&format!("; SameSite={same_site}"));
        }
        let host =
            if domain.contains(':') && !domain.starts_with('[') { format!("[{domain}]") } else { domain.to_string() };
        let scheme = if flag("secure") { "https" } else { "http" };
        let url = Url::parse(&format!("{scheme}://{host}{path}")).map_err(|e| bad(&format!("domain or path: {e}")))?;
        taken += usize::from(jar.store(&line, &url, created));
    }
    Ok(taken)
}

/// The jar's cookies as tough-cookie serializes them.
pub fn to_json(cookies: &[JarCookie]) -> Value {
    let list: Vec<Value> = cookies
        .iter()
        .map(|c| {
            let mut o = Map::new();
            o.insert("key".into(), json!(c.name));
            o.insert("value".into(), json!(c.value));
            if c.max_age.is_none()
                && let Some(at) = c.expires
            {
                o.insert("expires".into(), json!(iso(at)));
            }
            if let Some(secs) = c.max_age {
                o.insert("maxAge".into(), json!(secs));
            }
            o.insert("domain".into(), json!(c.domain));
            o.insert("path".into(), json!(c.path));
            if c.secure {
                o.insert("secure".into(), json!(true));
            }
            if c.http_only {
                o.insert("httpOnly".into(), json!(true));
            }
            o.insert("hostOnly".into(), json!(c.host_only));
            if c.path_is_default {
                o.insert("pathIsDefault".into(), json!(true));
            }
            o.insert("creation".into(), json!(iso(c.created)));
            o.insert("lastAccessed".into(), json!(iso(c.last_accessed)));
            if let Some(s) = &c.same_site {
                o.insert("sameSite".into(), json!(s));
            }
            Value::Object(o)
        })
        .collect();
    json!({
        "version": VERSION,
        "storeType": "MemoryCookieStore",
        "rejectPublicSuffixes": true,
        "enableLooseMode": false,
        "allowSpecialUseDomain": true,
        "prefixSecurity": "silent",
        "cookies": list,
    })
}

/// `2026-12-06T15:13:32.231Z`, as JavaScript's `toISOString`.
pub fn iso(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn http_date(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at).format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_date(text: &str) -> Option<SystemTime> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(SystemTime::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The jar Newman 6.2.2 exported after Set-Cookie headers of every kind (trimmed to the
    // fields that do not depend on the time of the run).
    const NEWMAN_JAR: &str = r#"{
      "version": "tough-cookie@4.1.3-postman.1", "storeType": "MemoryCookieStore",
      "rejectPublicSuffixes": true, "enableLooseMode": false, "allowSpecialUseDomain": true,
      "prefixSecurity": "silent",
      "cookies": [
        {"key": "pre", "value": "loaded", "domain": "127.0.0.1", "path": "/", "hostOnly": true,
         "creation": "2026-01-01T00:00:00.000Z", "lastAccessed": "2026-12-06T15:13:32.443Z"},
        {"key": "a", "value": "1", "expires": "2037-10-21T07:28:00.000Z", "domain": "127.0.0.1",
         "path": "/", "httpOnly": true, "hostOnly": true, "creation": "2026-12-06T15:13:32.231Z",
         "lastAccessed": "2026-12-06T15:13:32.443Z"},
        {"key": "b", "value": "2", "domain": "127.0.0.1", "path": "/p", "hostOnly": true,
         "pathIsDefault": true, "creation": "2026-12-06T15:13:32.231Z",
         "lastAccessed": "2026-12-06T15:13:32.443Z"},
        {"key": "s", "value": "3", "expires": "2037-01-01T00:00:00.000Z", "domain": "127.0.0.1",
         "path": "/p", "secure": true, "hostOnly": true, "creation": "2026-12-06T15:13:32.231Z",
         "lastAccessed": "2026-12-06T15:13:32.443Z", "sameSite": "lax"},
        {"key": "gone", "value": "x", "expires": "2001-01-01T00:00:00.000Z", "domain": "127.0.0.1",
         "path": "/", "hostOnly": true},
        {"key": "d", "value": "4", "domain": "example.test", "path": "/", "hostOnly": false}
      ]
    }"#;

    #[test]
    fn a_newman_jar_loads_and_writes_back_the_same() {
        let jar = CookieJar::new();
        assert_eq!(load(&jar, NEWMAN_JAR).expect("jar loads"), 5);
        let url = Url::parse("http://127.0.0.1:9/p/x").expect("URL");
        assert_eq!(jar.header_for(&url).as_deref(), Some("b=2; s=3; pre=loaded; a=1"));
        let sub = Url::parse("http://api.example.test/").expect("URL");
        assert_eq!(jar.header_for(&sub).as_deref(), Some("d=4"));
        let out = to_json(&jar.all());
        let cookies = out["cookies"].as_array().expect("list");
        let names: Vec<_> = cookies.iter().map(|c| c["key"].as_str().unwrap_or("")).collect();
        assert_eq!(names, ["pre", "a", "b", "s", "d"], "creation order, the file's for equal times");
        assert_eq!(cookies[0]["creation"], "2026-01-01T00:00:00.000Z");
        assert_eq!(cookies[1]["expires"], "2037-10-21T07:28:00.000Z");
        assert_eq!(cookies[1]["httpOnly"], true);
        assert_eq!(cookies[2]["pathIsDefault"], Value::Null, "a path read from a file is given");
        assert_eq!(cookies[3]["sameSite"], "lax");
        assert_eq!(cookies[3]["secure"], true);
        assert_eq!(cookies[4]["hostOnly"], false);
        assert_eq!(cookies[4]["domain"], "example.test");
        assert_eq!(out["version"], VERSION);
    }

    #[test]
    fn absurd_lifetimes_are_kept_as_far_future_dates() {
        let jar = CookieJar::new();
        let huge = r#"{"cookies": [{"key": "k", "value": "v", "domain": "h.test", "path": "/", "maxAge": 1e300},
            {"key": "j", "value": "v", "domain": "h.test", "path": "/", "expires": "+275760-09-13T00:00:00.000Z"}]}"#;
        assert_eq!(load(&jar, huge).expect("loads"), 2);
        let out = to_json(&jar.all());
        assert_eq!(out["cookies"][0]["key"], "k");
        let expires = out["cookies"][0]["expires"].as_str().unwrap_or_default();
        assert!(expires.starts_with("9999-12-31T23:59:5"), "kept at the latest date: {expires}");
        assert_eq!(out["cookies"][1]["key"], "j");
        assert_eq!(out["cookies"][1]["expires"], Value::Null, "a date past year 9999 is not one: a session cookie");
    }

    #[test]
    fn what_is_wrong_with_a_jar_is_named() {
        let jar = CookieJar::new();
        assert!(matches!(load(&jar, "{"), Err(ToughError::NotJson(_))));
        assert!(matches!(load(&jar, "[]"), Err(ToughError::NoCookies)));
        let no_key = r#"{"cookies": [{"value": "v", "domain": "h"}]}"#;
        assert_eq!(
            load(&jar, no_key).map_err(|e| e.to_string()),
            Err("cookie 0: has no \"key\" (the cookie's name)".into())
        );
        let no_domain = r#"{"cookies": [{"key": "k", "value": "v"}]}"#;
        assert!(load(&jar, no_domain).is_err());
    }

    #[test]
    fn iso_dates_read_as_javascript_writes_them() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_765_034_012_231);
        assert_eq!(iso(at), "2025-12-06T15:13:32.231Z");
        assert_eq!(parse_date("2025-12-06T15:13:32.231Z"), Some(at));
    }
}
