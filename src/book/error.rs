//! Why a book could not be created, opened, read or written.

use std::io;

use crate::error::ErrorKind;
use crate::ledger::LedgerError;

/// Why a book could not be created, opened, read or written. Errors about the file name the
/// line (from 1) at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BookError {
    /// The file could not be read, written or flushed.
    #[error("book file: {context}")]
    Io {
        /// What was being done.
        context: &'static str,
        /// The system's error.
        source: io::Error,
    },
    /// Another writer holds the book's lock.
    #[error("the book is locked by another writer")]
    Locked,
    /// [`Book::create`](super::Book::create) found a file already there.
    #[error("a file already exists where the book was to be created")]
    AlreadyExists,
    /// The book was opened read-only.
    #[error("the book was opened read-only")]
    ReadOnly,
    /// An earlier write or flush failed, so what is on disk may lag what is in memory: the book
    /// takes no more calls. Open it again to carry on from what is on disk.
    #[error("an earlier write to the book failed; open it again")]
    Poisoned,
    /// A line is not a well-formed record of this format.
    #[error("line {line}: malformed record: {message}")]
    Malformed {
        /// The line.
        line: u64,
        /// What was wrong.
        message: String,
    },
    /// A record's sequence number is not the next one: a record was dropped, inserted,
    /// duplicated or moved at or before this line.
    #[error("line {line}: record seq {found} where seq {expected} was expected")]
    Sequence {
        /// The line.
        line: u64,
        /// The seq the chain needed here.
        expected: u64,
        /// The seq the line has.
        found: u64,
    },
    /// A record's hash does not match the previous record's hash and its own content: this
    /// line (or, if it is the first bad one, the one before it) was altered.
    #[error("line {line}: record seq {seq} does not match its hash: altered")]
    Hash {
        /// The line.
        line: u64,
        /// The record's seq.
        seq: u64,
    },
    /// The file has a format version this crate does not read.
    #[error("line {line}: book format version {found} is not supported")]
    Version {
        /// The line.
        line: u64,
        /// The version found.
        found: u32,
    },
    /// The ledger refused a record's operation.
    #[error("line {line}: the ledger refused the record")]
    Rejected {
        /// The line.
        line: u64,
        /// Why.
        source: LedgerError,
    },
    /// A definition's body is not a valid value of its kind, or its kind is unknown.
    #[error("invalid {kind} definition {key:?}: {message}")]
    Definition {
        /// The kind.
        kind: String,
        /// The key (a short prefix of it).
        key: String,
        /// What was wrong.
        message: String,
    },
    /// A snapshot does not belong to this book, or is damaged.
    #[error("snapshot: {reason}")]
    Snapshot {
        /// Why.
        reason: String,
    },
    /// A call's record could not be written as a line the book can read back: too long
    /// ([`MAX_LINE_LEN`](crate::MAX_LINE_LEN)) or not serializable. Nothing was written, and the
    /// book is poisoned ([`BookError::Poisoned`]) until it is opened again, since the ledger in
    /// memory is ahead of the file.
    #[error("record {seq} cannot be written: {reason}")]
    Unwritable {
        /// The record's seq.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// The caller's actor is not a valid id.
    #[error("invalid actor {actor:?}: {reason}")]
    Actor {
        /// The actor (a short prefix of it).
        actor: String,
        /// Why.
        reason: &'static str,
    },
}

impl BookError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            BookError::Io { .. } => ErrorKind::Io,
            BookError::Locked | BookError::ReadOnly | BookError::Poisoned => ErrorKind::Conflict,
            BookError::AlreadyExists => ErrorKind::AlreadyExists,
            BookError::Version { .. } => ErrorKind::Unsupported,
            BookError::Malformed { .. }
            | BookError::Sequence { .. }
            | BookError::Hash { .. }
            | BookError::Snapshot { .. } => ErrorKind::Corrupt,
            BookError::Unwritable { .. } => ErrorKind::InvalidInput,
            BookError::Rejected { source, .. } => source.kind(),
            BookError::Definition { .. } | BookError::Actor { .. } => ErrorKind::InvalidInput,
        }
    }

    /// The line at fault (from 1), for errors about a line of the file.
    pub fn line(&self) -> Option<u64> {
        match self {
            BookError::Malformed { line, .. }
            | BookError::Sequence { line, .. }
            | BookError::Hash { line, .. }
            | BookError::Version { line, .. }
            | BookError::Rejected { line, .. } => Some(*line),
            _ => None,
        }
    }

    pub(crate) fn io(context: &'static str) -> impl FnOnce(io::Error) -> BookError {
        move |source| BookError::Io { context, source }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a book file that could not be created, opened, read or written.
    "Book": book -> BookError
}
