//! The composed formats behind `generate`: dates as JavaScript prints them, IBANs with valid
//! check digits, Bitcoin-style addresses, data URIs, lorem text with capitalised sentences.

use chrono::{Duration, NaiveDate, Utc};
use fake::Fake;
use fake::faker::{address, company, filesystem, internet, job, lorem, name, number};
use fake::locales::EN;

use super::lists::{BASE58, HACKER_ABBREVIATIONS, HACKER_ADJECTIVES, HACKER_NOUNS, HACKER_VERBS, IBAN_LAYOUTS};

pub const DAY: i64 = 24 * 60 * 60;

/// One entry of a constant, non-empty list.
pub fn pick(list: &[&str]) -> String {
    list[rand::random_range(0..list.len())].to_string()
}

/// `Math.round(Date.now() / 1000)`.
pub fn unix_seconds() -> String {
    let ms = Utc::now().timestamp_millis();
    ((ms + 500).div_euclid(1000)).to_string()
}

/// `new Date().toISOString()`: UTC, milliseconds, `Z`.
pub fn iso_now() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A random instant `from..to` seconds away from now, printed as JavaScript's
/// `Date.prototype.toString()` prints it on a machine set to UTC.
pub fn js_date_around(from: i64, to: i64) -> String {
    let at = Utc::now() + Duration::seconds(rand::random_range(from..=to));
    at.format("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)").to_string()
}

pub fn month_name() -> String {
    let month = rand::random_range(1..=12u32);
    NaiveDate::from_ymd_opt(2024, month, 1).map(|d| d.format("%B").to_string()).unwrap_or_else(|| "January".into())
}

pub fn weekday_name() -> String {
    // 2024-01-01 is a Monday; the next six days cover the week.
    let day = rand::random_range(1..=7u32);
    NaiveDate::from_ymd_opt(2024, 1, day).map(|d| d.format("%A").to_string()).unwrap_or_else(|| "Monday".into())
}

/// `###-###-####`, the first digit not zero (faker's `phoneNumberFormat(0)`).
pub fn phone_number() -> String {
    number::raw::NumberWithFormat(EN, "^##-###-####").fake()
}

pub fn digits(n: usize) -> String {
    number::raw::NumberWithFormat(EN, &"#".repeat(n)).fake()
}

pub fn street_address() -> String {
    let building: String = address::raw::BuildingNumber(EN).fake();
    let street: String = address::raw::StreetName(EN).fake();
    format!("{building} {street}")
}

/// A decimal degree within ±`limit`, four decimals, as faker prints it.
pub fn coordinate(limit: f64) -> String {
    format!("{:.4}", rand::random_range(-limit..=limit))
}

/// An amount from 0.00 to 1000.00 with two decimals (faker's `finance.amount`).
pub fn price() -> String {
    let cents = rand::random_range(0..=100_000u32);
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// An address of 26 to 34 base58 characters starting with 1 or 3, as faker makes them.
pub fn bitcoin_address() -> String {
    let len = rand::random_range(25..=33);
    let mut s = String::with_capacity(len + 1);
    s.push(if rand::random::<bool>() { '1' } else { '3' });
    for _ in 0..len {
        s.push(char::from(BASE58[rand::random_range(0..BASE58.len())]));
    }
    s
}

/// An IBAN whose ISO 7064 mod-97 check digits are right, so validators accept it.
pub fn iban() -> String {
    let (country, layout) = IBAN_LAYOUTS[rand::random_range(0..IBAN_LAYOUTS.len())];
    let bban: String = layout
        .chars()
        .map(|c| match c {
            'a' => char::from(b'A' + rand::random_range(0..26u8)),
            _ => char::from(b'0' + rand::random_range(0..10u8)),
        })
        .collect();
    let check = 98 - iban_mod97(&format!("{bban}{country}00"));
    format!("{country}{check:02}{bban}")
}

/// The remainder mod 97 of an IBAN string with letters read as 10..=35.
pub fn iban_mod97(s: &str) -> u32 {
    s.chars().fold(0u32, |acc, c| match c.to_digit(36) {
        Some(v) if v >= 10 => (acc * 100 + v) % 97,
        Some(v) => (acc * 10 + v) % 97,
        None => acc,
    })
}

pub fn hacker_verb() -> (&'static str, &'static str) {
    HACKER_VERBS[rand::random_range(0..HACKER_VERBS.len())]
}

/// One of faker's hacker phrase shapes.
pub fn hacker_phrase() -> String {
    let (verb, ing) = hacker_verb();
    let (abbr, adj, noun) = (pick(HACKER_ABBREVIATIONS), pick(HACKER_ADJECTIVES), pick(HACKER_NOUNS));
    let noun2 = pick(HACKER_NOUNS);
    match rand::random_range(0..4u8) {
        0 => format!("If we {verb} the {noun}, we can get to the {abbr} {noun2} through the {adj} {abbr} {noun}!"),
        1 => format!("We need to {verb} the {adj} {abbr} {noun}!"),
        2 => format!("Try to {verb} the {abbr} {noun}, maybe it will {verb} the {adj} {noun2}!"),
        _ => {
            format!("{} {adj} {noun} is down, {ing} the {noun2} won't do anything.", capitalise(&format!("the {abbr}")))
        }
    }
}

pub fn avatar_url() -> String {
    format!("https://avatars.githubusercontent.com/u/{}", rand::random_range(1..100_000_000u32))
}

/// faker's `image.urlLoremFlickr({ category })`.
pub fn category_image(category: &str) -> String {
    format!("https://loremflickr.com/640/480/{category}?lock={}", rand::random_range(1..=1_000_000u32))
}

/// faker's `image.dataUri`: an SVG placeholder, URI-encoded.
pub fn image_data_uri() -> String {
    let (w, h) = (640, 480);
    let colour = format!("#{:06x}", rand::random_range(0..=0xff_ffffu32));
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" baseProfile=\"full\" width=\"{w}\" height=\"{h}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"{colour}\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"20\" alignment-baseline=\"middle\" text-anchor=\"middle\" fill=\"white\">{w}x{h}</text></svg>",
        w / 2,
        h / 2
    );
    format!("data:image/svg+xml;charset=UTF-8,{}", encode_uri_component(&svg))
}

/// JavaScript's `encodeURIComponent`.
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn protocol() -> &'static str {
    if rand::random::<bool>() { "https" } else { "http" }
}

/// A lower-case first name, letters only, as faker's `domainWord`.
pub fn domain_word() -> String {
    let first: &str = name::raw::FirstName(EN).fake();
    first.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase()
}

pub fn domain_name() -> String {
    let suffix: &str = internet::raw::DomainSuffix(EN).fake();
    format!("{}.{suffix}", domain_word())
}

/// One word from a mix of sources, as faker's `random.word` mixes its categories.
pub fn word() -> String {
    match rand::random_range(0..6u8) {
        0 => lorem::raw::Word(EN).fake(),
        1 => company::raw::BsVerb(EN).fake(),
        2 => company::raw::Buzzword(EN).fake(),
        3 => name::raw::LastName(EN).fake(),
        4 => job::raw::Position(EN).fake(),
        _ => address::raw::CitySuffix(EN).fake(),
    }
}

pub fn words(n: usize) -> String {
    (0..n).map(|_| word()).collect::<Vec<_>>().join(" ")
}

pub fn lorem_words(n: usize) -> Vec<String> {
    (0..n).map(|_| lorem::raw::Word(EN).fake()).collect()
}

pub fn alphanumeric() -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    char::from(CHARS[rand::random_range(0..CHARS.len())]).to_string()
}

/// A directory and a file name, as Postman builds it (fake's `FilePath` may be a bare `/`).
pub fn file_path() -> String {
    let dir: String = filesystem::raw::DirPath(EN).fake();
    let file: String = filesystem::raw::FileName(EN).fake();
    format!("{}/{file}", dir.trim_end_matches('/'))
}

/// The top-level part of a MIME type (`application`, `image`, ...).
pub fn file_type() -> String {
    let mime: String = filesystem::raw::MimeType(EN).fake();
    mime.split('/').next().unwrap_or("application").to_string()
}

pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A lorem sentence of 3 to 10 words, capitalised, ending with a full stop.
pub fn sentence() -> String {
    capitalise(&lorem::raw::Sentence(EN, 3..11).fake::<String>())
}

pub fn sentences(n: usize, separator: &str) -> String {
    (0..n).map(|_| sentence()).collect::<Vec<_>>().join(separator)
}

pub fn paragraphs(n: usize) -> String {
    (0..n).map(|_| sentences(3, " ")).collect::<Vec<_>>().join("\n")
}
