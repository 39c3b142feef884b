//! Iteration data files: CSV and JSON.

use serde_json::{Value, json};

use super::write;
use crate::vars::{VarsError, load_iteration_data};

fn rows_of(name: &str, text: &[u8]) -> Result<Vec<Value>, VarsError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(&dir, name, text);
    load_iteration_data(&path).map(|rows| rows.into_iter().map(Value::Object).collect())
}

#[test]
fn csv_files() {
    let cases: &[(&str, &[u8], Value)] = &[
        ("plain.csv", b"user,id\nada,1\nbob,2\n", json!([{"user": "ada", "id": 1}, {"user": "bob", "id": 2}])),
        ("bom.csv", b"\xef\xbb\xbfuser,id\r\nada,1\r\n", json!([{"user": "ada", "id": 1}])),
        (
            "quotes.csv",
            b"name,quote,n\n\"Lovelace, Ada\",\"she said \"\"hi\"\"\",\"42\"\n",
            json!([{"name": "Lovelace, Ada", "quote": "she said \"hi\"", "n": "42"}]),
        ),
        ("multiline.csv", b"a,b\n\"line1\nline2\",x\n", json!([{"a": "line1\nline2", "b": "x"}])),
        (
            "numbers.csv",
            b"i,neg,f,exp,zip,big,text,empty,bool\n7,-3,2.50,1e3,007,123456789012345678901234,7a,,true\n",
            json!([{"i": 7, "neg": -3, "f": 2.5, "exp": 1000.0, "zip": "007",
                    "big": "123456789012345678901234", "text": "7a", "empty": "", "bool": "true"}]),
        ),
        ("trim.csv", b" a , b \n  x  ,  \" y \"  \n", json!([{"a": "x", "b": " y "}])),
        ("blank-lines.csv", b"a\n1\n\n2\n\n", json!([{"a": 1}, {"a": 2}])),
        ("header-only.csv", b"a,b\n", json!([])),
        ("empty.csv", b"", json!([])),
        ("no-newline.csv", b"a\nlast", json!([{"a": "last"}])),
        ("relaxed.csv", b"a\nsay \"x\" now\n", json!([{"a": "say \"x\" now"}])),
        ("data.txt", b"k\nv\n", json!([{"k": "v"}])),
    ];
    for (name, text, want) in cases {
        let got = rows_of(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Value::Array(got), *want, "{name}");
    }
}

/// Newman 6.2.2 on `a,b,c` / `1,2` / `3,4,5,6`: iterationData `{"a":1,"b":2}` then
/// `{"a":3,"b":4,"c":5}`.
#[test]
fn uneven_csv_rows_are_taken_as_newman_takes_them_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("uneven.csv");
    std::fs::write(&path, "a,b,c\n1,2\n3,4,5,6\n7,8,9\n").unwrap();
    let (rows, warnings) = crate::vars::load_iteration_data_noting(&path).unwrap();
    let rows: Vec<Value> = rows.into_iter().map(Value::Object).collect();
    assert_eq!(Value::Array(rows), json!([{"a": 1, "b": 2}, {"a": 3, "b": 4, "c": 5}, {"a": 7, "b": 8, "c": 9}]));
    assert_eq!(warnings.len(), 2);
    assert!(
        warnings[0].contains("row 1 (line 2) has 2 values but the header row has 3 columns; the missing columns"),
        "{}",
        warnings[0]
    );
    assert!(warnings[1].contains("row 2 (line 3) has 4 values") && warnings[1].contains("extra values are dropped"));
}

#[test]
fn csv_errors_name_row_and_line() {
    let cases: &[(&[u8], usize, usize, &str)] =
        &[(b"a\n\"x\ny\"\n\"open\nstill open\n", 2, 4, "never closed"), (b"a,\"b\n1,2\n", 0, 1, "never closed")];
    for (text, row, line, want) in cases {
        let err = rows_of("bad.csv", text).expect_err(want);
        match &err {
            VarsError::Csv { row: r, line: l, .. } => assert_eq!((*r, *l), (*row, *line), "{err}"),
            other => panic!("expected a CSV error, got {other}"),
        }
        let msg = err.to_string();
        assert!(msg.contains(want) && msg.contains("bad.csv"), "{msg}");
        let place = match row {
            0 => format!("the header row (line {line})"),
            _ => format!("row {row} (line {line})"),
        };
        assert!(msg.contains(&place), "{msg}");
    }
}

#[test]
fn json_files() {
    let ok = rows_of("d.json", br#"[{"u": "ada", "n": 1, "o": {"deep": true}}, {}]"#).expect("valid");
    assert_eq!(Value::Array(ok), json!([{"u": "ada", "n": 1, "o": {"deep": true}}, {}]));
    // Detected by content when the name says nothing.
    assert_eq!(rows_of("d.data", b"  [{\"a\": 1}]").expect("json").len(), 1);

    let bad: &[(&str, &[u8], &str)] = &[
        ("obj.json", br#"{"u": "ada"}"#, "the top level is an object, not an array"),
        ("row.json", br#"[{"a": 1}, "b"]"#, "`[1]` (row 2) is a string, not an object"),
        ("syntax.json", b"[\n  {\"a\": 1,}\n]", "line 2, column 11"),
    ];
    for (name, text, want) in bad {
        let err = rows_of(name, text).expect_err(want);
        let msg = err.to_string();
        assert!(msg.contains(want) && msg.contains(name), "{msg}");
        assert!(msg.contains("iteration data file"), "{msg}");
    }
}
