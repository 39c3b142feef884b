//! Variables: scopes, `{{var}}` templates, dynamic `$variables`, environment/globals files and
//! iteration data. Pure: no network, no async; the only I/O is reading the files named on the
//! command line.
//!
//! Rooms: `scope` (one layer), `scopes` (the five layers and resolution), `template` (the
//! `{{…}}` engine), `dynamic` (`$guid` & co.), `postman_json` (Postman's scope JSON),
//! `files` (`-e`/`-g` files in JSON or v3 YAML, `--env-var`), `vault` (`{{vault:…}}`), `data` +
//! `csv_text` (`-d` files), `error`.

mod csv_text;
mod data;
pub mod dynamic;
mod error;
mod files;
mod postman_json;
mod scope;
mod scopes;
pub mod template;
mod vault;

#[cfg(test)]
mod tests;

pub use data::{load_iteration_data, load_iteration_data_noting};
pub use error::VarsError;
pub use files::{load_scope_file, parse_assignment};
pub use scope::{SECRET_TYPE, Variable, VariableScope};
pub use scopes::{LOCAL_UNDEFINED, Scopes, value_text};
pub use vault::{VAULT_PREFIX, Vault, load_vault_file};
