//! A format-neutral document tree that remembers where every key and value
//! came from, so validation errors and findings can point at `file:line:column`.
//!
//! Each supported format (TOML, YAML, JSON) is parsed by a well-kept library
//! into this tree; everything after parsing is shared.

use std::fmt;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub fn new(line: u32, column: u32) -> Self {
        Loc { line, column }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Which syntax a document was written in; some friendly hints depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    Json,
}

impl Format {
    /// Picks the format from a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
            Format::Json => "JSON",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A native TOML date or date-time, kept as written.
    Datetime(String),
    Array(Vec<Node>),
    /// Entries in source order; duplicates are kept so validation can report them.
    Table(Vec<(Key, Node)>),
}

impl Value {
    /// How a value's type is named in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "a list",
            Value::Table(_) => "a table",
        }
    }
}

impl Node {
    pub fn new(value: Value, loc: Loc) -> Self {
        Node { value, loc }
    }

    pub fn as_table(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Table(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Looks a key up in a table node (the first occurrence).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_table()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }
}

/// Maps byte offsets to line and column, for parsers that report offsets.
///
/// Columns count characters. Lookups mostly come in document order, so the
/// last position is remembered and counting resumes from it: a document on
/// one very long line (minified JSON) stays linear, not quadratic.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// (line, byte offset, characters from the line start to that offset)
    cursor: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            line_starts,
            cursor: std::cell::Cell::new((0, 0, 0)),
        }
    }

    pub fn loc(&self, offset: usize) -> Loc {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let (c_line, c_off, c_chars) = self.cursor.get();
        let column = if c_line == line && c_off <= offset {
            c_chars + self.text[c_off..offset].chars().count()
        } else {
            self.text[start..offset].chars().count()
        };
        self.cursor.set((line, offset, column));
        Loc::new(line as u32 + 1, column as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters_not_bytes() {
        let idx = LineIndex::new("ab\né = 1\n");
        assert_eq!(idx.loc(0), Loc::new(1, 1));
        assert_eq!(idx.loc(3), Loc::new(2, 1));
        // 'é' is two bytes; the space after it is the second character.
        assert_eq!(idx.loc(5), Loc::new(2, 2));
        assert_eq!(idx.loc(999), Loc::new(3, 1));
        // Out of order after a later lookup, and inside a multi-byte character.
        assert_eq!(idx.loc(4), Loc::new(2, 1));
        assert_eq!(idx.loc(6), Loc::new(2, 3));
        assert_eq!(idx.loc(1), Loc::new(1, 2));
    }
}
