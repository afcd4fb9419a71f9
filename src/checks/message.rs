//! [`Message`]: a finding's text, its wording shared by the findings of one
//! check.
//!
//! Most findings of a check read the same but for the tool they name
//! ("Spoke 7 has no owner"). A large audit holds hundreds of thousands of
//! them, and their text was a sixth of its memory (BENCHMARKS.md, "Twelfth
//! round"). The audit keeps such a message as the check's wording with the
//! tool's id and name left out, held once per check, and the tool's label,
//! held once per tool; it is written out whole wherever it is read.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::shared_str::SharedStr;

/// The longest message given a shared wording, in bytes.
const MAX_SHARED_BYTES: usize = 240;

/// Stands for the tool's id in a shared wording.
const ID: u8 = 0x00;
/// Stands for the tool's name in a shared wording.
const NAME: u8 = 0x01;

/// The id and name a shared wording leaves out, one per tool.
#[derive(Debug, PartialEq, Eq)]
pub struct ToolLabel {
    pub id: SharedStr,
    pub name: SharedStr,
}

#[derive(Clone, Default)]
pub struct Message {
    /// The whole text, or with `label` set a wording in which the bytes
    /// [`ID`] and [`NAME`] stand for the label's id and name.
    text: SharedStr,
    label: Option<Arc<ToolLabel>>,
}

impl Message {
    /// The message as one string: borrowed unless it names its tool.
    pub fn text(&self) -> Cow<'_, str> {
        match self.label {
            None => Cow::Borrowed(&self.text),
            Some(_) => Cow::Owned(self.pieces().collect()),
        }
    }

    pub fn into_string(self) -> String {
        self.text().into_owned()
    }

    /// How many characters the whole text has.
    pub fn char_count(&self) -> usize {
        self.pieces().map(|p| p.chars().count()).sum()
    }

    /// Whether the whole text has more than `max` characters, counted only
    /// when it has more than `max` bytes.
    pub fn exceeds(&self, max: usize) -> bool {
        let bytes = match self.label {
            None => self.text.len(),
            Some(_) => self.pieces().map(str::len).sum(),
        };
        bytes > max && self.char_count() > max
    }

    /// The message as a shared wording with `label`'s id and name left out,
    /// interned in `wordings`; `None` when the text does not name the tool,
    /// or could not be told apart from a wording (it holds the stand-in
    /// bytes, which only a hostile inventory would put there).
    pub fn with_label(
        text: &str,
        label: &Arc<ToolLabel>,
        wordings: &mut foldhash::HashSet<SharedStr>,
    ) -> Option<Message> {
        // A long message names other tools too (a provenance path) and is
        // rarely worded like another: it is kept whole.
        if text.len() > MAX_SHARED_BYTES
            || memchr::memchr2(ID, NAME, text.as_bytes()).is_some()
            || label.id.is_empty()
        {
            return None;
        }
        // The name first: an id inside the name is then left alone. The
        // exact inverse is `pieces`, as no stand-in was there before.
        let named = stand_in_for(text, &label.name, NAME);
        let wording = match (
            stand_in_for(named.as_deref().unwrap_or(text), &label.id, ID),
            named,
        ) {
            (Some(wording), _) | (None, Some(wording)) => wording,
            (None, None) => return None,
        };
        let text = match wordings.get(wording.as_str()) {
            Some(shared) => shared.clone(),
            None => {
                let shared = SharedStr::from(wording);
                wordings.insert(shared.clone());
                shared
            }
        };
        Some(Message {
            text,
            label: Some(label.clone()),
        })
    }

    /// Whether both hold one wording, shared.
    #[cfg(test)]
    pub(crate) fn shares_wording(&self, other: &Message) -> bool {
        self.label.is_some() && std::ptr::eq(self.text.as_str(), other.text.as_str())
    }

    /// The whole text in order: pieces of the wording, the id and the name.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        self.piece_iter()
    }

    fn piece_iter(&self) -> Pieces<'_> {
        Pieces {
            rest: &self.text,
            label: self.label.as_deref(),
            stand_in: None,
        }
    }
}

/// `text` with every `pattern` in it replaced by the byte `stand_in`, or
/// `None` when `pattern` is empty or not there.
fn stand_in_for(text: &str, pattern: &str, stand_in: u8) -> Option<String> {
    if pattern.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut rest = 0;
    // Matches of valid UTF-8 in valid UTF-8 start and end on characters.
    for at in memchr::memmem::find_iter(text.as_bytes(), pattern.as_bytes()) {
        if at < rest {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push(char::from(stand_in));
        rest = at + pattern.len();
    }
    if out.is_empty() {
        return None;
    }
    out.push_str(&text[rest..]);
    Some(out)
}

struct Pieces<'a> {
    rest: &'a str,
    label: Option<&'a ToolLabel>,
    /// The id or name to give before the rest.
    stand_in: Option<&'a str>,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(s) = self.stand_in.take() {
            return Some(s);
        }
        if self.rest.is_empty() {
            return None;
        }
        let Some(label) = self.label else {
            return Some(std::mem::take(&mut self.rest));
        };
        match memchr::memchr2(ID, NAME, self.rest.as_bytes()) {
            None => Some(std::mem::take(&mut self.rest)),
            Some(at) => {
                let (head, tail) = self.rest.split_at(at);
                // Both stand-ins are one byte, ASCII: `tail[1..]` is a str.
                self.stand_in = Some(if tail.as_bytes()[0] == ID {
                    label.id.as_str()
                } else {
                    label.name.as_str()
                });
                self.rest = &tail[1..];
                if head.is_empty() {
                    self.next()
                } else {
                    Some(head)
                }
            }
        }
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message {
            text: SharedStr::from(text),
            label: None,
        }
    }
}

impl From<Message> for String {
    fn from(message: Message) -> String {
        message.into_string()
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message {
            text: SharedStr::from(text),
            label: None,
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.pieces().try_for_each(|p| f.write_str(p))
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.label {
            None => serializer.serialize_str(&self.text),
            Some(_) => serializer.collect_str(self),
        }
    }
}

// Compared as the whole texts are, byte by byte, without writing them out.
impl Ord for Message {
    fn cmp(&self, other: &Self) -> Ordering {
        if self.label.is_none() && other.label.is_none() {
            return self.text.as_str().cmp(other.text.as_str());
        }
        let ours = self.pieces().flat_map(str::bytes);
        ours.cmp(other.pieces().flat_map(str::bytes))
    }
}

impl PartialOrd for Message {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Message {}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.text() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(id: &str, name: &str) -> Arc<ToolLabel> {
        Arc::new(ToolLabel {
            id: id.into(),
            name: name.into(),
        })
    }

    #[test]
    fn a_wording_writes_out_the_text_it_was_made_from() {
        let mut wordings = foldhash::HashSet::default();
        for (text, id, name) in [
            ("Spoke 7 has no owner", "s7", "Spoke 7"),
            ("pii from `hub` via hub → s7", "s7", "Spoke 7"),
            ("`s7` (s7) is s7", "s7", "s7"),
            ("Chat (chat) and ChatOps", "chat", "Chat"),
            ("name inside id: `ab` (a)", "ab", "a"),
            ("id inside name: `a` (ab)", "a", "ab"),
            ("Ünïcode → ok", "ï", "Ü"),
            ("x has no name", "x", ""),
            ("aaa overlaps aa", "aa", "zz"),
            ("ends with its id: s7", "s7", "Spoke 7"),
        ] {
            let m = Message::with_label(text, &label(id, name), &mut wordings).unwrap();
            assert_eq!(m.text(), text);
            assert_eq!(m.to_string(), text);
            assert_eq!(m.char_count(), text.chars().count());
            assert_eq!(
                serde_json::to_string(&m).unwrap(),
                serde_json::to_string(text).unwrap()
            );
            assert_eq!(m, Message::from(text));
            assert_eq!(m, text);
            assert_ne!(m, Message::from(format!("{text}.")));
            assert_ne!(m, "");
            assert_eq!(format!("{m:?}"), format!("{text:?}"));
            assert_eq!(String::from(m), text);
        }
    }

    #[test]
    fn a_long_message_is_kept_whole() {
        let mut wordings = foldhash::HashSet::default();
        let l = label("crm", "CRM");
        let fits = format!("CRM {}", "x".repeat(MAX_SHARED_BYTES - 4));
        assert!(Message::with_label(&fits, &l, &mut wordings).is_some());
        let long = format!("{fits}x");
        assert!(Message::with_label(&long, &l, &mut wordings).is_none());
    }

    #[test]
    fn a_text_exceeds_a_length_by_its_characters() {
        let mut wordings = foldhash::HashSet::default();
        let l = label("crm", "ÉÉ");
        let m = Message::with_label("ÉÉ has é", &l, &mut wordings).unwrap();
        // 8 characters, 11 bytes.
        assert!(!m.exceeds(8));
        assert!(m.exceeds(7));
        assert!(!Message::from("éé").exceeds(2));
        assert!(Message::from("éé").exceeds(1));
        assert!(!Message::from("ab").exceeds(2));
    }

    #[test]
    fn findings_of_one_check_share_their_wording() {
        let mut wordings = foldhash::HashSet::default();
        let a = Message::with_label(
            "Spoke 1 has no owner",
            &label("s1", "Spoke 1"),
            &mut wordings,
        );
        let b = Message::with_label(
            "Spoke 2 has no owner",
            &label("s2", "Spoke 2"),
            &mut wordings,
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(wordings.len(), 1);
        assert!(std::ptr::eq(a.text.as_str(), b.text.as_str()));
        assert_eq!(a.to_string(), "Spoke 1 has no owner");
        assert_eq!(b.to_string(), "Spoke 2 has no owner");
    }

    #[test]
    fn texts_that_do_not_name_the_tool_or_hold_a_stand_in_stay_whole() {
        let mut wordings = foldhash::HashSet::default();
        let l = label("crm", "CRM");
        assert!(Message::with_label("The stack has no owner", &l, &mut wordings).is_none());
        assert!(Message::with_label("CRM\u{0} is odd", &l, &mut wordings).is_none());
        assert!(Message::with_label("crm\u{1}", &l, &mut wordings).is_none());
        assert!(wordings.is_empty());
    }

    #[test]
    fn messages_order_as_their_texts() {
        let mut wordings = foldhash::HashSet::default();
        let texts = [
            "Spoke 1 has no owner",
            "Spoke 10 has",
            "Spoke 1",
            "Spoke 2 has",
            "a",
            "",
        ];
        let mut messages: Vec<Message> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let l = label(&format!("id{i}"), t.get(..7).unwrap_or(t));
                Message::with_label(t, &l, &mut wordings).unwrap_or_else(|| Message::from(*t))
            })
            .collect();
        messages.sort();
        let mut sorted = texts.to_vec();
        sorted.sort();
        let got: Vec<String> = messages.iter().map(ToString::to_string).collect();
        assert_eq!(got, sorted);
    }
}
