//! The media type of a file from its extension, as Newman gives file bodies and form-data
//! file parts one when the collection declares none: the `mime-types` lookup over
//! mime-db that Newman 6.2.2 ships (the table in `mime-types.txt`), and
//! `application/octet-stream` for an extension it does not know.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

const TABLE: &str = include_str!("mime-types.txt");
pub const FALLBACK: &str = "application/octet-stream";

fn table() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once(' ')).collect())
}

/// The media type Newman sends for a file at `path`.
pub fn for_path(path: &Path) -> &'static str {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(|e| table().get(e.to_ascii_lowercase().as_str()).copied())
        .unwrap_or(FALLBACK)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Newman 6.2.2 sent for files with these names (checked on a raw-capturing
    /// server) and what its lookup gives for the rest.
    #[test]
    fn types_are_newmans() {
        let cases = [
            ("a.txt", "text/plain"),
            ("b.unknownext", FALLBACK),
            ("c.xml", "application/xml"),
            ("d.csv", "text/csv"),
            ("e.JSON", "application/json"),
            ("f.yaml", "text/yaml"),
            ("g.wav", "audio/wave"),
            ("h.ico", "image/vnd.microsoft.icon"),
            ("i.pem", "application/x-x509-ca-cert"),
            ("no-extension", FALLBACK),
            ("dir.d/archive.tar", "application/x-tar"),
        ];
        for (name, expected) in cases {
            assert_eq!(for_path(Path::new(name)), expected, "{name}");
        }
        assert!(table().len() > 1000);
    }
}
