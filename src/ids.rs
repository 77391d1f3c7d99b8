//! Every id type of the crate, each beside the rule it must keep.
//!
//! Two rules:
//!
//! * Ledger ids ([`AccountId`], [`EntryId`], [`HoldId`]) and the budget and plan ids are any
//!   text; the ledger refuses, at its door, an id that is empty, longer than [`MAX_ID_LEN`]
//!   bytes, or has control, invisible or bidirectional-control characters ([`id_problem`],
//!   [`is_hidden_char`]).
//! * The ISF codes and ids ([`AgreementId`], [`ClaimId`], [`BookingId`], [`SupplierId`],
//!   [`CreditNoteId`], service codes) are built into ledger ids by [`crate::chart`], so they are
//!   narrower: 1 to [`MAX_CODE_LEN`] ASCII letters, digits, `-`, `_` or `.` ([`code_problem`]).
//!
//! The types are re-exported where they have always been (`isf_ledger::AccountId`,
//! `isf_ledger::BudgetId`, `isf_ledger::CouncilId`, `isf_ledger::isf::ClaimId`).

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Any text converts into it; the ledger refuses, at its door, an id that is empty,
        /// longer than 256 bytes, or has control, invisible or bidirectional-control
        /// characters.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(transparent))]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Maps keyed by the id are looked up by `&str` without allocating.
        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
    };
}

// ----- ledger ids: rule `id_problem` ------------------------------------------------------------

id_type!(
    /// The caller's name for an account, such as `isf:P0001` or `council:funding`.
    AccountId
);
id_type!(
    /// The caller's id for a journal entry. It is the entry's idempotency key.
    EntryId
);
id_type!(
    /// The caller's id for a hold (a reservation on an account).
    HoldId
);

/// The longest id the ledger accepts, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Checks an id: non-empty, at most [`MAX_ID_LEN`] bytes, no control characters and no
/// invisible or bidirectional-control characters ([`is_hidden_char`]).
pub(crate) fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("an id may not be empty")
    } else if id.len() > MAX_ID_LEN {
        Some("an id may be at most 256 bytes")
    } else if id.chars().any(char::is_control) {
        Some("an id may not contain control characters")
    } else if id.chars().any(is_hidden_char) {
        Some("an id may not contain invisible or bidirectional-control characters")
    } else {
        None
    }
}

/// True for a character that shows nothing or reorders the text around it, so two ids that
/// look the same could differ: the Unicode format characters (category Cf: zero-width spaces
/// and joiners U+200B–U+200D, the marks U+200E–U+200F, the embeddings and overrides
/// U+202A–U+202E, the isolates U+2066–U+2069, the word joiner and invisible operators
/// U+2060–U+2064, the byte-order mark U+FEFF, the soft hyphen, interlinear annotation and tag
/// characters), and the line and paragraph separators U+2028–U+2029.
pub(crate) fn is_hidden_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

// ----- budget and plan ids: the ledger's rule, where they reach it -------------------------------

id_type!(
    /// A person who has a personal budget.
    PersonId
);
id_type!(
    /// A personal budget.
    BudgetId
);
id_type!(
    /// A revision of a personal budget.
    RevisionId
);
id_type!(
    /// Someone who pays a top-up (a family member, a charity).
    PayerId
);
id_type!(
    /// A council.
    CouncilId
);
id_type!(
    /// A care provider.
    ProviderId
);
id_type!(
    /// A third-party managed-account service.
    ManagerId
);

// ----- ISF codes: rule `code_problem` -----------------------------------------------------------

id_type!(
    /// A service agreement between a provider and a person, for one ISF.
    AgreementId
);
id_type!(
    /// A subcontracted supplier.
    SupplierId
);
id_type!(
    /// A provider's claim (invoice) against an ISF.
    ClaimId
);
id_type!(
    /// A booking of planned support.
    BookingId
);
id_type!(
    /// A provider's credit note.
    CreditNoteId
);

/// The longest code or id the ISF module builds account, entry and hold ids from.
pub const MAX_CODE_LEN: usize = 48;

/// Checks a code or id the ISF module builds ledger ids from: 1 to [`MAX_CODE_LEN`] ASCII
/// letters, digits, `-`, `_` or `.`. Returns why not, if it is not.
pub(crate) fn code_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("it is empty")
    } else if value.len() > MAX_CODE_LEN {
        Some("it is longer than 48 bytes")
    } else if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Some("only ASCII letters, digits, '-', '_' and '.' are allowed")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_id_rule() {
        assert_eq!(id_problem("fund:PB1:dp:council"), None);
        assert!(id_problem("").is_some());
        assert!(id_problem(&"x".repeat(MAX_ID_LEN + 1)).is_some());
        assert_eq!(id_problem(&"x".repeat(MAX_ID_LEN)), None);
        assert!(id_problem("a\nb").is_some());
        for hidden in [
            '\u{200B}', '\u{200F}', '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}',
        ] {
            assert!(id_problem(&format!("fund{hidden}")).is_some(), "{hidden:?}");
        }
        assert!(id_problem("\u{FEFF}fund").is_some());
        assert!(id_problem("\u{00AD}").is_some());
        assert_eq!(id_problem("café:Zoë"), None);
    }

    #[test]
    fn code_rule() {
        assert_eq!(code_problem("SA-1_v2.0"), None);
        assert!(code_problem("").is_some());
        assert!(code_problem(&"x".repeat(MAX_CODE_LEN + 1)).is_some());
        assert_eq!(code_problem(&"x".repeat(MAX_CODE_LEN)), None);
        assert!(code_problem("a:b").is_some());
        assert!(code_problem("a b").is_some());
    }
}
