//! Snapshots: the whole state of a book's ledger at one record, tied to the chain by that
//! record's seq and hash, so opening replays only the records after it.
//!
//! A snapshot lives beside its book ([`snapshot_path`]): a first line
//! `{"v":2,"seq":N,"head":"<hex>","state_sha256":"<hex>"}` and a second line holding the
//! ledger's state as JSON. It is a cache the writer keeps for itself: on opening it is used
//! only if its checksum is right, its state verifies ([`Ledger::verify`]) and the book's record
//! `seq` has hash `head`; otherwise the book is replayed in full. The chain does not cover the
//! state itself, so [`Book::open_read_only`](super::Book::open_read_only) (the auditor's view),
//! [`Book::open_full`](super::Book::open_full) and [`verify_chain`](super::verify_chain) never
//! read it.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{BookError, Hash};
use crate::ledger::Ledger;

/// Where a book's snapshot lives: the book's path with `.snapshot` added.
pub fn snapshot_path(book: &Path) -> PathBuf {
    let mut name = book.as_os_str().to_owned();
    name.push(".snapshot");
    PathBuf::from(name)
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotHeader {
    v: u32,
    seq: u64,
    head: String,
    state_sha256: String,
}

/// A snapshot read back.
pub(crate) struct Snapshot {
    pub(crate) seq: u64,
    pub(crate) head: Hash,
    pub(crate) ledger: Ledger,
}

/// Writes the snapshot of `ledger` at record `seq` with hash `head`.
pub(crate) fn write(book: &Path, seq: u64, head: &Hash, ledger: &Ledger) -> Result<(), BookError> {
    let io = BookError::io;
    let state = serde_json::to_vec(ledger).map_err(|e| BookError::Snapshot {
        reason: crate::error::echo(&e.to_string()),
    })?;
    let header = SnapshotHeader {
        v: super::BOOK_VERSION,
        seq,
        head: head.to_hex(),
        state_sha256: Hash(Sha256::digest(&state).into()).to_hex(),
    };
    let header = serde_json::to_vec(&header).map_err(|e| BookError::Snapshot {
        reason: crate::error::echo(&e.to_string()),
    })?;
    let path = snapshot_path(book);
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut file = File::create(&tmp).map_err(io("creating the snapshot"))?;
    file.write_all(&header)
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.write_all(&state))
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(io("writing the snapshot"))?;
    fs::rename(&tmp, &path).map_err(io("putting the snapshot in place"))?;
    super::sync_dir(&path);
    Ok(())
}

/// Reads the snapshot beside `book`, if there is one and it is whole (its checksum right).
pub(crate) fn read(book: &Path) -> Option<Snapshot> {
    let file = File::open(snapshot_path(book)).ok()?;
    let mut reader = BufReader::new(file);
    let mut header = Vec::new();
    reader.read_until(b'\n', &mut header).ok()?;
    let header: SnapshotHeader = serde_json::from_slice(&header).ok()?;
    if header.v != super::BOOK_VERSION {
        return None;
    }
    let mut state = Vec::new();
    reader.read_until(b'\n', &mut state).ok()?;
    if state.pop() != Some(b'\n') {
        return None;
    }
    if Hash(Sha256::digest(&state).into()).to_hex() != header.state_sha256 {
        return None;
    }
    let ledger: Ledger = serde_json::from_slice(&state).ok()?;
    Some(Snapshot {
        seq: header.seq,
        head: Hash::from_hex(&header.head)?,
        ledger,
    })
}
