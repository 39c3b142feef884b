//! Walking a v3 collection directory: which directories are collections, folders and
//! requests, read into memory as parsed files. The only part of the v3 loader that touches
//! the disk (besides `yaml`); everything it finds is handed on as plain data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::super::error::LoadError;
use super::yaml::read_mapping;

/// One directory of a collection: the collection root or a folder.
#[derive(Debug)]
pub struct DirNode {
    pub dir: PathBuf,
    /// The directory's own name, the default display name.
    pub dir_name: String,
    /// Its path under the collection root, `/`-separated (empty for the root).
    pub rel_path: String,
    /// `.resources/definition.yaml`, when there is one.
    pub definition: Option<ParsedFile>,
    pub requests: Vec<ParsedFile>,
    pub folders: Vec<DirNode>,
}

#[derive(Debug)]
pub struct ParsedFile {
    pub path: PathBuf,
    /// The file name without `.request.yaml` (or the directory name, for a definition).
    pub stem: String,
    pub map: Map<String, Value>,
}

/// What the walk found besides the tree: files that could not be read or parsed, and
/// things that are ignored on purpose (a request file inside `.resources/`).
#[derive(Debug, Default)]
pub struct WalkReport {
    pub errors: Vec<LoadError>,
    pub warnings: Vec<String>,
}

const REQUEST_SUFFIXES: [&str; 2] = [".request.yaml", ".request.yml"];

/// The stem of a request file name, when the name is one.
pub fn request_stem(file_name: &str) -> Option<&str> {
    REQUEST_SUFFIXES.iter().find_map(|s| file_name.strip_suffix(s)).filter(|stem| !stem.is_empty())
}

/// Reserved metadata directories (`.resources`, `<request>.resources`) are never walked.
fn is_resources(name: &str) -> bool {
    name.ends_with(".resources")
}

fn definition_path(dir: &Path) -> Option<PathBuf> {
    ["definition.yaml", "definition.yml"].iter().map(|n| dir.join(".resources").join(n)).find(|p| p.is_file())
}

/// A directory is a collection root (or a folder) when it has a definition or request files
/// of its own: detection is by content, never by the directory's name.
pub fn looks_like_collection(dir: &Path) -> bool {
    if definition_path(dir).is_some() {
        return true;
    }
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.file_type().is_ok_and(|t| t.is_file()) && request_stem(&e.file_name().to_string_lossy()).is_some())
}

/// Native Git's `postman/collections`: every directory in it with requests anywhere under
/// it is one collection, even one with no definition and only folders.
pub fn is_collections_dir(dir: &Path) -> bool {
    let name = |p: Option<&Path>| p.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    name(Some(dir)).as_deref() == Some("collections") && name(dir.parent()).as_deref() == Some("postman")
}

/// The collections a directory holds when it is not one itself, sorted by name: in Native
/// Git's `postman/collections` (or a project root holding one), every sub-directory with
/// content; elsewhere, the sub-directories that look like collections.
pub fn collections_under(dir: &Path) -> Vec<PathBuf> {
    let project = dir.join("postman").join("collections");
    let base = if project.is_dir() && !looks_like_collection(dir) { project } else { dir.to_path_buf() };
    let native = is_collections_dir(&base) || base == dir.join("postman").join("collections");
    let mut found: Vec<PathBuf> = sub_dirs(&base)
        .into_iter()
        .filter(|d| {
            let name = d.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            !name.starts_with('.') && if native { has_content(d) } else { looks_like_collection(d) }
        })
        .collect();
    found.sort();
    found
}

fn sub_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// Reads the whole tree under `root`; unreadable or invalid files are collected in the
/// report (all of them, so one run of postie lists every file to fix).
pub fn walk(root: &Path, report: &mut WalkReport) -> DirNode {
    walk_at(root, String::new(), report)
}

fn walk_at(root: &Path, rel_path: String, report: &mut WalkReport) -> DirNode {
    let dir_name =
        root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| root.display().to_string());
    let definition = definition_path(root).and_then(|path| parse(&path, dir_name.clone(), report));
    let mut node =
        DirNode { dir: root.to_path_buf(), dir_name, rel_path, definition, requests: Vec::new(), folders: Vec::new() };
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(source) => {
            report.errors.push(LoadError::Io { file: root.to_path_buf(), source });
            return node;
        }
    };
    // Lower-cased names: Postman requires them unique without regard to case.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut paths: Vec<(PathBuf, bool)> =
        entries.flatten().map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir()))).collect();
    paths.sort();
    for (path, is_dir) in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if is_dir && is_resources(&name) {
            stray_requests(&path, report);
            continue;
        }
        if is_dir && name.starts_with('.') {
            continue;
        }
        let is_request = !is_dir && request_stem(&name).is_some();
        if !is_dir && !is_request {
            continue;
        }
        let folded = name.to_lowercase();
        let folded = REQUEST_SUFFIXES
            .iter()
            .find_map(|s| folded.strip_suffix(s))
            .map(|s| format!("{s}.request"))
            .unwrap_or(folded);
        if let Some(first) = seen.insert(folded, name.clone()) {
            report.errors.push(LoadError::Shape {
                file: path.clone(),
                path: "its name".into(),
                message: format!(
                    "`{name}` and `{first}` in {} differ only in letter case (or in .yaml/.yml); Postman needs names unique without regard to case: rename one",
                    root.display()
                ),
            });
            continue;
        }
        if is_dir {
            if has_content(&path) {
                let rel = if node.rel_path.is_empty() { name.clone() } else { format!("{}/{name}", node.rel_path) };
                node.folders.push(walk_at(&path, rel, report));
            }
        } else if let Some(stem) = request_stem(&name)
            && let Some(file) = parse(&path, stem.to_string(), report)
        {
            node.requests.push(file);
        }
    }
    node
}

/// A sub-directory with no request anywhere under it and no definition is not a folder
/// (an `assets/` directory next to the requests, say).
pub fn has_content(dir: &Path) -> bool {
    looks_like_collection(dir)
        || sub_dirs(dir).iter().any(|d| {
            let name = d.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            !is_resources(&name) && !name.starts_with('.') && has_content(d)
        })
}

fn parse(path: &Path, stem: String, report: &mut WalkReport) -> Option<ParsedFile> {
    match read_mapping(path) {
        Ok(map) => Some(ParsedFile { path: path.to_path_buf(), stem, map }),
        Err(e) => {
            report.errors.push(e);
            None
        }
    }
}

/// Postman never treats a request file under `.resources/` as a request; say so, since a
/// user who put it there expected it to run.
fn stray_requests(dir: &Path, report: &mut WalkReport) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            stray_requests(&path, report);
        } else if request_stem(&name).is_some() {
            report.warnings.push(format!(
                "{}: ignored: a request file inside a `.resources` directory is metadata, not a request (as in Postman); move it out of `.resources` to run it",
                path.display()
            ));
        }
    }
}
