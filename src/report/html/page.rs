//! The parts of the HTML report that need no JavaScript, rendered as text at the end of
//! the run: header, totals, the three SVG charts and the failure list. Pure functions of
//! the run's `Summary` and the `Digest`, so the page shows what the JSON report says.

use std::fmt::Write as _;

use super::digest::{DISPLAY_EDGES_MS, Digest};
use crate::report::cli::{human_ms, human_size};
use crate::report::stats::Summary;

/// Failures listed in the static page; the rest are one click away in the filtered list.
pub const MAX_LISTED_FAILURES: usize = 500;

/// Text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What the header says about the run besides the summary.
pub struct RunFacts<'a> {
    pub collection: &'a str,
    pub version: &'a str,
    /// The code the run exits with (after `-x`).
    pub exit_code: i32,
}

fn utc(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A response time: two decimals where local servers answer, whole ms, then seconds.
fn ms(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2} ms")
    } else if value < 1000.0 {
        format!("{value:.0} ms")
    } else {
        format!("{:.2} s", value / 1000.0)
    }
}

pub fn header(out: &mut String, s: &Summary, facts: &RunFacts) {
    let duration = s.completed.duration_since(s.started).unwrap_or_default();
    let failures = s.failures.len();
    let (class, verdict) = match (&s.error, failures) {
        (Some(error), _) => ("fail", format!("Stopped early: {error}")),
        (None, 0) => ("pass", "Passed".to_string()),
        (None, 1) => ("fail", "1 failed".to_string()),
        (None, n) => ("fail", format!("{n} failed")),
    };
    let icon = if class == "pass" { "i-ok" } else { "i-fail" };
    let _ = write!(
        out,
        r##"<header id="top"><h1>{name}</h1>
<p class="verdict {class}" id="verdict"><svg class="icon" aria-hidden="true"><use href="#{icon}"/></svg> {verdict}</p>
<dl class="meta"><div><dt>Started</dt><dd>{started}</dd></div><div><dt>Duration</dt><dd>{duration}</dd></div><div><dt>Exit code</dt><dd id="exit-code">{code}</dd></div><div><dt>postie</dt><dd>{version}</dd></div></dl>
</header>
"##,
        name = esc(facts.collection),
        verdict = esc(&verdict),
        started = utc(s.started),
        duration = human_ms(duration.as_secs_f64() * 1000.0),
        code = facts.exit_code,
        version = esc(facts.version),
    );
}

fn stat(out: &mut String, id: &str, label: &str, value: &str, note: &str) {
    let _ = write!(
        out,
        r#"<div class="stat" id="stat-{id}"><dt>{label}</dt><dd><span class="value">{value}</span>{note}</dd></div>"#,
        value = esc(value),
        note = if note.is_empty() { String::new() } else { format!(r#" <span class="note">{}</span>"#, esc(note)) },
    );
}

pub fn totals(out: &mut String, s: &Summary, d: &Digest) {
    let st = &s.stats;
    out.push_str(
        "<section id=\"totals\" aria-labelledby=\"totals-h\"><h2 id=\"totals-h\">Totals</h2><dl class=\"stats\">",
    );
    stat(out, "iterations", "Iterations", &st.iterations.total.to_string(), "");
    stat(out, "requests", "Requests", &st.requests.total.to_string(), &format!("{} failed", st.requests.failed));
    stat(out, "assertions-passed", "Assertions passed", &d.assertions_passed.to_string(), "");
    stat(out, "assertions-failed", "Assertions failed", &st.assertions.failed.to_string(), "");
    stat(out, "assertions-skipped", "Assertions skipped", &d.assertions_skipped.to_string(), "");
    let script_errors = st.prerequest_scripts.failed + st.test_scripts.failed;
    stat(out, "script-errors", "Script errors", &script_errors.to_string(), "");
    stat(out, "request-errors", "Request errors", &st.requests.failed.to_string(), "");
    stat(out, "received", "Data received", &human_size(s.transfer_total), "");
    if s.response_count > 0 {
        let p95 = d.latency.quantile(0.95, s.response_max_ms).unwrap_or(0.0);
        stat(out, "avg", "Response time average", &ms(s.response_average_ms()), "");
        stat(out, "min", "Response time min", &ms(s.response_min_ms), "");
        stat(out, "max", "Response time max", &ms(s.response_max_ms), "");
        stat(out, "p95", "Response time p95", &ms(p95), "");
    }
    out.push_str("</dl>\n");
    if !st.routes.is_empty() {
        out.push_str("<table class=\"routes\"><caption>Requests per route</caption><thead><tr><th scope=\"col\">Route</th><th scope=\"col\">Requests</th></tr></thead><tbody>");
        for r in &st.routes {
            let _ = write!(out, "<tr><td>{}</td><td>{}</td></tr>", esc(&r.label()), r.requests);
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
}

fn band_label(i: usize) -> String {
    let edge = |ms: f64| if ms >= 1000.0 { format!("{} s", ms / 1000.0) } else { format!("{ms} ms") };
    match i {
        0 => format!("< {}", edge(DISPLAY_EDGES_MS[0])),
        i if i == DISPLAY_EDGES_MS.len() => format!("≥ {}", edge(DISPLAY_EDGES_MS[i - 1])),
        i => {
            let (low, high) = (DISPLAY_EDGES_MS[i - 1], DISPLAY_EDGES_MS[i]);
            match (low >= 1000.0, high >= 1000.0) {
                (true, true) => format!("{}–{} s", low / 1000.0, high / 1000.0),
                (false, false) => format!("{low}–{high} ms"),
                _ => format!("{}–{}", edge(low), edge(high)),
            }
        }
    }
}

const W: f64 = 480.0;
const H: f64 = 160.0;
/// The folder chart spans the page: wider, so its labels keep their size.
const FW: f64 = 760.0;

fn distribution(out: &mut String, d: &Digest) {
    let bands = d.latency.bands();
    let Some(first) = bands.iter().position(|&n| n > 0) else {
        out.push_str("<p class=\"empty\">No responses.</p>");
        return;
    };
    let last = bands.iter().rposition(|&n| n > 0).unwrap_or(first);
    let shown = &bands[first..=last];
    let top = shown.iter().copied().max().unwrap_or(1).max(1) as f64;
    let slot = W / shown.len() as f64;
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {W} {h}" class="chart" role="img" aria-labelledby="dist-t"><title id="dist-t">Response times: how many responses took how long</title>"#,
        h = H + 40.0
    );
    for (k, &n) in shown.iter().enumerate() {
        let label = band_label(first + k);
        let bar = (n as f64 / top) * (H - 20.0);
        let x = k as f64 * slot + slot * 0.15;
        let _ = write!(
            out,
            r#"<g><title>{label}: {n} responses</title><rect class="bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bar:.1}"/><text x="{cx:.1}" y="{ty:.1}" class="count">{n}</text><text x="{cx:.1}" y="{ly}" class="axis">{label}</text></g>"#,
            label = esc(&label),
            y = H - bar,
            w = slot * 0.7,
            cx = x + slot * 0.35,
            ty = H - bar - 4.0,
            ly = H + 16.0,
        );
    }
    out.push_str("</svg>");
}

fn timeline(out: &mut String, d: &Digest) {
    let bins = d.timeline.bins();
    if bins.is_empty() {
        out.push_str("<p class=\"empty\">No requests.</p>");
        return;
    }
    let top = bins.iter().map(|b| b.average_ms()).fold(0.0, f64::max).max(0.001);
    let slot = W / bins.len() as f64;
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {W} {h}" class="chart" role="img" aria-labelledby="tl-t"><title id="tl-t">Requests in plan order: average response time per bar; hatched bars hold a failure</title>"#,
        h = H + 40.0
    );
    for (k, b) in bins.iter().enumerate() {
        let first = b.first + 1;
        let last = b.first + b.count;
        let span = if b.count == 1 { format!("request {first}") } else { format!("requests {first}–{last}") };
        let failed = if b.failed > 0 { format!(", {} failed", b.failed) } else { String::new() };
        let bar = ((b.average_ms() / top) * (H - 20.0)).max(1.0);
        let x = k as f64 * slot;
        let class = if b.failed > 0 { "bar fail" } else { "bar" };
        let _ = write!(
            out,
            r##"<a href="#x-n{first}"><title>{span}: average {avg}, max {max}{failed}</title><rect class="{class}" x="{x:.2}" y="{y:.1}" width="{w:.2}" height="{bar:.1}"/>{mark}</a>"##,
            avg = ms(b.average_ms()),
            max = ms(b.max_ms),
            y = H - bar,
            w = (slot * 0.85).max(0.5),
            mark = if b.failed > 0 {
                format!(r#"<text x="{:.2}" y="{}" class="mark">✕</text>"#, x + slot * 0.42, H + 14.0)
            } else {
                String::new()
            },
        );
    }
    let _ = write!(
        out,
        r#"<text x="0" y="12" class="axis start">{top}</text><text x="0" y="{ly}" class="axis start">first request</text><text x="{W}" y="{ly}" class="axis end">request {n}</text></svg>"#,
        top = esc(&ms(top)),
        ly = H + 34.0,
        n = d.executions,
    );
}

fn folders(out: &mut String, d: &Digest) {
    let mut rows: Vec<&super::digest::FolderTally> = d.folders.iter().collect();
    if d.other_folders.passed + d.other_folders.failed > 0 {
        rows.push(&d.other_folders);
    }
    if rows.is_empty() {
        out.push_str("<p class=\"empty\">No requests.</p>");
        return;
    }
    let row_h = 26.0;
    let label_w = 170.0;
    let top = rows.iter().map(|r| r.passed + r.failed).max().unwrap_or(1).max(1) as f64;
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {FW} {h}" class="chart" role="img" aria-labelledby="fo-t"><title id="fo-t">Requests passed and failed per top-level folder</title>"#,
        h = rows.len() as f64 * row_h + 4.0
    );
    for (k, r) in rows.iter().enumerate() {
        let name = if r.name.is_empty() { "(other folders)" } else { r.name.as_str() };
        let y = k as f64 * row_h + 2.0;
        let scale = (FW - label_w - 170.0) / top;
        let pw = r.passed as f64 * scale;
        let fw = r.failed as f64 * scale;
        let short: String = name.chars().take(26).collect();
        let _ = write!(
            out,
            r#"<g><title>{name}: {p} passed, {f} failed</title><text x="0" y="{ty:.1}" class="axis start">{short}</text><rect class="bar" x="{label_w}" y="{y:.1}" width="{pw:.1}" height="18"/><rect class="bar fail" x="{fx:.1}" y="{y:.1}" width="{fw:.1}" height="18"/><text x="{lx:.1}" y="{ty:.1}" class="axis start">{p} passed, {f} failed</text></g>"#,
            name = esc(name),
            short = esc(&short),
            p = r.passed,
            f = r.failed,
            ty = y + 14.0,
            fx = label_w + pw,
            lx = label_w + pw + fw + 6.0,
        );
    }
    out.push_str("</svg>");
}

pub fn charts(out: &mut String, d: &Digest) {
    out.push_str(
        "<section id=\"charts\" aria-labelledby=\"charts-h\"><h2 id=\"charts-h\">Charts</h2><div class=\"charts\">",
    );
    out.push_str("<figure><figcaption>Response-time distribution</figcaption>");
    distribution(out, d);
    out.push_str("</figure><figure><figcaption>Timeline, in plan order</figcaption>");
    timeline(out, d);
    out.push_str("</figure><figure class=\"wide\"><figcaption>Requests per top-level folder</figcaption>");
    folders(out, d);
    out.push_str("</figure></div></section>\n");
}

/// `executions[i]` is the report index of the execution `s.failures[i]` came from.
pub fn failures(out: &mut String, s: &Summary, executions: &[u64]) {
    let n = s.failures.len();
    let _ = write!(
        out,
        "<section id=\"failures\" aria-labelledby=\"failures-h\"><h2 id=\"failures-h\">Failures <span class=\"count\">{n}</span></h2>"
    );
    if n == 0 {
        out.push_str("<p class=\"empty\">No failures.</p></section>\n");
        return;
    }
    out.push_str("<ol class=\"failures\">");
    for (k, f) in s.failures.iter().take(MAX_LISTED_FAILURES).enumerate() {
        let what = match f.at.as_str() {
            "assertion" => format!("Assertion “{}”", f.name),
            "request" => format!("Request error {}", f.name),
            other => format!("{} {}", other.replace('-', " "), f.name),
        };
        let _ = write!(
            out,
            r##"<li class="failure"><p><a href="{link}">{name}</a> <span class="iter">iteration {iter}</span></p><p class="what">{what}</p><pre class="message">{message}</pre></li>"##,
            link = executions.get(k).map(|x| format!("#x-n{}", x + 1)).unwrap_or_else(|| "#executions".to_string()),
            iter = f.iteration + 1,
            name = esc(&f.full_name),
            what = esc(&what),
            message = esc(&f.message),
        );
    }
    out.push_str("</ol>");
    if n > MAX_LISTED_FAILURES {
        let _ = write!(
            out,
            "<p class=\"more\">{} more failures are not listed here: turn on “Failed only” in the list below.</p>",
            n - MAX_LISTED_FAILURES
        );
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn band_labels_read_as_ranges() {
        assert_eq!(band_label(0), "< 1 ms");
        assert_eq!(band_label(1), "1–2 ms");
        assert_eq!(band_label(10), "1–2 s");
        assert_eq!(band_label(DISPLAY_EDGES_MS.len()), "≥ 10 s");
    }
}
