//! Every dynamic variable generates a value, and the ones people test against have the
//! format Postman gives them.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{NaiveDateTime, Utc};

use super::values::iban_mod97;
use super::{NAMES, generate, is_dynamic};

#[test]
fn names_are_the_118_postman_names() {
    let unique: HashSet<&str> = NAMES.iter().copied().collect();
    assert_eq!(unique.len(), 118, "no duplicates");
    for name in NAMES {
        assert!(name.starts_with('$'), "{name}");
        assert!(is_dynamic(name));
    }
    for name in ["$guid", "$timestamp", "$isoTimestamp", "$randomInt", "$randomUUID", "$randomSemver"] {
        assert!(unique.contains(name), "{name}");
    }
    for not_dynamic in ["guid", "$GUID", "$random", "$randomImage", "", "$"] {
        assert_eq!(generate(not_dynamic), None, "{not_dynamic}");
    }
}

#[test]
fn every_name_generates_a_non_empty_value() {
    for _ in 0..5 {
        for name in NAMES {
            let v = generate(name).unwrap_or_else(|| panic!("{name} generated nothing"));
            assert!(!v.trim().is_empty(), "{name} generated {v:?}");
            assert!(!v.contains("{{"), "{name} generated a token: {v}");
        }
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn digit_groups(s: &str, sep: char, sizes: &[usize]) -> bool {
    let parts: Vec<&str> = s.split(sep).collect();
    parts.len() == sizes.len() && parts.iter().zip(sizes).all(|(p, n)| p.len() == *n && all_digits(p))
}

fn is_uuid_v4(s: &str) -> bool {
    s.len() == 36 && s == s.to_lowercase() && uuid::Uuid::parse_str(s).is_ok_and(|u| u.get_version_num() == 4)
}

fn decimals(s: &str, places: usize, range: std::ops::RangeInclusive<f64>) -> bool {
    s.split_once('.').is_some_and(|(_, f)| f.len() == places) && s.parse::<f64>().is_ok_and(|v| range.contains(&v))
}

fn js_date(s: &str) -> Option<i64> {
    NaiveDateTime::parse_from_str(s, "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")
        .ok()
        .map(|d| d.and_utc().timestamp())
}

fn lower_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

type Check = fn(&str) -> bool;

#[test]
fn main_variables_have_postman_formats() {
    let now = Utc::now().timestamp();
    let day = 24 * 60 * 60;
    let cases: &[(&str, Check)] = &[
        ("$guid", is_uuid_v4),
        ("$randomUUID", is_uuid_v4),
        ("$timestamp", |s| s.parse::<i64>().is_ok_and(|t| (t - Utc::now().timestamp()).abs() <= 5)),
        ("$isoTimestamp", |s| s.len() == 24 && s.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(s).is_ok()),
        ("$randomInt", |s| s.parse::<u32>().is_ok_and(|n| n <= 1000)),
        ("$randomEmail", |s| {
            s.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.contains('.') && !d.contains('@'))
        }),
        ("$randomExampleEmail", |s| s.split_once('@').is_some_and(|(u, d)| !u.is_empty() && d.starts_with("example."))),
        ("$randomIP", |s| s.parse::<Ipv4Addr>().is_ok()),
        ("$randomIPV6", |s| s.parse::<Ipv6Addr>().is_ok() && s == s.to_lowercase()),
        ("$randomHexColor", |s| s.len() == 7 && s.starts_with('#') && lower_hex(&s[1..])),
        ("$randomMACAddress", |s| {
            let parts: Vec<&str> = s.split(':').collect();
            parts.len() == 6 && parts.iter().all(|p| p.len() == 2 && lower_hex(p))
        }),
        ("$randomSemver", |s| {
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| all_digits(p))
        }),
        ("$randomBoolean", |s| s == "true" || s == "false"),
        ("$randomLatitude", |s| decimals(s, 4, -90.0..=90.0)),
        ("$randomLongitude", |s| decimals(s, 4, -180.0..=180.0)),
        ("$randomPrice", |s| decimals(s, 2, 0.0..=1000.0)),
        ("$randomPhoneNumber", |s| digit_groups(s, '-', &[3, 3, 4]) && !s.starts_with('0')),
        ("$randomPhoneNumberExt", |s| {
            s.split_once('-')
                .is_some_and(|(ext, rest)| ext.len() <= 2 && all_digits(ext) && digit_groups(rest, '-', &[3, 3, 4]))
        }),
        ("$randomBankAccount", |s| s.len() == 8 && all_digits(s)),
        ("$randomCreditCardMask", |s| s.len() == 4 && all_digits(s)),
        ("$randomBankAccountIban", |s| {
            let (head, bban) = s.split_at(4);
            head[..2].bytes().all(|b| b.is_ascii_uppercase())
                && all_digits(&head[2..])
                && iban_mod97(&format!("{bban}{head}")) == 1
        }),
        ("$randomBitcoin", |s| {
            (s.starts_with('1') || s.starts_with('3'))
                && (26..=34).contains(&s.len())
                && s.bytes().all(|b| super::lists::BASE58.contains(&b))
        }),
        ("$randomProtocol", |s| s == "http" || s == "https"),
        ("$randomUrl", |s| {
            s.strip_prefix("https://")
                .or_else(|| s.strip_prefix("http://"))
                .is_some_and(|host| host.contains('.') && !host.contains('/'))
        }),
        ("$randomDomainName", |s| s.split('.').count() == 2 && s == s.to_lowercase()),
        ("$randomPassword", |s| s.len() == 15 && s.bytes().all(|b| b.is_ascii_alphanumeric())),
        ("$randomAlphaNumeric", |s| s.len() == 1 && s.bytes().all(|b| b.is_ascii_alphanumeric())),
        ("$randomImageDataUri", |s| s.starts_with("data:image/svg+xml;charset=UTF-8,%3Csvg")),
        ("$randomImageUrl", |s| s.starts_with("https://")),
        ("$randomCatsImage", |s| s.starts_with("https://") && s.contains("/cats")),
        ("$randomAvatarImage", |s| s.starts_with("https://")),
        ("$randomMonth", |s| {
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
            .contains(&s)
        }),
        ("$randomWeekday", |s| {
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].contains(&s)
        }),
        ("$randomLoremSentence", |s| s.ends_with('.') && s.chars().next().is_some_and(char::is_uppercase)),
        ("$randomLoremSlug", |s| s.split('-').count() == 3 && !s.contains(' ')),
        ("$randomLoremWords", |s| s.split(' ').count() == 3),
        ("$randomLoremLines", |s| s.lines().all(|l| l.ends_with('.'))),
        ("$randomWords", |s| s.split(' ').count() >= 2),
        ("$randomFileType", |s| !s.contains('/') && s == s.to_lowercase()),
        ("$randomMimeType", |s| s.split('/').count() == 2),
        ("$randomCommonFileName", |s| s.contains('_') && s.contains('.')),
        ("$randomFilePath", |s| s.starts_with('/') && s.contains('.')),
        ("$randomDirectoryPath", |s| s.starts_with('/')),
        ("$randomCountryCode", |s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())),
        ("$randomLocale", |s| (2..=3).contains(&s.len()) && s == s.to_lowercase()),
        ("$randomCurrencyCode", |s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())),
        ("$randomFullName", |s| s.contains(' ')),
        ("$randomStreetAddress", |s| s.split(' ').next().is_some_and(all_digits)),
        ("$randomBankAccountName", |s| s.ends_with(" Account")),
    ];
    for (name, check) in cases {
        for _ in 0..40 {
            let v = generate(name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(check(&v), "{name} has the wrong format: {v:?}");
        }
    }
    // Dates relative to now.
    let date_cases: &[(&str, i64, i64)] = &[
        ("$randomDatePast", now - 366 * day, now + 5),
        ("$randomDateFuture", now - 5, now + 366 * day),
        ("$randomDateRecent", now - day - 5, now + 5),
    ];
    for (name, lo, hi) in date_cases {
        for _ in 0..20 {
            let v = generate(name).unwrap_or_default();
            let t = js_date(&v).unwrap_or_else(|| panic!("{name} is not a JS date: {v:?}"));
            assert!((*lo..=*hi).contains(&t), "{name} out of range: {v}");
        }
    }
}

#[test]
fn values_are_fresh() {
    for name in ["$guid", "$randomUUID", "$randomPassword", "$randomBankAccountIban"] {
        let seen: HashSet<String> = (0..20).filter_map(|_| generate(name)).collect();
        assert!(seen.len() > 15, "{name} repeats: {seen:?}");
    }
}
