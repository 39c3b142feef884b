//! RFC 5849's worked examples (§1.2), and requests Newman 6.2.2 signed against the echo
//! server on 127.0.0.1:36919 with a fixed nonce and timestamp.

use super::*;

fn rfc(token: &str, token_secret: &str, timestamp: &str, nonce: &str) -> OAuth1Params {
    OAuth1Params {
        consumer_key: "dpf43f3p2l4k3l03".into(),
        consumer_secret: "kd94hf93k423kf44".into(),
        token: token.into(),
        token_secret: token_secret.into(),
        timestamp: timestamp.into(),
        nonce: nonce.into(),
        realm: "Photos".into(),
        add_params_to_header: true,
        ..Default::default()
    }
}

fn signature_of(placement: Placement) -> String {
    let Placement::Header(header) = placement else { panic!("not a header: {placement:?}") };
    let at = header.find("oauth_signature=\"").unwrap() + "oauth_signature=\"".len();
    let encoded = &header[at..header[at..].find('"').unwrap() + at];
    percent_decode(encoded)
}

fn signed(method: &str, url: &str, p: &OAuth1Params) -> Placement {
    let url = url::Url::parse(url).unwrap();
    sign(&Request { method, url: &url, form: None, body: None }, p).unwrap().unwrap()
}

#[test]
fn the_rfc_5849_examples() {
    let initiate =
        OAuth1Params { callback: "http://printer.example.com/ready".into(), ..rfc("", "", "137131200", "wIjqoS") };
    assert_eq!(
        signature_of(signed("POST", "https://photos.example.net/initiate", &initiate)),
        "74KNZJeDHnMBp0EMJ9ZHt/XKycU="
    );
    let token = OAuth1Params {
        verifier: "hfdp7dh39dks9884".into(),
        ..rfc("hh5s93j4hdidpola", "hdhd0244k9j7ao03", "137131201", "walatlh")
    };
    assert_eq!(
        signature_of(signed("POST", "https://photos.example.net/token", &token)),
        "gKgrFCywp7rO0OXSjdot/IHF7IU="
    );
    let photos = rfc("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00", "137131202", "chapoH");
    let url = "http://photos.example.net/photos?file=vacation.jpg&size=original";
    assert_eq!(signature_of(signed("GET", url, &photos)), "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
}

const ECHO: &str = "http://127.0.0.1:36919";

fn newman_block(method: &str) -> OAuth1Params {
    OAuth1Params {
        signature_method: method.into(),
        version: "1.0".into(),
        realm: String::new(),
        ..rfc("nnch734d00sl2jdk", "pfkkdhi9sl3r4s00", "137131202", "chapoH")
    }
}

#[test]
fn header_placement_matches_newman() {
    let p = OAuth1Params { realm: "Photos".into(), ..newman_block("HMAC-SHA1") };
    assert_eq!(
        signed("GET", &format!("{ECHO}/get?file=vacation.jpg&size=original"), &p),
        Placement::Header(
            r#"OAuth realm="Photos",oauth_consumer_key="dpf43f3p2l4k3l03",oauth_token="nnch734d00sl2jdk",oauth_signature_method="HMAC-SHA1",oauth_timestamp="137131202",oauth_nonce="chapoH",oauth_version="1.0",oauth_signature="PNVIDVNifCWfLlxoO625UNxCTe8%3D""#
                .into()
        )
    );
    let plain = newman_block("PLAINTEXT");
    assert_eq!(signature_of(signed("GET", &format!("{ECHO}/get"), &plain)), "kd94hf93k423kf44&pfkkdhi9sl3r4s00");
    // Empty token and version are signed with addEmptyParamsToSign but left out of the header.
    let empty = OAuth1Params {
        consumer_key: "ck".into(),
        consumer_secret: "cs".into(),
        timestamp: "137131202".into(),
        nonce: "chapoH".into(),
        signature_method: "HMAC-SHA1".into(),
        add_empty_params_to_sign: true,
        add_params_to_header: true,
        ..Default::default()
    };
    assert_eq!(
        signed("GET", &format!("{ECHO}/get"), &empty),
        Placement::Header(
            r#"OAuth oauth_consumer_key="ck",oauth_signature_method="HMAC-SHA1",oauth_timestamp="137131202",oauth_nonce="chapoH",oauth_signature="MKcGwNa84i2cSwXSqdXtalgiSxg%3D""#.into()
        )
    );
}

#[test]
fn query_and_body_placement_match_newman() {
    let p = OAuth1Params { add_params_to_header: false, ..newman_block("HMAC-SHA256") };
    let Placement::Query(query) = signed("GET", &format!("{ECHO}/get?a=x%20y&b=%21&c"), &p) else { panic!() };
    assert_eq!(
        query.last().unwrap(),
        &("oauth_signature".to_string(), "6zt7KRdf1xPCmoLe4LWNLxr%2BPxvQdkes%2Fu6XXjezfpg%3D".to_string())
    );
    assert_eq!(query.len(), 7);
    assert_eq!(reencode_query("a=x y&b=%21&c"), "a=x%20y&b=%21&c");

    let p = OAuth1Params { add_params_to_header: false, ..newman_block("HMAC-SHA512") };
    let url = url::Url::parse(&format!("{ECHO}/post?b5=%3D%253D&a3=a")).unwrap();
    let form = [("c2".to_string(), String::new()), ("a3".to_string(), "2 q".to_string())];
    let placed = sign(&Request { method: "POST", url: &url, form: Some(&form), body: None }, &p).unwrap().unwrap();
    let Placement::Body(params) = placed else { panic!() };
    assert_eq!(
        params.last().unwrap().1,
        "LQsm7OzUR+M/1QO2opxRTtyftzs2DJxqMPBj2HNbf1y0fKcE546udXjotVOWMUH2G8MyfFA5J+4jFLkoZOInuA=="
    );
}

#[test]
fn body_hash_callback_and_rsa_match_newman() {
    let p = OAuth1Params {
        include_body_hash: true,
        callback: "http://printer.example.com/ready".into(),
        ..newman_block("HMAC-SHA256")
    };
    let url = url::Url::parse(&format!("{ECHO}/post")).unwrap();
    let placed =
        sign(&Request { method: "POST", url: &url, form: None, body: Some(br#"{"a":1}"#) }, &p).unwrap().unwrap();
    assert_eq!(
        placed,
        Placement::Header(
            r#"OAuth oauth_consumer_key="dpf43f3p2l4k3l03",oauth_token="nnch734d00sl2jdk",oauth_signature_method="HMAC-SHA256",oauth_timestamp="137131202",oauth_nonce="chapoH",oauth_version="1.0",oauth_body_hash="AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX%2BGI%3D",oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready",oauth_signature="l7S8UevIsTfkwvb0VEFCLZ77th9F7h8elMGj5yZpKrQ%3D""#.into()
        )
    );
    let key =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jwt/rsa.pem")).unwrap();
    let rsa = OAuth1Params {
        consumer_key: "ck".into(),
        private_key: key,
        timestamp: "137131202".into(),
        nonce: "chapoH".into(),
        version: "1.0".into(),
        signature_method: "RSA-SHA256".into(),
        add_params_to_header: true,
        ..Default::default()
    };
    let expected = "ZL13xQHWvLB5NL/8R+hH6cs4gDMdSls37afBLjHIRTuiBGNu9khNe7hxbEdk4s9mVZE2P1heRtN2suLxRp1oQZfAAgAs/6lxg0eYjXO/ge4OkQY/2mzqJ2ROfxmXz5GtX469WCyzrmxkxhJUNUayqOXLzvv2Hj2iuAVywvoXLnLIS7ipcNvziKWt4pJc8abYL/lJWwlN/OhGwxFlziRW7miErEIjgtKTnz/fU6WS8TBAwS+4WDCFDUmrCNojK1GwNTeuq3pANyxwxIhAeK7MGVMQ3uAEXRfupwK3pBIF8VqLDnEh4aNmIv8K4I+5cwFqp2rYkr6uIBTnoAqHYdezMw==";
    assert_eq!(signature_of(signed("GET", &format!("{ECHO}/get?x=1"), &rsa)), expected);
    let sha1 = OAuth1Params { signature_method: "RSA-SHA1".into(), ..rsa };
    let expected = "RalS8zKRgtC0R2jhkWQOoseuHBYb+Qpik6Vvzfsq2RryW2Kw0lct/oVF4FoqSka9l9tn9n0pXrdjII92bbY4kh+W6cuQCr8XbfgjSu82MR1al7YLrYYE1lbjiRDxxvU/MFDakNa8dr4tyDjQIbgZSbuwOcu46Gwm/AsBx/WLCw5+16l32XVYhufUsvQbC69Rmu3ZvmfPXrrJNr9NX4/qCRDQwGhO3j6WTXrRW3kQcdwdYUS4f5cmnAsu0BIXHtBftIETB01r3nugzcOcewsPOBZ4pDDmBc/D79v4BlQPEAf9R3+4EkmLkiMBNcVbfBbcB1/dRYb/26PRosemLEyVJA==";
    assert_eq!(signature_of(signed("GET", &format!("{ECHO}/get?x=1"), &sha1)), expected);
}

#[test]
fn incomplete_blocks_sign_nothing_and_bad_methods_say_so() {
    let url = url::Url::parse("http://h/").unwrap();
    let req = Request { method: "GET", url: &url, form: None, body: None };
    assert!(sign(&req, &OAuth1Params { consumer_secret: String::new(), ..newman_block("HMAC-SHA1") }).is_none());
    assert!(sign(&req, &OAuth1Params { private_key: String::new(), ..newman_block("RSA-SHA256") }).is_none());
    let err = sign(&req, &OAuth1Params { private_key: "x".into(), ..newman_block("RSA-SHA1") }).unwrap().unwrap_err();
    assert!(err.contains("PEM"), "{err}");
    assert!(sign(&req, &newman_block("MD5")).unwrap().unwrap_err().contains("unknown signature method"));
    assert_eq!(nonce().len(), 11);
}
