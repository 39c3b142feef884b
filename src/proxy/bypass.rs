//! `BypassList`: a parsed `NO_PROXY` / `--noproxy` / config `bypass` list.
//!
//! Owns tokenising (PROXY.md "Bypass lists" rule 1) and keeping malformed entries as
//! warnings; the meaning of each entry lives in `entry`. Parsing never fails.

use super::entry::Entry;
use super::target::Target;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BypassList {
    entries: Vec<Entry>,
    warnings: Vec<String>,
}

impl BypassList {
    /// Parses a whole list: split on `,`, `;` and whitespace; surrounding quotes around
    /// the whole value are stripped with a warning.
    pub fn parse(list: &str) -> BypassList {
        let mut out = BypassList::default();
        out.add_text(list);
        out
    }

    /// Builds a list from separate entries (a config array); each entry is tokenised
    /// like a whole list, so `"a, b"` in one element still means two entries.
    pub fn from_entries<I: IntoIterator<Item = S>, S: AsRef<str>>(entries: I) -> BypassList {
        let mut out = BypassList::default();
        for entry in entries {
            out.add_text(entry.as_ref());
        }
        out
    }

    /// One message per malformed entry or stripped quote pair.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The description of the first entry matching the URL's host and effective port,
    /// e.g. "entry `.example.com` (domain example.com and its subdomains)".
    pub fn matches(&self, url: &url::Url) -> Option<String> {
        let target = Target::from_url(url)?;
        self.matching_entry(&target).map(Entry::describe)
    }

    /// True when the list has no usable entry (malformed ones do not count).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when the list holds `*`: every host is bypassed.
    pub fn matches_everything(&self) -> bool {
        self.entries.iter().any(Entry::is_any)
    }

    /// How many usable entries the list has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `*` wins wherever it stands, so it is looked for first; otherwise list order.
    pub(crate) fn matching_entry(&self, target: &Target<'_>) -> Option<&Entry> {
        self.entries.iter().find(|e| e.is_any()).or_else(|| self.entries.iter().find(|e| e.matches(target)))
    }

    /// Prefixes every warning with where the list came from (`NO_PROXY`, `--noproxy`).
    pub fn prefix_warnings(&mut self, prefix: &str) {
        for w in &mut self.warnings {
            *w = format!("{prefix}: {w}");
        }
    }

    fn add_text(&mut self, text: &str) {
        let trimmed = text.trim();
        let unquoted = strip_quotes(trimmed);
        if unquoted.len() != trimmed.len() {
            self.warnings.push(format!(
                "surrounding quotes removed from bypass list {trimmed} (a common mistake with Windows `set`)"
            ));
        }
        for token in unquoted.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|t| !t.is_empty()) {
            match Entry::parse(token) {
                Ok(entry) => self.entries.push(entry),
                Err(why) => self.warnings.push(format!("bypass entry `{token}` ignored: {why}")),
            }
        }
    }
}

/// Removes one pair of matching `'…'` or `"…"` around the whole text.
pub(crate) fn strip_quotes(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}
