//! Inputs named by URL (`postie run https://…/collection.json -e https://…/env.json`), as
//! Newman takes them: each is fetched once before anything else and read from a private
//! temporary copy, so the loaders, their streaming and their messages stay those of files.
//! The fetch goes through the route the proxy settings give the URL (`--proxy`, the system
//! proxy and their bypass lists; not the PAC, which is loaded later) with the run's TLS
//! flags. URLs are named without credentials or query (an API key often sits there).

use std::path::{Path, PathBuf};

use super::failure::Failure;
use crate::cli::RunArgs;

/// The folder holding the downloaded copies; removed when the run ends.
pub struct Downloads {
    dir: Option<PathBuf>,
}

impl Drop for Downloads {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// The URL an input path holds, if it is one.
fn as_url(path: &Path) -> Option<url::Url> {
    let text = path.to_str()?;
    let lower = text.get(..8)?.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| url::Url::parse(text).ok()).flatten()
}

/// `https://host/path`: no credentials, no query, no fragment.
pub fn shown(url: &url::Url) -> String {
    let mut plain = url.clone();
    let _ = plain.set_username("");
    let _ = plain.set_password(None);
    plain.set_query(None);
    plain.set_fragment(None);
    plain.to_string()
}

/// Replaces every input of `args` given as a URL by a local copy of what it serves.
pub fn fetch_inputs(args: &mut RunArgs) -> Result<Downloads, Failure> {
    let mut downloads = Downloads { dir: None };
    let what = ["collection", "environment", "globals", "iteration-data"];
    let wanted: Vec<(usize, url::Url)> =
        [Some(&args.collection), args.environment.as_ref(), args.globals.as_ref(), args.iteration_data.as_ref()]
            .into_iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.and_then(|p| as_url(p)).map(|u| (i, u)))
            .collect();
    if wanted.is_empty() {
        return Ok(downloads);
    }
    let dir = std::env::temp_dir().join(format!("postie-inputs-{}-{}", std::process::id(), rand::random::<u32>()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::input(format!("cannot create {} for downloaded inputs: {e}", dir.display())))?;
    downloads.dir = Some(dir.clone());
    let build = super::inputs::proxy_policy(&args.proxy)?;
    let extra_roots = match &args.ssl_extra_ca_certs {
        Some(path) => crate::http::load_ca_bundle(path, "--ssl-extra-ca-certs").map_err(Failure::input)?,
        None => Vec::new(),
    };
    let tls = crate::http::fetch::FetchTls { insecure: args.insecure, extra_roots };
    for (i, url) in wanted {
        let route = build.policy.route(&url, None);
        let bytes = crate::http::fetch::fetch_bytes(&url, route, &tls)
            .map_err(|why| Failure::input(format!("the {} at {} cannot be fetched: {why}", what[i], shown(&url))))?;
        let name = url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .filter(|s| !s.is_empty() && !s.ends_with(".yaml") && !s.ends_with(".yml"))
            .unwrap_or("download");
        let local = dir.join(format!("{}-{name}", what[i]));
        std::fs::write(&local, bytes).map_err(|e| {
            Failure::input(format!("cannot write {} fetched from {}: {e}", local.display(), shown(&url)))
        })?;
        let slot = match i {
            0 => Some(&mut args.collection),
            1 => args.environment.as_mut(),
            2 => args.globals.as_mut(),
            _ => args.iteration_data.as_mut(),
        };
        if let Some(slot) = slot {
            *slot = local;
        }
    }
    Ok(downloads)
}
