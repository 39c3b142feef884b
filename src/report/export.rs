//! Where report files go: `export_path` picks the file (a directory means "a timestamped
//! file inside it", as in Newman), and `create_report_file` opens it before the run starts
//! so an unwritable path fails early (exit 3) instead of after a long run.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::reporter::ReportError;

/// The file a reporter writes to: a timestamped `postie-run-report-<UTC time>.<ext>` inside
/// `path` when `path` is an existing directory or ends with a path separator (`reports/`,
/// created when missing), otherwise `path` itself.
///
/// `_reporter` is not part of the name (the extension already tells the reports apart).
pub fn export_path(path: &Path, _reporter: &str, ext: &str, started: SystemTime) -> PathBuf {
    let folder = path.as_os_str().to_string_lossy().ends_with(std::path::is_separator);
    if !path.is_dir() && !folder {
        return path.to_path_buf();
    }
    let stamp = chrono::DateTime::<chrono::Utc>::from(started).format("%Y-%m-%d-%H-%M-%S-%3f");
    path.join(format!("postie-run-report-{stamp}.{ext}"))
}

/// Creates (or truncates) the report file, creating missing parent folders.
pub(crate) fn create_report_file(reporter: &'static str, path: &Path) -> Result<BufWriter<File>, ReportError> {
    let io = |source| ReportError::Io { reporter, path: path.to_path_buf(), source };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    File::create(path).map(BufWriter::new).map_err(io)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn directories_get_a_timestamped_name_and_files_stay_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let started = UNIX_EPOCH + Duration::from_millis(1_746_090_000_042);
        let file = dir.path().join("out.xml");
        let missing_dir = dir.path().join("not-yet");
        let cases = [
            (dir.path().to_path_buf(), "xml", dir.path().join("postie-run-report-2025-05-01-09-00-00-042.xml")),
            (dir.path().to_path_buf(), "json", dir.path().join("postie-run-report-2025-05-01-09-00-00-042.json")),
            (file.clone(), "xml", file.clone()),
            (missing_dir.clone(), "json", missing_dir.clone()),
            (dir.path().join("new/"), "html", dir.path().join("new/postie-run-report-2025-05-01-09-00-00-042.html")),
        ];
        for (input, ext, expected) in cases {
            assert_eq!(export_path(&input, "junit", ext, started), expected, "{}", input.display());
        }
    }

    #[test]
    fn creating_makes_parent_folders_and_fails_early_with_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/report.json");
        create_report_file("json", &nested).unwrap();
        assert!(nested.is_file());

        // a regular file where a folder is needed
        let blocked = dir.path().join("a/b/report.json/inner.json");
        let err = create_report_file("json", &blocked).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("json report") && text.contains("inner.json"), "{text}");
    }
}
