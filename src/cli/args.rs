//! Flag definitions. Parsing only: turning them into options happens in `command`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "postie",
    version,
    about = "Run Postman collections from the command line: a fast, proxy-aware replacement for `newman run`.",
    after_help = "Exit codes: 0 all passed; 1 a request, script or assertion failed; 2 bad usage or input; 3 the run could not proceed (e.g. a report cannot be written)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a collection (the `newman run` replacement).
    Run(Box<RunArgs>),
    /// Join the JSON reports of `--shard` runs into the reports of one run (cli, junit, json), in plan order.
    MergeReports(Box<MergeArgs>),
    /// Convert a collection between v2.1 JSON (Newman's format) and a v3 directory (Postman's Native Git format).
    Convert(Box<ConvertArgs>),
    /// Proxy tools.
    Proxy {
        #[command(subcommand)]
        command: ProxyCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProxyCommand {
    /// Show which route (direct or which proxy) each URL takes, and why.
    Explain(Box<ExplainArgs>),
    /// Check routes against an expectations file: a test suite of bypass behaviour.
    Check(Box<CheckArgs>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    On,
    Off,
}

/// The HTTP version requests use unless their `protocolProfileBehavior.protocolVersion` says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ProtocolVersion {
    /// HTTP/1.1 only, as Newman.
    #[default]
    Http1,
    /// HTTP/2 when an https server offers it (ALPN), else HTTP/1.1.
    Auto,
    /// HTTP/2 only (https by ALPN, plain http with prior knowledge).
    Http2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OAuth2Fetch {
    #[default]
    Auto,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ParallelUnit {
    /// One lane per iteration.
    #[default]
    Iteration,
    /// One lane per top-level folder per iteration.
    Folder,
    /// Every request its own lane.
    Request,
}

/// Where requests' proxies come from (highest first: --no-proxy, custom proxy, the
/// collection's proxy objects, the system proxy from the environment).
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Proxy")]
pub struct ProxyArgs {
    /// Custom proxy: [SCHEME://][USER:PASS@]HOST:PORT (schemes http, https, socks5, socks5h, socks4, socks4a).
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Which request schemes use the custom proxy (Postman's "proxy type").
    #[arg(long, value_name = "http|https|both")]
    pub proxy_scheme: Option<String>,
    /// Proxy credentials USER[:PASS]; without :PASS the password is read from POSTIE_PROXY_PASSWORD.
    #[arg(long, value_name = "USER[:PASS]")]
    pub proxy_user: Option<String>,
    /// Bypass list for the custom proxy (comma-separated hosts, domains, IPs, CIDRs, globs; `*` for all).
    #[arg(long, value_name = "LIST")]
    pub noproxy: Option<String>,
    /// Send every request directly, ignoring every proxy setting.
    #[arg(long)]
    pub no_proxy: bool,
    /// Ignore HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY (Postman's "use system proxy" off).
    #[arg(long)]
    pub no_env_proxy: bool,
    /// Ignore the `proxy` objects of the collection's requests.
    #[arg(long)]
    pub ignore_collection_proxy: bool,
    /// PAC file choosing a proxy per URL: a path, file:// URL or http(s) URL (fetched directly, once).
    /// Consulted after --proxy and the collection's proxies, before HTTP_PROXY/HTTPS_PROXY.
    #[arg(long, value_name = "PATH|URL")]
    pub proxy_pac: Option<String>,
    /// Seconds a proxy that cannot be connected to is skipped before it is tried again (PAC failover).
    #[arg(long, value_name = "SECONDS")]
    pub proxy_retry_after: Option<u64>,
    /// Proxy authentication: any (the strongest the proxy offers that postie has credentials for), basic, ntlm, negotiate.
    #[arg(long, value_name = "any|basic|ntlm|negotiate")]
    pub proxy_auth: Option<String>,
    /// Config file (TOML) with a [proxy] table; default ./postie.toml, then $XDG_CONFIG_HOME/postie/config.toml.
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// The collection: a Postman v2.0/v2.1 JSON file, or a v3 collection directory (YAML).
    pub collection: PathBuf,
    /// When the directory holds several v3 collections, run them all, one after another, with
    /// one report file per collection (the collection's name is added to each export path).
    #[arg(long)]
    pub all_collections: bool,
    /// v3 collections: unknown keys in the YAML files are errors, not warnings.
    #[arg(long)]
    pub strict: bool,
    /// Values for {{vault:name}} references: a YAML or JSON mapping of name: value. POSTIE_VAULT_<NAME> variables are read too; the file wins.
    #[arg(long, value_name = "PATH")]
    pub vault_file: Option<PathBuf>,

    /// Environment file (Postman export).
    #[arg(short = 'e', long, value_name = "PATH")]
    pub environment: Option<PathBuf>,
    /// Globals file (Postman export).
    #[arg(short = 'g', long, value_name = "PATH")]
    pub globals: Option<PathBuf>,
    /// Iteration data: CSV with a header row, or a JSON array of objects.
    #[arg(short = 'd', long = "iteration-data", value_name = "PATH")]
    pub iteration_data: Option<PathBuf>,
    /// Number of iterations (default: the data file's row count, else 1).
    #[arg(short = 'n', long = "iteration-count", value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub iteration_count: Option<u64>,
    /// Run only this folder or request (name or id); repeatable.
    #[arg(long, value_name = "NAME")]
    pub folder: Vec<String>,
    /// Set an environment variable (overrides the file); repeatable.
    #[arg(long = "env-var", value_name = "KEY=VALUE")]
    pub env_var: Vec<String>,
    /// Set a global variable (overrides the file); repeatable.
    #[arg(long = "global-var", value_name = "KEY=VALUE")]
    pub global_var: Vec<String>,
    /// Write the final environment here.
    #[arg(long, value_name = "PATH")]
    pub export_environment: Option<PathBuf>,
    /// Write the final globals here.
    #[arg(long, value_name = "PATH")]
    pub export_globals: Option<PathBuf>,
    /// Postman API key: a collection or environment given as a Postman UID is fetched from the
    /// Postman API with it (sent as X-Api-Key, as are URLs on api.postman.com). Never shown.
    #[arg(long, value_name = "KEY", env = "POSTMAN_API_KEY", hide_env_values = true)]
    pub postman_api_key: Option<String>,
    /// Write the collection after the run, its collection variables as the run left them (v2.1 JSON).
    #[arg(long, value_name = "PATH")]
    pub export_collection: Option<PathBuf>,
    /// Start with the cookies of this jar (tough-cookie JSON, as Newman's --export-cookie-jar writes).
    #[arg(long, value_name = "PATH")]
    pub cookie_jar: Option<PathBuf>,
    /// Write the run's cookie jar here after the run (tough-cookie JSON, as Newman).
    #[arg(long, value_name = "PATH")]
    pub export_cookie_jar: Option<PathBuf>,

    /// Stop after the first failing request (`--bail` or `--bail failure`).
    #[arg(long, value_name = "failure", num_args = 0..=1, default_missing_value = "failure")]
    pub bail: Option<String>,
    /// Wait this long between requests (ms).
    #[arg(long, value_name = "MS")]
    pub delay_request: Option<u64>,
    /// Per-request timeout (ms; 0 = none).
    #[arg(long, value_name = "MS")]
    pub timeout_request: Option<u64>,
    /// Whole-run timeout (ms; 0 = none). Reports are still written.
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Per-script timeout (ms; 0 = none).
    #[arg(long, value_name = "MS")]
    pub timeout_script: Option<u64>,
    /// Do not follow redirects.
    #[arg(long)]
    pub ignore_redirects: bool,
    /// HTTP version; a request's `protocolProfileBehavior.protocolVersion` overrides it.
    #[arg(long, value_enum, value_name = "VERSION", default_value_t = ProtocolVersion::Http1)]
    pub protocol_version: ProtocolVersion,
    /// Do not verify TLS certificates.
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Exit 0 even when requests or assertions fail.
    #[arg(short = 'x', long)]
    pub suppress_exit_code: bool,
    /// Base folder for relative file paths in the collection (form-data files, file bodies).
    #[arg(long, value_name = "PATH")]
    pub working_dir: Option<PathBuf>,
    /// Read no body file outside the working folder (Newman's flag of the same name).
    #[arg(long)]
    pub no_insecure_file_read: bool,

    #[command(flatten)]
    pub output: ReportOutputArgs,
    /// Largest response body kept in the JSON report, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 65536)]
    pub reporter_json_body_limit: usize,
    /// CLI reporter: no summary table.
    #[arg(long)]
    pub reporter_cli_no_summary: bool,
    /// CLI reporter: no failure list.
    #[arg(long)]
    pub reporter_cli_no_failures: bool,
    /// CLI reporter: no assertion lines.
    #[arg(long)]
    pub reporter_cli_no_assertions: bool,
    /// CLI reporter: no console output of scripts.
    #[arg(long)]
    pub reporter_cli_no_console: bool,
    /// Write secrets into reports as they are (masking is on by default).
    #[arg(long)]
    pub reporter_no_redact: bool,
    /// No terminal output.
    #[arg(long)]
    pub silent: bool,
    /// ASCII marks instead of Unicode symbols.
    #[arg(long)]
    pub disable_unicode: bool,
    /// Colour output (NO_COLOR is honoured under auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Print each request's route and details.
    #[arg(long)]
    pub verbose: bool,

    /// OAuth 2.0 auth blocks without a stored token: `auto` fetches one for client_credentials and password grants (or with a refresh token); `never` sends without, as Newman does.
    #[arg(long, value_name = "auto|never", default_value = "auto")]
    pub oauth2_fetch: OAuth2Fetch,
    /// Environment variable holding the OAuth 2.0 client secret, used instead of the auth blocks' clientSecret.
    #[arg(long, value_name = "NAME")]
    pub oauth2_client_secret_env: Option<String>,

    /// Run shard i of n of the plan's lanes (cut as --parallel says) on this machine; `auto` reads POSTIE_SHARD, GitLab's CI_NODE_INDEX/CI_NODE_TOTAL or Buildkite's BUILDKITE_PARALLEL_JOB(_COUNT). Join the shards' JSON reports with `postie merge-reports`.
    #[arg(long, value_name = "i/n|auto", help_heading = "Concurrency")]
    pub shard: Option<String>,
    /// Balance shards by the durations in this earlier JSON report (of a full or merged run) instead of by lane count.
    #[arg(long, value_name = "PATH", requires = "shard", help_heading = "Concurrency")]
    pub shard_timings: Option<PathBuf>,
    /// Lanes run at once.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1024), help_heading = "Concurrency")]
    pub jobs: u64,
    /// What one lane holds.
    #[arg(long, value_enum, default_value_t = ParallelUnit::Iteration, help_heading = "Concurrency")]
    pub parallel: ParallelUnit,
    /// Requests in flight to one host (scheme, host, port) at once, across all lanes; also caps idle keep-alive connections kept per host.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Concurrency")]
    pub max_connections_per_host: Option<u64>,
    /// Idle keep-alive connections are not reused after this long (ms; default 1500, below the idle timeouts of common servers and proxies).
    #[arg(long, value_name = "MS", help_heading = "Concurrency")]
    pub pool_idle_timeout: Option<u64>,

    /// Retry a request this many times when it fails in a way --retry-on lists (default 0: never; config [run] retry).
    #[arg(long, value_name = "N", help_heading = "Retries")]
    pub retry: Option<u32>,
    /// First wait before a retry (ms); it doubles with each retry, with jitter (default 200).
    #[arg(long, value_name = "MS", help_heading = "Retries")]
    pub retry_delay: Option<u64>,
    /// Longest wait before a retry, also for a server's Retry-After (ms; default 10000).
    #[arg(long, value_name = "MS", help_heading = "Retries")]
    pub retry_max_delay: Option<u64>,
    /// What is retried, comma-separated: network (refused, reset, DNS, timeout, proxy unreachable), 5xx, or status codes such as 429 (default network).
    #[arg(long, value_name = "LIST", help_heading = "Retries")]
    pub retry_on: Option<String>,
    /// Also retry methods that are not idempotent (POST, PATCH, ...).
    #[arg(long, help_heading = "Retries")]
    pub retry_non_idempotent: bool,

    /// Extra trusted CA certificates (PEM bundle), on top of the system store. NODE_EXTRA_CA_CERTS is read too.
    #[arg(long, value_name = "PEM", help_heading = "TLS")]
    pub ssl_extra_ca_certs: Option<PathBuf>,
    /// Client certificate (PEM chain), or a PKCS#12 bundle (.pfx/.p12) holding certificate and key.
    #[arg(long, value_name = "PATH", help_heading = "TLS")]
    pub ssl_client_cert: Option<PathBuf>,
    /// Private key of the client certificate (PEM: PKCS#8, PKCS#1, SEC1, or encrypted PKCS#8).
    #[arg(long, value_name = "PATH", help_heading = "TLS")]
    pub ssl_client_key: Option<PathBuf>,
    /// Passphrase of the client key or PKCS#12 bundle.
    #[arg(long, value_name = "PASSPHRASE", help_heading = "TLS")]
    pub ssl_client_passphrase: Option<String>,
    /// Newman's certificate list: [{name, matches: [patterns], cert: {src}, key: {src}, passphrase} | {pfx: {src}}].
    #[arg(long, value_name = "JSON", help_heading = "TLS")]
    pub ssl_client_cert_list: Option<PathBuf>,

    #[command(flatten)]
    pub proxy: ProxyArgs,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shards' JSON reports (`--reporter-json-export` of each `--shard` run).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub output: ReportOutputArgs,
    /// Merge the shards that are there; the lanes of missing ones are reported as not run.
    #[arg(long)]
    pub allow_partial: bool,
    /// Exit 0 even when requests or assertions failed.
    #[arg(short = 'x', long)]
    pub suppress_exit_code: bool,
    /// No terminal output.
    #[arg(long)]
    pub silent: bool,
    /// ASCII marks instead of Unicode symbols.
    #[arg(long)]
    pub disable_unicode: bool,
    /// Largest response body kept in the JSON report, in bytes (bodies the shards cut stay cut).
    #[arg(long, value_name = "BYTES", default_value_t = 65536)]
    pub reporter_json_body_limit: usize,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// The collection to convert: a v2.0/v2.1 JSON file or a v3 collection directory.
    pub input: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    pub to: TargetFormat,
    /// Where to write: a new or empty directory for v3, a file for v2.1.
    pub output: PathBuf,
    /// v3 input: unknown keys in the YAML files are errors, not warnings.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TargetFormat {
    /// A v3 collection directory (YAML files).
    V3,
    /// One v2.1 JSON file, as Newman reads it.
    #[value(name = "v2.1")]
    V21,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// URLs to explain.
    pub urls: Vec<String>,
    /// One JSON object per URL (route, source, rule, fallbacks, PAC answer, reasons, warnings).
    #[arg(long)]
    pub json: bool,
    /// Explain every request of this collection (after variables are resolved).
    #[command(flatten)]
    pub source: CollectionSourceArgs,
    #[command(flatten)]
    pub proxy: ProxyArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The expectations file: TOML `[[case]]` tables with `url`, `expect` ("direct", "proxy",
    /// "proxy:HOST:PORT" with `*` for either part, or "proxy:URL"), and optional `name`, `tags`.
    pub expectations: PathBuf,
    /// Use the request `proxy` objects of this collection for the case URLs its requests go to.
    #[command(flatten)]
    pub source: CollectionSourceArgs,
    /// Also try each route for real: a HEAD request over it (TCP, TLS for https, the proxy's
    /// CONNECT or absolute-form request with its credentials), bounded by --timeout-request.
    #[arg(long)]
    pub probe: bool,
    /// Time limit of one probe (ms; default 10000).
    #[arg(long, value_name = "MS")]
    pub timeout_request: Option<u64>,
    /// Probes accept any server certificate.
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Extra trusted CA certificates (PEM) for the probes.
    #[arg(long, value_name = "PEM")]
    pub ssl_extra_ca_certs: Option<PathBuf>,
    /// Check the routes a run recorded in its JSON report instead of deciding them now.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["probe", "collection"])]
    pub from_report: Option<PathBuf>,
    #[command(flatten)]
    pub output: ReportOutputArgs,
    /// No terminal output.
    #[arg(long)]
    pub silent: bool,
    /// ASCII marks instead of Unicode symbols.
    #[arg(long)]
    pub disable_unicode: bool,
    /// Exit 0 even when cases fail.
    #[arg(short = 'x', long)]
    pub suppress_exit_code: bool,
    #[command(flatten)]
    pub proxy: ProxyArgs,
}

/// Which reporters write, and where: the same for `run` and `proxy check`.
#[derive(Args, Debug, Clone)]
pub struct ReportOutputArgs {
    /// Reporters to use, comma-separated: cli, junit, json, html, github.
    #[arg(short = 'r', long, value_name = "LIST", default_value = "cli", value_delimiter = ',')]
    pub reporters: Vec<String>,
    /// JUnit report path (a folder gets a timestamped file name).
    #[arg(long, value_name = "PATH")]
    pub reporter_junit_export: Option<PathBuf>,
    /// JSON report path (a folder gets a timestamped file name).
    #[arg(long, value_name = "PATH")]
    pub reporter_json_export: Option<PathBuf>,
    /// HTML report path (a folder gets a timestamped file name); default
    /// `postie-reports/<collection>-<time>.html`.
    #[arg(long, value_name = "PATH")]
    pub reporter_html_export: Option<PathBuf>,
    /// Largest request or response body kept in the HTML report, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 65536)]
    pub reporter_html_body_limit: usize,
}

/// A collection whose requests (and their `proxy` objects) `proxy explain` and `proxy check`
/// look at, with what resolves its variables.
#[derive(Args, Debug)]
pub struct CollectionSourceArgs {
    /// The collection (Postman v2.0/v2.1 JSON, or a v3 collection directory).
    #[arg(short = 'c', long, value_name = "PATH")]
    pub collection: Option<PathBuf>,
    /// Environment file used to resolve the collection's variables.
    #[arg(short = 'e', long, value_name = "PATH")]
    pub environment: Option<PathBuf>,
    /// Set an environment variable; repeatable.
    #[arg(long = "env-var", value_name = "KEY=VALUE")]
    pub env_var: Vec<String>,
}
