//! The operation log: JSON Lines, one accepted operation a line. See the crate docs for the
//! format.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read, Write};

use chrono::NaiveDate;
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::{AccountId, Applied, EntryId, HoldId, Ledger, LedgerError, NewEntry, OpRef, Operation};
use crate::money::Money;

/// The version of the log format this crate writes and reads.
pub const LOG_VERSION: u32 = 1;

/// The longest line [`Ledger::replay`] and [`Ledger::import_jsonl`] read, in bytes, counting
/// its line break: 64 MiB. A longer line is refused ([`LogError::LineTooLong`]) before it is
/// read whole, so a file without line breaks cannot fill memory.
pub const MAX_LINE_LEN: usize = 64 * 1024 * 1024;

/// One line of the log: the format version and one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    /// The format version, [`LOG_VERSION`].
    pub v: u32,
    /// The operation.
    pub op: Operation,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdBody {
    id: AccountId,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchBody {
    entries: Vec<NewEntry>,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettleBody {
    hold: HoldId,
    entry: EntryId,
    amount: Money,
    date: NaiveDate,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    metadata: BTreeMap<String, String>,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseBody {
    hold: HoldId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on: Option<NaiveDate>,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpireBody {
    today: NaiveDate,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReverseBody {
    entry: EntryId,
    id: EntryId,
    date: NaiveDate,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    memo: String,
}
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloseBody {
    through: NaiveDate,
}

const OPS: &[&str] = &[
    "open_account",
    "close_account",
    "post",
    "batch",
    "hold",
    "settle",
    "release",
    "expire",
    "reverse",
    "close_period",
    "define",
    "linked",
];

impl Serialize for LogRecord {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("v", &self.v)?;
        serialize_op(&mut map, &self.op)?;
        map.end()
    }
}

/// One operation of a linked group: a map with the operation's key, without `"v"`.
pub(crate) struct OpOnly<'a>(pub(crate) &'a Operation);

impl Serialize for OpOnly<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        serialize_op(&mut map, self.0)?;
        map.end()
    }
}

#[derive(Serialize)]
struct LinkedOut<'a> {
    ops: Vec<OpOnly<'a>>,
}

fn serialize_op<M: SerializeMap>(map: &mut M, op: &Operation) -> Result<(), M::Error> {
    {
        match op {
            Operation::OpenAccount(a) => map.serialize_entry("open_account", a)?,
            Operation::CloseAccount { id } => {
                map.serialize_entry("close_account", &IdBody { id: id.clone() })?
            }
            Operation::Post(e) => map.serialize_entry("post", e)?,
            Operation::Batch { entries } => map.serialize_entry(
                "batch",
                &BatchBody {
                    entries: entries.clone(),
                },
            )?,
            Operation::Hold(h) => map.serialize_entry("hold", h)?,
            Operation::Settle {
                hold,
                entry,
                amount,
                date,
                metadata,
            } => map.serialize_entry(
                "settle",
                &SettleBody {
                    hold: hold.clone(),
                    entry: entry.clone(),
                    amount: *amount,
                    date: *date,
                    metadata: metadata.clone(),
                },
            )?,
            Operation::Release { hold, on } => map.serialize_entry(
                "release",
                &ReleaseBody {
                    hold: hold.clone(),
                    on: *on,
                },
            )?,
            Operation::Expire { today } => {
                map.serialize_entry("expire", &ExpireBody { today: *today })?
            }
            Operation::Reverse {
                entry,
                id,
                date,
                memo,
            } => map.serialize_entry(
                "reverse",
                &ReverseBody {
                    entry: entry.clone(),
                    id: id.clone(),
                    date: *date,
                    memo: memo.clone(),
                },
            )?,
            Operation::ClosePeriod { through } => {
                map.serialize_entry("close_period", &CloseBody { through: *through })?
            }
            Operation::Define(d) => map.serialize_entry("define", &DefineOut(d))?,
            Operation::Linked { ops } => map.serialize_entry(
                "linked",
                &LinkedOut {
                    ops: ops.iter().map(OpOnly).collect(),
                },
            )?,
        }
    }
    Ok(())
}

impl<'de> Deserialize<'de> for LogRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RecordVisitor {
            in_group: false,
            bare: false,
        })
    }
}

/// One operation of a linked group, read back.
struct GroupOp(Operation);

impl<'de> Deserialize<'de> for GroupOp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let record = deserializer.deserialize_map(RecordVisitor {
            in_group: true,
            bare: false,
        })?;
        Ok(GroupOp(record.op))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkedIn {
    ops: Vec<GroupOp>,
}

/// One operation as a book record holds it: the operation's map without `"v"`, a linked
/// group allowed ([`crate::book`]).
#[cfg(feature = "book")]
pub(crate) struct BareOp(pub(crate) Operation);

#[cfg(feature = "book")]
impl<'de> Deserialize<'de> for BareOp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let record = deserializer.deserialize_map(RecordVisitor {
            in_group: false,
            bare: true,
        })?;
        Ok(BareOp(record.op))
    }
}

/// A definition in the log: `{"kind": .., "key": .., "body": <the JSON value itself>}`.
struct DefineOut<'a>(&'a super::Definition);

impl Serialize for DefineOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let body: serde_json::Value =
            serde_json::from_str(&self.0.body).map_err(S::Error::custom)?;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("kind", &self.0.kind)?;
        map.serialize_entry("key", &self.0.key)?;
        map.serialize_entry("body", &body)?;
        map.end()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefineIn {
    kind: String,
    key: String,
    body: serde_json::Value,
}

/// Reads a record (`in_group` false: `"v"` and one operation) or an operation of a linked
/// group (`in_group` true: the operation alone, and never another group).
struct RecordVisitor {
    in_group: bool,
    /// A book record's operation: no `"v"` of its own, and a linked group allowed.
    bare: bool,
}

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = LogRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.in_group {
            f.write_str("an operation of a linked group: {\"<operation>\": {...}}")
        } else {
            f.write_str("a log record: {\"v\": 1, \"<operation>\": {...}}")
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LogRecord, A::Error> {
        let mut v = None;
        let mut op = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "v" && !self.in_group && !self.bare {
                if v.is_some() {
                    return Err(de::Error::duplicate_field("v"));
                }
                v = Some(map.next_value::<u32>()?);
                continue;
            }
            if op.is_some() {
                return Err(de::Error::custom(format!(
                    "a record has one operation; found a second, {key:?}"
                )));
            }
            op = Some(match key.as_ref() {
                "open_account" => Operation::OpenAccount(map.next_value()?),
                "close_account" => {
                    let b: IdBody = map.next_value()?;
                    Operation::CloseAccount { id: b.id }
                }
                "post" => Operation::Post(map.next_value()?),
                "batch" => {
                    let b: BatchBody = map.next_value()?;
                    Operation::Batch { entries: b.entries }
                }
                "hold" => Operation::Hold(map.next_value()?),
                "settle" => {
                    let b: SettleBody = map.next_value()?;
                    Operation::Settle {
                        hold: b.hold,
                        entry: b.entry,
                        amount: b.amount,
                        date: b.date,
                        metadata: b.metadata,
                    }
                }
                "release" => {
                    let b: ReleaseBody = map.next_value()?;
                    Operation::Release {
                        hold: b.hold,
                        on: b.on,
                    }
                }
                "expire" => {
                    let b: ExpireBody = map.next_value()?;
                    Operation::Expire { today: b.today }
                }
                "reverse" => {
                    let b: ReverseBody = map.next_value()?;
                    Operation::Reverse {
                        entry: b.entry,
                        id: b.id,
                        date: b.date,
                        memo: b.memo,
                    }
                }
                "close_period" => {
                    let b: CloseBody = map.next_value()?;
                    Operation::ClosePeriod { through: b.through }
                }
                "define" => {
                    let b: DefineIn = map.next_value()?;
                    Operation::Define(super::Definition {
                        kind: b.kind,
                        key: b.key,
                        body: b.body.to_string(),
                    })
                }
                "linked" if !self.in_group => {
                    let b: LinkedIn = map.next_value()?;
                    Operation::Linked {
                        ops: b.ops.into_iter().map(|o| o.0).collect(),
                    }
                }
                "linked" => return Err(de::Error::custom("a linked group cannot hold another")),
                other => return Err(de::Error::unknown_field(other, OPS)),
            });
        }
        let v = if self.in_group || self.bare {
            LOG_VERSION
        } else {
            v.ok_or_else(|| de::Error::missing_field("v"))?
        };
        let op = op.ok_or_else(|| de::Error::custom("a record needs an operation"))?;
        Ok(LogRecord { v, op })
    }
}

/// Why a log or import could not be read. Each names the line (from 1).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LogError {
    /// The reader failed.
    #[error("line {line}: cannot read")]
    Io {
        /// The line being read.
        line: u64,
        /// The reader's error.
        source: io::Error,
    },
    /// The line is not a log record.
    #[error("line {line}, column {column}: malformed record: {message}")]
    Json {
        /// The line.
        line: u64,
        /// The column, from 1.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// The record has a format version this crate does not read.
    #[error(
        "line {line}: log format version {found} is not supported (this crate reads {LOG_VERSION})"
    )]
    Version {
        /// The line.
        line: u64,
        /// The version found.
        found: u32,
    },
    /// The line is longer than [`MAX_LINE_LEN`] bytes.
    #[error("line {line}: longer than {MAX_LINE_LEN} bytes")]
    LineTooLong {
        /// The line.
        line: u64,
    },
    /// The ledger refused the operation.
    #[error("line {line}: the ledger refused the operation")]
    Rejected {
        /// The line.
        line: u64,
        /// Why the ledger refused it.
        source: LedgerError,
    },
}

impl LogError {
    /// What kind of failure this is: [`ErrorKind::Io`](crate::ErrorKind::Io) if the reader
    /// failed, [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported) for another format
    /// version, else [`ErrorKind::Corrupt`](crate::ErrorKind::Corrupt) (a malformed line, or
    /// one the ledger refused).
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            LogError::Io { .. } => K::Io,
            LogError::Version { .. } => K::Unsupported,
            LogError::Json { .. } | LogError::LineTooLong { .. } | LogError::Rejected { .. } => {
                K::Corrupt
            }
        }
    }

    /// The line at fault, from 1.
    pub fn line(&self) -> u64 {
        match self {
            LogError::Io { line, .. }
            | LogError::Json { line, .. }
            | LogError::Version { line, .. }
            | LogError::LineTooLong { line }
            | LogError::Rejected { line, .. } => *line,
        }
    }
}

impl ImportSummary {
    fn count(&mut self, applied: &Applied) {
        match applied {
            Applied::Entries(receipts) => {
                for r in receipts {
                    if r.already_posted {
                        self.already_posted += 1;
                    } else {
                        self.posted += 1;
                    }
                }
            }
            Applied::Linked(group) => group.iter().for_each(|a| self.count(a)),
            _ => {}
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[must_use]
pub struct ImportSummary {
    /// Records read (blank lines are skipped and not counted).
    pub records: u64,
    /// Entries newly posted.
    pub posted: u64,
    /// Entries that were already in the ledger with the same content, and changed nothing.
    pub already_posted: u64,
}

impl Ledger {
    /// Every accepted operation, in the order accepted, as log records. Replaying them into an
    /// empty ledger gives a ledger equal to this one.
    pub fn log(&self) -> impl Iterator<Item = LogRecord> + '_ {
        self.log_from(0)
    }

    /// How far the log reaches: a cursor for [`Ledger::log_from`] that yields what is recorded
    /// after now. Only meaningful between records (outside a linked group), and only when the
    /// last record is not a run of single posts that a later post would extend: a book makes
    /// every call a linked group, so this holds there.
    #[cfg(feature = "book")]
    pub(crate) fn log_cursor(&self) -> usize {
        self.ops.len()
    }

    /// The log records from the operation at `start` (a [`Ledger::log_cursor`]) on.
    pub(crate) fn log_from(&self, start: usize) -> impl Iterator<Item = LogRecord> + '_ {
        let mut i = start;
        std::iter::from_fn(move || {
            let op = *self.ops.get(i)?;
            i += 1;
            Some(match op {
                OpRef::Linked { count } => {
                    let inner = &self.ops[i..i + count as usize];
                    i += count as usize;
                    let ops = inner
                        .iter()
                        .flat_map(|op| self.records_of(*op))
                        .map(|r| r.op)
                        .collect();
                    vec![LogRecord {
                        v: LOG_VERSION,
                        op: Operation::Linked { ops },
                    }]
                }
                other => self.records_of(other),
            })
        })
        .flatten()
    }

    fn records_of(&self, op: OpRef) -> Vec<LogRecord> {
        let record = |op| LogRecord { v: LOG_VERSION, op };
        let entry = |i: u32| self.entry_view(i).to_new_entry();
        match op {
            OpRef::OpenAccount(i) => vec![record(Operation::OpenAccount(
                self.accounts[i as usize].spec.clone(),
            ))],
            OpRef::CloseAccount(i) => vec![record(Operation::CloseAccount {
                id: self.accounts[i as usize].spec.id.clone(),
            })],
            OpRef::Posts { first, count } => (first..first + count)
                .map(|i| record(Operation::Post(entry(i))))
                .collect(),
            OpRef::Batch { first, count } => vec![record(Operation::Batch {
                entries: (first..first + count).map(entry).collect(),
            })],
            OpRef::PlaceHold(i) => {
                vec![record(Operation::Hold(self.holds[i as usize].spec.clone()))]
            }
            OpRef::Settle { hold, entry: e } => {
                let view = self.entry_view(e);
                let amount = view
                    .postings()
                    .map(|(_, m)| m)
                    .find(|m| m.is_positive())
                    .unwrap_or_else(|| self.holds[hold as usize].spec.amount);
                vec![record(Operation::Settle {
                    hold: self.holds[hold as usize].spec.id.clone(),
                    entry: EntryId::from(view.id()),
                    amount,
                    date: view.date(),
                    metadata: view.metadata().clone(),
                })]
            }
            OpRef::Release(i) => vec![record(Operation::Release {
                hold: self.holds[i as usize].spec.id.clone(),
                on: self.holds[i as usize].released_on,
            })],
            OpRef::Expire(today) => vec![record(Operation::Expire { today })],
            OpRef::Reverse { entry: e } => {
                let view = self.entry_view(e);
                let original = view.reverses().map(|o| EntryId::from(o.id()));
                vec![record(Operation::Reverse {
                    entry: original.unwrap_or_else(|| EntryId::from(view.id())),
                    id: EntryId::from(view.id()),
                    date: view.date(),
                    memo: view.memo().to_string(),
                })]
            }
            OpRef::ClosePeriod(through) => vec![record(Operation::ClosePeriod { through })],
            OpRef::Define(i) => vec![record(Operation::Define(
                self.definitions[i as usize].clone(),
            ))],
            // A group's header: `log` reads the group's operations after it.
            OpRef::Linked { .. } => Vec::new(),
        }
    }

    /// Writes the log as JSON Lines.
    ///
    /// # Errors
    ///
    /// The writer's error.
    ///
    /// ```
    /// use isf_ledger::{AccountKind, Currency, Ledger, NewAccount};
    /// let mut ledger = Ledger::new();
    /// ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
    /// let mut out = Vec::new();
    /// ledger.write_log(&mut out)?;
    /// let text = String::from_utf8(out)?;
    /// assert_eq!(text, "{\"v\":1,\"open_account\":{\"id\":\"bank\",\"kind\":\"asset\",\"currency\":\"GBP\",\"rule\":\"unlimited\"}}\n");
    /// assert_eq!(Ledger::replay(text.as_bytes())?, ledger);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_log<W: Write>(&self, mut out: W) -> io::Result<()> {
        for record in self.log() {
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Builds a ledger from a JSON Lines log.
    ///
    /// # Errors
    ///
    /// [`LogError`] naming the first line that could not be read or was refused; no ledger is
    /// returned.
    ///
    /// ```
    /// use isf_ledger::{Ledger, LogError};
    /// let bad = "{\"v\":1,\"open_account\":{\"id\":\"bank\",\"kind\":\"asset\",\"currency\":\"GBP\"}}\n{\"v\":1,\"post\":";
    /// let err = Ledger::replay(bad.as_bytes()).unwrap_err();
    /// assert_eq!(err.line(), 2);
    /// assert!(matches!(err, LogError::Json { .. }));
    /// ```
    pub fn replay<R: BufRead>(reader: R) -> Result<Ledger, LogError> {
        let mut ledger = Ledger::new();
        // The replayed ledger is the result; the counts are not needed.
        let _ = ledger.import_jsonl(reader)?;
        Ok(ledger)
    }

    /// Applies the records of a JSON Lines log or import file in order: the same path as replay.
    /// Blank lines are skipped, a UTF-8 byte-order mark before the first line is accepted, and
    /// a line longer than [`MAX_LINE_LEN`] is refused. Reading is strict: a field the format
    /// does not have, misspelled or not, is an error naming the line and the field, and
    /// amounts must be in the canonical form (`-100.00 GBP`). Each record is its own operation: at the first bad line the
    /// import stops and reports it; the lines before it stay applied, and since every entry id
    /// is an idempotency key, running the corrected file again posts nothing twice.
    ///
    /// # Errors
    ///
    /// [`LogError`] naming the line.
    pub fn import_jsonl<R: BufRead>(&mut self, mut reader: R) -> Result<ImportSummary, LogError> {
        let mut summary = ImportSummary::default();
        let mut buf = String::new();
        let mut line = 0u64;
        loop {
            buf.clear();
            line += 1;
            let n = (&mut reader)
                .take(MAX_LINE_LEN as u64 + 1)
                .read_line(&mut buf)
                .map_err(|source| LogError::Io { line, source })?;
            if n == 0 {
                return Ok(summary);
            }
            if n > MAX_LINE_LEN {
                return Err(LogError::LineTooLong { line });
            }
            let mut text = buf.as_str();
            if line == 1 {
                text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
            }
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let record: LogRecord = serde_json::from_str(text).map_err(|e| {
                // serde_json ends its message with its own position, "at line 1 column N",
                // which counts within this one record; the error names the log's line instead,
                // and counts the column from the start of the line, before it was trimmed.
                let message = e.to_string();
                let own = format!(" at line {} column {}", e.line(), e.column());
                LogError::Json {
                    line,
                    column: e.column() + (buf.len() - buf.trim_start().len()),
                    message: message.strip_suffix(&own).unwrap_or(&message).to_string(),
                }
            })?;
            if record.v != LOG_VERSION {
                return Err(LogError::Version {
                    line,
                    found: record.v,
                });
            }
            summary.records += 1;
            let applied = self
                .apply(record.op)
                .map_err(|source| LogError::Rejected { line, source })?;
            summary.count(&applied);
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a log or import that could not be read.
    "Log": log -> LogError
}
