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

/// The name an account has in every journal format: a root from its kind, then its id's
/// components, encoded as the docs of [`write_journal`](write_journal#account-names) describe.
///
/// ```
/// use isf_ledger::AccountKind;
/// use isf_ledger::report::journal_account_name;
/// let name = journal_account_name(AccountKind::Expense, &"provider:acme:isf:AG-A:PC".into());
/// assert_eq!(name, "Expenses:Provider:Acme:Isf:0AG--A:0PC");
/// let name = journal_account_name(AccountKind::Fund, &"fund:b1:dp:topup:fam.1".into());
/// assert_eq!(name, "Assets:Fund:B1:Dp:Topup:Fam-2E1");
/// ```
pub fn journal_account_name(kind: AccountKind, id: &AccountId) -> String {
    let mut name = String::from(root(kind));
    for component in id.as_str().split(':') {
        name.push(':');
        push_component(&mut name, component);
    }
    name
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

fn push_component(out: &mut String, component: &str) {
    let mut chars = component.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() => {
            out.push(c.to_ascii_uppercase());
            push_component_body(out, chars.as_str());
        }
        Some(c @ '1'..='9') => {
            out.push(c);
            push_component_body(out, chars.as_str());
        }
        _ => {
            out.push('0');
            push_component_body(out, component);
        }
    }
}

fn push_component_body(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '-' {
            out.push_str("--");
        } else {
            push_hex_bytes(out, c, '-');
        }
    }
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

/// Writes the whole ledger as a journal in `format`.
///
/// Nothing is written if the ledger cannot be expressed in the format; if the writer fails
/// part-way, what was written stays written.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::report::{JournalFormat, journal_account_name, journal_string};
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
/// assert!(text.contains("2025-04-07 * (alloc-1) allocation\n    ; period: 1\n"));
/// assert!(text.contains("    Assets:Council:Bank  -1650.00 GBP\n"));
/// assert!(text.contains("    Assets:Isf:0P1        1650.00 GBP\n"));
/// assert_eq!(journal_account_name(AccountKind::Fund, &"isf:P1".into()), "Assets:Isf:0P1");
///
/// let text = journal_string(&ledger, JournalFormat::Beancount)?;
/// assert!(text.contains("2025-04-07 open Assets:Isf:0P1 GBP\n"));
/// assert!(text.contains("2025-04-07 * \"alloc-1\" \"allocation\"\n  period: \"1\"\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Account names
///
/// Every account gets the same name in all three formats, from its kind and its id, by
/// [`journal_account_name`]. The mapping is deterministic and injective (two ids never share a
/// name, and the id can be read back from the name), and its names are valid in Beancount,
/// the strictest of the three:
///
/// 1. The root is the account's kind: [`AccountKind::Asset`] and [`AccountKind::Fund`] →
///    `Assets`, [`AccountKind::Liability`] → `Liabilities`, [`AccountKind::Income`] → `Income`,
///    [`AccountKind::Expense`] → `Expenses`, [`AccountKind::Equity`] → `Equity`. A fund is
///    money held for a person; with balances signed debit-positive it holds a positive balance
///    like any asset, so it sits under `Assets` (a provider's own books would show the same
///    money as a liability to the person; these books are the fund's).
/// 2. The id is split at every `:` into components (empty components included), each written
///    as one component of the name.
/// 3. In a component, ASCII letters and digits are kept; `-` is written `--`; every other
///    character is written as `-XX` for each byte of its UTF-8 encoding (two uppercase
///    hexadecimal digits): `fam.1` → `fam-2E1`, `é` → `-C3-A9`, a space → `-20`.
/// 4. Then the start: a component that begins with a lowercase ASCII letter has that letter
///    capitalised (`council` → `Council`); one that begins with a digit from 1 to 9 is kept
///    (`2025`); any other (an uppercase letter, `0`, an escaped character, or an empty
///    component) is prefixed with `0` (`AG-A` → `0AG--A`, `P1` → `0P1`, `` → `0`).
///
/// So `fund:b1:isf:council` (a fund) is `Assets:Fund:B1:Isf:Council`, and
/// `provider:acme:isf:AG-A:PC` (an expense) is `Expenses:Provider:Acme:Isf:0AG--A:0PC`. To read
/// an id back: drop the root; in each component, a leading `0` is dropped, a leading capital is
/// lowercased, a leading digit from 1 to 9 is kept; then `--` is `-` and `-XX` is a byte.
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
/// * Every entry, in recorded order (the tools sort by date themselves), dated by its
///   effective date, cleared (`*`):
///   * hledger and ledger: `DATE * (ID) MEMO`, then one comment line per metadata pair
///     (`    ; key: value`), then the postings;
///   * Beancount: `DATE * "ID" "MEMO"` (the id as payee, the memo as narration), then one
///     metadata line per pair (`  key: "value"`), then the postings.
///
///   Links the ledger keeps are written as metadata too: `isf_reverses` (the entry a reversal
///   reverses), `isf_settles` (the hold a settlement settles) and `isf_corrects`.
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
/// reserves (`(`, `)` and `;` in the code; `;` in the description; `,` and `[` in a metadata
/// value), are `\u{HEX}`; a space at the start or end, or after another space, is `\u{20}`.
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
pub fn write_journal(
    ledger: &Ledger,
    format: JournalFormat,
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

    for entry in ledger.entries() {
        writer.blank();
        summary.postings += writer.entry(&entry, &plan);
        summary.entries += 1;
        writer.flush()?;
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
        for (index, account) in ledger.accounts().enumerate() {
            names.push(journal_account_name(account.kind(), account.id()));
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
    fn entry(&mut self, entry: &EntryView<'_>, plan: &Plan) -> usize {
        let date = entry.date();
        let metadata = entry_metadata(entry);
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
                if memo.is_empty() {
                    self.line(format_args!("{date} * ({code})"));
                } else {
                    self.line(format_args!("{date} * ({code}) {memo}"));
                }
                for (key, value) in &metadata {
                    let value = escape_line(value, &[',', '[']);
                    if value.is_empty() {
                        self.line(format_args!("{indent}; {key}:"));
                    } else {
                        self.line(format_args!("{indent}; {key}: {value}"));
                    }
                }
            }
            JournalFormat::Beancount => {
                self.line(format_args!(
                    "{date} * {} {}",
                    beancount_string(entry.id()),
                    beancount_string(entry.memo())
                ));
                for (key, value) in &metadata {
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
}

crate::error::error_detail! {
    /// The detail, if this is a plain-text journal that could not be written.
    "Journal": journal -> JournalError
}
