//! Bank and prepaid-card statement lines, imported from CSV and matched to ledger entries.
//!
//! A fund's bank account, a prepaid card, or an ISF provider's client-money bank account each
//! has a statement; the ledger has the entries that should be on it. This module reads the
//! statement ([`StatementFormat::import`]), takes the ledger side of one account
//! ([`ledger_lines`]), and pairs them one to one ([`reconcile`]), reporting what matched, what
//! did not, and what looks like a duplicate ([`Reconciliation`]). It only reads the ledger.
//!
//! # The CSV format
//!
//! UTF-8 text, comma separated (another delimiter with [`StatementFormat::delimiter`]), quoted
//! as RFC 4180 (a quoted field may hold commas, quotes written twice, and newlines). The
//! **first row is a header**; header names are matched after trimming spaces and ignoring case,
//! and a leading byte-order mark is ignored. Columns may come in any order and other columns
//! are ignored. With [`StatementFormat::new`] the columns are:
//!
//! | column | required | what it holds |
//! |---|---|---|
//! | `date` | yes | the transaction date, `2025-04-07` ([`DateFormat::Iso`], the default) or `07/04/2025` ([`DateFormat::Uk`], day first) |
//! | `description` | yes | free text (may be empty) |
//! | `amount` | yes | signed: money **in** positive, money **out** negative |
//! | `reference` | no | the payment reference; an empty cell means none |
//! | `balance` | no | the running balance the bank printed, signed; kept, not checked |
//!
//! UK banks usually export two amount columns instead of one signed one:
//! [`StatementFormat::uk_bank`] (or [`StatementFormat::paid_in_out_columns`]) reads
//! `paid in` and `paid out` (both unsigned; exactly one of the two must be filled on each row)
//! with day-first dates. Every column name can be changed with the builder.
//!
//! A row with no money in or out but a balance (a bank's "balance brought forward") is not a
//! transaction and not an error: it is kept in [`Imported::balances`]. A row with neither an
//! amount nor a balance is an error.
//!
//! Amounts are read exactly, as decimals, never floats, by the rules of
//! [`Money::parse_typed`](crate::Money::parse_typed):
//!
//! * spaces around the value are ignored; a `-` or `+` sign may come first;
//! * the currency's own sign may come before the digits (`£` for GBP, `€` for EUR, `$` for USD,
//!   AUD, NZD and CAD, `¥` for JPY), before or after the minus sign: `-£1,234.56`,
//!   `£-1,234.56`; another currency's sign is refused;
//! * commas are thousands separators and are accepted only where they belong: `1,234,567.89`
//!   is read, `12,34.56` and `1234,5` are refused;
//! * at most the currency's minor-unit decimal places may be written (two for GBP: `12.500` is
//!   refused, not rounded), with at least one digit before the point;
//! * nothing else: no exponent, no brackets for negatives, no trailing sign or currency code;
//!   at most [`MAX_AMOUNT`](crate::MAX_AMOUNT) in size;
//! * `paid in` and `paid out` cells are written without a sign.
//!
//! Each field (of the columns read) may be at most [`MAX_FIELD_LEN`] bytes. Every row must have
//! as many fields as the header.
//!
//! An example, as a UK bank exports it:
//!
//! ```text
//! Date,Description,Paid in,Paid out,Balance
//! 01/04/2025,COUNCIL DP 0001,"1,650.00",,"1,650.00"
//! 07/04/2025,"ACME CARE, INV 17",,412.50,"1,237.50"
//! ```
//!
//! # Bad rows
//!
//! Import never fails as a whole for a bad row: each malformed row becomes a [`RowError`]
//! naming its line (the file's physical line, from 1, where the row starts: a line ends at
//! `\n`, `\r\n` or a lone `\r`, and a quoted line break makes a row span lines) and what is
//! wrong with which text, and every good row is still imported. Only a header that cannot be
//! read, or that lacks a required column, fails the import ([`ReconcileError`]).
//!
//! # Matching
//!
//! [`ledger_lines`] gives one [`LedgerLine`] per entry that posts to the account in a period:
//! its amount is the entry's net posting to that account (debit positive, so money into an
//! asset or fund account is positive, as on the statement), its reference the entry's
//! `reference` metadata if present, else its id. Reversed entries and their reversals are
//! ordinary lines: a payment keyed twice and reversed in the books is one line out and one in,
//! and matches the statement only if the bank also shows both. [`reconcile`] does not care
//! which account the lines came from: a person's fund, a prepaid card, or a provider's
//! client-money bank account against its ledger account.
//!
//! A statement line and a ledger line may be paired when their amounts are equal and their
//! dates are at most [`MatchOptions::window_days`] apart (default 3). Pairing is one to one and
//! goes in two passes:
//!
//! 1. **By reference**: lines whose references are equal (trimmed, ignoring case) are paired
//!    first, within each (amount, reference) group.
//! 2. **By amount and date** (unless [`MatchOptions::require_reference`]): what is left is
//!    paired within each amount group, whatever the references say.
//!
//! In each group both sides are sorted by date (statement lines then by their whole content,
//! ledger lines by entry id and sequence number), and each statement line in turn takes the
//! earliest-dated ledger line still free that is no more than the window before it and no
//! more than the window after it. With one window for all lines this pairs as many lines as
//! any rule could in that group. Sorting does all the work, so reconciling takes
//! O(n log n) time, and the result does not depend on the order of either input: only lines
//! identical in every field can trade places.
//!
//! **Suspected duplicates** are reported without changing the pairing
//! ([`DuplicateReason`]):
//!
//! * [`DuplicateReason::Repeated`]: a statement line identical in date, amount, description
//!   and reference to at least one other line of the statement (the balance is left out of the
//!   comparison, so a charge taken twice with two running balances is caught). Every line of
//!   such a group is reported, with the group's size.
//! * [`DuplicateReason::CandidateTaken`]: a statement line left unmatched although a ledger
//!   line of its amount lies within the window, because every such ledger line was paired
//!   with another statement line. The nearest one (earlier on a tie, then lowest entry id) is
//!   named, with the statement line that took it.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use isf_ledger::reconcile::{ledger_lines, reconcile, MatchOptions, StatementFormat};
//! use isf_ledger::{AccountKind, Currency, Ledger, NewAccount, NewEntry, Period};
//!
//! // The books: a council pays a fund's bank account; the fund pays a provider.
//! let mut ledger = Ledger::new();
//! ledger.open_account(NewAccount::new("council", AccountKind::Income, Currency::GBP))?;
//! ledger.open_account(NewAccount::new("bank:P1", AccountKind::Asset, Currency::GBP))?;
//! ledger.open_account(NewAccount::new("care", AccountKind::Expense, Currency::GBP))?;
//! let day = |d| NaiveDate::from_ymd_opt(2025, 4, d).unwrap();
//! ledger.post(NewEntry::new("alloc-1", day(1)).transfer("council", "bank:P1", "1650.00 GBP".parse()?))?;
//! ledger.post(
//!     NewEntry::new("claim-17", day(5))
//!         .meta("reference", "INV 17")
//!         .transfer("bank:P1", "care", "412.50 GBP".parse()?),
//! )?;
//!
//! // The bank's export.
//! let csv = "Date,Description,Paid in,Paid out,Reference\n\
//!            01/04/2025,COUNCIL DP 0001,\"1,650.00\",,\n\
//!            07/04/2025,\"ACME CARE, INV 17\",,412.50,inv 17\n\
//!            08/04/2025,CARD PAYMENT,,12.999,\n\
//!            09/04/2025,BANK FEE,,5.00,\n";
//! let imported = StatementFormat::uk_bank(Currency::GBP).import(csv.as_bytes())?;
//! assert_eq!(imported.lines.len(), 3);
//! assert_eq!(imported.errors.len(), 1);
//! assert_eq!(
//!     imported.errors[0].to_string(),
//!     "line 4: paid out \"12.999\" has more than 2 decimal places for GBP"
//! );
//!
//! let april = Period::new(day(1), NaiveDate::from_ymd_opt(2025, 5, 1).unwrap())?;
//! let books = ledger_lines(&ledger, &"bank:P1".into(), april)?;
//! let report = reconcile(&imported.lines, &books, &MatchOptions::new(Currency::GBP))?;
//!
//! assert_eq!(report.matched.len(), 2);
//! assert!(report.matched.iter().any(|m| m.by_reference && m.days == 2));
//! assert_eq!(report.unmatched_statement[0].description, "BANK FEE");
//! assert!(report.unmatched_ledger.is_empty());
//! assert_eq!(report.totals.statement.to_string(), "1232.50 GBP");
//! assert_eq!(report.totals.unmatched_statement.to_string(), "-5.00 GBP");
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv;
mod error;
mod format;
mod lines;
mod matching;
mod reconciliation;

pub(crate) use self::csv::csv_io_error;
pub use self::csv::{BalanceRow, Imported};
pub use self::error::MAX_FIELD_LEN;
pub use self::error::{ReconcileError, RowError};
pub use self::format::{AmountColumns, DateFormat, StatementFormat};
pub use self::lines::{LedgerLine, StatementLine, ledger_lines, ledger_lines_of};
pub use self::matching::reconcile;
pub use self::reconciliation::{DEFAULT_WINDOW_DAYS, MatchOptions};
pub use self::reconciliation::{
    DuplicateReason, Match, Reconciliation, SuspectedDuplicate, Totals,
};
