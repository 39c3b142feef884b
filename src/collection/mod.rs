//! Postman collections (v2.0 and v2.1 JSON, v3 YAML directories) as postie's typed model.
//!
//! `load` turns a file into a `Collection`, with diagnostics that name the file and the
//! place; the other files hold the parts of the model. Nothing here touches the network
//! or runs scripts: events are only parsed and kept for the script host.

mod auth;
mod body;
pub(crate) mod credentials;
mod error;
mod header;
mod load;
mod model;
mod raw;
mod request_parts;
mod source;
mod stream;
mod url_spec;
mod v1;
pub mod v3;

pub use auth::{Auth, AuthKind, AuthSetting};
pub use body::{Body, FormPart, KeyValue};
pub use error::LoadError;
pub use load::{load_file, parse_str};
pub use model::{Collection, Event, Folder, Header, Item, Listen, Node, ProxyConfig, Request, SchemaVersion};
pub use raw::RawDocument;
pub use source::{Source, enclosing_collection, locate};
pub use url_spec::{QueryParam, UrlSpec};
