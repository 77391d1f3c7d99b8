//! Turning a version-1 log into a version-2 book.

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};

use super::format::{self, Body};
use super::{BookError, ChainReport, GENESIS_PREV, format_at};
use crate::ledger::{LOG_VERSION, Ledger, LogRecord};

/// Rewrites a version-1 log (the ledger's JSON Lines, [`Ledger::write_log`]) as a version-2
/// book: a header, then one record per line of the log, in order, each with the same
/// operation, all recorded `at` by `actor` (the log does not say when or by whom). Every line
/// is replayed on the way, so a log that would not replay is refused at its first bad line and
/// nothing is promised about `output`. The output is not flushed to disk: write it to a new
/// file, then open it with [`Book::open`](super::Book::open).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use isf_ledger::book::{upgrade_v1, verify_chain};
/// let v1 = "{\"v\":1,\"open_account\":{\"id\":\"bank\",\"kind\":\"asset\",\"currency\":\"GBP\",\"rule\":\"unlimited\"}}\n";
/// let mut v2 = Vec::new();
/// let at = Utc.with_ymd_and_hms(2025, 4, 7, 9, 0, 0).unwrap();
/// let report = upgrade_v1(v1.as_bytes(), &mut v2, at, "upgrade")?;
/// assert_eq!(report.records, 2);
/// assert_eq!(verify_chain(&v2[..])?.head, report.head);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`BookError::Malformed`] or [`BookError::Rejected`] naming the log's line;
/// [`BookError::Actor`]; [`BookError::Io`].
pub fn upgrade_v1(
    mut input: impl BufRead,
    mut output: impl Write,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<ChainReport, BookError> {
    super::check_actor(actor)?;
    let at = format_at(at);
    let write = |out: &mut dyn Write, line: &[u8]| {
        out.write_all(line)
            .map_err(BookError::io("writing the upgraded book"))
    };
    let (line, mut head) = format::encode(&GENESIS_PREV, 0, &at, actor, &Body::Header)?;
    write(&mut output, &line)?;
    let mut ledger = Ledger::new();
    let mut seq = 0u64;
    let mut buf = String::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        line_no += 1;
        let n = std::io::Read::take(&mut input, crate::ledger::MAX_LINE_LEN as u64 + 1)
            .read_line(&mut buf)
            .map_err(BookError::io("reading the version-1 log"))?;
        if n == 0 {
            break;
        }
        if n > crate::ledger::MAX_LINE_LEN {
            return Err(BookError::Malformed {
                line: line_no,
                message: format!("longer than {} bytes", crate::ledger::MAX_LINE_LEN),
            });
        }
        let mut text = buf.as_str();
        if line_no == 1 {
            text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        }
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let record: LogRecord = serde_json::from_str(text).map_err(|e| BookError::Malformed {
            line: line_no,
            message: crate::error::echo(&e.to_string()),
        })?;
        if record.v != LOG_VERSION {
            return Err(BookError::Version {
                line: line_no,
                found: record.v,
            });
        }
        // Replayed only to check the line; the receipts are not needed.
        let _ = ledger
            .apply(record.op.clone())
            .map_err(|source| BookError::Rejected {
                line: line_no,
                source,
            })?;
        seq += 1;
        let (line, hash) = format::encode(&head, seq, &at, actor, &Body::Op(record.op))?;
        write(&mut output, &line)?;
        head = hash;
    }
    output
        .flush()
        .map_err(BookError::io("writing the upgraded book"))?;
    Ok(ChainReport {
        records: seq + 1,
        last_seq: seq,
        head,
        truncated_bytes: 0,
    })
}
