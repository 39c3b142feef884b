//! Route expectations as a test suite (`postie proxy check`): the expectations file, and
//! the verdict of each case against a decided or recorded route. Pure: the command does the
//! I/O (reading files, probing routes, reporting).

mod expectations;
mod verdict;

pub use expectations::{Case, Expect, ExpectationsError, load_file, parse_str};
pub use verdict::{Recorded, Verdict, judge, judge_recorded};
