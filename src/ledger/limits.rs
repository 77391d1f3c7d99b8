//! The ledger's door for dates and text sizes: every date within the crate's one range
//! ([`crate::date_in_range`]), memos, tags, owners and metadata within their documented limits.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::LedgerError;
use super::types::{
    MAX_MEMO_LEN, MAX_METADATA_ENTRIES, MAX_METADATA_KEY_LEN, MAX_METADATA_VALUE_LEN, MAX_TAGS,
    NewAccount,
};
use crate::error::echo;

/// Refuses a date outside years 1900 to 2199.
pub(super) fn check_date(what: &'static str, date: NaiveDate) -> Result<(), LedgerError> {
    if crate::dates::date_in_range(date) {
        Ok(())
    } else {
        Err(LedgerError::DateOutOfRange { what, date })
    }
}

fn too_large(what: &'static str, limit: usize, value: &str) -> LedgerError {
    LedgerError::TooLarge {
        what,
        limit,
        value: echo(value),
    }
}

/// Refuses a memo longer than [`MAX_MEMO_LEN`] bytes.
pub(super) fn check_memo(memo: &str) -> Result<(), LedgerError> {
    if memo.len() > MAX_MEMO_LEN {
        return Err(too_large("memo (bytes)", MAX_MEMO_LEN, memo));
    }
    Ok(())
}

/// Refuses metadata over [`MAX_METADATA_ENTRIES`] pairs, or with a key or value over its limit.
pub(super) fn check_metadata(metadata: &BTreeMap<String, String>) -> Result<(), LedgerError> {
    if metadata.len() > MAX_METADATA_ENTRIES {
        let first = metadata.keys().next().map_or("", String::as_str);
        return Err(too_large("metadata (pairs)", MAX_METADATA_ENTRIES, first));
    }
    for (key, value) in metadata {
        if key.len() > MAX_METADATA_KEY_LEN {
            return Err(too_large("metadata key (bytes)", MAX_METADATA_KEY_LEN, key));
        }
        if value.len() > MAX_METADATA_VALUE_LEN {
            return Err(too_large(
                "metadata value (bytes)",
                MAX_METADATA_VALUE_LEN,
                value,
            ));
        }
    }
    Ok(())
}

/// Refuses an owner or tag longer than [`MAX_MEMO_LEN`] bytes, or more than [`MAX_TAGS`] tags.
pub(super) fn check_account_text(account: &NewAccount) -> Result<(), LedgerError> {
    if let Some(owner) = &account.owner {
        if owner.len() > MAX_MEMO_LEN {
            return Err(too_large("account owner (bytes)", MAX_MEMO_LEN, owner));
        }
    }
    if account.tags.len() > MAX_TAGS {
        let first = account.tags.first().map_or("", String::as_str);
        return Err(too_large("account tags (count)", MAX_TAGS, first));
    }
    for tag in &account.tags {
        if tag.len() > MAX_MEMO_LEN {
            return Err(too_large("account tag (bytes)", MAX_MEMO_LEN, tag));
        }
    }
    Ok(())
}
