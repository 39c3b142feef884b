//! `{{name}}` substitution with Postman's exact rules (postman-collection `superstring`):
//! tokens match `/{{([^{}]*?)}}/g`, names are not trimmed, unresolved tokens stay literally,
//! and the whole text is re-scanned until a pass replaces nothing, at most 19 passes, so
//! `{{url_{{env}}}}` and values that contain `{{other}}` resolve.
//!
//! It knows nothing about scopes: the caller passes the lookup. Unlike Postman it also stops
//! growing past a size limit, so a variable like `a = "{{a}}{{a}}"` cannot exhaust memory.

/// Postman's `VARS_SUBREPLACE_LIMIT`.
pub const MAX_PASSES: usize = 19;

/// How much substitution may add to a template before the remaining tokens are left as is.
pub const MAX_GROWTH: usize = 16 * 1024 * 1024;

/// Replaces every `{{name}}` for which `lookup` answers, pass after pass (see the module doc).
/// `lookup` is called once per occurrence, so dynamic values are fresh each time.
pub fn replace_tokens(template: &str, mut lookup: impl FnMut(&str) -> Option<String>) -> String {
    if !template.contains("{{") {
        return template.to_string();
    }
    let limit = template.len().saturating_add(MAX_GROWTH);
    let mut current = template.to_string();
    for _ in 0..MAX_PASSES {
        let pass = one_pass(&current, &mut lookup, limit);
        current = pass.text;
        if pass.replaced == 0 || pass.hit_limit {
            break;
        }
    }
    current
}

struct Pass {
    text: String,
    replaced: usize,
    hit_limit: bool,
}

/// The next token at or after byte `from`: (start of `{{`, start of name, end of name).
/// A `{{` that does not open a token is skipped by one byte, as a regex scan would.
fn next_token(s: &str, mut from: usize) -> Option<(usize, usize, usize)> {
    let bytes = s.as_bytes();
    while let Some(offset) = s.get(from..)?.find("{{") {
        let start = from + offset;
        let name_start = start + 2;
        // Braces are ASCII, so these byte positions are always char boundaries.
        let name_end =
            bytes[name_start..].iter().position(|&b| b == b'{' || b == b'}').map_or(bytes.len(), |p| name_start + p);
        if s[name_end..].starts_with("}}") {
            return Some((start, name_start, name_end));
        }
        from = start + 1;
    }
    None
}

/// One left-to-right scan, as JavaScript's `String.replace` with a global regex does it.
fn one_pass(s: &str, lookup: &mut impl FnMut(&str) -> Option<String>, limit: usize) -> Pass {
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut at = 0;
    let mut replaced = 0;
    let mut hit_limit = false;
    // The length the output will have, rest of the input included.
    let mut projected = s.len();
    while let Some((start, name_start, name_end)) = next_token(s, at) {
        if let Some(value) = lookup(&s[name_start..name_end]) {
            projected = projected - (name_end + 2 - start) + value.len();
            if projected > limit {
                hit_limit = true;
                break;
            }
            out.push_str(&s[copied..start]);
            out.push_str(&value);
            copied = name_end + 2;
            replaced += 1;
        }
        at = name_end + 2;
    }
    out.push_str(&s[copied..]);
    Pass { text: out, replaced, hit_limit }
}

/// The names of the tokens one scan of `s` finds, in order (for "which variables does this
/// request use"). Of nested tokens only the innermost is found, as it resolves first.
pub fn token_names(s: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut at = 0;
    while let Some((_, name_start, name_end)) = next_token(s, at) {
        names.push(&s[name_start..name_end]);
        at = name_end + 2;
    }
    names
}
