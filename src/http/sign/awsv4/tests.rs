//! AWS's published Signature V4 test suite (the `aws-sig-v4-test-suite` cases, service
//! `service`, 2015-08-30T12:36:00Z), and requests Newman 6.2.2 signed against the echo
//! server, recorded with their `X-Amz-Date`.

use super::*;

const SUITE_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_TIME: &str = "20150830T123600Z";

/// (case, method, path and query as the suite writes them, extra headers, body, signature)
type SuiteCase =
    (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str)], &'static str, &'static str);

const SUITE: &[SuiteCase] = &[
    ("get-vanilla", "GET", "/", &[], "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    (
        "get-vanilla-query-order-key-case",
        "GET",
        "/?Param2=value2&Param1=value1",
        &[],
        "",
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ),
    (
        "get-vanilla-query-unreserved",
        "GET",
        "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        &[],
        "",
        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
    ),
    (
        "get-vanilla-utf8-query",
        "GET",
        "/?\u{1234}=bar",
        &[],
        "",
        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
    ),
    (
        "get-header-value-trim",
        "GET",
        "/",
        &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
        "",
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    ),
    ("post-vanilla", "POST", "/", &[], "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    (
        "post-x-www-form-urlencoded",
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "Param1=value1",
        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    ),
    (
        "post-header-key-sort",
        "POST",
        "/",
        &[("My-Header1", "value1")],
        "",
        "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
    ),
    (
        "get-vanilla-query-order-value",
        "GET",
        "/?Param1=value2&Param1=value1",
        &[],
        "",
        "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
    ),
    ("get-slashes", "GET", "//example//", &[], "", "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"),
    (
        "get-space",
        "GET",
        "/example space/",
        &[],
        "",
        "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
    ),
    (
        "post-vanilla-query",
        "POST",
        "/?Param1=value1",
        &[],
        "",
        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    ),
    ("get-utf8", "GET", "/\u{1234}", &[], "", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
    (
        "get-header-key-duplicate",
        "GET",
        "/",
        &[("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
        "",
        "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
    ),
];

#[test]
fn the_published_aws_test_suite() {
    for (case, method, target, extra, body, expected) in SUITE {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers: Vec<(String, String)> = vec![("Host".into(), "example.amazonaws.com".into())];
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        headers.push(("X-Amz-Date".into(), SUITE_TIME.into()));
        let payload = hex(&Sha256::digest(body.as_bytes()));
        let query = parse_query(query);
        let canonical = Canonical {
            method,
            path,
            query: &query,
            headers: &headers,
            payload: &payload,
            s3: false,
            encoding: PathEncoding::Once,
        };
        let got = signature(&canonical.text(), SUITE_KEY, SUITE_TIME, "us-east-1", "service");
        assert_eq!(&got, expected, "{case}:\n{}", canonical.text());
    }
}

/// Newman 6.2.2 against the echo server on 127.0.0.1:36919, at 2026-12-06T13:30:09Z.
const NEWMAN_TIME: &str = "20261206T133009Z";
const HOST: &str = "127.0.0.1:36919";

fn newman_request<'a>(
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    headers: &'a [(String, String)],
    body: Option<&'a [u8]>,
) -> Request<'a> {
    Request { method, host: HOST, path, query, headers, body }
}

#[test]
fn header_signing_matches_newman_for_api_gateway() {
    let headers = vec![("X-Custom".to_string(), "  a   b  ".to_string())];
    let params = AwsParams {
        access_key: "AKIDEXAMPLE".into(),
        secret_key: SUITE_KEY.into(),
        region: "us-east-1".into(),
        service: "service".into(),
        ..Default::default()
    };
    // Newman sent /anything/a%20b/../c, which signs as /anything/c (aws4 resolves `..`).
    let signed =
        sign(&newman_request("GET", "/anything/c", Some("z=1&a=2&a=1&q=x%20y"), &headers, None), &params, NEWMAN_TIME);
    let names: Vec<&str> = signed.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["Host", "X-Amz-Date", "Authorization"]);
    assert_eq!(
        signed.headers[2].1,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date;x-custom, \
         Signature=576dea51373b30b0a3d2a43bf649d72803243acfef470d051786073d4aa6d7f7"
    );
}

#[test]
fn s3_with_a_body_and_a_session_token_matches_newman() {
    let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    let params = AwsParams {
        access_key: "AKIDEXAMPLE".into(),
        secret_key: "secret".into(),
        session_token: "TOKEN".into(),
        region: "eu-west-1".into(),
        service: "s3".into(),
        ..Default::default()
    };
    let body = br#"{"a":1}"#;
    let signed = sign(&newman_request("POST", "/anything/p", None, &headers, Some(body)), &params, NEWMAN_TIME);
    let expected = [
        ("X-Amz-Content-Sha256", "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"),
        ("Host", HOST),
        ("X-Amz-Security-Token", "TOKEN"),
        ("X-Amz-Date", NEWMAN_TIME),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/eu-west-1/s3/aws4_request, \
             SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, \
             Signature=3d73f357d10adfa7c56960695a4c01604be212e07d06c7bdedab1404b68d57e0",
        ),
    ];
    let got: Vec<(&str, &str)> = signed.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, expected);
}

#[test]
fn query_signing_matches_newman() {
    let params =
        AwsParams { access_key: "AKID".into(), secret_key: "secret".into(), add_to_query: true, ..Default::default() };
    let signed = sign(&newman_request("GET", "/anything/q", Some("x=1"), &[], None), &params, NEWMAN_TIME);
    let got: Vec<(&str, &str)> = signed.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        got,
        [
            ("X-Amz-Date", NEWMAN_TIME),
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "AKID%2F20261206%2Fus-east-1%2Fexecute-api%2Faws4_request"),
            ("X-Amz-SignedHeaders", "host"),
            ("X-Amz-Signature", "3d03ee69e9b4bb24bd5d5e5a3d015cd959311b480ea6a7793a4fb78407e6064b"),
        ]
    );
    assert_eq!(signed.headers, [("Host".to_string(), HOST.to_string())]);
}

#[test]
fn paths_and_queries_are_canonical_as_aws4_makes_them() {
    // Non-S3 paths are normalised and encoded twice; S3 paths decoded, encoded once, `/` kept.
    assert_eq!(canonical_path("/a//b/./c/../d", false, PathEncoding::Twice), "/a/b/d");
    assert_eq!(canonical_path("/a%20b", false, PathEncoding::Twice), "/a%2520b");
    assert_eq!(canonical_path("/a%20b/c%2Fd", true, PathEncoding::Twice), "/a%20b/c/d");
    assert_eq!(canonical_path("/", false, PathEncoding::Twice), "/");
    assert_eq!(canonical_query(&parse_query("b=2&a=3&a=1&c"), false), "a=1&a=3&b=2&c=");
    assert_eq!(canonical_query(&parse_query("a=3&a=1"), true), "a=3", "S3 signs the first value only");
    assert_eq!(canonical_query(&parse_query("k=a+b%2x&=skip"), false), "k=a%20b%252x");
}

#[test]
fn a_form_body_signs_without_its_content_type_as_newman_does() {
    // Newman's request library adds the form's Content-Type after signing.
    let params = AwsParams { access_key: "AK".into(), secret_key: "s".into(), ..Default::default() };
    let signed = sign(&newman_request("POST", "/post", None, &[], Some(b"a=1%202")), &params, "20261206T134340Z");
    assert_eq!(
        signed.headers.last().unwrap().1,
        "AWS4-HMAC-SHA256 Credential=AK/20261206/us-east-1/execute-api/aws4_request, \
         SignedHeaders=host;x-amz-content-sha256;x-amz-date, \
         Signature=9e270c04399963ce09b6148244407a649708c8e2c9ac8fa3fab32d3e5719e96e"
    );
}
