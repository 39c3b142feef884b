//! The command line: clap types and their `--help` text. Flag names follow `newman run`
//! so a CI file switches with one word; postie's own additions (proxies, jobs) are
//! grouped under their own headings.

mod args;

pub use args::*;
