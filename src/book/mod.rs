//! The ledger kept in a file: [`Book`], an append-only, hash-chained, fsynced and locked
//! record of every call, with the definitions (budgets, payment plans, service agreements,
//! policies, reconciliations) that the next call needs.
//!
//! # Durability
//!
//! Every call a [`Book`] accepts is one record, appended and flushed to disk
//! ([`File::sync_data`]) before the call returns: once it has returned, a crash or power cut
//! cannot lose it. [`Book::batch`] is the group commit: the calls inside it are each one
//! record, written together and flushed once when the batch ends (a crash before then loses
//! the batch's records, never an earlier one, and never half of one). A refused call changes
//! nothing, in memory or on disk. If a write or flush fails, the book refuses every later call
//! ([`BookError::Poisoned`]): open it again to carry on from what is on disk.
//!
//! Opening takes an exclusive lock on the file (`flock` on Unix, `LockFileEx` on Windows, by
//! the `fs4` crate): a second writer fails at once with [`BookError::Locked`], never
//! interleaves. [`Book::open_read_only`] takes no lock and never changes the file.
//!
//! Lines are at most [`MAX_LINE_LEN`](crate::MAX_LINE_LEN) bytes, as in a version-1 log, and a
//! UTF-8 byte-order mark before the first line is accepted.
//!
//! On opening, a torn last line (a crash while a record was being written: no newline at the
//! end and not a whole record) is cut off and reported in [`OpenReport::truncated_bytes`]. A
//! complete last record without its newline is kept (the newline is added). Damage anywhere
//! else is an error naming the line; nothing is ever repaired silently.
//!
//! # Format (version 2)
//!
//! JSON Lines, UTF-8. The first line is the header (seq 0); every other line is one record:
//!
//! ```text
//! {"v":2,"seq":0,"at":"2025-04-07T09:00:00Z","actor":"setup","header":{"format":"isf-ledger book"},"hash":"…"}
//! {"v":2,"seq":1,"at":"2025-04-07T09:00:01Z","actor":"alice","op":{"linked":{"ops":[{"open_account":{…}}]}},"hash":"…"}
//! ```
//!
//! `at` is when the call was recorded and `actor` who made it, both given by the caller (the
//! crate keeps no clock): `at` is RFC 3339 in UTC with a `Z` and no more fractional digits than
//! it needs; `actor` is an id. `op` is one operation written exactly as in a version-1 log
//! record without its `"v"` (see the crate docs); a book call writes a `linked` group, so a
//! domain call is one record. A definition is
//! `{"define":{"kind":"budget","key":"B1","body":{…}}}`, its body the definition's JSON with
//! keys sorted.
//!
//! ## Canonical encoding and the chain
//!
//! A record's canonical bytes are its line without the newline and without the `,"hash":…`
//! field, closed with `}`: the fields in the order `v`, `seq`, `at`, `actor`, then `header` or
//! `op`; compact JSON (no spaces); strings escaped as `serde_json` escapes them (`\"`, `\\`,
//! `\n`, `\r`, `\t`, `\b`, `\f`, other control characters as `\u00XX`, everything else as
//! UTF-8); object keys within `op` in the order the log writes them, and within a definition's
//! body sorted. Reading refuses a record that is not in exactly this form.
//!
//! `hash` is the lowercase hex SHA-256 of the previous record's hash (32 raw bytes; 32 zero
//! bytes before the header) followed by the record's canonical bytes. The last record's hash
//! is the book's head ([`Book::head`]): an auditor who keeps it can later check with
//! [`verify_chain`] that no record up to it was altered, inserted, dropped or reordered.
//! Golden vectors in `tests/book_tamper.rs` pin this encoding.
//!
//! A version-1 log (the ledger's own JSON Lines) is turned into a book by [`upgrade_v1`].
//!
//! # Example
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use isf_ledger::book::{Book, verify_chain};
//! use isf_ledger::{AccountKind, BalanceRule, Currency, NewAccount, NewEntry};
//!
//! let dir = std::env::temp_dir().join(format!("isf-book-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("fund.book");
//! # let _ = std::fs::remove_file(&path);
//! let at = Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, 0).unwrap();
//! let day = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
//!
//! let mut book = Book::create(&path, at, "setup")?;
//! book.record(at, "alice", |l| -> Result<_, isf_ledger::Error> {
//!     l.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
//!     l.open_account(NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP).rule(BalanceRule::NonNegative))?;
//!     Ok(l.post(NewEntry::new("alloc-1", day).transfer("council", "isf:P1", "1650.00 GBP".parse()?))?)
//! })?;
//! let head = book.head();
//! drop(book);
//!
//! // Later, or elsewhere: everything is back, and the chain holds up to the head kept.
//! let book = Book::open_read_only(&path)?;
//! assert_eq!(book.ledger().balance("isf:P1")?.to_string(), "1650.00 GBP");
//! let chain = verify_chain(std::fs::File::open(&path)?)?;
//! assert_eq!(chain.head, head);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod format;
mod registry;
mod snapshot;
mod upgrade;

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub use error::BookError;
pub use format::{BOOK_VERSION, GENESIS_PREV, Hash, chain_hash, format_at};
pub use registry::{BankReconciliation, Definable, definition_of};
pub use snapshot::snapshot_path;
pub use upgrade::upgrade_v1;

use crate::ledger::{Applied, Ledger, Operation};
use format::{Body, Decoded};
use registry::Registry;

/// What opening a book found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[must_use]
pub struct OpenReport {
    /// Records read, the header included.
    pub records: u64,
    /// Bytes of a torn last line cut off (or, read-only, left in place and ignored).
    pub truncated_bytes: u64,
    /// The last record was complete but had no newline; one was added (not when read-only).
    pub newline_added: bool,
    /// The snapshot's seq, if the book was opened from a snapshot and only the records after
    /// it were replayed.
    pub from_snapshot: Option<u64>,
}

/// The ledger kept in a file. See the [module docs](self).
#[derive(Debug)]
pub struct Book {
    ledger: Ledger,
    registry: Registry,
    /// `None` when opened read-only.
    file: Option<File>,
    path: PathBuf,
    /// The last record's seq and hash.
    seq: u64,
    head: Hash,
    /// Records written but not yet flushed, inside [`Book::batch`].
    pending: Option<Vec<u8>>,
    /// Bytes of the file known to be good.
    len: u64,
    poisoned: bool,
    report: OpenReport,
}

/// The state read from a book file.
pub(crate) struct Loaded {
    pub(crate) ledger: Ledger,
    pub(crate) seq: u64,
    pub(crate) head: Hash,
    /// Bytes of whole records.
    pub(crate) len: u64,
    pub(crate) report: OpenReport,
}

impl Book {
    /// Creates a new book at `path`, with its header record made `at` by `actor`, flushed to
    /// disk, and locked for writing.
    ///
    /// # Errors
    ///
    /// [`BookError::AlreadyExists`] if a file is there; [`BookError::Actor`] for a bad actor;
    /// [`BookError::Io`].
    pub fn create(
        path: impl AsRef<Path>,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<Book, BookError> {
        check_actor(actor)?;
        let path = path.as_ref();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    BookError::AlreadyExists
                } else {
                    BookError::Io {
                        context: "creating the book",
                        source: e,
                    }
                }
            })?;
        lock(&file)?;
        let (line, head) = format::encode(&GENESIS_PREV, 0, &format_at(at), actor, &Body::Header)?;
        (&file)
            .write_all(&line)
            .and_then(|()| file.sync_all())
            .map_err(BookError::io("writing the header"))?;
        sync_dir(path);
        Ok(Book {
            ledger: Ledger::new(),
            registry: Registry::default(),
            file: Some(file),
            path: path.to_path_buf(),
            seq: 0,
            head,
            pending: None,
            len: line.len() as u64,
            poisoned: false,
            report: OpenReport {
                records: 1,
                ..OpenReport::default()
            },
        })
    }

    /// Opens a book for writing: locks it, replays it (from its snapshot, if one matches), cuts
    /// off a torn last line, and is ready for the next call.
    ///
    /// # Errors
    ///
    /// [`BookError::Locked`] if another writer has it; an error naming the line for damage
    /// anywhere but a torn last line; [`BookError::Io`].
    pub fn open(path: impl AsRef<Path>) -> Result<Book, BookError> {
        Book::open_with(path.as_ref(), true)
    }

    /// Opens a book for writing by replaying every record, ignoring any snapshot.
    ///
    /// # Errors
    ///
    /// As [`Book::open`].
    pub fn open_full(path: impl AsRef<Path>) -> Result<Book, BookError> {
        Book::open_with(path.as_ref(), false)
    }

    fn open_with(path: &Path, use_snapshot: bool) -> Result<Book, BookError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(BookError::io("opening the book"))?;
        lock(&file)?;
        let loaded = load(&file, path, use_snapshot)?;
        let mut book = Book::from_loaded(loaded, Some(file), path);
        let file = book.file.as_mut().ok_or(BookError::ReadOnly)?;
        if book.report.truncated_bytes > 0 {
            file.set_len(book.len)
                .and_then(|()| file.sync_data())
                .map_err(BookError::io("cutting off a torn last line"))?;
        }
        file.seek(SeekFrom::Start(book.len))
            .map_err(BookError::io("seeking to the end"))?;
        if book.report.newline_added {
            file.write_all(b"\n")
                .and_then(|()| file.sync_data())
                .map_err(BookError::io("ending the last line"))?;
            book.len += 1;
        }
        Ok(book)
    }

    /// Opens a book to read it (an auditor's view): no lock is taken and the file is never
    /// changed. A torn last line is ignored and reported. Every call that would record
    /// something fails with [`BookError::ReadOnly`]. Every record is replayed: a snapshot
    /// is the writer's cache, not part of the chain, so an auditor's view never reads one.
    ///
    /// # Errors
    ///
    /// An error naming the line for damage anywhere but a torn last line; [`BookError::Io`].
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Book, BookError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(BookError::io("opening the book"))?;
        let mut loaded = load(&file, path, false)?;
        loaded.report.newline_added = false;
        Ok(Book::from_loaded(loaded, None, path))
    }

    fn from_loaded(loaded: Loaded, file: Option<File>, path: &Path) -> Book {
        let mut registry = Registry::default();
        registry.absorb(loaded.ledger.definitions());
        Book {
            ledger: loaded.ledger,
            registry,
            file,
            path: path.to_path_buf(),
            seq: loaded.seq,
            head: loaded.head,
            pending: None,
            len: loaded.len,
            poisoned: false,
            report: loaded.report,
        }
    }

    /// What opening found.
    pub fn report(&self) -> OpenReport {
        self.report
    }

    /// The books, to read.
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last record's hash: print it for an auditor to keep and compare later.
    pub fn head(&self) -> Hash {
        self.head
    }

    /// The last record's seq (0: only the header).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Runs `f` on the ledger as one call: all or nothing (a linked group, see
    /// [`Ledger::atomically`]), its definitions checked, and, if it changed anything, one
    /// record made `at` by `actor`, appended and flushed before this returns (at the end of the
    /// batch, inside [`Book::batch`]). Returns what `f` returns; [`Book::seq`] is then the
    /// record's seq.
    ///
    /// # Errors
    ///
    /// Whatever `f` returns, and nothing is recorded; a [`BookError`] for a read-only or
    /// poisoned book, a bad actor, a definition that does not read back as its kind, or a
    /// failed write.
    pub fn record<T, E: From<BookError>>(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        f: impl FnOnce(&mut Ledger) -> Result<T, E>,
    ) -> Result<T, E> {
        self.writable()?;
        check_actor(actor)?;
        let cursor = self.ledger.log_cursor();
        let defs_before = self.ledger.definitions().len();
        let value = self.ledger.atomically(|l| -> Result<T, E> {
            let value = f(l)?;
            registry::check_all(&l.definitions()[defs_before..])?;
            Ok(value)
        })?;
        self.registry.absorb(self.ledger.definitions());
        let ops: Vec<Operation> = self.ledger.log_from(cursor).map(|r| r.op).collect();
        let at = format_at(at);
        for op in ops {
            self.append(&at, actor, &Body::Op(op))?;
        }
        Ok(value)
    }

    /// Applies one operation as one call ([`Book::record`]).
    ///
    /// # Errors
    ///
    /// As [`Book::record`], the ledger's refusal as an [`Error`](crate::Error).
    pub fn apply(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        op: Operation,
    ) -> Result<Applied, crate::Error> {
        self.record(at, actor, |l| Ok(l.apply(op)?))
    }

    /// Records `value` as the definition of its kind under `key` (a revision, if `key` was
    /// defined before), as one call.
    ///
    /// # Errors
    ///
    /// As [`Book::record`].
    pub fn define<T: Definable>(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        key: &str,
        value: &T,
    ) -> Result<(), crate::Error> {
        let def = registry::definition_of(key, value)?;
        self.record(at, actor, |l| Ok(l.define(def)?))
    }

    /// The latest definition of `T`'s kind under `key`.
    pub fn get<T: Definable>(&self, key: &str) -> Option<T> {
        let last = *self.registry.revisions(T::KIND, key).last()?;
        self.read_def(last)
    }

    /// Every revision of `T`'s kind under `key`, oldest first.
    pub fn revisions<T: Definable>(&self, key: &str) -> Vec<T> {
        self.registry
            .revisions(T::KIND, key)
            .iter()
            .filter_map(|i| self.read_def(*i))
            .collect()
    }

    /// The keys defined of `T`'s kind, in order.
    pub fn keys<T: Definable>(&self) -> Vec<String> {
        self.registry.keys(T::KIND).map(str::to_string).collect()
    }

    /// Every entry a bank reconciliation kept in the book matched (the latest revision of
    /// each, [`BankReconciliation`]), in id order: what an auditor's export marks cleared,
    /// with [`JournalOptions::reconciled`](crate::report::JournalOptions::reconciled).
    pub fn reconciled_entries(&self) -> Vec<crate::EntryId> {
        let mut ids: Vec<crate::EntryId> = self
            .keys::<BankReconciliation>()
            .iter()
            .filter_map(|key| self.get::<BankReconciliation>(key))
            .flat_map(|r| r.matched.into_iter().map(|m| m.ledger.entry))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    fn read_def<T: Definable>(&self, index: usize) -> Option<T> {
        // Every definition was read back as its kind on the way in, so this succeeds.
        serde_json::from_str(&self.ledger.definitions().get(index)?.body).ok()
    }

    /// Group commit: runs `f`, whose calls are each one record as usual, and writes and flushes
    /// them all once, when `f` returns. A call inside is durable only when the batch has
    /// returned. If `f` fails, the calls it made before failing are still written and flushed;
    /// a batch is not a transaction (make one call of it with [`Book::record`] for that).
    ///
    /// # Errors
    ///
    /// Whatever `f` returns; [`BookError`] for a failed write.
    pub fn batch<T, E: From<BookError>>(
        &mut self,
        f: impl FnOnce(&mut Book) -> Result<T, E>,
    ) -> Result<T, E> {
        self.writable()?;
        if self.pending.is_some() {
            return f(self);
        }
        self.pending = Some(Vec::new());
        let result = f(self);
        let flushed = self.flush_pending();
        match (result, flushed) {
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e.into()),
            (Ok(v), Ok(())) => Ok(v),
        }
    }

    fn writable(&self) -> Result<(), BookError> {
        if self.file.is_none() {
            Err(BookError::ReadOnly)
        } else if self.poisoned {
            Err(BookError::Poisoned)
        } else {
            Ok(())
        }
    }

    fn append(&mut self, at: &str, actor: &str, body: &Body) -> Result<(), BookError> {
        let seq = self.seq + 1;
        let (line, hash) = match format::encode(&self.head, seq, at, actor, body) {
            Ok(encoded) => encoded,
            Err(e) => {
                // The ledger in memory already holds the call: refuse everything after, as for
                // a failed write; the file is unchanged.
                self.poisoned = true;
                return Err(e);
            }
        };
        self.seq = seq;
        self.head = hash;
        if let Some(pending) = &mut self.pending {
            pending.extend_from_slice(&line);
            return Ok(());
        }
        self.write_durably(&line)
    }

    fn flush_pending(&mut self) -> Result<(), BookError> {
        let Some(pending) = self.pending.take() else {
            return Ok(());
        };
        if pending.is_empty() || self.poisoned {
            return Ok(());
        }
        self.write_durably(&pending)
    }

    fn write_durably(&mut self, bytes: &[u8]) -> Result<(), BookError> {
        let Some(file) = self.file.as_mut() else {
            return Err(BookError::ReadOnly);
        };
        match file.write_all(bytes).and_then(|()| file.sync_data()) {
            Ok(()) => {
                self.len += bytes.len() as u64;
                Ok(())
            }
            Err(source) => {
                // What is in memory is ahead of the file now: refuse everything after, and try
                // to leave the file as it was (a torn line is cut off on the next open anyway).
                self.poisoned = true;
                let _ = file.set_len(self.len);
                Err(BookError::Io {
                    context: "appending a record",
                    source,
                })
            }
        }
    }

    /// Writes a snapshot of the whole state beside the book ([`snapshot_path`]), tied to the
    /// last record's seq and hash, so the next [`Book::open`] replays only the records after
    /// it. Written to a temporary file, flushed, then renamed into place.
    ///
    /// # Errors
    ///
    /// [`BookError::Io`].
    pub fn write_snapshot(&mut self) -> Result<(), BookError> {
        self.writable()?;
        self.flush_pending()?;
        snapshot::write(&self.path, self.seq, &self.head, &self.ledger)
    }
}

fn check_actor(actor: &str) -> Result<(), BookError> {
    match crate::ledger::types::id_problem(actor) {
        None => Ok(()),
        Some(reason) => Err(BookError::Actor {
            actor: crate::error::echo(actor),
            reason,
        }),
    }
}

fn lock(file: &File) -> Result<(), BookError> {
    match fs4::FileExt::try_lock(file) {
        Ok(()) => Ok(()),
        Err(fs4::TryLockError::WouldBlock) => Err(BookError::Locked),
        Err(fs4::TryLockError::Error(source)) => Err(BookError::Io {
            context: "locking the book",
            source,
        }),
    }
}

/// Flushes the directory entry of a new file (best effort: not every platform can).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// One line of a book file: its bytes without the newline, whether it had one, its number.
struct RawLine {
    bytes: Vec<u8>,
    newline: bool,
}

/// Reads the next line; `None` at the end.
fn next_line(reader: &mut impl BufRead, line_no: u64) -> Result<Option<RawLine>, BookError> {
    let mut bytes = Vec::new();
    let n = std::io::Read::take(&mut *reader, crate::ledger::MAX_LINE_LEN as u64 + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(|source| BookError::Io {
            context: if line_no == 1 {
                "reading the header"
            } else {
                "reading a record"
            },
            source,
        })?;
    if n == 0 {
        return Ok(None);
    }
    if n > crate::ledger::MAX_LINE_LEN {
        return Err(BookError::Malformed {
            line: line_no,
            message: format!("longer than {} bytes", crate::ledger::MAX_LINE_LEN),
        });
    }
    let newline = bytes.last() == Some(&b'\n');
    if newline {
        bytes.pop();
    }
    Ok(Some(RawLine { bytes, newline }))
}

/// Walks a book's lines: each decoded and chained, handed to `each`; a torn last line is
/// reported, not an error.
pub(crate) fn walk(
    reader: impl std::io::Read,
    chain_only_below: u64,
    mut each: impl FnMut(u64, &[u8], Decoded) -> Result<(), BookError>,
) -> Result<(u64, Hash, u64, OpenReport), BookError> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut report = OpenReport::default();
    let mut head = GENESIS_PREV;
    let mut len = 0u64;
    let mut line_no = 0u64;
    let mut seq = 0u64;
    while let Some(raw) = next_line(&mut reader, line_no + 1)? {
        line_no += 1;
        // A byte-order mark before the header is accepted (and is no part of the record).
        let record = match raw.bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()) {
            Some(rest) if line_no == 1 => rest,
            _ => &raw.bytes,
        };
        let decoded = if line_no - 1 < chain_only_below {
            format::chain_only(line_no, record, &head, line_no - 1)
        } else {
            format::decode(line_no, record, &head, line_no - 1)
        };
        let decoded = match decoded {
            Ok(d) => d,
            // No newline: the last line, cut short by a crash.
            Err(_) if !raw.newline => {
                report.truncated_bytes = raw.bytes.len() as u64;
                break;
            }
            Err(e) => return Err(e),
        };
        if !raw.newline {
            report.newline_added = true;
        }
        seq = decoded.seq;
        head = decoded.hash;
        each(line_no, record, decoded)?;
        len += raw.bytes.len() as u64 + u64::from(raw.newline);
        report.records += 1;
    }
    if report.records == 0 {
        return Err(BookError::Malformed {
            line: 1,
            message: "not a book: no header record".to_string(),
        });
    }
    Ok((seq, head, len, report))
}

/// Reads a book file into a ledger: from its snapshot if asked and one matches, else by
/// replaying every record.
fn load(file: &File, path: &Path, use_snapshot: bool) -> Result<Loaded, BookError> {
    if use_snapshot {
        // A snapshot whose state does not verify (its balances recomputed from its own
        // postings) is not used.
        if let Some(s) = snapshot::read(path).filter(|s| s.ledger.verify().is_ok()) {
            match replay_into(file, s.ledger, Some((s.seq, s.head))) {
                Ok(Some(loaded)) => return Ok(loaded),
                // A snapshot that does not match this book (or reaches past its end): replay
                // in full.
                Ok(None) | Err(BookError::Snapshot { .. }) => {
                    let mut f = file;
                    f.seek(SeekFrom::Start(0))
                        .map_err(BookError::io("rereading the book"))?;
                }
                Err(e) => return Err(e),
            }
        }
    }
    replay_into(file, Ledger::new(), None)?.ok_or_else(|| BookError::Snapshot {
        reason: "a full replay needs no snapshot".to_string(),
    })
}

/// Replays a book's records into `ledger`; with `from`, the ledger is a snapshot's state at
/// that record, whose hash must match, and only the records after it are applied. `None` if
/// the book ends before the snapshot's record.
fn replay_into(
    reader: impl std::io::Read,
    mut ledger: Ledger,
    from: Option<(u64, Hash)>,
) -> Result<Option<Loaded>, BookError> {
    let mut registry_seen = ledger.definitions().len();
    let mut snapshot_ok = from.is_none();
    let quick = from.map_or(0, |(seq, _)| seq + 1);
    let (seq, head, len, mut report) = walk(reader, quick, |line, _bytes, d| {
        if let Some((seq, head)) = from {
            if d.seq < seq {
                return Ok(());
            }
            if d.seq == seq {
                if d.hash != head {
                    return Err(BookError::Snapshot {
                        reason: format!("line {line}: the snapshot's hash is not this book's"),
                    });
                }
                snapshot_ok = true;
                return Ok(());
            }
        }
        if let Body::Op(op) = d.body {
            // What the operation did is in the ledger; the receipts are not needed.
            let _ = ledger
                .apply(op)
                .map_err(|source| BookError::Rejected { line, source })?;
            registry::check_all(&ledger.definitions()[registry_seen..]).map_err(|e| {
                BookError::Malformed {
                    line,
                    message: e.to_string(),
                }
            })?;
            registry_seen = ledger.definitions().len();
        }
        Ok(())
    })?;
    if !snapshot_ok {
        return Ok(None);
    }
    report.from_snapshot = from.map(|(s, _)| s);
    Ok(Some(Loaded {
        ledger,
        seq,
        head,
        len,
        report,
    }))
}

/// A book's books, replayed from any reader by [`replay_book`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Replayed {
    /// The ledger.
    pub ledger: Ledger,
    /// The last record's seq.
    pub seq: u64,
    /// The last record's hash.
    pub head: Hash,
    /// What reading found (a torn last line is reported, not an error).
    pub report: OpenReport,
}

/// Replays a book's bytes from any reader, as [`Book::open_read_only`] does with a file but
/// with no snapshot: every record checked, chained and applied.
///
/// # Errors
///
/// As [`Book::open_read_only`].
pub fn replay_book(reader: impl std::io::Read) -> Result<Replayed, BookError> {
    let loaded = replay_into(reader, Ledger::new(), None)?.ok_or_else(|| BookError::Snapshot {
        reason: "a full replay needs no snapshot".to_string(),
    })?;
    Ok(Replayed {
        ledger: loaded.ledger,
        seq: loaded.seq,
        head: loaded.head,
        report: loaded.report,
    })
}

/// What [`verify_chain`] found: the chain holds from the header to `head`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct ChainReport {
    /// Records in the chain, the header included.
    pub records: u64,
    /// The last record's seq.
    pub last_seq: u64,
    /// The last record's hash.
    pub head: Hash,
    /// Bytes of a torn last line, not part of the chain.
    pub truncated_bytes: u64,
}

/// Checks a book's hash chain without replaying it: every line well formed and canonical, its
/// seq the next one, its hash over the previous hash and its own bytes.
///
/// # Errors
///
/// The first line at fault: [`BookError::Sequence`] where a record was dropped, inserted,
/// duplicated or moved; [`BookError::Hash`] where one was altered; [`BookError::Malformed`] for
/// a line that is not a record.
pub fn verify_chain(reader: impl std::io::Read) -> Result<ChainReport, BookError> {
    let (last_seq, head, _, report) = walk(reader, 0, |_, _, _| Ok(()))?;
    Ok(ChainReport {
        records: report.records,
        last_seq,
        head,
        truncated_bytes: report.truncated_bytes,
    })
}
