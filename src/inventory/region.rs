//! Region codes and residency: is a place where data is stored inside the
//! places a policy allows?
//!
//! Codes are ISO 3166-1 alpha-2 countries (lower case; `uk` is an alias of
//! `gb`) and the groups `eu`, `eea`, `apac` and `global`. A country is inside
//! its groups, `eu` is inside `eea`, and everything is inside `global`;
//! `global` itself ("anywhere") is inside nothing but `global`.

use std::fmt;

/// Every ISO 3166-1 alpha-2 code.
const COUNTRIES: &[&str] = &[
    "ad", "ae", "af", "ag", "ai", "al", "am", "ao", "aq", "ar", "as", "at", "au", "aw", "ax", "az",
    "ba", "bb", "bd", "be", "bf", "bg", "bh", "bi", "bj", "bl", "bm", "bn", "bo", "bq", "br", "bs",
    "bt", "bv", "bw", "by", "bz", "ca", "cc", "cd", "cf", "cg", "ch", "ci", "ck", "cl", "cm", "cn",
    "co", "cr", "cu", "cv", "cw", "cx", "cy", "cz", "de", "dj", "dk", "dm", "do", "dz", "ec", "ee",
    "eg", "eh", "er", "es", "et", "fi", "fj", "fk", "fm", "fo", "fr", "ga", "gb", "gd", "ge", "gf",
    "gg", "gh", "gi", "gl", "gm", "gn", "gp", "gq", "gr", "gs", "gt", "gu", "gw", "gy", "hk", "hm",
    "hn", "hr", "ht", "hu", "id", "ie", "il", "im", "in", "io", "iq", "ir", "is", "it", "je", "jm",
    "jo", "jp", "ke", "kg", "kh", "ki", "km", "kn", "kp", "kr", "kw", "ky", "kz", "la", "lb", "lc",
    "li", "lk", "lr", "ls", "lt", "lu", "lv", "ly", "ma", "mc", "md", "me", "mf", "mg", "mh", "mk",
    "ml", "mm", "mn", "mo", "mp", "mq", "mr", "ms", "mt", "mu", "mv", "mw", "mx", "my", "mz", "na",
    "nc", "ne", "nf", "ng", "ni", "nl", "no", "np", "nr", "nu", "nz", "om", "pa", "pe", "pf", "pg",
    "ph", "pk", "pl", "pm", "pn", "pr", "ps", "pt", "pw", "py", "qa", "re", "ro", "rs", "ru", "rw",
    "sa", "sb", "sc", "sd", "se", "sg", "sh", "si", "sj", "sk", "sl", "sm", "sn", "so", "sr", "ss",
    "st", "sv", "sx", "sy", "sz", "tc", "td", "tf", "tg", "th", "tj", "tk", "tl", "tm", "tn", "to",
    "tr", "tt", "tv", "tw", "tz", "ua", "ug", "um", "us", "uy", "uz", "va", "vc", "ve", "vg", "vi",
    "vn", "vu", "wf", "ws", "ye", "yt", "za", "zm", "zw",
];

/// The 27 member states of the European Union.
const EU: &[&str] = &[
    "at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu", "ie", "it",
    "lt", "lu", "lv", "mt", "nl", "pl", "pt", "ro", "se", "si", "sk",
];

/// The EEA adds these three to the EU.
const EEA_ONLY: &[&str] = &["is", "li", "no"];

/// Asia-Pacific, as cloud vendors commonly draw it.
const APAC: &[&str] = &[
    "au", "bd", "bn", "bt", "cn", "fj", "hk", "id", "in", "jp", "kh", "kr", "la", "lk", "mm", "mn",
    "mo", "mv", "my", "np", "nz", "ph", "pg", "pk", "sg", "th", "tl", "tw", "vn",
];

pub const GROUPS: &[&str] = &["eu", "eea", "apac", "global"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    Country([u8; 2]),
    Eu,
    Eea,
    Apac,
    Global,
}

impl Region {
    /// Parses a region code; `None` for anything that is not one.
    pub fn parse(code: &str) -> Option<Region> {
        match code {
            "eu" => Some(Region::Eu),
            "eea" => Some(Region::Eea),
            "apac" => Some(Region::Apac),
            "global" => Some(Region::Global),
            "uk" => Some(Region::Country(*b"gb")),
            c if COUNTRIES.contains(&c) => {
                let b = c.as_bytes();
                Some(Region::Country([b[0], b[1]]))
            }
            _ => None,
        }
    }

    fn country(&self) -> Option<&str> {
        match self {
            Region::Country(c) => std::str::from_utf8(c).ok(),
            _ => None,
        }
    }

    /// True when every place this region covers is inside `other`.
    pub fn is_within(self, other: Region) -> bool {
        if self == other || other == Region::Global {
            return true;
        }
        match (self, other) {
            (Region::Eu, Region::Eea) => true,
            (Region::Country(_), group) => {
                let c = self.country().unwrap_or("");
                match group {
                    Region::Eu => EU.contains(&c),
                    Region::Eea => EU.contains(&c) || EEA_ONLY.contains(&c),
                    Region::Apac => APAC.contains(&c),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// True when this region lies inside at least one of the allowed regions.
    pub fn is_allowed(self, allowed: &[Region]) -> bool {
        allowed.iter().any(|a| self.is_within(*a))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Region::Country(_) => f.write_str(self.country().unwrap_or("??")),
            Region::Eu => f.write_str("eu"),
            Region::Eea => f.write_str("eea"),
            Region::Apac => f.write_str("apac"),
            Region::Global => f.write_str("global"),
        }
    }
}

impl serde::Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// All codes `parse` accepts, for error messages and the JSON Schema.
pub fn all_codes() -> impl Iterator<Item = &'static str> {
    GROUPS
        .iter()
        .copied()
        .chain(["uk"])
        .chain(COUNTRIES.iter().copied())
}

/// Names the characters in a would-be region code that make it look right
/// but fail: invisible ones (zero-width space, no-break space, byte-order
/// mark) and non-Latin look-alikes (Cyrillic `е` for `e`). `None` when the
/// code is plain ASCII.
pub fn explain_lookalikes(code: &str) -> Option<String> {
    let odd: Vec<String> = code
        .chars()
        .filter(|c| !c.is_ascii_graphic())
        .take(3)
        .map(describe_char)
        .collect();
    if odd.is_empty() {
        return None;
    }
    let plain: String = code
        .chars()
        .filter_map(|c| {
            if c.is_ascii_graphic() {
                Some(c)
            } else {
                lookalike(c)
            }
        })
        .collect();
    let meant = Region::parse(&plain.to_ascii_lowercase())
        .map(|_| format!("; did you mean `{}`?", plain.to_ascii_lowercase()))
        .unwrap_or_default();
    Some(format!("the code contains {}{meant}", odd.join(", ")))
}

fn describe_char(c: char) -> String {
    let name = match c {
        '\u{200B}' => "a zero-width space, which is invisible".to_string(),
        '\u{200C}' | '\u{200D}' => "a zero-width joiner, which is invisible".to_string(),
        '\u{2060}' => "a word joiner, which is invisible".to_string(),
        '\u{FEFF}' => "a byte-order mark, which is invisible".to_string(),
        '\u{00A0}' => "a no-break space".to_string(),
        ' ' | '\t' => "a space".to_string(),
        c => match lookalike(c) {
            Some(latin) => format!("a {} letter that looks like `{latin}`", script(c)),
            None => "a character that is not an ASCII letter".to_string(),
        },
    };
    format!("U+{:04X} ({name})", c as u32)
}

fn script(c: char) -> &'static str {
    match c as u32 {
        0x0370..=0x03FF => "Greek",
        0x0400..=0x04FF => "Cyrillic",
        0xFF00..=0xFFEF => "full-width",
        _ => "non-Latin",
    }
}

/// The ASCII letter a character is commonly mistaken for.
fn lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'с' | 'С' => 'c',
        'е' | 'Е' | 'ε' | 'Ε' => 'e',
        'һ' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'п' | 'η' | 'Ν' => 'n',
        'о' | 'О' | 'ο' | 'Ο' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'у' | 'У' | 'υ' | 'Υ' => 'y',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'ν' => 'v',
        'ω' => 'w',
        'Ζ' => 'z',
        c if ('\u{FF41}'..='\u{FF5A}').contains(&c) => char::from(b'a' + (c as u32 - 0xFF41) as u8),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_lookalike_characters_are_named() {
        assert_eq!(
            explain_lookalikes("de\u{200B}").unwrap(),
            "the code contains U+200B (a zero-width space, which is invisible); did you mean `de`?"
        );
        assert_eq!(
            explain_lookalikes("\u{0435}u").unwrap(),
            "the code contains U+0435 (a Cyrillic letter that looks like `e`); did you mean `eu`?"
        );
        assert_eq!(explain_lookalikes("xx"), None);
        assert!(
            explain_lookalikes("日本")
                .unwrap()
                .starts_with("the code contains U+65E5")
        );
    }

    fn r(code: &str) -> Region {
        Region::parse(code).unwrap()
    }

    #[test]
    fn countries_sit_inside_their_groups() {
        assert!(r("ie").is_within(r("eu")));
        assert!(r("de").is_within(r("eea")));
        assert!(r("no").is_within(r("eea")));
        assert!(!r("no").is_within(r("eu")));
        assert!(r("jp").is_within(r("apac")));
        assert!(!r("us").is_within(r("eu")));
        assert!(!r("gb").is_within(r("eu")), "the UK left the EU");
    }

    #[test]
    fn uk_and_gb_are_the_same_country() {
        assert_eq!(r("uk"), r("gb"));
        assert_eq!(r("uk").to_string(), "gb");
    }

    #[test]
    fn groups_nest() {
        assert!(r("eu").is_within(r("eea")));
        assert!(!r("eea").is_within(r("eu")));
        assert!(r("eu").is_allowed(&[r("eea")]));
        assert!(!r("apac").is_within(r("eea")));
    }

    #[test]
    fn global_means_anywhere() {
        assert!(!r("global").is_allowed(&[r("eu"), r("us"), r("apac")]));
        assert!(r("global").is_allowed(&[r("eu"), r("global")]));
        assert!(r("us").is_allowed(&[r("global")]));
    }

    #[test]
    fn unknown_codes_are_rejected() {
        for code in ["xx", "EU", "usa", "", "europe"] {
            assert_eq!(Region::parse(code), None, "{code}");
        }
        assert_eq!(COUNTRIES.len(), 249);
        assert!(EU.iter().all(|c| COUNTRIES.contains(c)));
        assert!(APAC.iter().all(|c| COUNTRIES.contains(c)));
    }
}
