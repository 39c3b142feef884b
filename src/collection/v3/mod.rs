//! Postman's v3 collection format (schema 3.0.0): a directory of YAML files, one per request
//! and one `.resources/definition.yaml` per collection and folder (COLLECTION-V3.md).
//!
//! Loading renders the tree as the v2.1 document it stands for and builds the model from
//! that, so nothing after loading knows which format a collection came from. `write` goes
//! the other way for `postie convert`.

mod fields;
mod findings;
mod from_v21;
mod order;
mod to_v21;
mod tree;
mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::error::LoadError;
use super::model::Collection;

pub use findings::unquoted_variable;
pub use from_v21::{V3File, render};
pub use to_v21::V21_SCHEMA;
pub use tree::{collections_under, has_content, is_collections_dir, looks_like_collection};

/// The id a folder without one in its definition gets: its path under the collection root,
/// so `postie run Coll/Orders/Admin` selects exactly that folder.
pub const PATH_ID_PREFIX: &str = "v3-path:";
pub use yaml::{parse_mapping, read_mapping, to_json as yaml_to_json};

/// Loads the v3 collection rooted at `dir`. Every invalid file is listed in one error;
/// with `strict`, unknown keys are errors too (otherwise warnings on the collection).
pub fn load_dir(dir: &Path, strict: bool) -> Result<Collection, LoadError> {
    let (doc, warnings) = to_v21_document(dir, strict)?;
    let mut collection = super::load::from_value(doc, dir)?;
    collection.warnings.splice(0..0, warnings);
    Ok(collection)
}

/// The v2.1 document of the v3 collection at `dir`, with the warnings found on the way.
pub fn to_v21_document(dir: &Path, strict: bool) -> Result<(Value, Vec<String>), LoadError> {
    let mut report = tree::WalkReport::default();
    let root = tree::walk(dir, &mut report);
    document(&root, report, dir, strict)
}

/// One request file's text as a collection of that one request, with no disk access (for
/// property tests and fuzzing; `file` names it in messages).
pub fn load_request_text(text: &str, file: &Path, strict: bool) -> Result<Collection, LoadError> {
    let map = parse_mapping(text, file)?;
    let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let stem = file.file_name().and_then(|n| tree::request_stem(&n.to_string_lossy()).map(str::to_string));
    let request = tree::ParsedFile { path: file.to_path_buf(), stem: stem.unwrap_or_else(|| "request".into()), map };
    let root = tree::DirNode {
        dir: dir.clone(),
        dir_name: "collection".into(),
        rel_path: String::new(),
        definition: None,
        requests: vec![request],
        folders: Vec::new(),
    };
    let (doc, warnings) = document(&root, tree::WalkReport::default(), &dir, strict)?;
    let mut collection = super::load::from_value(doc, &dir)?;
    collection.warnings.splice(0..0, warnings);
    Ok(collection)
}

fn document(
    root: &tree::DirNode,
    report: tree::WalkReport,
    dir: &Path,
    strict: bool,
) -> Result<(Value, Vec<String>), LoadError> {
    let mut found = findings::Findings { errors: report.errors, warnings: report.warnings, unknown_keys: Vec::new() };
    let doc = to_v21::collection(root, &mut found);
    let mut problems: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
    if strict {
        problems.append(&mut found.unknown_keys);
    } else {
        found.warnings.append(&mut found.unknown_keys);
    }
    if !problems.is_empty() {
        return Err(LoadError::Invalid { dir: dir.to_path_buf(), problems, strict });
    }
    Ok((doc, found.warnings))
}

/// Writes `files` (from `render`) under `out`, creating directories; refuses to write into
/// a non-empty directory so a conversion never mixes with an older tree.
pub fn write(out: &Path, files: &[V3File]) -> Result<(), LoadError> {
    let io = |file: PathBuf| move |source| LoadError::Io { file, source };
    if out.is_dir() && std::fs::read_dir(out).map_err(io(out.to_path_buf()))?.next().is_some() {
        return Err(LoadError::Shape {
            file: out.to_path_buf(),
            path: "the output directory".into(),
            message: "is not empty; give a new or empty directory so the v3 tree is not mixed with other files".into(),
        });
    }
    for file in files {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent.to_path_buf()))?;
        }
        std::fs::write(&path, &file.text).map_err(io(path.clone()))?;
    }
    Ok(())
}
