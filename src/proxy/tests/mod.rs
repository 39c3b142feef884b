//! Unit tests of the proxy module, one file per concern.

mod bypass_tests;
mod endpoint_tests;
mod env_tests;
mod policy_fixtures;
mod policy_tests;
mod precedence_tests;
mod properties;
