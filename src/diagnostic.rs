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
        for (i, d) in self.diagnostics.iter().enumerate() {
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
        if n > 1 {
            write!(f, "\n{}: {n} problems found", self.file)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Suggests the closest candidate to a misspelt word, as `did you mean ...`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["category", "name", "vendor"];
        assert_eq!(did_you_mean("catgory", keys), Some("category"));
        assert_eq!(did_you_mean("vendr", keys), Some("vendor"));
        assert_eq!(did_you_mean("zzz", keys), None);
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
