//! The one sanitiser for text that came from an input file or a server
//! (tool names, owners, waiver reasons, check definitions, HTTP errors)
//! before it reaches a terminal, a log or a text report.
//!
//! Control characters (C0, DEL, C1) would let an inventory clear the screen,
//! retitle the terminal window or forge log lines; bidirectional overrides
//! would make text read differently from what it is. Each is shown escaped
//! instead, the way Rust writes it: `\u{1b}`, and `\n`, `\r`, `\t` for the
//! common ones. Everything else passes through unchanged. HTML, XML and
//! JSON keep their own escaping and do not use this.

use std::borrow::Cow;

/// True for characters that must not reach output as themselves.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `s` with every control character and bidirectional override escaped.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// [`text`], but line breaks stay, for formats that encode them their own
/// way (GitHub annotations write `%0A`).
pub fn text_keeping_line_breaks(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_line_breaks: bool) -> Cow<'_, str> {
    let line_break = |c: char| keep_line_breaks && matches!(c, '\n' | '\r');
    if !s.chars().any(|c| is_unsafe(c) && !line_break(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if line_break(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// [`text`] into an owned string.
pub fn owned(s: &str) -> String {
    text(s).into_owned()
}

/// A text as a terminal table's cell shows it: [`text`], cut after
/// [`MAX_MESSAGE_CHARS`] characters like a message. The tables lay out a
/// long unbroken word in time that grows with its square: a
/// 300,000-character waiver reason took seconds per finding
/// (fuzz/CAMPAIGNS.md, 2026-12-04).
///
/// [`MAX_MESSAGE_CHARS`]: crate::diagnostic::MAX_MESSAGE_CHARS
pub fn cell(s: &str) -> String {
    crate::diagnostic::cap_message(owned(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_escaped_and_cut_like_a_message() {
        use crate::diagnostic::MAX_MESSAGE_CHARS;
        assert_eq!(cell("a\u{1b}b"), "a\\u{1b}b");
        let fits = "é".repeat(MAX_MESSAGE_CHARS);
        assert_eq!(cell(&fits), fits);
        let long = cell(&"é".repeat(MAX_MESSAGE_CHARS + 1));
        assert_eq!(long.chars().count(), MAX_MESSAGE_CHARS);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn escape_sequences_are_shown_not_run() {
        assert_eq!(
            text("CRM\u{1b}[2J\u{1b}]0;pwned\u{7}"),
            "CRM\\u{1b}[2J\\u{1b}]0;pwned\\u{7}"
        );
        assert_eq!(text("two\nlines\r\tx"), "two\\nlines\\r\\tx");
        assert_eq!(
            text("\u{9b}31m"),
            "\\u{9b}31m",
            "C1 control sequence introducer"
        );
        assert_eq!(text("abc\u{202e}txt"), "abc\\u{202e}txt");
        assert_eq!(text("\u{7f}"), "\\u{7f}");
        assert_eq!(text_keeping_line_breaks("a\n\u{1b}b"), "a\n\\u{1b}b");
    }

    #[test]
    fn ordinary_text_is_untouched_and_not_copied() {
        for s in ["Salesforce", "Chat 💬", "Zürich · 100%", "a|b <c> [d]"] {
            assert!(matches!(text(s), Cow::Borrowed(t) if t == s));
        }
    }
}
