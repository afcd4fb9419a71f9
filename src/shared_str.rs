//! [`SharedStr`]: an immutable string that clones by reference count.
//!
//! A large audit holds hundreds of thousands of findings, and most of their
//! text is the same for every finding of one check (its id, its
//! remediation) or of one tool (its id, the inventory's file name). Sharing
//! that text instead of copying it per finding is what keeps an audit's
//! memory proportional to its input (BENCHMARKS.md, "Input shapes").

use arcstr::ArcStr;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One pointer wide (the length sits with the text): findings hold several,
/// and a large audit holds hundreds of thousands of findings.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SharedStr(ArcStr);

// Sorting findings compares tool and check ids, most of them the same
// string shared: those are equal without reading them.
impl Ord for SharedStr {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if ArcStr::ptr_eq(&self.0, &other.0) {
            return std::cmp::Ordering::Equal;
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(ArcStr::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(ArcStr::from(s))
    }
}

impl From<SharedStr> for String {
    fn from(s: SharedStr) -> Self {
        s.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SharedStr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<SharedStr>(), 8);
        assert_eq!(std::mem::size_of::<Option<SharedStr>>(), 8);
    }

    #[test]
    fn clones_share_one_allocation() {
        let a = SharedStr::from("crm");
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
    }

    #[test]
    fn compares_and_prints_as_its_text() {
        let a = SharedStr::from("crm");
        assert_eq!(a, "crm");
        assert_eq!(a, String::from("crm"));
        assert_ne!(a, "cr");
        let (a2, b2) = (SharedStr::from("a"), SharedStr::from("b"));
        assert!(a2 < b2, "ordered as text");
        assert!(b2 > a2);
        let copy = SharedStr::from("a");
        assert_eq!(
            a2.cmp(&copy),
            std::cmp::Ordering::Equal,
            "separate, equal text"
        );
        assert_eq!(
            a2.cmp(&a2.clone()),
            std::cmp::Ordering::Equal,
            "one shared text"
        );
        assert_eq!(b2.partial_cmp(&a2), Some(std::cmp::Ordering::Greater));
        assert_eq!(format!("{a} {a:?}"), "crm \"crm\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"crm\"");
        let back: SharedStr = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(back, "x");
    }
}
