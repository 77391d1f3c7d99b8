//! Plain-text accounting journals (hledger, ledger, Beancount) written from the ledger.
//!
//! An auditor who trusts a plain-text accounting tool more than this crate can export the books
//! with [`write_journal`] (or [`journal_string`]) and ask the tool for the balances: every
//! account's balance in the tool equals [`Ledger::balance`] (invariant 12), because every entry
//! is written with an explicit amount on every posting and nothing is left for the tool to
//! infer.
//!
//! The format, the account name mapping and what is and is not written are documented on
//! [`write_journal`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::{self, Write as _};
use std::io;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::ledger::{AccountId, AccountKind, EntryView, Ledger};
use crate::money::{Currency, Money};

/// A plain-text accounting format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum JournalFormat {
    /// [Ledger](https://ledger-cli.org) 3.
    Ledger,
    /// [hledger](https://hledger.org).
    Hledger,
    /// [Beancount](https://beancount.github.io) 2 and 3.
    Beancount,
}

impl JournalFormat {
    /// The file extension the format's users expect: `ledger`, `journal` or `beancount`.
    pub fn extension(&self) -> &'static str {
        match self {
            JournalFormat::Ledger => "ledger",
            JournalFormat::Hledger => "journal",
            JournalFormat::Beancount => "beancount",
        }
    }
}

/// The tool's name: `ledger`, `hledger` or `beancount`.
impl fmt::Display for JournalFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JournalFormat::Ledger => "ledger",
            JournalFormat::Hledger => "hledger",
            JournalFormat::Beancount => "beancount",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form: `"ledger"`, `"hledger"`, `"beancount"`.
impl std::str::FromStr for JournalFormat {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<JournalFormat, crate::error::ParseEnumError> {
        use JournalFormat::{Beancount, Hledger, Ledger};
        crate::error::parse_enum("journal format", &[Ledger, Hledger, Beancount], s)
    }
}

/// What [`write_journal`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[must_use]
pub struct JournalSummary {
    /// Entries (transactions) written: every entry of the ledger.
    pub entries: usize,
    /// Postings written.
    pub postings: usize,
    /// Accounts declared: every account of the ledger.
    pub accounts: usize,
}

/// Errors from writing a journal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// The writer failed.
    #[error("cannot write the {format} journal")]
    Io {
        /// The format being written.
        format: JournalFormat,
        /// The writer's error.
        source: io::Error,
    },
    /// An entry is dated in a year the tools cannot read.
    #[error("entry {entry:?} is dated {date}, outside the years 0001 to 9999 that {format} reads")]
    DateOutOfRange {
        /// The format being written.
        format: JournalFormat,
        /// The entry's id.
        entry: String,
        /// Its date.
        date: NaiveDate,
    },
    /// Two currencies share a code, so the tool would take them for one commodity.
    #[error(
        "currencies {first} and {second} share the code {code}, which {format} would read as one commodity"
    )]
    CommodityClash {
        /// The format being written.
        format: JournalFormat,
        /// The shared code.
        code: String,
        /// The first currency with it.
        first: Currency,
        /// Another with other minor units.
        second: Currency,
    },
}

impl JournalError {
    /// What kind of failure this is.
    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind as K;
        match self {
            JournalError::Io { .. } => K::Io,
            JournalError::DateOutOfRange { .. } | JournalError::CommodityClash { .. } => {
                K::Unsupported
            }
        }
    }
}

/// An account's readable base name in every journal format: a root from its kind, then its
/// id's components made readable, as the docs of
/// [`write_journal`](write_journal#account-names) describe. Two ids can share a base name;
/// [`journal_account_map`] gives each account its unique name.
///
/// ```
/// use isf_ledger::AccountKind;
/// use isf_ledger::report::journal_account_name;
/// let name = journal_account_name(AccountKind::Expense, &"provider:acme:isf:AG-A:PC".into());
/// assert_eq!(name, "Expenses:Provider:Acme:Isf:AG-A:PC");
/// let name = journal_account_name(AccountKind::Expense, &"supplier:Café Ltd".into());
/// assert_eq!(name, "Expenses:Supplier:Cafe-Ltd");
/// ```
pub fn journal_account_name(kind: AccountKind, id: &AccountId) -> String {
    let mut name = String::from(root(kind));
    for component in id.as_str().split(':') {
        name.push(':');
        push_component(&mut name, component);
    }
    name
}

/// Every account's journal name, in the order the accounts were opened: its
/// [`journal_account_name`], with `-2`, `-3`, … added to the last component of a name an
/// earlier account already has. This is the mapping file an auditor reads names back by;
/// [`write_account_map`] writes it as CSV.
///
/// ```
/// use isf_ledger::report::journal_account_map;
/// use isf_ledger::{AccountKind, Currency, Ledger, NewAccount};
/// let mut ledger = Ledger::new();
/// ledger.open_account(NewAccount::new("supplier:Café Ltd", AccountKind::Expense, Currency::GBP))?;
/// ledger.open_account(NewAccount::new("supplier:Cafe Ltd", AccountKind::Expense, Currency::GBP))?;
/// let names: Vec<String> = journal_account_map(&ledger).into_iter().map(|(_, n)| n).collect();
/// assert_eq!(names, ["Expenses:Supplier:Cafe-Ltd", "Expenses:Supplier:Cafe-Ltd-2"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn journal_account_map(ledger: &Ledger) -> Vec<(AccountId, String)> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for account in ledger.accounts() {
        let base = journal_account_name(account.kind(), account.id());
        let mut name = base.clone();
        let mut n = 2u64;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        out.push((account.id().clone(), name));
    }
    out
}

/// Writes the account mapping as CSV, `id,name,kind,currency`, one row per account in the order
/// they were opened (see [`journal_account_map`]).
///
/// # Errors
///
/// [`ReportError::Csv`](super::ReportError::Csv) if it cannot be written.
pub fn write_account_map(ledger: &Ledger) -> Result<String, super::ReportError> {
    let mut rows = vec![
        ["id", "name", "kind", "currency"]
            .map(str::to_string)
            .to_vec(),
    ];
    for ((id, name), account) in journal_account_map(ledger)
        .into_iter()
        .zip(ledger.accounts())
    {
        rows.push(vec![
            id.to_string(),
            name,
            account.kind().to_string(),
            account.currency().code().to_string(),
        ]);
    }
    super::write_csv(&rows)
}

fn root(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Asset | AccountKind::Fund => "Assets",
        AccountKind::Liability => "Liabilities",
        AccountKind::Income => "Income",
        AccountKind::Expense => "Expenses",
        AccountKind::Equity => "Equity",
    }
}

/// A component made readable: letters folded to ASCII, every run of other characters one
/// `-`, the first letter capitalised, `X` for a component with nothing left.
fn push_component(out: &mut String, component: &str) {
    let mut text = String::with_capacity(component.len());
    let mut gap = false;
    for c in component.chars() {
        match fold(c) {
            Some(folded) => {
                if gap && !text.is_empty() {
                    text.push('-');
                }
                gap = false;
                text.push_str(folded);
            }
            None => gap = true,
        }
    }
    let mut chars = text.chars();
    match chars.next() {
        None => out.push('X'),
        Some(first) => {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
}

/// A character as ASCII letters or digits, if it is one: accented Latin letters lose their
/// accents (`é` → `e`, `ß` → `ss`); anything else is `None` (a separator).
fn fold(c: char) -> Option<&'static str> {
    const ASCII: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    if c.is_ascii_alphanumeric() {
        let i = ASCII.find(c)?;
        return ASCII.get(i..=i);
    }
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' => "A",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => "I",
        'ñ' | 'ń' => "n",
        'Ñ' | 'Ń' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' => "O",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        'ł' => "l",
        'Ł' => "L",
        'ś' | 'š' => "s",
        'Ś' | 'Š' => "S",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ŵ' => "w",
        'Ŵ' => "W",
        'ŷ' => "y",
        _ => return None,
    };
    Some(folded)
}

fn push_hex_bytes(out: &mut String, c: char, marker: char) {
    let mut buf = [0u8; 4];
    for byte in c.encode_utf8(&mut buf).bytes() {
        // Writing to a String cannot fail.
        let _ = write!(out, "{marker}{byte:02X}");
    }
}

/// A metadata key as all three formats accept it (see [`write_journal`]).
fn metadata_key(key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with("x_")
        && !key.starts_with("isf_");
    if plain {
        return key.to_string();
    }
    let mut out = String::from("x_");
    for c in key.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            push_hex_bytes(&mut out, c, '_');
        }
    }
    out
}

/// One-line text for hledger and ledger, with `specials` escaped as well.
fn escape_line(text: &str, specials: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    let last = text.chars().count().saturating_sub(1);
    let mut previous_space = false;
    for (i, c) in text.chars().enumerate() {
        let space = c == ' ';
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' ' if i == 0 || i == last || previous_space => out.push_str("\\u{20}"),
            c if c.is_control() || specials.contains(&c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
        previous_space = space;
    }
    out
}

/// A Beancount string literal, quotes included.
fn beancount_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            '\u{8}' => out.push_str("\\b"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `-1650.00 GBP`: at least the currency's decimal places, never `-0`, the bare code.
fn amount_text(money: Money) -> String {
    let currency = money.currency();
    let trimmed = if money.amount().scale() > currency.minor_units() {
        Money::new(money.amount().normalize(), currency)
    } else {
        money
    };
    format!("{} {}", trimmed.amount_text(), currency.code())
}

/// A sample number in a currency's style, for commodity declarations: `1000.00`. hledger wants
/// a decimal point even with no decimals (`1000.`).
fn style_sample(currency: Currency, format: JournalFormat) -> String {
    let mut sample = Decimal::from(1000);
    sample.rescale(currency.minor_units());
    let mut text = sample.to_string();
    if currency.minor_units() == 0 && format == JournalFormat::Hledger {
        text.push('.');
    }
    text
}

/// What [`write_journal_with`] writes beyond the ledger itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalOptions {
    reconciled: BTreeSet<String>,
    closes: BTreeSet<NaiveDate>,
}

impl JournalOptions {
    /// No entry reconciled, and balance assertions at each of the ledger's period closes.
    pub fn new() -> JournalOptions {
        JournalOptions::default()
    }
    /// Marks entries as reconciled (cleared, `*`), by id: for example the entries a
    /// [`Reconciliation`](crate::reconcile::Reconciliation) matched to bank lines, or those a
    /// book's kept reconciliations matched (`Book::reconciled_entries`).
    #[must_use]
    pub fn reconciled<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, ids: I) -> Self {
        self.reconciled
            .extend(ids.into_iter().map(|id| id.as_ref().to_string()));
        self
    }
    /// Adds a period close (the last day closed) at which every fund's balance is asserted,
    /// besides the ledger's own [`period_closes`](Ledger::period_closes).
    #[must_use]
    pub fn closed_through(mut self, date: NaiveDate) -> Self {
        self.closes.insert(date);
        self
    }
}

/// Writes the whole ledger as a journal in `format`, with nothing marked reconciled. See
/// [`write_journal_with`].
///
/// # Errors
///
/// As [`write_journal_with`].
pub fn write_journal(
    ledger: &Ledger,
    format: JournalFormat,
    out: &mut impl io::Write,
) -> Result<JournalSummary, JournalError> {
    write_journal_with(ledger, format, &JournalOptions::new(), out)
}

/// Writes the whole ledger as a journal in `format`.
///
/// Nothing is written if the ledger cannot be expressed in the format; if the writer fails
/// part-way, what was written stays written.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::report::*;
/// use isf_ledger::{AccountKind, Currency, Ledger, NewAccount, NewEntry};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(NewAccount::new("council:bank", AccountKind::Asset, Currency::GBP))?;
/// ledger.open_account(NewAccount::new("isf:P1", AccountKind::Fund, Currency::GBP))?;
/// let day = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
/// ledger.post(
///     NewEntry::new("alloc-1", day)
///         .memo("allocation")
///         .meta("period", "1")
///         .transfer("council:bank", "isf:P1", "1650.00 GBP".parse()?),
/// )?;
///
/// let text = journal_string(&ledger, JournalFormat::Hledger)?;
/// assert!(text.contains("2025-04-07 ! (alloc-1) allocation\n    ; period: 1\n    ; isf_seq: 1\n"));
/// assert!(text.contains("    Assets:Council:Bank  -1650.00 GBP\n"));
/// assert!(text.contains("    Assets:Isf:P1         1650.00 GBP\n"));
/// assert_eq!(journal_account_name(AccountKind::Fund, &"isf:P1".into()), "Assets:Isf:P1");
///
/// // Reconciled entries are cleared.
/// let options = JournalOptions::new().reconciled(["alloc-1"]);
/// let mut out = Vec::new();
/// let _ = write_journal_with(&ledger, JournalFormat::Beancount, &options, &mut out)?;
/// let text = String::from_utf8(out)?;
/// assert!(text.contains("2025-04-07 open Assets:Isf:P1 GBP\n"));
/// assert!(text.contains("2025-04-07 * \"allocation\"\n  isf_id: \"alloc-1\"\n  period: \"1\"\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Account names
///
/// Every account gets the same readable name in all three formats, and the names are valid in
/// Beancount, the strictest of the three. [`journal_account_map`] is the mapping (written as a
/// CSV file, `id,name,kind,currency`, by [`write_account_map`]); the journal also gives each
/// account's id in a comment above its declaration.
///
/// 1. The root is the account's kind: [`AccountKind::Asset`] and [`AccountKind::Fund`] →
///    `Assets`, [`AccountKind::Liability`] → `Liabilities`, [`AccountKind::Income`] → `Income`,
///    [`AccountKind::Expense`] → `Expenses`, [`AccountKind::Equity`] → `Equity`. A fund is
///    money held for a person; with balances signed debit-positive it holds a positive balance
///    like any asset, so it sits under `Assets`.
/// 2. The id is split at every `:` into components, each written as one component of the name.
/// 3. In a component, ASCII letters and digits are kept, accented Latin letters lose their
///    accents (`é` → `e`, `ß` → `ss`, `æ` → `ae`), and every run of other characters (spaces,
///    punctuation, `-`, other scripts) becomes one `-`, none at the start or end: `Café Ltd` →
///    `Cafe-Ltd`, `fam.1` → `fam-1`. The first letter is capitalised; a component with nothing
///    left is `X`.
/// 4. An account whose name an account opened earlier already has gets `-2`, `-3`, … on its
///    last component, so every account's name is its own.
///
/// So `fund:b1:isf:council` (a fund) is `Assets:Fund:B1:Isf:Council`, and
/// `provider:acme:isf:AG-A:PC` is `Income:Provider:Acme:Isf:AG-A:PC`.
///
/// # What is written
///
/// * A header comment, then one declaration per currency in use, with its code and its
///   minor-unit decimal places: hledger `commodity 1000.00 GBP` (`commodity 1000. JPY` for a
///   currency without decimals), ledger `commodity GBP` with `format 1000.00 GBP`, Beancount
///   `DATE commodity GBP`. Unit "currencies" such as `HRS` (banked hours) are commodities like
///   any other. For ledger, a `tag KEY` declaration follows for every metadata key written, so
///   that `ledger --pedantic` reads the file; with the account and commodity declarations,
///   `hledger --strict` reads it too.
/// * One declaration per account, in the order they were opened, each after a comment line
///   giving its id, kind, currency, owner, tags and whether it is closed: `account NAME` for
///   hledger and ledger; for Beancount `DATE open NAME CODE`, dated by the earliest entry that
///   posts to it, or, for an account never posted to, the earliest entry's date (1970-01-01
///   in a ledger with no entries). No `close` directives are written: the ledger does not
///   record when an account was closed.
/// * Every entry in date order (recorded order within a day), its recorded position kept in the
///   `isf_seq` metadata, marked cleared (`*`) if [`JournalOptions::reconciled`] names it and
///   pending (`!`) otherwise. The memo is the narration and the counterparty the payee: the
///   entry's `payee` metadata, or else the owner of the first account receiving money that has
///   an owner (none if neither):
///   * hledger: `DATE ! (ID) PAYEE | MEMO` (`DATE ! (ID) MEMO` without a payee), then one
///     comment line per metadata pair (`    ; key: value`), then the postings;
///   * ledger: `DATE ! (ID) PAYEE`, the memo in a `    ; narration: MEMO` line (`DATE ! (ID)
///     MEMO` without a payee), then the metadata and postings as for hledger;
///   * Beancount: `DATE ! "PAYEE" "MEMO"` (`DATE ! "MEMO"` without a payee), then the id as
///     `isf_id` and one metadata line per pair (`  key: "value"`), then the postings.
///
///   Links the ledger keeps are written as metadata too: `isf_reverses` (the entry a reversal
///   reverses), `isf_settles` (the hold a settlement settles) and `isf_corrects`.
/// * A balance assertion for every fund at every closed period (the ledger's
///   [`period_closes`](Ledger::period_closes), and any close given with
///   [`JournalOptions::closed_through`]): for hledger and ledger a transaction
///   `DATE * (isf-close-DATE)` after the day's entries whose postings are `NAME  0.00 GBP =
///   BALANCE`; for Beancount a `balance` directive dated the next day (Beancount checks at the
///   start of a day), for every fund opened by then.
/// * Every posting with its signed amount (debit positive), at least the currency's minor-unit
///   decimal places, and the currency's code: `    Assets:Council:Bank  -1650.00 GBP`.
///
/// Holds are not entries and are not written: only the entry that settles a hold is, like any
/// other entry. An active hold changes no balance, so the balances agree all the same.
///
/// # Text
///
/// Ids, memos and metadata may hold any text, so they are escaped to stay on their line and
/// out of the tools' syntax. In hledger and ledger: `\` is `\\`; newline, carriage return and
/// tab are `\n`, `\r`, `\t`; any other control character, and the characters the position
/// reserves (`(`, `)` and `;` in the code; `;` in the description, and `|` in an hledger payee;
/// `,` and `[` in a metadata value), are `\u{HEX}`; a space at the start or end, or after another space, is `\u{20}`.
/// In Beancount strings, `"` and `\` are `\"` and `\\`; newline, tab, carriage return, form
/// feed and backspace are `\n`, `\t`, `\r`, `\f`, `\b`; any other control character is
/// `\u{HEX}` (which Beancount itself reads as `u{HEX}`).
///
/// A metadata key made only of ASCII letters, digits and `_`, beginning with a lowercase
/// letter, and not beginning with `x_` or `isf_`, is written as it is. Any other key is written
/// as `x_` followed by the key with every character other than an ASCII letter or digit
/// written as `_XX` per UTF-8 byte: `Invoice No` → `x_Invoice_20No`, `` → `x_`.
///
/// # What cannot be written
///
/// The tools read years 0001 to 9999 only, so an entry dated outside them is refused
/// ([`JournalError::DateOutOfRange`]), as are two currencies with the same code and different
/// minor units ([`JournalError::CommodityClash`]), which a tool would take for one commodity.
/// Both are checked before anything is written.
///
/// # Errors
///
/// [`JournalError::DateOutOfRange`] for an entry dated outside the years 0001 to 9999,
/// [`JournalError::CommodityClash`] for two currencies with one code, [`JournalError::Io`] if
/// the writer fails.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::report::{JournalError, JournalFormat, write_journal};
/// use isf_ledger::{AccountKind, Currency, Ledger, NewAccount, NewEntry};
///
/// let mut ledger = Ledger::new();
/// ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
/// ledger.open_account(NewAccount::new("fees", AccountKind::Expense, Currency::GBP))?;
/// let day = NaiveDate::from_ymd_opt(2025, 4, 30).unwrap();
/// ledger.post(NewEntry::new("fee-1", day).transfer("bank", "fees", "12.50 GBP".parse()?))?;
///
/// let mut out = Vec::new();
/// let summary = write_journal(&ledger, JournalFormat::Ledger, &mut out)?;
/// assert_eq!((summary.entries, summary.postings, summary.accounts), (1, 2, 2));
///
/// // A year the tools cannot read never reaches the books: the ledger refuses any date
/// // outside the years 1900 to 2199 at its door, so the export is never blocked by one.
/// let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
/// assert!(ledger.post(NewEntry::new("fee-2", far).transfer("bank", "fees", "1.00 GBP".parse()?)).is_err());
/// let mut out = Vec::new();
/// assert!(write_journal(&ledger, JournalFormat::Ledger, &mut out).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_journal_with(
    ledger: &Ledger,
    format: JournalFormat,
    options: &JournalOptions,
    out: &mut impl io::Write,
) -> Result<JournalSummary, JournalError> {
    let plan = Plan::new(ledger, format)?;
    let mut writer = Writer {
        out,
        format,
        buf: String::new(),
    };
    let mut summary = JournalSummary::default();

    writer.line(format_args!(
        "; isf-ledger journal for {format}: {} accounts, {} entries",
        plan.names.len(),
        ledger.entry_count()
    ));
    writer.line(format_args!(
        "; holds are not written, only the entries that settle them"
    ));
    writer.blank();

    for currency in &plan.currencies {
        let code = currency.code();
        match format {
            JournalFormat::Hledger => {
                writer.line(format_args!(
                    "commodity {} {code}",
                    style_sample(*currency, format)
                ));
            }
            JournalFormat::Ledger => {
                writer.line(format_args!("commodity {code}"));
                writer.line(format_args!(
                    "    format {} {code}",
                    style_sample(*currency, format)
                ));
            }
            JournalFormat::Beancount => {
                writer.line(format_args!("{} commodity {code}", plan.first_date));
            }
        }
    }
    if format == JournalFormat::Ledger {
        for key in &plan.keys {
            writer.line(format_args!("tag {key}"));
        }
    }
    writer.blank();

    for (account, name) in ledger.accounts().zip(&plan.names) {
        let details = account.details();
        let mut about = format!(
            "{} ({}, {}",
            account.id(),
            account.kind(),
            account.currency()
        );
        if let Some(owner) = &details.owner {
            let _ = write!(about, ", owner {owner}");
        }
        if !details.tags.is_empty() {
            let _ = write!(about, ", tags {}", details.tags.join(" "));
        }
        if account.is_closed() {
            about.push_str(", closed");
        }
        about.push(')');
        writer.line(format_args!("; {}", escape_line(&about, &[])));
        match format {
            JournalFormat::Hledger | JournalFormat::Ledger => {
                writer.line(format_args!("account {name}"));
            }
            JournalFormat::Beancount => {
                let date = plan
                    .first_use
                    .get(account.id())
                    .copied()
                    .unwrap_or(plan.first_date);
                writer.line(format_args!(
                    "{date} open {name} {}",
                    account.currency().code()
                ));
            }
        }
        summary.accounts += 1;
    }
    writer.flush()?;

    // Entries in date order, recorded order within a day; a balance assertion for every fund
    // after the last entry dated on or before each close.
    let mut entries: Vec<EntryView<'_>> = ledger.entries().collect();
    entries.sort_by_key(|e| (e.date(), e.seq()));
    let mut closes: Vec<NaiveDate> = options.closes.iter().copied().collect();
    closes.extend(ledger.period_closes());
    closes.sort();
    closes.dedup();
    let mut closes = closes.into_iter().peekable();
    for entry in &entries {
        while let Some(close) = closes.next_if(|c| *c < entry.date()) {
            writer.assertions(ledger, &plan, close);
        }
        writer.blank();
        let cleared = options.reconciled.contains(entry.id());
        summary.postings += writer.entry(ledger, entry, &plan, cleared);
        summary.entries += 1;
        writer.flush()?;
    }
    for close in closes {
        writer.assertions(ledger, &plan, close);
    }
    writer.flush()?;
    Ok(summary)
}

/// The whole ledger as a journal in `format`, as text.
///
/// # Errors
///
/// As [`write_journal`], except that writing to a string does not fail.
///
/// ```
/// use isf_ledger::Ledger;
/// use isf_ledger::report::{JournalFormat, journal_string};
/// let text = journal_string(&Ledger::new(), JournalFormat::Hledger)?;
/// assert!(text.starts_with("; isf-ledger journal for hledger: 0 accounts, 0 entries\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn journal_string(ledger: &Ledger, format: JournalFormat) -> Result<String, JournalError> {
    let mut out = Vec::new();
    // The string is the result; the counts are not needed.
    let _ = write_journal(ledger, format, &mut out)?;
    String::from_utf8(out).map_err(|e| JournalError::Io {
        format,
        source: io::Error::new(io::ErrorKind::InvalidData, e),
    })
}

/// What is checked and worked out before anything is written.
struct Plan {
    /// Each account's name, in opening order.
    names: Vec<String>,
    /// Each account's name by id.
    by_id: HashMap<AccountId, usize>,
    /// The currencies in use, in the order of the accounts that first use them.
    currencies: Vec<Currency>,
    /// The earliest date each account is posted on.
    first_use: HashMap<AccountId, NaiveDate>,
    /// The earliest entry's date (1970-01-01 if there are none).
    first_date: NaiveDate,
    /// Every metadata key written, as written.
    keys: BTreeSet<String>,
}

impl Plan {
    fn new(ledger: &Ledger, format: JournalFormat) -> Result<Plan, JournalError> {
        let mut names = Vec::new();
        let mut by_id = HashMap::new();
        let mut codes: BTreeMap<String, Currency> = BTreeMap::new();
        let mut currencies = Vec::new();
        let map = journal_account_map(ledger);
        for (index, (account, (_, name))) in ledger.accounts().zip(map).enumerate() {
            names.push(name);
            by_id.insert(account.id().clone(), index);
            let currency = account.currency();
            match codes.get(currency.code()) {
                Some(&seen) if seen != currency => {
                    return Err(JournalError::CommodityClash {
                        format,
                        code: currency.code().to_string(),
                        first: seen,
                        second: currency,
                    });
                }
                Some(_) => {}
                None => {
                    codes.insert(currency.code().to_string(), currency);
                    currencies.push(currency);
                }
            }
        }
        let mut first_use: HashMap<AccountId, NaiveDate> = HashMap::new();
        let mut first_date: Option<NaiveDate> = None;
        let mut keys = BTreeSet::new();
        keys.insert("isf_seq".to_string());
        keys.insert("narration".to_string());
        for entry in ledger.entries() {
            keys.extend(entry_metadata(&entry).into_iter().map(|(k, _)| k));
            let date = entry.date();
            if !(1..=9999).contains(&date.year()) {
                return Err(JournalError::DateOutOfRange {
                    format,
                    entry: entry.id().to_string(),
                    date,
                });
            }
            first_date = Some(first_date.map_or(date, |d| d.min(date)));
            for (account, _) in entry.postings() {
                first_use
                    .entry(account.clone())
                    .and_modify(|d| *d = (*d).min(date))
                    .or_insert(date);
            }
        }
        Ok(Plan {
            names,
            by_id,
            currencies,
            first_use,
            first_date: first_date.unwrap_or_default(),
            keys,
        })
    }

    /// A posted account's name. Every posted account is open in the ledger; were one not, it
    /// would be named as an asset rather than panic.
    fn name_of(&self, account: &AccountId) -> String {
        match self.by_id.get(account).and_then(|&i| self.names.get(i)) {
            Some(name) => name.clone(),
            None => journal_account_name(AccountKind::Asset, account),
        }
    }
}

/// An entry's metadata as written: its own pairs (keys encoded), then the links.
fn entry_metadata<'a>(entry: &EntryView<'a>) -> Vec<(String, &'a str)> {
    let mut metadata: Vec<(String, &str)> = entry
        .metadata()
        .iter()
        .map(|(k, v)| (metadata_key(k), v.as_str()))
        .collect();
    if let Some(original) = entry.reverses() {
        metadata.push(("isf_reverses".into(), original.id()));
    }
    if let Some(hold) = entry.settles() {
        metadata.push(("isf_settles".into(), hold.as_str()));
    }
    if let Some(corrected) = entry.corrects() {
        metadata.push(("isf_corrects".into(), corrected.id()));
    }
    metadata
}

/// The entry's counterparty: its `payee` metadata, or else the owner of the first account
/// that receives money (a positive posting) and has an owner, or else none.
fn counterparty<'a>(ledger: &'a Ledger, entry: &EntryView<'a>) -> Option<String> {
    if let Some(p) = entry.metadata().get("payee") {
        return Some(p.clone());
    }
    entry
        .postings()
        .filter(|(_, m)| m.is_positive())
        .find_map(|(a, _)| ledger.account(a).ok()?.details().owner.clone())
}

struct Writer<'a, W: io::Write> {
    out: &'a mut W,
    format: JournalFormat,
    buf: String,
}

impl<W: io::Write> Writer<'_, W> {
    fn line(&mut self, args: fmt::Arguments<'_>) {
        let _ = self.buf.write_fmt(args);
        self.buf.push('\n');
    }

    fn blank(&mut self) {
        self.buf.push('\n');
    }

    fn flush(&mut self) -> Result<(), JournalError> {
        let result = self.out.write_all(self.buf.as_bytes());
        self.buf.clear();
        result.map_err(|source| JournalError::Io {
            format: self.format,
            source,
        })
    }

    /// Writes one entry; returns how many postings it wrote.
    fn entry(
        &mut self,
        ledger: &Ledger,
        entry: &EntryView<'_>,
        plan: &Plan,
        cleared: bool,
    ) -> usize {
        let date = entry.date();
        let mut metadata = entry_metadata(entry);
        metadata.push(("isf_seq".into(), ""));
        let seq = entry.seq().0.to_string();
        let payee = counterparty(ledger, entry);
        let status = if cleared { '*' } else { '!' };
        let postings: Vec<(String, String)> = entry
            .postings()
            .map(|(account, amount)| (plan.name_of(account), amount_text(amount)))
            .collect();
        let indent = match self.format {
            JournalFormat::Beancount => "  ",
            JournalFormat::Hledger | JournalFormat::Ledger => "    ",
        };
        match self.format {
            JournalFormat::Hledger | JournalFormat::Ledger => {
                let code = escape_line(entry.id(), &['(', ')', ';']);
                let memo = escape_line(entry.memo(), &[';']);
                let description = match (&payee, self.format) {
                    (Some(p), JournalFormat::Hledger) => {
                        let p = escape_line(p, &[';', '|']);
                        if memo.is_empty() {
                            p
                        } else {
                            format!("{p} | {memo}")
                        }
                    }
                    (Some(p), _) => escape_line(p, &[';']),
                    (None, _) => memo.clone(),
                };
                if description.is_empty() {
                    self.line(format_args!("{date} {status} ({code})"));
                } else {
                    self.line(format_args!("{date} {status} ({code}) {description}"));
                }
                if self.format == JournalFormat::Ledger && payee.is_some() && !memo.is_empty() {
                    let memo = escape_line(entry.memo(), &[',', '[']);
                    self.line(format_args!("{indent}; narration: {memo}"));
                }
                for (key, value) in &metadata {
                    let value = if key == "isf_seq" {
                        seq.clone()
                    } else {
                        escape_line(value, &[',', '['])
                    };
                    if value.is_empty() {
                        self.line(format_args!("{indent}; {key}:"));
                    } else {
                        self.line(format_args!("{indent}; {key}: {value}"));
                    }
                }
            }
            JournalFormat::Beancount => {
                match &payee {
                    Some(p) => self.line(format_args!(
                        "{date} {status} {} {}",
                        beancount_string(p),
                        beancount_string(entry.memo())
                    )),
                    None => self.line(format_args!(
                        "{date} {status} {}",
                        beancount_string(entry.memo())
                    )),
                }
                self.line(format_args!(
                    "{indent}isf_id: {}",
                    beancount_string(entry.id())
                ));
                for (key, value) in &metadata {
                    let value = if key == "isf_seq" {
                        seq.as_str()
                    } else {
                        value
                    };
                    self.line(format_args!("{indent}{key}: {}", beancount_string(value)));
                }
            }
        }
        let name_width = postings.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let amount_width = postings.iter().map(|(_, a)| a.len()).max().unwrap_or(0);
        for (name, amount) in &postings {
            self.line(format_args!(
                "{indent}{name:<name_width$}  {amount:>amount_width$}"
            ));
        }
        postings.len()
    }

    /// Asserts every fund's balance at the end of `close`: a transaction of zero postings with
    /// assertions (hledger, ledger), or `balance` directives dated the next day (Beancount,
    /// which checks at the start of a day).
    fn assertions(&mut self, ledger: &Ledger, plan: &Plan, close: NaiveDate) {
        let (ids, funds): (Vec<AccountId>, Vec<(String, Money)>) = ledger
            .accounts()
            .filter(|a| a.kind() == AccountKind::Fund)
            .filter_map(|a| {
                let m = ledger.balance_as_at(a.id(), close).ok()?;
                Some((a.id().clone(), (plan.name_of(a.id()), m)))
            })
            .unzip();
        if funds.is_empty() {
            return;
        }
        self.blank();
        match self.format {
            JournalFormat::Hledger | JournalFormat::Ledger => {
                self.line(format_args!(
                    "{close} * (isf-close-{close}) fund balances at the close of {close}"
                ));
                for (name, m) in &funds {
                    let zero = amount_text(Money::zero(m.currency()));
                    self.line(format_args!("    {name}  {zero} = {}", amount_text(*m)));
                }
            }
            JournalFormat::Beancount => {
                // An account is opened on its first use: one not used by the next day has
                // nothing to assert yet.
                let next = close.succ_opt().unwrap_or(close);
                for (id, (name, m)) in ids.iter().zip(&funds) {
                    if plan.first_use.get(id).is_some_and(|d| *d <= next) {
                        self.line(format_args!("{next} balance {name}  {}", amount_text(*m)));
                    }
                }
            }
        }
    }
}

crate::error::error_detail! {
    /// The detail, if this is a plain-text journal that could not be written.
    "Journal": journal -> JournalError
}
