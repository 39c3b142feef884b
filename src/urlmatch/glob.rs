//! Anchored `*` globs: the one matcher behind match-pattern paths and proxy bypass-list
//! host globs (`internal-gateway*`). `*` matches any run of characters, `/` included;
//! nothing else is special. Owns no parsing: callers hand in the pattern text as stored.

/// Whether `text` matches `pattern` from start to end.
///
/// `ignore_case` exists because the two callers compare different things: bypass
/// entries compare host names, which are case-insensitive, while match patterns compare
/// URL paths, which are case-sensitive (PROXY.md). The glob semantics are otherwise the same.
///
/// Backtracks only to the last `*` seen, so the work is bounded by pattern length ×
/// text length: a hostile pattern such as `*a*a*a*b` cannot make it exponential.
pub(crate) fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let eq = |a: u8, b: u8| {
        if ignore_case { a.eq_ignore_ascii_case(&b) } else { a == b }
    };
    let (mut pi, mut ti) = (0, 0);
    // Position of the last `*` seen and the text position it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && eq(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}
