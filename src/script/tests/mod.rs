//! Tests of the script engine through its public API.

mod engine_errors;
mod expect_table;
mod legacy_and_response;
mod limits;
mod pm_api;
mod sandbox_globals;
mod sandbox_libraries;
mod sugar;
mod support;
mod vendored;
