//! Tokens Newman 6.2.2 made from the same blocks and the test keys in `fixtures/jwt`:
//! HMAC and RSA PKCS#1 v1.5 are deterministic, so they must be equal byte for byte; PSS and
//! ECDSA are randomised, so both Newman's and postie's tokens must verify with the public key.

use super::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jwt").join(name)).unwrap()
}

fn newman(name: &str) -> String {
    let tokens: serde_json::Value = serde_json::from_str(&fixture("newman-tokens.json")).unwrap();
    tokens[name].as_str().unwrap().trim_start_matches("Bearer ").to_string()
}

fn params(alg: &str) -> JwtParams {
    let key = |file: &str| fixture(file);
    let (secret, secret_base64, private_key) = match alg {
        "HS256" => ("postie-jwt-secret".to_string(), false, String::new()),
        "HS384" => ("cG9zdGllLWp3dC1zZWNyZXQ=".to_string(), true, String::new()),
        "HS512" => ("s3".to_string(), false, String::new()),
        "ES256" => (String::new(), false, key("ec256.pem")),
        "ES384" => (String::new(), false, key("ec384.pem")),
        "ES512" => (String::new(), false, key("ec521.pem")),
        _ => (String::new(), false, key("rsa.pem")),
    };
    JwtParams {
        algorithm: alg.into(),
        secret,
        secret_base64,
        private_key,
        header: r#"{"kid":"k1","typ":"JWT"}"#.into(),
        payload: r#"{"sub":"postie","n":1}"#.into(),
    }
}

#[test]
fn deterministic_algorithms_equal_newman_byte_for_byte() {
    for alg in ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512"] {
        assert_eq!(token(&params(alg)).unwrap(), newman(alg), "{alg}");
    }
    let empty = JwtParams { algorithm: "HS256".into(), secret: "k".into(), payload: "{}".into(), ..Default::default() };
    assert_eq!(token(&empty).unwrap(), newman("query"));
    // An `alg` in the header keeps its place and takes the block's algorithm; an empty
    // payload is `{}`.
    let replaced = JwtParams { header: r#"{"alg":"none","typ":"JWT"}"#.into(), payload: String::new(), ..empty };
    assert_eq!(token(&replaced).unwrap(), newman("noprefix"));
}

fn verifies(alg: &str, jwt: &str) -> bool {
    use ring::signature::{self as sig, KeyPair};
    let (input, signature) = jwt.rsplit_once('.').unwrap();
    let signature = B64URL.decode(signature).unwrap();
    let der = pem_der(&params(alg).private_key).unwrap();
    match alg {
        "PS256" => {
            let pair = sig::RsaKeyPair::from_pkcs8(&der).unwrap();
            sig::UnparsedPublicKey::new(&sig::RSA_PSS_2048_8192_SHA256, pair.public().as_ref())
                .verify(input.as_bytes(), &signature)
                .is_ok()
        }
        "ES256" | "ES384" => {
            let (signing, verifying) = if alg == "ES256" {
                (&sig::ECDSA_P256_SHA256_FIXED_SIGNING, &sig::ECDSA_P256_SHA256_FIXED)
            } else {
                (&sig::ECDSA_P384_SHA384_FIXED_SIGNING, &sig::ECDSA_P384_SHA384_FIXED)
            };
            let pair = sig::EcdsaKeyPair::from_pkcs8(signing, &der, &ring::rand::SystemRandom::new()).unwrap();
            sig::UnparsedPublicKey::new(verifying, pair.public_key().as_ref())
                .verify(input.as_bytes(), &signature)
                .is_ok()
        }
        _ => {
            use p521::ecdsa::signature::Verifier;
            use p521::pkcs8::DecodePrivateKey;
            let secret = p521::SecretKey::from_pkcs8_der(&der).unwrap();
            let verifying = p521::ecdsa::VerifyingKey::from(&p521::ecdsa::SigningKey::from(&secret));
            let Ok(signature) = p521::ecdsa::Signature::from_slice(&signature) else { return false };
            verifying.verify(input.as_bytes(), &signature).is_ok()
        }
    }
}

#[test]
fn randomised_algorithms_verify_like_newmans() {
    for alg in ["PS256", "ES256", "ES384", "ES512"] {
        let ours = token(&params(alg)).unwrap();
        let theirs = newman(alg);
        // Same header and payload; only the signature differs from run to run.
        assert_eq!(ours.rsplit_once('.').unwrap().0, theirs.rsplit_once('.').unwrap().0, "{alg}");
        assert!(verifies(alg, &ours), "{alg}: postie's token");
        assert!(verifies(alg, &theirs), "{alg}: Newman's token");
        let mut tampered = ours.clone();
        tampered.insert(tampered.rfind('.').unwrap() - 1, 'x');
        assert!(!verifies(alg, &tampered), "{alg}: a changed payload fails");
    }
}

#[test]
fn bad_blocks_say_what_to_fix() {
    let cases: Vec<(JwtParams, &str)> = vec![
        (JwtParams { algorithm: "HS128".into(), ..params("HS256") }, "is not one of"),
        (JwtParams { secret: String::new(), ..params("HS256") }, "secret is empty"),
        (JwtParams { secret: "***".into(), ..params("HS384") }, "not valid base64"),
        (JwtParams { payload: "{bad".into(), ..params("HS256") }, "payload is not valid JSON"),
        (JwtParams { header: "[1]".into(), ..params("HS256") }, "header is not valid JSON: not an object"),
        (JwtParams { private_key: "not a key".into(), ..params("RS256") }, "not a PKCS#8 PEM key for RS256"),
        (JwtParams { private_key: fixture("ec256.pem"), ..params("RS256") }, "not a PKCS#8 PEM key"),
        (JwtParams { private_key: fixture("rsa.pem"), ..params("ES512") }, "not a PKCS#8 PEM key for ES512"),
    ];
    for (p, expected) in cases {
        let err = token(&p).unwrap_err().to_string();
        assert!(err.contains(expected), "{}: {err}", p.algorithm);
    }
}
