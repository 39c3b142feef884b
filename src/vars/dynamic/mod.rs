//! Postman's dynamic variables (`{{$guid}}`, `{{$randomEmail}}`, ...): the 118 names of
//! postman-collection's `dynamic-variables.js` and a fresh value of the same kind and format
//! for each. Values are random, so only their shape matches Postman's, not faker's exact text.
//!
//! Names, addresses, companies, lorem, internet and file data come from the `fake` crate;
//! `lists.rs` holds the few word lists `fake` lacks, `values.rs` the composed formats.

mod lists;
mod values;

#[cfg(test)]
mod tests;

use fake::Fake;
use fake::faker::{address, company, currency, filesystem, finance, internet, job, lorem, name};
use fake::locales::EN;

use lists::*;
use values::*;

/// Every Postman dynamic variable name, with the `$`.
#[rustfmt::skip]
pub const NAMES: [&str; 118] = [
    "$guid", "$timestamp", "$isoTimestamp", "$randomInt", "$randomPhoneNumber",
    "$randomPhoneNumberExt", "$randomLocale", "$randomWords", "$randomFilePath",
    "$randomDirectoryPath", "$randomCity", "$randomStreetName", "$randomStreetAddress",
    "$randomCountry", "$randomCountryCode", "$randomLatitude", "$randomLongitude", "$randomColor",
    "$randomDepartment", "$randomProductName", "$randomProductAdjective", "$randomProductMaterial",
    "$randomProduct", "$randomCompanyName", "$randomCompanySuffix", "$randomCatchPhrase",
    "$randomBs", "$randomCatchPhraseAdjective", "$randomCatchPhraseDescriptor",
    "$randomCatchPhraseNoun", "$randomBsAdjective", "$randomBsBuzz", "$randomBsNoun",
    "$randomDatabaseColumn", "$randomDatabaseType", "$randomDatabaseCollation",
    "$randomDatabaseEngine", "$randomDatePast", "$randomDateFuture", "$randomDateRecent",
    "$randomMonth", "$randomWeekday", "$randomBankAccount", "$randomBankAccountName",
    "$randomCreditCardMask", "$randomPrice", "$randomTransactionType", "$randomCurrencyCode",
    "$randomCurrencyName", "$randomCurrencySymbol", "$randomBitcoin", "$randomBankAccountIban",
    "$randomBankAccountBic", "$randomAbbreviation", "$randomAdjective", "$randomNoun",
    "$randomVerb", "$randomIngverb", "$randomPhrase", "$randomAvatarImage", "$randomImageUrl",
    "$randomAbstractImage", "$randomAnimalsImage", "$randomBusinessImage", "$randomCatsImage",
    "$randomCityImage", "$randomFoodImage", "$randomNightlifeImage", "$randomFashionImage",
    "$randomPeopleImage", "$randomNatureImage", "$randomSportsImage", "$randomTransportImage",
    "$randomImageDataUri", "$randomEmail", "$randomExampleEmail", "$randomUserName",
    "$randomProtocol", "$randomUrl", "$randomDomainName", "$randomDomainSuffix",
    "$randomDomainWord", "$randomIP", "$randomIPV6", "$randomUserAgent", "$randomHexColor",
    "$randomMACAddress", "$randomPassword", "$randomLoremWord", "$randomLoremWords",
    "$randomLoremSentence", "$randomLoremSlug", "$randomLoremSentences", "$randomLoremParagraph",
    "$randomLoremParagraphs", "$randomLoremText", "$randomLoremLines", "$randomFirstName",
    "$randomLastName", "$randomFullName", "$randomJobTitle", "$randomNamePrefix",
    "$randomNameSuffix", "$randomJobDescriptor", "$randomJobArea", "$randomJobType", "$randomUUID",
    "$randomBoolean", "$randomWord", "$randomAlphaNumeric", "$randomFileName",
    "$randomCommonFileName", "$randomMimeType", "$randomCommonFileType", "$randomCommonFileExt",
    "$randomFileType", "$randomFileExt", "$randomSemver",
];

/// A fresh value for the dynamic variable `name` (with its `$`), or `None` if Postman has no
/// such variable.
pub fn generate(name: &str) -> Option<String> {
    let value: String = match name {
        "$guid" | "$randomUUID" => uuid::Uuid::new_v4().to_string(),
        "$timestamp" => unix_seconds(),
        "$isoTimestamp" => iso_now(),
        "$randomInt" => rand::random_range(0..=1000u32).to_string(),

        "$randomPhoneNumber" => phone_number(),
        "$randomPhoneNumberExt" => format!("{}-{}", rand::random_range(1..=99u32), phone_number()),
        "$randomLocale" => pick(LOCALES),
        "$randomWords" => words(rand::random_range(2..=5)),
        "$randomFilePath" => file_path(),
        "$randomDirectoryPath" => filesystem::raw::DirPath(EN).fake(),

        "$randomCity" => address::raw::CityName(EN).fake(),
        "$randomStreetName" => address::raw::StreetName(EN).fake(),
        "$randomStreetAddress" => street_address(),
        "$randomCountry" => address::raw::CountryName(EN).fake(),
        "$randomCountryCode" => address::raw::CountryCode(EN).fake(),
        "$randomLatitude" => coordinate(90.0),
        "$randomLongitude" => coordinate(180.0),

        "$randomColor" => pick(COLORS),
        "$randomDepartment" => pick(DEPARTMENTS),
        "$randomProductName" => format!("{} {} {}", pick(PRODUCT_ADJECTIVES), pick(PRODUCT_MATERIALS), pick(PRODUCTS)),
        "$randomProductAdjective" => pick(PRODUCT_ADJECTIVES),
        "$randomProductMaterial" => pick(PRODUCT_MATERIALS),
        "$randomProduct" => pick(PRODUCTS),

        "$randomCompanyName" => company::raw::CompanyName(EN).fake(),
        "$randomCompanySuffix" => company::raw::CompanySuffix(EN).fake(),
        "$randomCatchPhrase" => company::raw::CatchPhrase(EN).fake(),
        "$randomBs" => company::raw::Bs(EN).fake(),
        "$randomCatchPhraseAdjective" => company::raw::Buzzword(EN).fake(),
        "$randomCatchPhraseDescriptor" => company::raw::BuzzwordMiddle(EN).fake(),
        "$randomCatchPhraseNoun" => company::raw::BuzzwordTail(EN).fake(),
        "$randomBsAdjective" => company::raw::BsAdj(EN).fake(),
        "$randomBsBuzz" => company::raw::BsVerb(EN).fake(),
        "$randomBsNoun" => company::raw::BsNoun(EN).fake(),

        "$randomDatabaseColumn" => pick(DB_COLUMNS),
        "$randomDatabaseType" => pick(DB_TYPES),
        "$randomDatabaseCollation" => pick(DB_COLLATIONS),
        "$randomDatabaseEngine" => pick(DB_ENGINES),

        "$randomDatePast" => js_date_around(-365 * DAY, 0),
        "$randomDateFuture" => js_date_around(0, 365 * DAY),
        "$randomDateRecent" => js_date_around(-DAY, 0),
        "$randomMonth" => month_name(),
        "$randomWeekday" => weekday_name(),

        "$randomBankAccount" => digits(8),
        "$randomBankAccountName" => format!("{} Account", pick(ACCOUNT_KINDS)),
        "$randomCreditCardMask" => digits(4),
        "$randomPrice" => price(),
        "$randomTransactionType" => pick(TRANSACTION_TYPES),
        "$randomCurrencyCode" => currency::raw::CurrencyCode(EN).fake(),
        "$randomCurrencyName" => currency::raw::CurrencyName(EN).fake(),
        "$randomCurrencySymbol" => currency::raw::CurrencySymbol(EN).fake(),
        "$randomBitcoin" => bitcoin_address(),
        "$randomBankAccountIban" => iban(),
        "$randomBankAccountBic" => finance::raw::Bic(EN).fake(),

        "$randomAbbreviation" => pick(HACKER_ABBREVIATIONS),
        "$randomAdjective" => pick(HACKER_ADJECTIVES),
        "$randomNoun" => pick(HACKER_NOUNS),
        "$randomVerb" => hacker_verb().0.to_string(),
        "$randomIngverb" => hacker_verb().1.to_string(),
        "$randomPhrase" => hacker_phrase(),

        "$randomAvatarImage" => avatar_url(),
        "$randomImageUrl" => fake::faker::picsum::raw::Image(EN).fake(),
        "$randomAbstractImage" => category_image("abstract"),
        "$randomAnimalsImage" => category_image("animals"),
        "$randomBusinessImage" => category_image("business"),
        "$randomCatsImage" => category_image("cats"),
        "$randomCityImage" => category_image("city"),
        "$randomFoodImage" => category_image("food"),
        "$randomNightlifeImage" => category_image("nightlife"),
        "$randomFashionImage" => category_image("fashion"),
        "$randomPeopleImage" => category_image("people"),
        "$randomNatureImage" => category_image("nature"),
        "$randomSportsImage" => category_image("sports"),
        "$randomTransportImage" => category_image("transport"),
        "$randomImageDataUri" => image_data_uri(),

        "$randomEmail" => internet::raw::FreeEmail(EN).fake(),
        "$randomExampleEmail" => internet::raw::SafeEmail(EN).fake(),
        "$randomUserName" => internet::raw::Username(EN).fake(),
        "$randomProtocol" => protocol().to_string(),
        "$randomUrl" => format!("{}://{}", protocol(), domain_name()),
        "$randomDomainName" => domain_name(),
        "$randomDomainSuffix" => internet::raw::DomainSuffix(EN).fake(),
        "$randomDomainWord" => domain_word(),
        "$randomIP" => internet::raw::IPv4(EN).fake(),
        "$randomIPV6" => internet::raw::IPv6(EN).fake::<String>().to_lowercase(),
        "$randomUserAgent" => internet::raw::UserAgent(EN).fake(),
        "$randomHexColor" => format!("#{:06x}", rand::random_range(0..=0xff_ffffu32)),
        "$randomMACAddress" => internet::raw::MACAddress(EN).fake::<String>().to_lowercase(),
        "$randomPassword" => internet::raw::Password(EN, 15..16).fake(),

        "$randomLoremWord" => lorem::raw::Word(EN).fake(),
        "$randomLoremWords" => lorem_words(3).join(" "),
        "$randomLoremSentence" => sentence(),
        "$randomLoremSlug" => lorem_words(3).join("-"),
        "$randomLoremSentences" => sentences(rand::random_range(2..=6), " "),
        "$randomLoremParagraph" => sentences(3, " "),
        "$randomLoremParagraphs" => paragraphs(3),
        "$randomLoremText" => sentences(rand::random_range(3..=6), " "),
        "$randomLoremLines" => sentences(rand::random_range(1..=5), "\n"),

        "$randomFirstName" => name::raw::FirstName(EN).fake(),
        "$randomLastName" => name::raw::LastName(EN).fake(),
        "$randomFullName" => name::raw::Name(EN).fake(),
        "$randomJobTitle" => job::raw::Title(EN).fake(),
        "$randomNamePrefix" => name::raw::Title(EN).fake(),
        "$randomNameSuffix" => name::raw::Suffix(EN).fake(),
        "$randomJobDescriptor" => job::raw::Seniority(EN).fake(),
        "$randomJobArea" => job::raw::Field(EN).fake(),
        "$randomJobType" => job::raw::Position(EN).fake(),

        "$randomBoolean" => rand::random::<bool>().to_string(),
        "$randomWord" => word(),
        "$randomAlphaNumeric" => alphanumeric(),

        "$randomFileName" => filesystem::raw::FileName(EN).fake(),
        "$randomCommonFileName" => {
            format!("{}.{}", lorem_words(2).join("_"), pick(COMMON_FILE_EXTS))
        }
        "$randomMimeType" => filesystem::raw::MimeType(EN).fake(),
        "$randomCommonFileType" => pick(COMMON_FILE_TYPES),
        "$randomCommonFileExt" => pick(COMMON_FILE_EXTS),
        "$randomFileType" => file_type(),
        "$randomFileExt" => filesystem::raw::FileExtension(EN).fake(),
        "$randomSemver" => filesystem::raw::SemverStable(EN).fake(),
        _ => return None,
    };
    Some(value)
}

/// Whether `name` (with its `$`) is a Postman dynamic variable.
pub fn is_dynamic(name: &str) -> bool {
    NAMES.contains(&name)
}
