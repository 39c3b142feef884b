//! Newman's `--ssl-client-cert-list` file and the per-request choice of a client identity.
//!
//! The file is `[{name, matches: [patterns], key: {src}, cert: {src}, passphrase}]`, or an
//! entry with `pfx: {src}` instead of key and cert. Every identity is loaded and checked here,
//! at start-up, so a broken entry fails the run before the first request. Errors point at the
//! JSON path of the bad value (`[1].cert.src`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use url::Url;

use super::errors::TlsError;
use super::identity::{ClientIdentity, load_pem_identity};
use super::pem::read_file;
use super::pkcs12::load_pkcs12_identity;
use crate::urlmatch::MatchPattern;

const FLAG: &str = "--ssl-client-cert-list";

/// One loaded cert-list entry.
#[derive(Debug, Clone)]
pub struct CertListEntry {
    pub name: String,
    /// The URL match patterns, parsed (strictly) when the list was loaded.
    pub matches: Vec<MatchPattern>,
    pub identity: ClientIdentity,
}

/// Parses Newman's cert-list JSON file; relative `src` paths resolve against `base_dir`.
pub fn load_cert_list(path: &Path, base_dir: &Path) -> Result<Vec<CertListEntry>, TlsError> {
    let bytes = read_file(FLAG, "cert list", path)?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        TlsError::CertListSyntax {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            detail: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })?;
    let at =
        |at: String, detail: &str| TlsError::CertListEntry { path: path.to_path_buf(), at, detail: detail.to_string() };
    let Value::Array(items) = doc else {
        return Err(at(
            "the top level".into(),
            "expected an array of entries [{\"name\", \"matches\", \"cert\", \"key\", \
             \"passphrase\"}] or with \"pfx\"",
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(at(format!("[{i}]"), "expected an object"));
        };
        out.push(load_entry(&Place { flag: FLAG, at: format!("[{i}]") }, obj, path, base_dir)?);
    }
    Ok(out)
}

/// Where an entry stands, for messages: the option or file it came from, and its JSON path.
struct Place {
    flag: &'static str,
    at: String,
}

/// A request's own `certificate` object in a collection (same shape as a cert-list entry).
/// `at` is its JSON path in `file`, e.g. `$.item[2].request.certificate`.
pub fn load_certificate_object(
    value: &Value,
    file: &Path,
    at: &str,
    base_dir: &Path,
) -> Result<CertListEntry, TlsError> {
    let Value::Object(obj) = value else {
        return Err(TlsError::CertListEntry {
            path: file.to_path_buf(),
            at: at.to_string(),
            detail: "expected an object with \"matches\", \"cert\" and \"key\" (or \"pfx\")".into(),
        });
    };
    load_entry(&Place { flag: "collection certificate", at: at.to_string() }, obj, file, base_dir)
}

fn load_entry(
    place: &Place,
    obj: &Map<String, Value>,
    path: &Path,
    base_dir: &Path,
) -> Result<CertListEntry, TlsError> {
    let i = &place.at;
    let flag = place.flag;
    let at = |field: &str, detail: String| TlsError::CertListEntry {
        path: path.to_path_buf(),
        at: format!("{i}{field}"),
        detail,
    };
    let name = match obj.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(at(".name", "expected a string".into())),
    };
    let written: Vec<String> = match obj.get("matches") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(j, v)| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(at(&format!(".matches[{j}]"), "expected a string".into())),
            })
            .collect::<Result<_, _>>()?,
        None | Some(Value::Null) => {
            return Err(at(
                ".matches",
                "missing; list the URL patterns this certificate is for, e.g. \
                 [\"https://api.example.com/*\"]"
                    .into(),
            ));
        }
        Some(_) => return Err(at(".matches", "expected an array of strings".into())),
    };
    if written.is_empty() {
        return Err(at(".matches", "is empty, so the entry would never be used".into()));
    }
    let origin = match name.as_str() {
        "" => format!("{flag} entry {i}"),
        n => format!("{flag} entry {i} \"{n}\""),
    };
    let matches = written
        .into_iter()
        .enumerate()
        .map(|(j, m)| {
            MatchPattern::parse(&m).map_err(|reason| TlsError::InvalidPattern {
                origin: format!("{flag} {}: at {i}.matches[{j}]", path.display()),
                pattern: m,
                reason,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let passphrase = match obj.get("passphrase") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err(at(".passphrase", "expected a string".into())),
    };
    let src = |field: &str| -> Result<Option<PathBuf>, TlsError> {
        let raw = match obj.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => s,
            Some(Value::Object(o)) => match o.get("src") {
                Some(Value::String(s)) => s,
                _ => {
                    return Err(at(&format!(".{field}.src"), "missing or not a string; expected a file path".into()));
                }
            },
            Some(_) => {
                return Err(at(&format!(".{field}"), "expected {\"src\": \"path\"}".into()));
            }
        };
        if raw.trim().is_empty() {
            return Err(at(&format!(".{field}.src"), "is empty".into()));
        }
        Ok(Some(base_dir.join(raw)))
    };
    let identity = match (src("pfx")?, src("cert")?, src("key")?) {
        (Some(pfx), None, None) => load_pkcs12_identity(&pfx, passphrase, &origin)?,
        (None, Some(cert), Some(key)) => load_pem_identity(&cert, &key, passphrase, &origin)?,
        (Some(_), _, _) => {
            return Err(at("", "has both \"pfx\" and \"cert\"/\"key\"; keep one of them".into()));
        }
        (None, Some(_), None) => {
            return Err(at(".key", "missing; \"cert\" needs its \"key\"".into()));
        }
        (None, None, Some(_)) => {
            return Err(at(".cert", "missing; \"key\" needs its \"cert\"".into()));
        }
        (None, None, None) => {
            return Err(at("", "has no identity; give \"cert\" and \"key\" ({\"src\": path}) or \"pfx\"".into()));
        }
    };
    let mut identity = identity;
    if !name.is_empty() {
        identity.label = name.clone();
    }
    Ok(CertListEntry { name, matches, identity })
}

/// Chooses: first cert-list entry whose pattern matches the URL, else the fallback. Runs per
/// request, so it only matches: the patterns were parsed at load.
pub fn select<'a>(
    url: &Url,
    list: &'a [CertListEntry],
    fallback: Option<&'a ClientIdentity>,
) -> Option<&'a ClientIdentity> {
    list.iter().find(|entry| entry.matches.iter().any(|p| p.matches(url))).map(|entry| &entry.identity).or(fallback)
}
