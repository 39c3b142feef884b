//! Where a collection comes from: a v2.x JSON file or a v3 directory, decided by what the
//! path holds, never by its name; and loading either into the one model.

use std::path::{Path, PathBuf};

use super::error::LoadError;
use super::model::Collection;
use super::v3;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A Postman v2.0 / v2.1 JSON export.
    V2File(PathBuf),
    /// The root directory of a v3 (YAML) collection.
    V3Dir(PathBuf),
}

impl Source {
    pub fn path(&self) -> &Path {
        match self {
            Source::V2File(p) | Source::V3Dir(p) => p,
        }
    }

    /// The collection's directory or file name, for report file names and listings.
    pub fn short_name(&self) -> String {
        let path = self.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match self {
            Source::V3Dir(_) => name,
            Source::V2File(_) => name.split('.').next().unwrap_or(&name).to_string(),
        }
    }

    pub fn load(&self, strict: bool) -> Result<Collection, LoadError> {
        match self {
            Source::V2File(path) => super::load::load_file(path),
            Source::V3Dir(dir) => v3::load_dir(dir, strict),
        }
    }
}

/// When `dir` is a folder inside a v3 collection (its parents are part of the same tree),
/// the collection's root and the folder's display name, so the run keeps the collection's
/// variables, auth and scripts and runs only that folder (as `--folder` does).
pub fn enclosing_collection(dir: &Path) -> Option<(PathBuf, String)> {
    let dir = dir.canonicalize().ok()?;
    let mut root = dir.clone();
    while let Some(parent) = root.parent().filter(|p| v3::looks_like_collection(p)) {
        root = parent.to_path_buf();
    }
    if root == dir {
        return None;
    }
    let dir_name = dir.file_name()?.to_string_lossy().into_owned();
    let name = ["definition.yaml", "definition.yml"]
        .iter()
        .find_map(|n| v3::read_mapping(&dir.join(".resources").join(n)).ok())
        .and_then(|def| def.get("name").and_then(|n| n.as_str()).map(str::to_string))
        .unwrap_or(dir_name);
    Some((root, name))
}

/// The collections `path` names: one for a file or a v3 collection root; every collection
/// of a directory that holds several (`postman/collections`), sorted by name.
pub fn locate(path: &Path) -> Result<Vec<Source>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io { file: path.to_path_buf(), source })?;
    if meta.is_file() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let parent = path.parent();
        // `.resources/definition.yaml` stands for its collection.
        if name.starts_with("definition.y")
            && let Some(resources) = parent.filter(|p| p.file_name().is_some_and(|n| n == ".resources"))
            && let Some(root) = resources.parent()
        {
            return Ok(vec![Source::V3Dir(root.to_path_buf())]);
        }
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            return Err(LoadError::Shape {
                file: path.to_path_buf(),
                path: "the path".into(),
                message: format!(
                    "a v3 collection is a directory, not one YAML file; pass the collection's directory{}",
                    parent.map(|p| format!(" (for example {})", p.display())).unwrap_or_default()
                ),
            });
        }
        return Ok(vec![Source::V2File(path.to_path_buf())]);
    }
    if v3::looks_like_collection(path) {
        return Ok(vec![Source::V3Dir(path.to_path_buf())]);
    }
    let found: Vec<Source> = v3::collections_under(path).into_iter().map(Source::V3Dir).collect();
    if found.is_empty() {
        return Err(LoadError::Shape {
            file: path.to_path_buf(),
            path: "the directory".into(),
            message: "holds no collection: a v3 collection directory has *.request.yaml files or .resources/definition.yaml (a v2.1 collection is a .json file)".into(),
        });
    }
    Ok(found)
}
