//! Custom proxy settings merged field by field (flags over the config file), plus the
//! system proxy from the environment, into one `ProxyPolicy` (DESIGN.md §3).

use crate::proxy::{BypassList, Credentials, CustomProxy, EnvProxy, ProxyEndpoint, ProxyPolicy, SchemeSelection};
use crate::secret::Secret;

use super::error::ConfigError;
use super::file::ConfigFile;

/// The proxy flags as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct ProxyFlags {
    pub proxy: Option<String>,
    pub proxy_scheme: Option<String>,
    pub proxy_user: Option<String>,
    pub noproxy: Option<String>,
    pub no_proxy: bool,
    pub no_env_proxy: bool,
    pub ignore_collection_proxy: bool,
    pub proxy_pac: Option<String>,
}

pub struct PolicyBuild {
    pub policy: ProxyPolicy,
    /// Shown once at start (malformed bypass entries, missing ports, ...).
    pub warnings: Vec<String>,
    /// Passwords to mask everywhere.
    pub secrets: Vec<(String, String)>,
    /// The PAC to load (as written) and where it was given, when there is one and
    /// `--no-proxy` does not make it moot. `crate::pac` loads it; the policy stays pure.
    pub pac_source: Option<(String, String)>,
}

/// The environment variable `--proxy-user USER` (without `:PASS`) takes the password from.
pub const PASSWORD_VAR: &str = "POSTIE_PROXY_PASSWORD";

pub fn build_policy(
    flags: &ProxyFlags,
    config: Option<&ConfigFile>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<PolicyBuild, ConfigError> {
    let table = config.map(|c| c.proxy.clone()).unwrap_or_default();
    let file_origin = |key: &str| match config {
        Some(c) => format!("{} [proxy].{key}", c.path.display()),
        None => format!("[proxy].{key}"),
    };
    let mut warnings = Vec::new();
    let mut secrets = Vec::new();

    let credentials = match (&flags.proxy_user, &table.username) {
        (Some(text), _) => {
            let mut c = Credentials::from_user_pass(text);
            if !text.contains(':') {
                c.password = Secret::new(lookup(PASSWORD_VAR).unwrap_or_default());
                if c.password.is_empty() {
                    warnings.push(format!(
                        "--proxy-user has no password and {PASSWORD_VAR} is not set; the proxy gets an empty password"
                    ));
                }
            }
            Some(c)
        }
        (None, Some(user)) => {
            let password = match &table.password_env {
                Some(var) => lookup(var).ok_or_else(|| ConfigError::Invalid {
                    file: config.map(|c| c.path.clone()).unwrap_or_default(),
                    message: format!(
                        "[proxy].password_env names the environment variable `{var}`, which is not set; set it or remove password_env"
                    ),
                })?,
                None => String::new(),
            };
            Some(Credentials { username: user.clone(), password: Secret::new(password) })
        }
        (None, None) => None,
    };
    if let Some(c) = &credentials {
        secrets.push((c.username.clone(), c.password.expose().to_string()));
    }

    let url = match (&flags.proxy, &table.url) {
        (Some(u), _) => Some((u.clone(), "--proxy".to_string())),
        (None, Some(u)) => Some((u.clone(), file_origin("url"))),
        (None, None) => None,
    };
    let schemes = match (&flags.proxy_scheme, &table.schemes) {
        (Some(s), _) => s
            .parse::<SchemeSelection>()
            .map_err(|_| ConfigError::Usage(format!("--proxy-scheme `{s}` is not one of http, https, both")))?,
        (None, Some(s)) => s.parse::<SchemeSelection>().map_err(|_| ConfigError::Invalid {
            file: config.map(|c| c.path.clone()).unwrap_or_default(),
            message: format!("[proxy].schemes `{s}` is not one of \"http\", \"https\", \"both\""),
        })?,
        (None, None) => SchemeSelection::Both,
    };
    let (bypass, bypass_origin) = match (&flags.noproxy, &table.bypass) {
        (Some(list), _) => (BypassList::parse(list), "--noproxy".to_string()),
        (None, Some(list)) => (BypassList::from_entries(list), file_origin("bypass")),
        (None, None) => (BypassList::default(), String::new()),
    };
    warnings.extend(bypass.warnings().iter().map(|w| format!("{bypass_origin}: {w}")));
    let bypass_all = bypass.matches_everything();
    let listed = (!bypass_origin.is_empty()).then(|| (bypass.clone(), bypass_origin.clone()));

    let url_given = url.as_ref().map(|_| ());
    let custom = match url {
        Some((text, origin)) => {
            let (mut endpoint, more) = ProxyEndpoint::parse(&text, &origin)?;
            warnings.extend(more);
            if let Some(c) = &endpoint.credentials {
                secrets.push((c.username.clone(), c.password.expose().to_string()));
            }
            if credentials.is_some() {
                endpoint.credentials = credentials.clone();
            }
            Some(CustomProxy { endpoint, schemes, bypass })
        }
        None => None,
    };

    let use_env = !flags.no_env_proxy && table.use_env.unwrap_or(true);
    let system = if use_env {
        let (mut env, more) = EnvProxy::from_lookup(lookup)?;
        // Without a custom proxy, --noproxy is the system proxy's bypass list (as curl's is).
        if let (None, Some(list)) = (&url_given, &flags.noproxy) {
            env = env.with_no_proxy(BypassList::parse(list), "--noproxy");
        }
        warnings.extend(more);
        for var in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
            if let Some(v) = lookup(var)
                && let Ok((ep, _)) = ProxyEndpoint::parse(&v, var)
                && let Some(c) = ep.credentials
            {
                secrets.push((c.username.clone(), c.password.expose().to_string()));
            }
        }
        Some(env)
    } else {
        None
    };

    let force_direct = flags.no_proxy || (bypass_all && flags.noproxy.is_some());
    let pac_source = match (&flags.proxy_pac, &table.pac) {
        (Some(p), _) => Some((p.clone(), "--proxy-pac".to_string())),
        (None, Some(p)) => Some((p.clone(), file_origin("pac"))),
        (None, None) => None,
    }
    .filter(|_| !force_direct);
    Ok(PolicyBuild {
        policy: ProxyPolicy {
            force_direct,
            custom,
            use_collection: !flags.ignore_collection_proxy,
            system,
            system_credentials: credentials,
            pac: None,
            bypass: listed,
        },
        warnings,
        secrets,
        pac_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::Route;
    use std::collections::HashMap;

    fn lookup_from(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    fn route(build: &PolicyBuild, url: &str) -> String {
        match build.policy.route(&url::Url::parse(url).unwrap(), None) {
            Route::Direct => "direct".into(),
            Route::Proxy(p) => p.masked(),
        }
    }

    fn config(toml_text: &str) -> ConfigFile {
        super::super::file::parse(toml_text, std::path::Path::new("postie.toml")).unwrap()
    }

    #[test]
    fn flags_override_the_file_field_by_field() {
        let file = config("[proxy]\nurl = \"http://file:1\"\nschemes = \"http\"\nbypass = [\"skip.me\"]\n");
        let env = lookup_from(&[]);
        let cases: Vec<(ProxyFlags, &str, &str)> = vec![
            (ProxyFlags::default(), "http://a.com/", "http://file:1"),
            (ProxyFlags::default(), "https://a.com/", "direct"),
            (ProxyFlags::default(), "http://skip.me/", "direct"),
            (ProxyFlags { proxy: Some("flag:2".into()), ..Default::default() }, "http://a.com/", "http://flag:2"),
            (ProxyFlags { proxy_scheme: Some("both".into()), ..Default::default() }, "https://a.com/", "http://file:1"),
            (ProxyFlags { noproxy: Some("a.com".into()), ..Default::default() }, "http://skip.me/", "http://file:1"),
            (ProxyFlags { no_proxy: true, ..Default::default() }, "http://a.com/", "direct"),
            (ProxyFlags { noproxy: Some("*".into()), ..Default::default() }, "http://a.com/", "direct"),
        ];
        for (flags, url, expected) in cases {
            let b = build_policy(&flags, Some(&file), &env).unwrap();
            assert_eq!(route(&b, url), expected, "{flags:?} {url}");
        }
    }

    #[test]
    fn credentials_from_flag_env_var_and_config() {
        let env = lookup_from(&[(PASSWORD_VAR, "envpw"), ("CORP_PW", "filepw"), ("HTTP_PROXY", "http://sys:8")]);
        let flags =
            ProxyFlags { proxy: Some("http://p:1".into()), proxy_user: Some("alice".into()), ..Default::default() };
        let b = build_policy(&flags, None, &env).unwrap();
        assert_eq!(route(&b, "http://x/"), "http://***:***@p:1");
        assert!(b.secrets.iter().any(|(u, p)| u == "alice" && p == "envpw"));
        let file = config("[proxy]\nusername = \"bob\"\npassword_env = \"CORP_PW\"\n");
        let b = build_policy(&ProxyFlags::default(), Some(&file), &env).unwrap();
        // the system proxy borrows --proxy-user / config credentials when it has none
        assert_eq!(route(&b, "http://x/"), "http://***:***@sys:8");
        assert!(b.secrets.iter().any(|(_, p)| p == "filepw"));
        let file = config("[proxy]\nusername = \"bob\"\npassword_env = \"MISSING\"\n");
        let err = build_policy(&ProxyFlags::default(), Some(&file), &env).err().unwrap().to_string();
        assert!(err.contains("MISSING"), "{err}");
    }

    #[test]
    fn env_proxy_can_be_turned_off_and_bad_input_is_named() {
        let env = lookup_from(&[("HTTP_PROXY", "http://sys:8")]);
        let off = ProxyFlags { no_env_proxy: true, ..Default::default() };
        assert_eq!(route(&build_policy(&off, None, &env).unwrap(), "http://x/"), "direct");
        let file = config("[proxy]\nuse_env = false\n");
        assert_eq!(route(&build_policy(&ProxyFlags::default(), Some(&file), &env).unwrap(), "http://x/"), "direct");
        let bad = ProxyFlags { proxy: Some("ftp://u:hunter2@p:1".into()), ..Default::default() };
        let err = build_policy(&bad, None, &env).err().unwrap().to_string();
        assert!(err.contains("--proxy") && !err.contains("hunter2"), "{err}");
        let bad = ProxyFlags { proxy_scheme: Some("ftp".into()), ..Default::default() };
        assert!(build_policy(&bad, None, &env).err().unwrap().to_string().contains("--proxy-scheme"));
        let env = lookup_from(&[("HTTPS_PROXY", "gopher://x:1")]);
        assert!(build_policy(&ProxyFlags::default(), None, &env).err().unwrap().to_string().contains("HTTPS_PROXY"));
    }
}
