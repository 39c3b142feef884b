//! Anchored `*` globs, shared by bypass entries (case-insensitive hosts) and match
//! patterns (case-sensitive paths). `*` matches any run of characters, nothing else is
//! special.

/// Whether `text` matches `pattern` from start to end. Linear backtracking on the last
/// `*`, so hostile patterns cannot blow up.
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

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn glob_table() {
        // (pattern, text, ignore case, expected)
        let cases = [
            ("internal-gateway*", "internal-gateway-test.corp.com", true, true),
            ("internal-gateway*", "my-internal-gateway", true, false),
            ("*-sandbox.corp.com", "pay-sandbox.CORP.com", true, true),
            ("*-sandbox.corp.com", "pay-sandbox.corp.com.evil", true, false),
            ("a*b*c", "aXXbYYc", true, true),
            ("a*b*c", "aXXbYY", true, false),
            ("*", "", true, true),
            ("", "", true, true),
            ("", "x", true, false),
            ("/api/*", "/api/v1", false, true),
            ("/API/*", "/api/v1", false, false),
            ("/api/*", "/apix", false, false),
            ("**a", "bba", false, true),
        ];
        for (pattern, text, ignore_case, want) in cases {
            assert_eq!(matches(pattern, text, ignore_case), want, "{pattern:?} vs {text:?}");
        }
    }
}
