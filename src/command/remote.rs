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

/// The Postman API, where Newman fetches inputs given as UIDs.
const POSTMAN_API: &str = "https://api.postman.com";

/// A Postman UID (`<owner id>-<uuid>`), as Newman matches it.
fn is_postman_uid(text: &str) -> bool {
    let Some((owner, uuid)) = text.split_once('-') else { return false };
    !owner.is_empty()
        && owner.chars().all(|c| c.is_ascii_alphanumeric())
        && uuid.len() == 36
        && uuid::Uuid::try_parse(uuid).is_ok_and(|_| uuid.chars().filter(|c| *c == '-').count() == 4)
}

/// Where an input is fetched from and with which API key: a UID of a collection or
/// environment (not an existing file) becomes its Postman API URL when a key is given; a
/// URL on the Postman API carries its `apikey` query parameter (taken out of the URL) or
/// the key, as Newman sends them.
fn target(
    path: &Path,
    what: &str,
    key: Option<&crate::secret::Secret>,
) -> Option<(url::Url, Option<crate::secret::Secret>)> {
    let text = path.to_str()?;
    let api_path = match what {
        "collection" => Some("collections"),
        "environment" => Some("environments"),
        _ => None,
    };
    if let (Some(api_path), Some(key)) = (api_path, key)
        && is_postman_uid(text)
        && !path.exists()
    {
        let url = url::Url::parse(&format!("{POSTMAN_API}/{api_path}/{text}")).ok()?;
        return Some((url, Some(key.clone())));
    }
    let mut url = as_url(path)?;
    let on_api = matches!(
        url.host_str().map(str::to_ascii_lowercase).as_deref(),
        Some("api.postman.com" | "api.getpostman.com")
    );
    if !on_api {
        return Some((url, None));
    }
    let in_query =
        url.query_pairs().find(|(k, _)| k == "apikey").map(|(_, v)| crate::secret::Secret::new(v.into_owned()));
    let rest: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != "apikey").map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if rest.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(rest);
    }
    Some((url, in_query.or_else(|| key.cloned())))
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
    let key = args.postman_api_key.clone().filter(|k| !k.is_empty()).map(crate::secret::Secret::new);
    let wanted: Vec<(usize, url::Url, Option<crate::secret::Secret>)> =
        [Some(&args.collection), args.environment.as_ref(), args.globals.as_ref(), args.iteration_data.as_ref()]
            .into_iter()
            .enumerate()
            .filter_map(|(i, slot)| slot.and_then(|p| target(p, what[i], key.as_ref())).map(|(u, k)| (i, u, k)))
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
    for (i, url, key) in wanted {
        let route = build.policy.route(&url, None);
        let headers: Vec<(&str, &crate::secret::Secret)> = key.iter().map(|k| ("X-Api-Key", k)).collect();
        let bytes = crate::http::fetch::fetch_bytes(&url, route, &tls, &headers)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    const UID: &str = "12345678-0b4e3d1c-6b8a-4f0e-9a5e-3f2d1c0b9a8e";

    #[test]
    fn uids_match_as_newman_matches_them() {
        assert!(is_postman_uid(UID));
        assert!(is_postman_uid("ABC9-0B4E3D1C-6B8A-4F0E-9A5E-3F2D1C0B9A8E"));
        assert!(!is_postman_uid("0b4e3d1c-6b8a-4f0e-9a5e-3f2d1c0b9a8e"), "a bare uuid has no owner");
        assert!(!is_postman_uid("collection.json"));
        assert!(!is_postman_uid("1-0b4e3d1c6b8a4f0e9a5e3f2d1c0b9a8e00000"));
    }

    #[test]
    fn uids_become_api_urls_only_with_a_key_and_for_collections_and_environments() {
        let key = Secret::new("K");
        let (url, sent) = target(Path::new(UID), "collection", Some(&key)).expect("api URL");
        assert_eq!(url.as_str(), format!("https://api.postman.com/collections/{UID}"));
        assert_eq!(sent.map(|k| k.expose().to_string()).as_deref(), Some("K"));
        let (url, _) = target(Path::new(UID), "environment", Some(&key)).expect("api URL");
        assert_eq!(url.as_str(), format!("https://api.postman.com/environments/{UID}"));
        assert!(target(Path::new(UID), "collection", None).is_none(), "no key: a file name");
        assert!(target(Path::new(UID), "globals", Some(&key)).is_none());
    }

    #[test]
    fn api_urls_take_the_key_from_their_query_first() {
        let key = Secret::new("flag");
        let (url, sent) =
            target(Path::new("https://api.getpostman.com/collections/c?apikey=q&a=1"), "collection", Some(&key))
                .expect("URL");
        assert_eq!(url.as_str(), "https://api.getpostman.com/collections/c?a=1");
        assert_eq!(sent.map(|k| k.expose().to_string()).as_deref(), Some("q"));
        let (url, sent) = target(Path::new("https://API.postman.com/c"), "collection", Some(&key)).expect("URL");
        assert_eq!((url.query(), sent.map(|k| k.expose().to_string()).as_deref()), (None, Some("flag")));
        let (_, sent) = target(Path::new("https://example.com/c?apikey=q"), "collection", Some(&key)).expect("URL");
        assert!(sent.is_none(), "other hosts never get the key");
    }
}
