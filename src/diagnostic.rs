//! Problems in user input, reported as `file:line:column: error: message`.
//!
//! Every problem found in one run is collected and printed together; the
//! process then exits with code 2.

use std::fmt;

use crate::inventory::source::Loc;

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub loc: Option<Loc>,
    pub message: String,
    /// What is accepted instead, or what was probably meant.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn at(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            loc: Some(loc),
            message: message.into(),
            help: None,
        }
    }

    pub fn file(message: impl Into<String>) -> Self {
        Diagnostic {
            loc: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// More problems than this are counted, not listed: a generated file with
/// one mistake repeated 50,000 times needs one fix, not 50,000 lines.
pub const MAX_LISTED: usize = 500;

/// One input file's problems. Implements `Error`, so it travels through
/// `anyhow` and is printed once by `main`.
#[derive(Debug)]
pub struct InputError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl InputError {
    pub fn new(file: impl Into<String>, diagnostics: Vec<Diagnostic>) -> Self {
        InputError {
            file: file.into(),
            diagnostics,
        }
    }

    pub fn single(file: impl Into<String>, diagnostic: Diagnostic) -> Self {
        Self::new(file, vec![diagnostic])
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().take(MAX_LISTED).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match d.loc {
                Some(loc) => write!(f, "{}:{}: error: {}", self.file, loc, d.message)?,
                None => write!(f, "{}: error: {}", self.file, d.message)?,
            }
            if let Some(help) = &d.help {
                write!(f, "\n  help: {help}")?;
            }
        }
        let n = self.diagnostics.len();
        if n > MAX_LISTED {
            write!(f, "\n{}: and {} more problems", self.file, n - MAX_LISTED)?;
        }
        if n > 1 {
            write!(f, "\n{}: {n} problems found", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Words longer than this get no suggestion: comparing two long strings
/// costs the product of their lengths, and no real id is that long.
pub const MAX_SUGGESTION_LEN: usize = 200;

/// At most this many candidates are compared with one word; the rest of a
/// very large set (tens of thousands of tool ids) goes unsuggested.
pub const MAX_SUGGESTION_CANDIDATES: usize = 20_000;

/// Suggests the closest candidate to a misspelt word, as `did you mean ...`.
///
/// The work is bounded: long words and candidates are skipped, only
/// candidates of a similar length are compared (Jaro-Winkler above 0.8
/// needs lengths within a factor of about two), and at most
/// [`MAX_SUGGESTION_CANDIDATES`] are looked at.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    if len == 0 || word.len() > MAX_SUGGESTION_LEN {
        return None;
    }
    candidates
        .into_iter()
        .filter(|c| {
            let n = c.len();
            n <= MAX_SUGGESTION_LEN && n <= 2 * word.len() + 2 && 2 * n + 2 >= len
        })
        .take(MAX_SUGGESTION_CANDIDATES)
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "Did you mean" over a large set of ids (tool ids), with bounded work per
/// word: ids are indexed by first character and length, and only those that
/// start like the word and are within a few characters of its length are
/// compared (a typo adds, drops or swaps a character or two; a missing
/// suffix such as `-eu` is three), at most [`MAX_INDEXED_CANDIDATES`] of them.
pub struct Suggester<'a> {
    by_start_and_len: std::collections::BTreeMap<(u8, usize), Vec<&'a str>>,
}

/// Candidates compared per word by a [`Suggester`].
pub const MAX_INDEXED_CANDIDATES: usize = 1_000;

impl<'a> Suggester<'a> {
    pub fn new(ids: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_start_and_len: std::collections::BTreeMap<(u8, usize), Vec<&'a str>> =
            Default::default();
        for id in ids {
            if let Some(&first) = id.as_bytes().first()
                && id.len() <= MAX_SUGGESTION_LEN
            {
                by_start_and_len
                    .entry((first, id.len()))
                    .or_default()
                    .push(id);
            }
        }
        for ids in by_start_and_len.values_mut() {
            ids.sort_unstable();
        }
        Suggester { by_start_and_len }
    }

    pub fn suggest(&self, word: &str) -> Option<&'a str> {
        let (Some(&first), n) = (word.as_bytes().first(), word.len()) else {
            return None;
        };
        if n > MAX_SUGGESTION_LEN {
            return None;
        }
        let slack = 3.max(n / 3);
        let candidates = self
            .by_start_and_len
            .range((first, n.saturating_sub(slack))..=(first, n + slack))
            .flat_map(|(_, ids)| ids.iter().copied())
            .take(MAX_INDEXED_CANDIDATES);
        did_you_mean(word, candidates)
    }
}

/// The first `max` characters of `s`, with "…" when some were cut.
pub fn truncate_chars(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..end])),
    }
}

/// Every finding message, built-in or user-written, is capped at this many
/// characters so that no stack can make one message unbounded.
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// Whether a message containing `text` is cut within it: more text after
/// `text` would never be shown, so builders of long parts stop there.
pub fn overflows_message(text: &str) -> bool {
    text.len() > MAX_MESSAGE_CHARS && text.chars().nth(MAX_MESSAGE_CHARS).is_some()
}

/// `message` cut to [`MAX_MESSAGE_CHARS`] characters, ending in "…" when cut.
pub fn cap_message(mut message: String) -> String {
    // Never more characters than bytes.
    if message.len() <= MAX_MESSAGE_CHARS {
        return message;
    }
    let mut chars = message.char_indices();
    let cut = chars.nth(MAX_MESSAGE_CHARS - 1).map(|(i, _)| i);
    if let (Some(cut), Some(_)) = (cut, chars.next()) {
        message.truncate(cut);
        message.push('…');
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_capped() {
        let m = cap_message("x".repeat(5000));
        assert_eq!(m.chars().count(), MAX_MESSAGE_CHARS);
        assert!(m.ends_with('…'));
        let short = cap_message("é".repeat(MAX_MESSAGE_CHARS));
        assert_eq!(
            short,
            "é".repeat(MAX_MESSAGE_CHARS),
            "a message at the limit is kept whole"
        );
    }

    #[test]
    fn a_text_overflows_a_message_past_its_last_character() {
        assert!(!overflows_message(&"a".repeat(MAX_MESSAGE_CHARS)));
        assert!(overflows_message(&"a".repeat(MAX_MESSAGE_CHARS + 1)));
        // Characters, not bytes: 600 two-byte characters fit.
        assert!(!overflows_message(&"é".repeat(600)));
        assert!(!overflows_message(&"é".repeat(MAX_MESSAGE_CHARS)));
        assert!(overflows_message(&"é".repeat(MAX_MESSAGE_CHARS + 1)));
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["category", "name", "vendor"];
        assert_eq!(did_you_mean("catgory", keys), Some("category"));
        assert_eq!(did_you_mean("vendr", keys), Some("vendor"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn suggestions_skip_long_words_and_far_lengths() {
        let long = "a".repeat(100_000);
        let started = std::time::Instant::now();
        assert_eq!(did_you_mean(&long, [long.as_str()]), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let near = "x".repeat(MAX_SUGGESTION_LEN);
        assert_eq!(did_you_mean(&near, [near.as_str()]), Some(near.as_str()));
        assert_eq!(did_you_mean("crm", ["crm-and-a-very-long-suffix"]), None);
    }

    #[test]
    fn indexed_suggestions_compare_ids_of_a_similar_length_only() {
        let ids: Vec<String> = (0..50_000).map(|i| format!("tool-{i}")).collect();
        let s = Suggester::new(
            ids.iter()
                .map(String::as_str)
                .chain(["salesforce", "hubspot"]),
        );
        assert_eq!(s.suggest("salesforse"), Some("salesforce"));
        assert_eq!(s.suggest("hubspt"), Some("hubspot"));
        assert_eq!(s.suggest(&"x".repeat(300)), None);
        let started = std::time::Instant::now();
        for i in 0..100 {
            s.suggest(&format!("missing-tool-{i}"));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn messages_are_capped_with_an_ellipsis() {
        let exact = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(cap_message(exact.clone()), exact);
        let long = cap_message("é".repeat(MAX_MESSAGE_CHARS + 1));
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS);
        assert!(long.ends_with("é…"));
        assert_eq!(truncate_chars("abcdef", 3), "abc…");
        assert_eq!(truncate_chars("abc", 3), "abc");
    }

    #[test]
    fn renders_every_problem_with_location() {
        let err = InputError::new(
            "stack.toml",
            vec![
                Diagnostic::at(Loc::new(3, 1), "unknown key `x`").help("did you mean `y`?"),
                Diagnostic::file("empty file"),
            ],
        );
        assert_eq!(
            err.to_string(),
            "stack.toml:3:1: error: unknown key `x`\n  help: did you mean `y`?\nstack.toml: error: empty file\nstack.toml: 2 problems found"
        );
    }
}
