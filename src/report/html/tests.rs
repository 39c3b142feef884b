use super::*;
use crate::report::testdata::{drive, mixed_run, passing_run};

fn options() -> HtmlOptions {
    HtmlOptions { body_limit: 64, suppress_exit_code: false, announce: false }
}

fn render(executions_of: fn() -> (RunInfo, Vec<Execution>)) -> (String, Summary) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let mut r = HtmlReporter::new(&path, "Shop API", options()).unwrap();
    let (info, executions) = executions_of();
    let summary = drive(&mut r, &info, &executions);
    drop(r);
    (std::fs::read_to_string(&path).unwrap(), summary)
}

/// The text of the element with `id` (tags removed), for the totals cards.
fn text_of(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    let end = rest.find("</div>").unwrap();
    let mut out = String::new();
    let mut tag = false;
    for c in rest[..end].chars().skip_while(|&c| c != '>').skip(1) {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_page_shows_the_summary_totals_and_every_failure() {
    let (html, summary) = render(mixed_run);
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<title>Shop API · postie report</title>"));
    let st = &summary.stats;
    assert_eq!(text_of(&html, "stat-requests"), format!("Requests{} {} failed", st.requests.total, st.requests.failed));
    assert_eq!(text_of(&html, "stat-assertions-failed"), format!("Assertions failed{}", st.assertions.failed));
    assert_eq!(text_of(&html, "stat-iterations"), format!("Iterations{}", st.iterations.total));
    assert!(html.contains(&format!("Failures <span class=\"count\">{}</span>", summary.failures.len())));
    for f in &summary.failures {
        assert!(html.contains(&page::esc(&f.message)), "{}", f.message);
    }
    // each failure links to the execution it came from, by its number in the report
    let links = html.matches("<li class=\"failure\"><p><a href=\"#x-n").count();
    assert_eq!(links, summary.failures.len());
    // mixed_run's first failure is its second execution's (report number 2)
    assert!(html.contains("<li class=\"failure\"><p><a href=\"#x-n2\">"), "{html}");
    assert!(html.contains("<p class=\"verdict fail\""));
    assert!(html.contains("id=\"exit-code\">1<"));
    // one data row per execution, in `<script type="application/json">` chunks
    let rows: usize = html
        .split("<script type=\"application/json\" class=\"postie-data\">")
        .skip(1)
        .map(|chunk| {
            let json = &chunk[..chunk.find("</script>").unwrap()];
            serde_json::from_str::<Vec<serde_json::Value>>(json).unwrap().len()
        })
        .sum();
    assert_eq!(rows as u64, summary.stats.items.total);
}

#[test]
fn a_passing_run_says_so() {
    let (html, summary) = render(passing_run);
    assert!(!summary.failed());
    assert!(html.contains("<p class=\"verdict pass\""));
    assert!(html.contains("No failures."));
    assert!(html.contains("id=\"exit-code\">0<"));
}

#[test]
fn nothing_is_fetched_from_the_network() {
    let (html, _) = render(mixed_run);
    for attr in ["src=", "href=", "url("] {
        for (at, _) in html.match_indices(attr) {
            let value = &html[at + attr.len()..(at + attr.len() + 12).min(html.len())];
            let value = value.trim_start_matches(['"', '\'']);
            assert!(
                !value.starts_with("http:") && !value.starts_with("https:") && !value.starts_with("//"),
                "{attr}{value}"
            );
        }
    }
    assert!(!html.contains("@import") && !html.contains("@font-face"));
    // the JSON rows cannot end their element
    assert_eq!(html.matches("<script").count(), html.matches("</script>").count());
}

#[test]
fn chunks_close_every_thousand_rows_and_a_dropped_reporter_still_closes_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let (info, executions) = passing_run();
    let mut r = HtmlReporter::new(&path, "c", options()).unwrap();
    r.start(&info).unwrap();
    for k in 0..2500 {
        let mut e = executions[k % executions.len()].clone();
        e.cursor.position = k;
        r.execution(&e).unwrap();
    }
    drop(r);
    let html = std::fs::read_to_string(&path).unwrap();
    assert_eq!(html.matches("class=\"postie-data\"").count(), 3);
    assert!(html.contains("the run ended before the report was finished"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn default_paths_name_the_collection_and_time() {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_765_000_000);
    assert_eq!(
        default_html_path("Shop API / v2", t),
        Path::new("postie-reports").join("Shop-API---v2-2025-12-06T05-46-40-000Z.html")
    );
    assert_eq!(
        default_html_path("../..", t),
        Path::new("postie-reports").join("collection-2025-12-06T05-46-40-000Z.html")
    );
}

#[test]
fn hostile_names_and_an_empty_run_render_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.html");
    let evil = "<script>alert(1)</script>";
    let mut r = HtmlReporter::new(&path, evil, options()).unwrap();
    let (info, executions) = mixed_run();
    let mut e = executions[0].clone();
    e.full_name = format!("{evil} / <img src=x onerror=alert(2)>");
    e.item_name = "<img src=x onerror=alert(2)>".to_string();
    e.assertions = vec![crate::report::testdata::fail("</script><b>", "expected '<i>' to equal '</pre>'")];
    let info = RunInfo { collection_name: evil.to_string(), ..info };
    drive(&mut r, &info, &[e]);
    drop(r);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("</script><b>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("expected &#39;&lt;i&gt;&#39; to equal &#39;&lt;/pre&gt;&#39;"));

    // a run that sent nothing still makes a whole page
    let path = dir.path().join("empty.html");
    let mut r = HtmlReporter::new(&path, "empty", options()).unwrap();
    let (info, _) = passing_run();
    drive(&mut r, &info, &[]);
    drop(r);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("No responses.") && html.contains("No failures."));
    assert!(!html.contains("class=\"postie-data\""));
    assert!(html.trim_end().ends_with("</html>"));
}
