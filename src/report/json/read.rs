//! Reading a postie JSON report back, streamed: its `shard` block, the collection copy as
//! raw text, the run's `error`, the final scopes, and each execution handed over one at a
//! time (merge-reports and `--shard-timings` read reports of any size in flat memory).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// What a report holds besides its executions.
#[derive(Debug, Default)]
pub struct ReportParts {
    pub shard: Option<Value>,
    /// The collection copy, as JSON text.
    pub collection: Option<String>,
    /// `run.error`: set when the run was interrupted or timed out.
    pub error: Option<Value>,
    /// `run.warnings`: the run-level notices.
    pub warnings: Vec<String>,
    /// `shardComplete: false`: the shard stopped early (`--bail`).
    pub shard_incomplete: bool,
    pub environment: Option<Value>,
    pub globals: Option<Value>,
    pub shard_writes: Option<Value>,
    pub executions: usize,
    /// Whether a `run` object was found at all.
    pub has_run: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadReportError {
    #[error("cannot read the report {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the report {}{} ends early (at line {line}): the run that wrote it was stopped before it finished the file",
        path.display(),
        shard.as_deref().map(|s| format!(" (shard {s})")).unwrap_or_default()
    )]
    Truncated { path: PathBuf, line: usize, shard: Option<String> },
    #[error("{} is not a JSON report (line {line}, column {column}: {message})", path.display())]
    NotJson { path: PathBuf, line: usize, column: usize, message: String },
}

/// Reads `path`, calling `on_execution` with each `run.executions` entry in file order;
/// when it returns false, the rest of the file is still read but no more calls are made.
pub fn read_report(path: &Path, on_execution: &mut dyn FnMut(Value) -> bool) -> Result<ReportParts, ReadReportError> {
    let file = std::fs::File::open(path).map_err(|source| ReadReportError::Io { path: path.to_path_buf(), source })?;
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let mut parts = ReportParts::default();
    let result = TopSeed { parts: &mut parts, on_execution }.deserialize(&mut de).and_then(|()| de.end());
    match result {
        Ok(()) => Ok(parts),
        Err(e) if e.is_io() => Err(ReadReportError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) }),
        Err(e) if e.is_eof() => Err(ReadReportError::Truncated {
            path: path.to_path_buf(),
            line: e.line(),
            // The block comes first: a report cut later still says which shard it was.
            shard: parts.shard.as_ref().map(|b| format!("{}/{}", b["index"], b["total"])),
        }),
        Err(e) => Err(ReadReportError::NotJson {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string().split(" at line").next().unwrap_or_default().to_string(),
        }),
    }
}

struct TopSeed<'a> {
    parts: &'a mut ReportParts,
    on_execution: &'a mut dyn FnMut(Value) -> bool,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON report object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "shard" => self.parts.shard = Some(map.next_value()?),
                "collection" => {
                    let raw: Box<RawValue> = map.next_value()?;
                    self.parts.collection = Some(raw.get().to_string());
                }
                "run" => {
                    self.parts.has_run = true;
                    map.next_value_seed(RunSeed { parts: &mut *self.parts, on_execution: &mut *self.on_execution })?;
                }
                "environment" => self.parts.environment = Some(map.next_value()?),
                "globals" => self.parts.globals = Some(map.next_value()?),
                "shardWrites" => self.parts.shard_writes = Some(map.next_value()?),
                "shardComplete" => self.parts.shard_incomplete = map.next_value::<Value>()? == Value::Bool(false),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct RunSeed<'a> {
    parts: &'a mut ReportParts,
    on_execution: &'a mut dyn FnMut(Value) -> bool,
}

impl<'de> DeserializeSeed<'de> for RunSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RunSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the report's `run` object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "executions" => map.next_value_seed(ExecutionsSeed {
                    parts: &mut *self.parts,
                    on_execution: &mut *self.on_execution,
                })?,
                "error" => self.parts.error = Some(map.next_value::<Value>()?).filter(|e| !e.is_null()),
                "warnings" => {
                    let list: Value = map.next_value()?;
                    self.parts.warnings =
                        list.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect();
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct ExecutionsSeed<'a> {
    parts: &'a mut ReportParts,
    on_execution: &'a mut dyn FnMut(Value) -> bool,
}

impl<'de> DeserializeSeed<'de> for ExecutionsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ExecutionsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the list of executions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut wanted = true;
        while let Some(execution) = seq.next_element::<Value>()? {
            self.parts.executions += 1;
            if wanted {
                wanted = (self.on_execution)(execution);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parts_streams_executions_and_names_truncation() {
        let dir = tempfile::tempdir().unwrap();
        let full = dir.path().join("r.json");
        std::fs::write(
            &full,
            r#"{"shard": {"index": 1}, "collection": {"info": {"name": "c"}, "item": []},
               "run": {"executions": [{"cursor": {"position": 0}}, {"cursor": {"position": 1}}], "stats": {}, "error": null},
               "environment": {"values": []}, "globals": {"values": []}}"#,
        )
        .unwrap();
        let mut seen = Vec::new();
        let parts = read_report(&full, &mut |e| {
            seen.push(e["cursor"]["position"].as_u64());
            true
        })
        .unwrap();
        assert_eq!(seen, [Some(0), Some(1)]);
        assert_eq!(parts.executions, 2);
        assert_eq!(parts.shard, Some(serde_json::json!({"index": 1})));
        assert_eq!(parts.collection.as_deref(), Some(r#"{"info": {"name": "c"}, "item": []}"#));
        assert!(parts.error.is_none() && parts.has_run);

        let cut = dir.path().join("cut.json");
        std::fs::write(
            &cut,
            r#"{"shard": {"index": 2}, "collection": {}, "run": {"executions": [{"cursor": {}}, {"cu"#,
        )
        .unwrap();
        let err = read_report(&cut, &mut |_| true).unwrap_err();
        assert!(matches!(err, ReadReportError::Truncated { .. }), "{err}");
        let text = dir.path().join("t.json");
        std::fs::write(&text, "not json").unwrap();
        assert!(matches!(read_report(&text, &mut |_| true).unwrap_err(), ReadReportError::NotJson { .. }));
    }
}
