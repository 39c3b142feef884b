//! From a collection tree to the ordered list of requests a run sends.
//!
//! Everything inherited is resolved here once (auth, scripts in collection → folder →
//! request order, `protocolProfileBehavior`), and `--folder` is applied, so the runner
//! only walks a flat list. Pure: no I/O.

use serde_json::{Map, Value};

use crate::collection::{Auth, AuthSetting, Collection, Event, Listen, Request};

/// One script to run, with where it came from (for messages).
#[derive(Clone, Debug, PartialEq)]
pub struct ScriptRef {
    pub origin: String,
    pub code: std::sync::Arc<str>,
}

#[derive(Clone, Debug)]
pub struct PlannedRequest {
    /// Place in the plan, 0-based.
    pub position: usize,
    pub id: String,
    pub name: String,
    /// Folder names above the request, outermost first.
    pub folders: Vec<String>,
    pub request: std::sync::Arc<Request>,
    /// The effective auth after inheritance; `None` means no auth.
    pub auth: Option<Auth>,
    /// Where an inherited auth block is defined (`collection`, or a folder's id): what it
    /// learns from a server (a digest challenge's realm and nonce) is shared by every request
    /// that inherits it, as Newman writes it back into the block. `None` for the request's
    /// own block.
    pub shared_auth: Option<String>,
    pub prerequest: Vec<ScriptRef>,
    pub test: Vec<ScriptRef>,
    /// `protocolProfileBehavior` merged collection → folders → item, nearest wins.
    pub profile: Map<String, Value>,
}

impl PlannedRequest {
    /// `Folder / Sub / Request`, the name reports use.
    pub fn full_name(&self) -> String {
        let mut parts: Vec<&str> = self.folders.iter().map(String::as_str).collect();
        parts.push(&self.name);
        parts.join(" / ")
    }

    pub fn profile_bool(&self, key: &str) -> Option<bool> {
        self.profile.get(key).and_then(Value::as_bool)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub requests: Vec<PlannedRequest>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("--folder `{name}` matches no folder or request in the collection.{suggestion}")]
    UnknownFolder { name: String, suggestion: String },
}

impl Plan {
    /// Position of the first request whose name or id is `target` (for `setNextRequest`).
    pub fn find(&self, target: &str) -> Option<usize> {
        self.requests.iter().position(|r| r.name == target || r.id == target)
    }
}

/// What one lane holds: `--parallel` cuts the run into these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LaneUnit {
    /// One lane per iteration (Newman's order when run one at a time).
    #[default]
    Iteration,
    /// One lane per top-level folder per iteration; root-level requests form one lane.
    Folder,
    /// Every request its own lane.
    Request,
}

/// A list of requests that run strictly in order and share variable scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub iteration: usize,
    /// Plan positions, in order.
    pub positions: Vec<usize>,
}

impl Plan {
    /// Cuts `iterations` runs of the plan into lanes, in plan order.
    pub fn lanes(&self, iterations: usize, unit: LaneUnit) -> Vec<Lane> {
        let all: Vec<usize> = (0..self.requests.len()).collect();
        let mut lanes = Vec::new();
        for iteration in 0..iterations {
            match unit {
                LaneUnit::Iteration => lanes.push(Lane { iteration, positions: all.clone() }),
                LaneUnit::Request => lanes.extend(all.iter().map(|&p| Lane { iteration, positions: vec![p] })),
                LaneUnit::Folder => {
                    // Group by top-level folder, keeping first-seen order; root requests share a lane.
                    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
                    for r in &self.requests {
                        let top = r.folders.first().map(String::as_str);
                        match groups.iter_mut().find(|(k, _)| *k == top) {
                            Some((_, v)) => v.push(r.position),
                            None => groups.push((top, vec![r.position])),
                        }
                    }
                    lanes.extend(groups.into_iter().map(|(_, positions)| Lane { iteration, positions }));
                }
            }
        }
        lanes
    }
}

/// Builds the run order. `folders` are `--folder` values (names or ids of folders or requests);
/// empty means the whole collection.
pub fn build(collection: &Collection, folders: &[String]) -> Result<Plan, PlanError> {
    let walked = collection.walk();
    for wanted in folders {
        let known = walked.iter().any(|(parents, item)| {
            item.name == *wanted || item.id == *wanted || parents.iter().any(|f| f.name == *wanted || f.id == *wanted)
        });
        if !known {
            return Err(PlanError::UnknownFolder { name: wanted.clone(), suggestion: suggest(collection, wanted) });
        }
    }
    let mut requests = Vec::with_capacity(walked.len());
    for (parents, item) in walked {
        if !folders.is_empty() {
            let selected = folders
                .iter()
                .any(|w| item.name == *w || item.id == *w || parents.iter().any(|f| f.name == *w || f.id == *w));
            if !selected {
                continue;
            }
        }
        let mut auth = &collection.auth;
        let mut shared_auth = Some("collection".to_string());
        let mut profile = collection.protocol_profile.clone();
        let mut prerequest = scripts(&collection.events, Listen::PreRequest, "collection");
        let mut test = scripts(&collection.events, Listen::Test, "collection");
        for folder in &parents {
            if folder.auth != AuthSetting::Inherit {
                auth = &folder.auth;
                shared_auth = Some(format!("folder {}", folder.id));
            }
            profile.extend(folder.protocol_profile.clone());
            let origin = format!("folder \"{}\"", folder.name);
            prerequest.extend(scripts(&folder.events, Listen::PreRequest, &origin));
            test.extend(scripts(&folder.events, Listen::Test, &origin));
        }
        if item.request.auth != AuthSetting::Inherit {
            auth = &item.request.auth;
            shared_auth = None;
        }
        profile.extend(item.protocol_profile.clone());
        let origin = format!("request \"{}\"", item.name);
        prerequest.extend(scripts(&item.events, Listen::PreRequest, &origin));
        test.extend(scripts(&item.events, Listen::Test, &origin));
        requests.push(PlannedRequest {
            position: requests.len(),
            id: item.id.clone(),
            name: item.name.clone(),
            folders: parents.iter().map(|f| f.name.clone()).collect(),
            request: item.request.clone(),
            auth: match auth {
                AuthSetting::Auth(a) => Some(a.clone()),
                _ => None,
            },
            shared_auth,
            prerequest,
            test,
            profile,
        });
    }
    Ok(Plan { requests })
}

fn scripts(events: &[Event], listen: Listen, origin: &str) -> Vec<ScriptRef> {
    events
        .iter()
        .filter(|e| e.listen == listen && !e.disabled && !e.code.trim().is_empty())
        .map(|e| ScriptRef { origin: origin.to_string(), code: e.code.clone() })
        .collect()
}

fn suggest(collection: &Collection, wanted: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    for (parents, item) in collection.walk() {
        for f in parents {
            if !names.contains(&f.name) {
                names.push(f.name.clone());
            }
        }
        names.push(item.name.clone());
    }
    let lower = wanted.to_lowercase();
    let mut close: Vec<(f64, &String)> = names
        .iter()
        .map(|n| (strsim::jaro_winkler(&n.to_lowercase(), &lower), n))
        .filter(|(score, _)| *score > 0.75)
        .collect();
    close.sort_by(|a, b| b.0.total_cmp(&a.0));
    if close.is_empty() {
        let folders: Vec<&String> = names.iter().take(10).collect();
        format!(
            " Names in this collection include: {}.",
            folders.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        )
    } else {
        format!(
            " Did you mean {}?",
            close.iter().take(3).map(|(_, n)| format!("`{n}`")).collect::<Vec<_>>().join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::parse_str;
    use std::path::Path;

    fn sample() -> Collection {
        let text = r#"{"info":{"name":"n","schema":"https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
          "auth":{"type":"bearer","bearer":[{"key":"token","value":"T"}]},
          "protocolProfileBehavior":{"followRedirects":false,"strictSSL":true},
          "event":[{"listen":"test","script":{"exec":["c"]}}],
          "item":[
            {"name":"Orders","id":"f1","auth":{"type":"basic","basic":[{"key":"username","value":"u"}]},
             "protocolProfileBehavior":{"followRedirects":true},
             "event":[{"listen":"test","script":{"exec":"f"}},{"listen":"prerequest","script":{"exec":"p"},"disabled":true}],
             "item":[
               {"name":"Create","id":"r1","request":{"url":"http://x/1"},"event":[{"listen":"test","script":{"exec":"r"}}]},
               {"name":"Open","id":"r2","request":{"url":"http://x/2","auth":{"type":"noauth"}},"protocolProfileBehavior":{"strictSSL":false}}
             ]},
            {"name":"Health","id":"r3","request":"http://x/h"}
          ]}"#;
        parse_str(text, Path::new("c.json")).unwrap()
    }

    #[test]
    fn inherits_auth_scripts_and_profile() {
        let plan = build(&sample(), &[]).unwrap();
        let names: Vec<String> = plan.requests.iter().map(PlannedRequest::full_name).collect();
        assert_eq!(names, ["Orders / Create", "Orders / Open", "Health"]);
        let kinds: Vec<Option<&str>> = plan.requests.iter().map(|r| r.auth.as_ref().map(|a| a.kind.as_str())).collect();
        assert_eq!(kinds, [Some("basic"), None, Some("bearer")]);
        let tests: Vec<&str> = plan.requests[0].test.iter().map(|s| &*s.code).collect();
        assert_eq!(tests, ["c", "f", "r"]);
        assert!(plan.requests[0].prerequest.is_empty(), "disabled events are skipped");
        assert_eq!(plan.requests[0].profile_bool("followRedirects"), Some(true));
        assert_eq!(plan.requests[1].profile_bool("strictSSL"), Some(false));
        assert_eq!(plan.requests[2].profile_bool("followRedirects"), Some(false));
    }

    #[test]
    fn lanes_by_unit() {
        let plan = build(&sample(), &[]).unwrap();
        let lanes = |unit| plan.lanes(2, unit).into_iter().map(|l| (l.iteration, l.positions)).collect::<Vec<_>>();
        assert_eq!(lanes(LaneUnit::Iteration), vec![(0, vec![0, 1, 2]), (1, vec![0, 1, 2])]);
        assert_eq!(lanes(LaneUnit::Folder), vec![(0, vec![0, 1]), (0, vec![2]), (1, vec![0, 1]), (1, vec![2])]);
        assert_eq!(lanes(LaneUnit::Request).len(), 6);
    }

    #[test]
    fn folder_filter_by_name_or_id_and_suggestions() {
        let c = sample();
        let only = |f: &[&str]| -> Vec<String> {
            let f: Vec<String> = f.iter().map(|s| s.to_string()).collect();
            build(&c, &f).unwrap().requests.iter().map(|r| r.name.clone()).collect()
        };
        assert_eq!(only(&["Orders"]), ["Create", "Open"]);
        assert_eq!(only(&["f1"]), ["Create", "Open"]);
        assert_eq!(only(&["r3"]), ["Health"]);
        assert_eq!(only(&["Health", "Orders"]), ["Create", "Open", "Health"]);
        let err = build(&c, &["Order".to_string()]).unwrap_err().to_string();
        assert!(err.contains("Did you mean `Orders`"), "{err}");
    }
}
