//! Why a collection could not be loaded, worded for the person who has to fix the file.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read collection file {}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{}:{line}:{column}: not valid JSON: {message}. Export the collection again from Postman (Collection v2.1) or fix the JSON at that place.",
        file.display()
    )]
    Syntax { file: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: at `{path}`: {message}", file.display())]
    Shape { file: PathBuf, path: String, message: String },
    #[error(
        "{}: unsupported collection schema `{schema}`; postie reads Postman collections v2.0 and v2.1. {hint}",
        file.display()
    )]
    Schema { file: PathBuf, schema: String, hint: &'static str },
    #[error("{}:{line}:{column}: not valid YAML: {message}. {hint}", file.display())]
    Yaml { file: PathBuf, line: usize, column: usize, message: String, hint: &'static str },
    #[error(
        "the v3 collection {} cannot be run; fix {}:\n  {}{}",
        dir.display(),
        if problems.len() == 1 { "this".to_string() } else { format!("these {} problems", problems.len()) },
        problems.join("\n  "),
        if *strict { "\n(--strict makes unknown keys errors; without it they are warnings)" } else { "" }
    )]
    Invalid { dir: PathBuf, problems: Vec<String>, strict: bool },
}
