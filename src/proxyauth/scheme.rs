//! Which proxy authentication scheme to answer a 407 with: what the proxy offers
//! (`Proxy-Authenticate`), what `--proxy-auth` allows and what credentials postie has.
//! Pure.

use std::fmt;
use std::str::FromStr;

/// `--proxy-auth` / config `[proxy].auth`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProxyAuthMode {
    /// The strongest scheme the proxy offers that postie has credentials for.
    #[default]
    Any,
    Basic,
    Ntlm,
    Negotiate,
}

impl FromStr for ProxyAuthMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "any" => Ok(ProxyAuthMode::Any),
            "basic" => Ok(ProxyAuthMode::Basic),
            "ntlm" => Ok(ProxyAuthMode::Ntlm),
            "negotiate" | "kerberos" => Ok(ProxyAuthMode::Negotiate),
            _ => Err(format!("`{s}` is not one of any, basic, ntlm, negotiate")),
        }
    }
}

impl ProxyAuthMode {
    /// Whether requests through an http proxy go through the authenticating relay from
    /// the first request (an explicit connection-bound scheme), rather than after a 407.
    pub fn relays_from_start(self) -> bool {
        matches!(self, ProxyAuthMode::Ntlm | ProxyAuthMode::Negotiate)
    }
}

/// A scheme postie can answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    Negotiate,
    Ntlm,
    Basic,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::Negotiate => "Negotiate (Kerberos)",
            Scheme::Ntlm => "NTLM",
            Scheme::Basic => "Basic",
        })
    }
}

/// One challenge of a `Proxy-Authenticate` header: the scheme name and its token, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    pub token: Option<String>,
}

/// The challenges of every `Proxy-Authenticate` value. Several schemes may share one
/// header separated by commas; a Basic challenge's own `realm="a, b"` parameters are not
/// mistaken for schemes because a scheme is a bare token followed by a space or the end.
pub fn challenges<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut out = Vec::new();
    for value in values {
        for piece in split_outside_quotes(value) {
            let piece = piece.trim();
            if piece.is_empty() {
                continue;
            }
            let (name, rest) = piece.split_once(' ').unwrap_or((piece, ""));
            // `realm="x"` continuing the previous challenge has `=` in its first word.
            if name.contains('=') {
                continue;
            }
            let rest = rest.trim();
            let token = (!rest.is_empty() && !rest.contains('=') || rest.ends_with('='))
                .then(|| rest.to_string())
                .filter(|t| !t.contains(' '));
            out.push(Challenge { scheme: name.to_ascii_lowercase(), token });
        }
    }
    out
}

fn split_outside_quotes(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

/// What postie can answer with, before asking the proxy.
#[derive(Clone, Copy, Debug, Default)]
pub struct Abilities {
    /// A user name and password are configured (Basic, NTLM).
    pub password: bool,
    /// The GSSAPI library loads (Negotiate; whether a ticket exists is known only when
    /// the token is made).
    pub kerberos: bool,
}

/// The schemes to try, strongest first, for what the proxy `offered`; empty when none
/// fits, with the reason. Basic is offered over a plain connection only when the proxy
/// offers nothing stronger that `mode` allows.
pub fn choose(mode: ProxyAuthMode, offered: &[Challenge], can: Abilities) -> Result<Vec<Scheme>, String> {
    let offers = |name: &str| offered.iter().any(|c| c.scheme == name);
    let allowed = |s: Scheme| match mode {
        ProxyAuthMode::Any => true,
        ProxyAuthMode::Basic => s == Scheme::Basic,
        ProxyAuthMode::Ntlm => s == Scheme::Ntlm,
        ProxyAuthMode::Negotiate => s == Scheme::Negotiate,
    };
    let mut plan = Vec::new();
    if offers("negotiate") && allowed(Scheme::Negotiate) && can.kerberos {
        plan.push(Scheme::Negotiate);
    }
    if offers("ntlm") && allowed(Scheme::Ntlm) && can.password {
        plan.push(Scheme::Ntlm);
    }
    let stronger_offered =
        (offers("negotiate") && allowed(Scheme::Negotiate)) || (offers("ntlm") && allowed(Scheme::Ntlm));
    if offers("basic") && allowed(Scheme::Basic) && can.password && !stronger_offered {
        plan.push(Scheme::Basic);
    }
    if !plan.is_empty() {
        return Ok(plan);
    }
    let names: Vec<String> = offered.iter().map(|c| c.scheme.clone()).collect();
    let list = if names.is_empty() { "no scheme".to_string() } else { names.join(", ") };
    let mut hints = Vec::new();
    if (offers("ntlm") && allowed(Scheme::Ntlm) || offers("basic") && allowed(Scheme::Basic)) && !can.password {
        hints.push("give --proxy-user 'DOMAIN\\user' with the password in POSTIE_PROXY_PASSWORD".to_string());
    }
    if offers("negotiate") && allowed(Scheme::Negotiate) && !can.kerberos {
        hints.push("Negotiate needs the system's GSSAPI library (MIT Kerberos)".to_string());
    }
    if hints.is_empty() {
        hints.push(format!("--proxy-auth {} does not allow any of them", mode_name(mode)));
    }
    let hint = hints.join("; or ");
    Err(format!("the proxy offers {list}; {hint}"))
}

fn mode_name(mode: ProxyAuthMode) -> &'static str {
    match mode {
        ProxyAuthMode::Any => "any",
        ProxyAuthMode::Basic => "basic",
        ProxyAuthMode::Ntlm => "ntlm",
        ProxyAuthMode::Negotiate => "negotiate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_from_separate_and_joined_headers() {
        let found = challenges(["Negotiate", "NTLM", "Basic realm=\"corp, inc\""]);
        let names: Vec<&str> = found.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(names, ["negotiate", "ntlm", "basic"]);
        let found = challenges(["NTLM TlRMTVNTUAACAAAA==, Basic realm=\"x\""]);
        assert_eq!(found[0], Challenge { scheme: "ntlm".into(), token: Some("TlRMTVNTUAACAAAA==".into()) });
        assert_eq!(found[1].scheme, "basic");
        assert_eq!(found[1].token, None);
    }

    #[test]
    fn the_strongest_scheme_with_credentials_is_chosen() {
        let offered = challenges(["Negotiate", "NTLM", "Basic realm=\"x\""]);
        let all = Abilities { password: true, kerberos: true };
        type Row = (ProxyAuthMode, Abilities, Result<&'static [Scheme], &'static str>);
        let rows: &[Row] = &[
            (ProxyAuthMode::Any, all, Ok(&[Scheme::Negotiate, Scheme::Ntlm])),
            (ProxyAuthMode::Any, Abilities { kerberos: false, ..all }, Ok(&[Scheme::Ntlm])),
            (ProxyAuthMode::Any, Abilities { password: false, ..all }, Ok(&[Scheme::Negotiate])),
            (ProxyAuthMode::Ntlm, all, Ok(&[Scheme::Ntlm])),
            (ProxyAuthMode::Negotiate, all, Ok(&[Scheme::Negotiate])),
            (ProxyAuthMode::Basic, all, Ok(&[Scheme::Basic])),
            (ProxyAuthMode::Any, Abilities::default(), Err("POSTIE_PROXY_PASSWORD")),
            (ProxyAuthMode::Negotiate, Abilities { kerberos: false, ..all }, Err("GSSAPI")),
        ];
        for (mode, can, expected) in rows {
            match (choose(*mode, &offered, *can), expected) {
                (Ok(plan), Ok(want)) => assert_eq!(plan, *want, "{mode:?} {can:?}"),
                (Err(why), Err(want)) => assert!(why.contains(want), "{mode:?}: {why}"),
                (got, want) => panic!("{mode:?} {can:?}: {got:?}, expected {want:?}"),
            }
        }
        // Basic alone is used; Basic is not chosen over a stronger scheme on offer.
        let basic_only = challenges(["Basic realm=\"x\""]);
        assert_eq!(choose(ProxyAuthMode::Any, &basic_only, all).unwrap(), [Scheme::Basic]);
        let ntlm_basic = challenges(["NTLM", "Basic realm=\"x\""]);
        assert_eq!(choose(ProxyAuthMode::Any, &ntlm_basic, all).unwrap(), [Scheme::Ntlm]);
        let err = choose(ProxyAuthMode::Ntlm, &basic_only, all).unwrap_err();
        assert!(err.contains("--proxy-auth ntlm does not allow"), "{err}");
    }
}
