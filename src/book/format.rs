//! The book's file format, version 2: one record a line, each hash-chained to the one before.
//! See the module docs of [`crate::book`] for the format and its canonical encoding.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BookError;
use crate::ledger::Operation;
use crate::ledger::log::{BareOp, OpOnly};

/// The version of the book format this crate writes.
pub const BOOK_VERSION: u32 = 2;

/// The hash before the first record: 32 zero bytes.
pub const GENESIS_PREV: Hash = Hash([0; 32]);

/// `,"hash":"` + 64 hex digits + `"}`: how every line ends.
const HASH_SUFFIX_LEN: usize = 9 + 64 + 2;

/// A record's SHA-256, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        s
    }

    /// Reads 64 lowercase hex digits.
    pub fn from_hex(hex: &str) -> Option<Hash> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(Hash(out))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// What a record carries: the book's header (seq 0) or one ledger operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    Header,
    Op(Operation),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct HeaderBody {
    format: String,
}

const FORMAT_NAME: &str = "isf-ledger book";

#[derive(Serialize)]
struct Out<'a> {
    v: u32,
    seq: u64,
    at: &'a str,
    actor: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    header: Option<HeaderBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    op: Option<OpOnly<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct In {
    v: u32,
    seq: u64,
    at: String,
    actor: String,
    #[serde(default)]
    header: Option<HeaderBody>,
    #[serde(default)]
    op: Option<BareOp>,
    #[serde(rename = "hash")]
    _hash: serde::de::IgnoredAny,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

/// The recorded-at time as a record writes it: RFC 3339 in UTC with a `Z`, and only as many
/// fractional digits as it needs (none, 3, 6 or 9).
pub fn format_at(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The canonical bytes of a record, without its hash: the line up to its last field, closed.
/// Fails only for a definition body that is not JSON, which `Ledger::define` refuses.
pub(crate) fn canonical(
    seq: u64,
    at: &str,
    actor: &str,
    body: &Body,
) -> Result<Vec<u8>, serde_json::Error> {
    let out = Out {
        v: BOOK_VERSION,
        seq,
        at,
        actor,
        header: match body {
            Body::Header => Some(HeaderBody {
                format: FORMAT_NAME.to_string(),
            }),
            Body::Op(_) => None,
        },
        op: match body {
            Body::Header => None,
            Body::Op(op) => Some(OpOnly(op)),
        },
    };
    serde_json::to_vec(&out)
}

/// The chain: SHA-256 of the previous record's hash (32 bytes) and this record's canonical
/// bytes.
pub fn chain_hash(prev: &Hash, canonical: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update(prev.0);
    h.update(canonical);
    Hash(h.finalize().into())
}

/// The whole line (with its `\n`) for canonical bytes and their hash.
pub(crate) fn line_of(canonical: &[u8], hash: &Hash) -> Vec<u8> {
    let mut line = Vec::with_capacity(canonical.len() + HASH_SUFFIX_LEN + 1);
    line.extend_from_slice(&canonical[..canonical.len().saturating_sub(1)]);
    line.extend_from_slice(b",\"hash\":\"");
    line.extend_from_slice(hash.to_hex().as_bytes());
    line.extend_from_slice(b"\"}\n");
    line
}

/// Encodes one record: its line (with `\n`) and its hash.
///
/// # Errors
///
/// [`BookError::Unwritable`] if the record cannot be serialized or its line would be longer
/// than a reader accepts ([`MAX_LINE_LEN`](crate::MAX_LINE_LEN)): nothing unreadable is ever
/// written.
pub(crate) fn encode(
    prev: &Hash,
    seq: u64,
    at: &str,
    actor: &str,
    body: &Body,
) -> Result<(Vec<u8>, Hash), BookError> {
    let bytes = canonical(seq, at, actor, body).map_err(|e| BookError::Unwritable {
        seq,
        reason: crate::error::echo(&e.to_string()),
    })?;
    // The line without its newline, which is what the reader's limit counts.
    let len = bytes.len().saturating_sub(1) + HASH_SUFFIX_LEN;
    if len > crate::ledger::MAX_LINE_LEN {
        return Err(BookError::Unwritable {
            seq,
            reason: format!(
                "its line would be {len} bytes, over the {}-byte limit a reader accepts",
                crate::ledger::MAX_LINE_LEN
            ),
        });
    }
    let hash = chain_hash(prev, &bytes);
    Ok((line_of(&bytes, &hash), hash))
}

/// One record read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub(crate) seq: u64,
    pub(crate) at: String,
    pub(crate) actor: String,
    pub(crate) body: Body,
    pub(crate) hash: Hash,
}

/// The hash a line claims and the canonical bytes it was computed over, read from the bytes
/// alone: the line must end `,"hash":"<64 hex>"}`.
pub(crate) fn split_hash(line_no: u64, line: &[u8]) -> Result<(Vec<u8>, Hash), BookError> {
    let malformed = |message: &str| BookError::Malformed {
        line: line_no,
        message: message.to_string(),
    };
    if line.len() < HASH_SUFFIX_LEN + 2 {
        return Err(malformed("too short for a record"));
    }
    let cut = line.len() - HASH_SUFFIX_LEN;
    if &line[cut..cut + 9] != b",\"hash\":\"" || &line[line.len() - 2..] != b"\"}" {
        return Err(malformed("a record ends with its \"hash\" field"));
    }
    let hex = std::str::from_utf8(&line[cut + 9..line.len() - 2]).unwrap_or("");
    let hash =
        Hash::from_hex(hex).ok_or_else(|| malformed("the hash is not 64 lowercase hex digits"))?;
    let mut canonical = Vec::with_capacity(cut + 1);
    canonical.extend_from_slice(&line[..cut]);
    canonical.push(b'}');
    Ok((canonical, hash))
}

/// Checks one line's place in the chain from its bytes alone (its seq and hash), without
/// reading its operation: for the records a snapshot already holds.
pub(crate) fn chain_only(
    line_no: u64,
    line: &[u8],
    prev: &Hash,
    expected: u64,
) -> Result<Decoded, BookError> {
    let prefix = b"{\"v\":2,\"seq\":";
    let digits = line
        .strip_prefix(prefix.as_slice())
        .map(|rest| rest.iter().take_while(|b| b.is_ascii_digit()).count())
        .unwrap_or(0);
    let seq = std::str::from_utf8(&line[prefix.len().min(line.len())..][..digits])
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let Some(seq) = seq else {
        return decode(line_no, line, prev, expected);
    };
    if seq != expected {
        return Err(BookError::Sequence {
            line: line_no,
            expected,
            found: seq,
        });
    }
    let (bytes, hash) = split_hash(line_no, line)?;
    if chain_hash(prev, &bytes) != hash {
        return Err(BookError::Hash { line: line_no, seq });
    }
    Ok(Decoded {
        seq,
        at: String::new(),
        actor: String::new(),
        body: Body::Header,
        hash,
    })
}

/// Reads and checks one line (without its `\n`) that should be record `expected` chained to
/// `prev`: well formed, the seq expected, the hash matching, and in canonical form.
pub(crate) fn decode(
    line_no: u64,
    line: &[u8],
    prev: &Hash,
    expected: u64,
) -> Result<Decoded, BookError> {
    let record: In = serde_json::from_slice(line).map_err(|e| {
        if let Ok(VersionOnly { v }) = serde_json::from_slice(line) {
            if v != BOOK_VERSION {
                return BookError::Version {
                    line: line_no,
                    found: v,
                };
            }
        }
        let message = e.to_string();
        let own = format!(" at line {} column {}", e.line(), e.column());
        BookError::Malformed {
            line: line_no,
            message: crate::error::echo(message.strip_suffix(&own).unwrap_or(&message)),
        }
    })?;
    if record.v != BOOK_VERSION {
        return Err(BookError::Version {
            line: line_no,
            found: record.v,
        });
    }
    if record.seq != expected {
        return Err(BookError::Sequence {
            line: line_no,
            expected,
            found: record.seq,
        });
    }
    let (bytes, hash) = split_hash(line_no, line)?;
    if chain_hash(prev, &bytes) != hash {
        return Err(BookError::Hash {
            line: line_no,
            seq: record.seq,
        });
    }
    let malformed = |message: &str| BookError::Malformed {
        line: line_no,
        message: message.to_string(),
    };
    let body = match (record.header, record.op, record.seq) {
        (Some(h), None, 0) if h.format == FORMAT_NAME => Body::Header,
        (Some(_), None, 0) => return Err(malformed("not an isf-ledger book header")),
        (None, Some(op), seq) if seq > 0 => Body::Op(op.0),
        (None, None, _) => {
            return Err(malformed(
                "a record needs an \"op\" (or, first, a \"header\")",
            ));
        }
        (Some(_), Some(_), _) => {
            return Err(malformed(
                "a record has an \"op\" or a \"header\", not both",
            ));
        }
        (Some(_), None, _) => return Err(malformed("only the first record (seq 0) is a header")),
        (None, Some(_), _) => return Err(malformed("the first record (seq 0) is the header")),
    };
    let at_ok = DateTime::parse_from_rfc3339(&record.at)
        .map(|t| format_at(t.with_timezone(&Utc)) == record.at)
        .unwrap_or(false);
    if !at_ok {
        return Err(malformed(
            "\"at\" is not an RFC 3339 UTC time in canonical form",
        ));
    }
    if let Some(reason) = crate::ledger::types::id_problem(&record.actor) {
        return Err(BookError::Malformed {
            line: line_no,
            message: format!("invalid actor: {reason}"),
        });
    }
    if canonical(record.seq, &record.at, &record.actor, &body).ok() != Some(bytes) {
        return Err(malformed("the record is not in canonical form"));
    }
    Ok(Decoded {
        seq: record.seq,
        at: record.at,
        actor: record.actor,
        body,
        hash,
    })
}
