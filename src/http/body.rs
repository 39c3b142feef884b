//! Request bodies as Newman builds them: raw (JSON comments stripped), urlencoded,
//! form-data and file bodies read through `BodyFiles` (a file that cannot be read is left
//! out with Newman's warning), GraphQL.

use std::path::Path;

use super::prepare::{MultipartPart, MultipartValue, PreparedBody};
use crate::collection::{Body, FormPart};
use crate::vars::Scopes;

/// Form encoding as Newman writes it: spaces as `%20`, not `+`.
pub(super) fn form_encode(text: &str) -> String {
    // byte_serialize turns a literal `+` into `%2B`, so every `+` left stands for a space.
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}

/// Where body files (form-data file parts, file bodies) are read from: relative paths start
/// at `dir`; with `confined` (`--no-insecure-file-read`) nothing outside it is read.
#[derive(Clone, Copy, Debug)]
pub struct BodyFiles<'a> {
    pub dir: &'a Path,
    pub confined: bool,
}

/// `path` with `.` and `..` taken out, without asking the file system.
fn lexical(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl BodyFiles<'_> {
    fn inside(&self, path: &Path) -> bool {
        let absolute = |p: &Path| {
            std::fs::canonicalize(p).unwrap_or_else(|_| lexical(&std::env::current_dir().unwrap_or_default().join(p)))
        };
        absolute(path).starts_with(absolute(self.dir))
    }

    /// The file's path and bytes, or why it cannot be read in Newman's words: `"x.txt", no
    /// such file`, or `PPERM: insecure file access outside working directory`.
    fn read(&self, src: &str) -> (std::path::PathBuf, Result<Vec<u8>, String>) {
        let path = self.dir.join(src);
        if self.confined && !self.inside(&path) {
            return (path, Err("PPERM: insecure file access outside working directory".to_string()));
        }
        let read = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!(
                "\"{src}\", no such file (looked for {}; relative paths start at --working-dir)",
                path.display()
            ),
            _ => format!("\"{src}\", {e} ({})", path.display()),
        });
        (path, read)
    }
}

/// The body to send. A file that cannot be read is left out with a warning, as Newman
/// does: the form part is dropped, a file body is sent empty.
pub(super) fn build_body(body: &Body, scopes: &Scopes, files: BodyFiles, warnings: &mut Vec<String>) -> PreparedBody {
    match body {
        Body::Raw { text, language } => {
            let text = scopes.replace_in(text);
            if language.as_deref() == Some("json") {
                PreparedBody::Text(strip_json_comments(&text))
            } else {
                PreparedBody::Text(text)
            }
        }
        Body::UrlEncoded(pairs) => PreparedBody::Text(
            pairs
                .iter()
                .filter(|p| !p.disabled)
                .map(|p| {
                    format!("{}={}", form_encode(&scopes.replace_in(&p.key)), form_encode(&scopes.replace_in(&p.value)))
                })
                .collect::<Vec<_>>()
                .join("&"),
        ),
        Body::FormData(parts) => {
            let mut out = Vec::new();
            for part in parts {
                match part {
                    FormPart::Text { key, value, content_type } => out.push(MultipartPart {
                        name: scopes.replace_in(key),
                        value: MultipartValue::Text(scopes.replace_in(value)),
                        content_type: content_type.clone(),
                    }),
                    FormPart::File { key, src, content_type } => {
                        let key = scopes.replace_in(key);
                        // A file part that names no file is sent empty, with an empty file
                        // name, as Newman sends it.
                        if src.iter().all(|s| scopes.replace_in(s).is_empty()) {
                            out.push(MultipartPart {
                                name: key,
                                value: MultipartValue::File { file_name: String::new(), bytes: Vec::new() },
                                content_type: None,
                            });
                            continue;
                        }
                        for s in src.iter().filter(|s| !scopes.replace_in(s).is_empty()) {
                            let (path, read) = files.read(&scopes.replace_in(s));
                            let bytes = match read {
                                Ok(bytes) => bytes,
                                Err(why) => {
                                    warnings.push(format!("Form param `{key}`, file load error: {why}"));
                                    continue;
                                }
                            };
                            let file_name =
                                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            let content_type = content_type
                                .as_deref()
                                .map(|ct| scopes.replace_in(ct))
                                .filter(|ct| !ct.trim().is_empty())
                                .or_else(|| Some(super::mime::for_path(&path).to_string()));
                            out.push(MultipartPart {
                                name: key.clone(),
                                value: MultipartValue::File { file_name, bytes },
                                content_type,
                            });
                        }
                    }
                }
            }
            PreparedBody::Multipart(out)
        }
        Body::File { src: Some(src) } => match files.read(&scopes.replace_in(src)).1 {
            Ok(bytes) => PreparedBody::Bytes(bytes),
            Err(why) => {
                warnings.push(format!("Binary file load error: {why}"));
                PreparedBody::Text(String::new())
            }
        },
        Body::File { src: None } => PreparedBody::None,
        Body::GraphQl { query, variables } => {
            let variables = scopes.replace_in(variables);
            let query = serde_json::Value::String(scopes.replace_in(query));
            // Newman splices the variables text in as written, keeping its formatting.
            // Empty or blank variables send no `variables` key (Newman 6.2.2 leaves out an
            // empty one and splices blank text in, making invalid JSON: see the README).
            match serde_json::from_str::<serde_json::Value>(&variables) {
                Ok(_) => PreparedBody::Text(format!("{{\"query\":{query},\"variables\":{}}}", variables.trim())),
                Err(_) if variables.trim().is_empty() => PreparedBody::Text(format!("{{\"query\":{query}}}")),
                Err(_) => PreparedBody::Text(format!(
                    "{{\"query\":{query},\"variables\":{}}}",
                    serde_json::Value::String(variables)
                )),
            }
        }
    }
}

/// Newman 6 strips `//` and `/* */` comments from raw JSON bodies; strings are left alone.
pub fn strip_json_comments(text: &str) -> String {
    if !text.contains("//") && !text.contains("/*") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_comments_are_stripped_outside_strings() {
        let cases = [
            ("{\"a\": 1 // note\n}", "{\"a\": 1 \n}"),
            ("{/* c */\"a\": \"http://x\"}", "{\"a\": \"http://x\"}"),
            ("{\"s\": \"a /* not */ b\"}", "{\"s\": \"a /* not */ b\"}"),
            ("{\"e\": \"q\\\"//x\"}", "{\"e\": \"q\\\"//x\"}"),
        ];
        for (input, expected) in cases {
            assert_eq!(strip_json_comments(input), expected, "{input}");
        }
    }
}
