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

/// When `dir` is a folder inside a v3 collection, the collection's root and the folder's
/// id (its own, or its path id), so the run keeps the collection's variables, auth and
/// scripts and runs only that folder. The root is the ancestor directly in Native Git's
/// `postman/collections`, else the last ancestor that still looks like a collection.
pub fn enclosing_collection(dir: &Path) -> Option<(PathBuf, String)> {
    let dir = dir.canonicalize().ok()?;
    let native = dir.ancestors().skip(1).find(|a| a.parent().is_some_and(v3::is_collections_dir));
    let root = match native {
        Some(root) => root.to_path_buf(),
        None => {
            let mut root = dir.clone();
            while let Some(parent) = root.parent().filter(|p| v3::looks_like_collection(p)) {
                root = parent.to_path_buf();
            }
            root
        }
    };
    if root == dir || v3::is_collections_dir(&dir) {
        return None;
    }
    let rel: Vec<String> =
        dir.strip_prefix(&root).ok()?.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let own_id = ["definition.yaml", "definition.yml"]
        .iter()
        .find_map(|n| v3::read_mapping(&dir.join(".resources").join(n)).ok())
        .and_then(|def| def.get("id").and_then(|n| n.as_str()).map(str::to_string));
    Some((root, own_id.unwrap_or_else(|| format!("{}{}", v3::PATH_ID_PREFIX, rel.join("/")))))
}

/// The collections `path` names: one for a file or a v3 collection root; every collection
/// of a directory that holds several (`postman/collections`), sorted by name.
pub fn locate(path: &Path) -> Result<Vec<Source>, LoadError> {
    let meta = std::fs::metadata(path).map_err(|source| LoadError::Io { file: path.to_path_buf(), source })?;
    // Anything that is not a directory is a file to read: a regular file, or a pipe
    // (`<(curl ...)`, /dev/stdin).
    if !meta.is_dir() {
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
    if v3::looks_like_collection(path)
        || path.canonicalize().ok().and_then(|p| p.parent().map(v3::is_collections_dir)).unwrap_or(false)
            && v3::has_content(path)
    {
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
