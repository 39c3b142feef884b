//! `VarsError`: every way loading variables, data files or `--env-var` flags can fail.
//!
//! Each message is one paragraph naming the file (or flag), the place in it and what to do.
//! No variant ever carries a variable's value, so neither `Display` nor `Debug` can leak a
//! secret: places are JSON paths, row and line numbers, and kinds of JSON values.

use std::path::PathBuf;

#[derive(thiserror::Error, Debug)]
pub enum VarsError {
    /// The file could not be opened or read.
    #[error("cannot read the {what} {path}: {cause}. Check that the path is right and the file is readable.")]
    Read { what: String, path: PathBuf, cause: std::io::Error },

    /// The file is not UTF-8 text.
    #[error("the {what} {path} is not UTF-8 text (first bad byte on line {line}). Save it as UTF-8 and try again.")]
    Encoding { what: String, path: PathBuf, line: usize },

    /// The file is not valid JSON.
    #[error(
        "the {what} {path} is not valid JSON at line {line}, column {column}: {message}. Fix the syntax there (a trailing comma or a missing quote is the usual cause)."
    )]
    Json { what: String, path: PathBuf, line: usize, column: usize, message: String },

    /// The file is not valid YAML.
    #[error(
        "the {what} {path} is not valid YAML at line {line}, column {column}. Fix the syntax there (quote values that start with {{{{ or contain `: `)."
    )]
    Yaml { what: String, path: PathBuf, line: usize, column: usize },

    /// Valid JSON, but not the expected shape; `place` is a JSON path such as `values[3].key`.
    #[error("the {what} {path}: {place} {problem}. {fix}")]
    Shape { what: String, path: PathBuf, place: String, problem: String, fix: String },

    /// A CSV data file with a bad row; `row` counts data rows from 1 (0 is the header row),
    /// `line` is the file line where the row starts.
    #[error("the iteration data file {path}: {} {problem}. {fix}", csv_place(*row, *line))]
    Csv { path: PathBuf, row: usize, line: usize, problem: String, fix: String },

    /// A `--env-var` / `--global-var` flag that is not `KEY=VALUE`; `shown` never holds the value.
    #[error(
        "{flag} {shown}: {problem}. Write it as {flag} KEY=VALUE, for example {flag} base_url=https://api.example.com"
    )]
    Assignment { flag: String, shown: String, problem: String },
}

impl VarsError {
    /// Builds a `Json` error from serde_json's, keeping its position apart from its text.
    pub(crate) fn json(what: &str, path: &std::path::Path, err: &serde_json::Error) -> Self {
        let full = err.to_string();
        // serde_json appends " at line L column C"; the position has its own fields here.
        let message = match full.rfind(" at line ") {
            Some(cut) => full[..cut].to_string(),
            None => full,
        };
        VarsError::Json {
            what: what.to_string(),
            path: path.to_path_buf(),
            line: err.line(),
            column: err.column(),
            message,
        }
    }

    pub(crate) fn shape(
        what: &str,
        path: &std::path::Path,
        place: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        VarsError::Shape {
            what: what.to_string(),
            path: path.to_path_buf(),
            place: place.into(),
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

fn csv_place(row: usize, line: usize) -> String {
    match row {
        0 => format!("the header row (line {line})"),
        _ => format!("row {row} (line {line})"),
    }
}

/// "a string", "an object", ...: how error messages name a JSON value without showing it.
pub(crate) fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}
