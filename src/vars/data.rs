//! Iteration data from `-d`: a CSV file (first row headers) or a JSON array of objects, one
//! object per iteration. Errors name the file and the row (and line:column for JSON syntax).

use std::path::Path;

use serde_json::{Map, Number, Value};

use super::csv_text;
use super::error::{VarsError, kind_of};
use super::files::{parse_json, read_text};

const WHAT: &str = "iteration data file";

/// One object per iteration.
pub type DataRows = Vec<Map<String, Value>>;

/// Iteration data from `-d`: CSV (first row headers, quotes, BOM stripped, values trimmed,
/// unquoted integers and floats become numbers) or a JSON array of objects; errors name the
/// file and the row number (and line:column for JSON syntax).
///
/// A `.json` file is read as JSON and a `.csv` file as CSV; any other name is JSON when its
/// text starts with `[` or `{`, CSV otherwise.
pub fn load_iteration_data(path: &Path) -> Result<Vec<Map<String, Value>>, VarsError> {
    load_iteration_data_noting(path).map(|(rows, _)| rows)
}

/// Like `load_iteration_data`, with what the run should be told about the file: CSV rows
/// with fewer or more values than the header are taken as Newman takes them (the missing
/// columns are left out of that iteration, extra values are dropped), each with a warning.
pub fn load_iteration_data_noting(path: &Path) -> Result<(DataRows, Vec<String>), VarsError> {
    let text = read_text(path, WHAT)?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let as_json = match ext.as_deref() {
        Some("json") => true,
        Some("csv") => false,
        _ => matches!(text.trim_start().chars().next(), Some('[' | '{')),
    };
    if as_json { json_rows(&text, path).map(|rows| (rows, Vec::new())) } else { csv_rows(&text, path) }
}

fn json_rows(text: &str, path: &Path) -> Result<Vec<Map<String, Value>>, VarsError> {
    let fix = "Iteration data in JSON is an array with one object per iteration: \
               [{\"user\": \"ada\", \"id\": 1}, {\"user\": \"bob\", \"id\": 2}]";
    let rows = match parse_json(text, path, WHAT)? {
        Value::Array(rows) => rows,
        other => {
            return Err(VarsError::shape(
                WHAT,
                path,
                "the top level",
                format!("is {}, not an array", kind_of(&other)),
                fix,
            ));
        }
    };
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| match row {
            Value::Object(m) => Ok(m),
            other => Err(VarsError::shape(
                WHAT,
                path,
                format!("`[{i}]` (row {})", i + 1),
                format!("is {}, not an object", kind_of(&other)),
                fix,
            )),
        })
        .collect()
}

fn csv_rows(text: &str, path: &Path) -> Result<(DataRows, Vec<String>), VarsError> {
    let records = csv_text::parse(text).map_err(|e| VarsError::Csv {
        path: path.to_path_buf(),
        row: e.record,
        line: e.line,
        problem: "opens a quoted value that is never closed".into(),
        fix: "Close the quote, and write a quote inside a quoted value as two quotes (\"\").".into(),
    })?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let names: Vec<String> = header.fields.into_iter().map(|f| f.text).collect();
    let mut warnings = Vec::new();
    let rows = records
        .enumerate()
        .map(|(i, record)| {
            if record.fields.len() != names.len() {
                let taken = if record.fields.len() < names.len() {
                    "the missing columns are left out of that iteration"
                } else {
                    "the extra values are dropped"
                };
                warnings.push(format!(
                    "{WHAT} {}: row {} (line {}) has {} but the header row has {} columns; {taken}, as Newman does (quote values that contain commas: \"a, b\")",
                    path.display(),
                    i + 1,
                    record.line,
                    count(record.fields.len(), "value"),
                    names.len()
                ));
            }
            names.iter().cloned().zip(record.fields.into_iter().map(|f| cell_value(f.text, f.quoted))).collect()
        })
        .collect();
    Ok((rows, warnings))
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Newman's cast: unquoted integers and decimals become numbers, everything else stays text.
/// Unlike Newman, a number written with leading zeros (`007`, a postcode) stays text, since
/// casting would lose the zeros.
pub(crate) fn cell_value(text: String, quoted: bool) -> Value {
    if quoted || !looks_numeric(&text) {
        return Value::String(text);
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Number(i.into());
    }
    if let Ok(u) = text.parse::<u64>() {
        return Value::Number(u.into());
    }
    let is_integer = !text.contains(['.', 'e', 'E']);
    match text.parse::<f64>().ok().and_then(Number::from_f64) {
        // An integer too big for 64 bits keeps its digits as text rather than rounding.
        Some(n) if !is_integer => Value::Number(n),
        _ => Value::String(text),
    }
}

/// `[+-]digits[.digits][e[+-]digits]`, or `.5`; no leading zero before another digit.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let int_ok = all_digits(int) && !(int.len() > 1 && int.starts_with('0'));
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && all_digits(f));
    let has_digits = !int.is_empty() || frac.is_some_and(|f| !f.is_empty());
    let exp_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && all_digits(digits)
    });
    int_ok && frac_ok && has_digits && exp_ok
}
