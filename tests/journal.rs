//! The plain-text journal export (invariant 12): the written hledger, ledger and Beancount text,
//! read back by a small parser for the subset the crate writes, gives every account the
//! ledger's balance under its mapped name, every transaction balances per commodity, entries
//! come in date order with their recorded order kept, and the account name mapping is injective
//! and valid in Beancount. When `hledger` and
//! `ledger` are installed, the tools themselves are asked for the balances too.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;

use chrono::NaiveDate;
use isf_ledger::report::{
    JournalError, JournalFormat, journal_account_map, journal_account_name, journal_string,
    write_journal,
};
use isf_ledger::{
    AccountId, AccountKind, BalanceRule, Currency, EntryView, Ledger, LedgerError, Money,
    NewAccount, NewEntry, NewHold,
};
use rust_decimal::Decimal;
use support::d;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FORMATS: [JournalFormat; 3] = [
    JournalFormat::Hledger,
    JournalFormat::Ledger,
    JournalFormat::Beancount,
];

fn hrs() -> Currency {
    Currency::new("HRS", 2).expect("HRS is a valid unit currency")
}

fn money(text: &str) -> Money {
    text.parse().expect("valid test money")
}

// ----- a small parser for the subset the crate writes ------------------------------------------

#[derive(Debug, Default)]
struct Txn {
    date: Option<NaiveDate>,
    /// The code (hledger, ledger) or `isf_id` (Beancount), unescaped: the entry id.
    id: String,
    /// The payee, where written.
    payee: Option<String>,
    memo: String,
    /// `isf_seq`: the recorded order.
    seq: Option<u64>,
    meta: Vec<(String, String)>,
    /// Account name, amount, commodity.
    postings: Vec<(String, Decimal, String)>,
}

#[derive(Debug, Default)]
struct Parsed {
    /// Declared accounts, with the Beancount open date and currency if any.
    accounts: BTreeMap<String, Option<(NaiveDate, String)>>,
    commodities: Vec<String>,
    txns: Vec<Txn>,
    /// Balance assertions (transactions or directives).
    assertions: usize,
}

/// Reads the crate's own escape scheme for hledger and ledger text back.
fn unescape_line(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => out.push(read_braced_hex(&mut chars)),
            other => panic!("unexpected escape {other:?} in {text:?}"),
        }
    }
    out
}

fn read_braced_hex(chars: &mut std::str::Chars<'_>) -> char {
    assert_eq!(chars.next(), Some('{'));
    let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
    char::from_u32(u32::from_str_radix(&hex, 16).expect("hex")).expect("a char")
}

/// Reads a Beancount string literal at the start of `text`; returns it and the rest.
fn beancount_string(text: &str) -> (String, &str) {
    let inner = text
        .strip_prefix('"')
        .unwrap_or_else(|| panic!("a string in {text:?}"));
    let mut out = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &inner[i + 1..]),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('f') => out.push('\u{c}'),
                Some('b') => out.push('\u{8}'),
                Some('u') => {
                    assert_eq!(chars.next().map(|(_, c)| c), Some('{'));
                    let hex: String = chars
                        .by_ref()
                        .map(|(_, c)| c)
                        .take_while(|c| *c != '}')
                        .collect();
                    out.push(
                        char::from_u32(u32::from_str_radix(&hex, 16).expect("hex"))
                            .expect("a char"),
                    );
                }
                other => panic!("unexpected escape {other:?}"),
            },
            c => out.push(c),
        }
    }
    panic!("unterminated string in {text:?}")
}

/// Reads a metadata key back to the ledger's key.
fn decode_key(key: &str) -> String {
    let Some(escaped) = key.strip_prefix("x_") else {
        return key.to_string();
    };
    let mut bytes = Vec::new();
    let raw = escaped.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'_' {
            let hex = std::str::from_utf8(&raw[i + 1..i + 3]).expect("ascii hex");
            bytes.push(u8::from_str_radix(hex, 16).expect("hex byte"));
            i += 3;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    String::from_utf8(bytes).expect("utf-8 key")
}

/// Checks an account name is valid in Beancount (ASCII subset) and returns its root.
fn check_name(name: &str) -> String {
    let mut components = name.split(':');
    let root = components.next().expect("a root").to_string();
    assert!(
        ["Assets", "Liabilities", "Income", "Expenses", "Equity"].contains(&root.as_str()),
        "root of {name}"
    );
    for component in components {
        let bytes = component.as_bytes();
        assert!(
            !bytes.is_empty()
                && (bytes[0].is_ascii_uppercase() || bytes[0].is_ascii_digit())
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-'),
            "component {component:?} of {name:?} is not valid in Beancount"
        );
    }
    root
}

/// The journal name of every account, by id.
fn names(ledger: &Ledger) -> HashMap<AccountId, String> {
    journal_account_map(ledger).into_iter().collect()
}

/// The counterparty the export writes as the payee: the `payee` metadata, else the owner of
/// the first account with a positive posting that has one.
fn counterparty(ledger: &Ledger, entry: &EntryView<'_>) -> Option<String> {
    if let Some(p) = entry.metadata().get("payee") {
        return Some(p.clone());
    }
    entry
        .postings()
        .filter(|(_, m)| m.is_positive())
        .find_map(|(a, _)| ledger.account(a).ok()?.details().owner.clone())
}

fn parse_posting(line: &str) -> (String, Decimal, String) {
    let (name, amount) = line
        .split_once("  ")
        .unwrap_or_else(|| panic!("posting {line:?} has two spaces before its amount"));
    let (number, code) = amount
        .trim()
        .split_once(' ')
        .unwrap_or_else(|| panic!("amount in {line:?} has a commodity"));
    (
        name.to_string(),
        Decimal::from_str_exact(number).unwrap_or_else(|_| panic!("number in {line:?}")),
        code.to_string(),
    )
}

fn parse(text: &str, format: JournalFormat) -> Parsed {
    let mut parsed = Parsed::default();
    let mut current: Option<Txn> = None;
    let mut skipping = false;
    for line in text.lines() {
        if line.is_empty() {
            parsed.txns.extend(current.take());
            skipping = false;
            continue;
        }
        if skipping {
            assert!(line.contains(" = "), "an assertion posting: {line:?}");
            continue;
        }
        if line.starts_with(';') {
            continue;
        }
        if let Some(txn) = current.as_mut() {
            let body = line
                .strip_prefix(if format == JournalFormat::Beancount {
                    "  "
                } else {
                    "    "
                })
                .unwrap_or_else(|| panic!("indented line in a transaction: {line:?}"));
            match format {
                JournalFormat::Beancount => {
                    let meta = body
                        .split_once(": \"")
                        .filter(|(k, _)| k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
                    match meta {
                        Some((key, _)) => {
                            let (value, rest) = beancount_string(&body[key.len() + 2..]);
                            assert!(rest.is_empty(), "trailing text in {line:?}");
                            match key {
                                "isf_id" => txn.id = value,
                                "isf_seq" => txn.seq = Some(value.parse().expect("a seq")),
                                _ => txn.meta.push((decode_key(key), value)),
                            }
                        }
                        None => txn.postings.push(parse_posting(body)),
                    }
                }
                _ => match body.strip_prefix("; ") {
                    Some(comment) => {
                        let (key, value) = comment.split_once(':').expect("key: value");
                        let value = value.strip_prefix(' ').unwrap_or(value);
                        match key {
                            "isf_seq" => txn.seq = Some(value.parse().expect("a seq")),
                            "narration" => txn.memo = unescape_line(value),
                            _ => txn.meta.push((decode_key(key), unescape_line(value))),
                        }
                    }
                    None => txn.postings.push(parse_posting(body)),
                },
            }
            continue;
        }
        if line.starts_with(' ') {
            // A commodity's `format` line (ledger).
            assert_eq!(format, JournalFormat::Ledger, "{line:?}");
            assert!(line.starts_with("    format "), "{line:?}");
            continue;
        }
        let words: Vec<&str> = line.splitn(4, ' ').collect();
        match (format, words.as_slice()) {
            (JournalFormat::Hledger, ["commodity", _, code]) => {
                parsed.commodities.push(code.to_string())
            }
            (JournalFormat::Ledger, ["commodity", code]) => {
                parsed.commodities.push(code.to_string())
            }
            (JournalFormat::Ledger, ["tag", _]) => {}
            (JournalFormat::Hledger | JournalFormat::Ledger, ["account", name]) => {
                assert!(parsed.accounts.insert(name.to_string(), None).is_none());
            }
            (JournalFormat::Beancount, [_, "commodity", code]) => {
                parsed.commodities.push(code.to_string())
            }
            (JournalFormat::Beancount, [_, "balance", ..]) => {
                parsed.assertions += 1;
            }
            (JournalFormat::Beancount, [date, "open", name, code]) => {
                let date = NaiveDate::from_str(date).expect("open date");
                let previous = parsed
                    .accounts
                    .insert(name.to_string(), Some((date, code.to_string())));
                assert!(previous.is_none());
            }
            (_, [date, "*" | "!", ..]) => {
                let date = NaiveDate::from_str(date).expect("transaction date");
                let rest = &line[date.to_string().len() + 3..];
                let mut txn = Txn {
                    date: Some(date),
                    ..Txn::default()
                };
                if format == JournalFormat::Beancount {
                    let (first, rest) = beancount_string(rest);
                    match rest.strip_prefix(' ') {
                        Some(rest) => {
                            let (narration, rest) = beancount_string(rest);
                            assert!(rest.is_empty(), "trailing text in {line:?}");
                            txn.payee = Some(first);
                            txn.memo = narration;
                        }
                        None => {
                            assert!(rest.is_empty(), "trailing text in {line:?}");
                            txn.memo = first;
                        }
                    }
                } else {
                    let rest = rest.strip_prefix('(').expect("a code");
                    let (code, description) = rest.split_once(')').expect("a closed code");
                    txn.id = unescape_line(code);
                    // The description as written; split into payee and memo by the check,
                    // which knows whether the entry has a payee.
                    txn.memo = description
                        .strip_prefix(' ')
                        .unwrap_or(description)
                        .to_string();
                }
                if txn.id.starts_with("isf-close-") {
                    parsed.assertions += 1;
                    current = None;
                    skipping = true;
                    continue;
                }
                current = Some(txn);
            }
            _ => panic!("unexpected line for {format}: {line:?}"),
        }
    }
    parsed.txns.extend(current);
    parsed
}

// ----- the check every test runs ---------------------------------------------------------------

/// The ledger's balance of every account, by mapped name: (amount, commodity code).
fn ledger_balances(ledger: &Ledger) -> BTreeMap<String, (Decimal, String)> {
    let by_id = names(ledger);
    ledger
        .accounts()
        .map(|a| {
            (
                by_id[a.id()].clone(),
                (a.balance().amount(), a.currency().code().to_string()),
            )
        })
        .collect()
}

/// Writes `ledger` in `format`, parses it back and checks it against the ledger. Returns the
/// text.
fn check_export(ledger: &Ledger, format: JournalFormat) -> String {
    let text = journal_string(ledger, format).expect("the ledger can be written");
    let mut out = Vec::new();
    let summary = write_journal(ledger, format, &mut out).expect("written");
    assert_eq!(
        out,
        text.as_bytes(),
        "write_journal and journal_string agree"
    );
    let parsed = parse(&text, format);

    // Names: one per account, each valid, with its kind's root.
    let expected = ledger_balances(ledger);
    let by_id = names(ledger);
    assert_eq!(
        expected.len(),
        ledger.accounts().count(),
        "names are injective"
    );
    assert_eq!(parsed.accounts.len(), expected.len());
    for account in ledger.accounts() {
        let name = by_id[account.id()].clone();
        let root = check_name(&name);
        let root_of_kind = match account.kind() {
            AccountKind::Asset | AccountKind::Fund => "Assets",
            AccountKind::Liability => "Liabilities",
            AccountKind::Income => "Income",
            AccountKind::Expense => "Expenses",
            AccountKind::Equity => "Equity",
            other => panic!("unexpected kind {other}"),
        };
        assert_eq!(root, root_of_kind);
        let declared = parsed.accounts.get(&name).expect("every account declared");
        if format == JournalFormat::Beancount {
            let (_, code) = declared.as_ref().expect("opened with a currency");
            assert_eq!(code, account.currency().code());
        }
    }

    // Entries: all of them, in date order (recorded order within a day, kept in `isf_seq`),
    // each balancing per commodity.
    let mut entries: Vec<_> = ledger.entries().collect();
    entries.sort_by_key(|e| (e.date(), e.seq()));
    assert_eq!(parsed.txns.len(), entries.len());
    assert_eq!(summary.entries, entries.len());
    assert_eq!(summary.accounts, expected.len());
    let mut balances: BTreeMap<String, (Decimal, String)> = BTreeMap::new();
    let mut postings = 0;
    for (txn, entry) in parsed.txns.iter().zip(&entries) {
        assert_eq!(txn.date, Some(entry.date()));
        assert_eq!(txn.id, entry.id());
        assert_eq!(txn.seq, Some(entry.seq().0));
        let payee = counterparty(ledger, entry);
        match format {
            JournalFormat::Beancount => {
                assert_eq!(txn.payee, payee);
                assert_eq!(txn.memo, entry.memo());
            }
            JournalFormat::Hledger => match &payee {
                Some(p) if !entry.memo().is_empty() => {
                    let (who, memo) = txn.memo.split_once(" | ").expect("payee | memo");
                    assert_eq!(unescape_line(who), *p);
                    assert_eq!(unescape_line(memo), entry.memo());
                }
                Some(p) => assert_eq!(unescape_line(&txn.memo), *p),
                None => assert_eq!(unescape_line(&txn.memo), entry.memo()),
            },
            _ => match &payee {
                // The memo came back from the `narration` comment.
                Some(_) if !entry.memo().is_empty() => assert_eq!(txn.memo, entry.memo()),
                Some(p) => assert_eq!(unescape_line(&txn.memo), *p),
                None => assert_eq!(unescape_line(&txn.memo), entry.memo()),
            },
        }
        let mut meta: Vec<(String, String)> = entry
            .metadata()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(original) = entry.reverses() {
            meta.push(("isf_reverses".into(), original.id().into()));
        }
        if let Some(hold) = entry.settles() {
            meta.push(("isf_settles".into(), hold.to_string()));
        }
        if let Some(corrected) = entry.corrects() {
            meta.push(("isf_corrects".into(), corrected.id().into()));
        }
        assert_eq!(txn.meta, meta, "metadata of {}", entry.id());

        let mut per_commodity: BTreeMap<&str, Decimal> = BTreeMap::new();
        assert_eq!(txn.postings.len(), entry.postings().count());
        for ((name, amount, code), (account, money)) in txn.postings.iter().zip(entry.postings()) {
            assert_eq!(name, &by_id[account]);
            assert_eq!(*amount, money.amount());
            assert_eq!(code, money.currency().code());
            assert!(
                amount.scale() >= money.currency().minor_units(),
                "{amount} shows the minor units"
            );
            if let Some(Some((opened, _))) = parsed.accounts.get(name) {
                assert!(*opened <= entry.date(), "{name} is open before it is used");
            }
            *per_commodity.entry(code).or_default() += *amount;
            let slot = balances
                .entry(name.clone())
                .or_insert((Decimal::ZERO, code.clone()));
            assert_eq!(&slot.1, code, "one commodity per account");
            slot.0 += *amount;
            postings += 1;
        }
        assert!(
            per_commodity.values().all(Decimal::is_zero),
            "{} balances per commodity: {per_commodity:?}",
            entry.id()
        );
    }
    assert_eq!(summary.postings, postings);
    if ledger.closed_through().is_some()
        && ledger.accounts().any(|a| a.kind() == AccountKind::Fund)
        && format != JournalFormat::Beancount
    {
        assert_eq!(parsed.assertions, 1, "one assertion at the close");
    }

    // Balances: every account's, from the text, equals the ledger's.
    for (name, (amount, code)) in &expected {
        let (parsed_amount, parsed_code) = balances
            .get(name)
            .cloned()
            .unwrap_or((Decimal::ZERO, code.clone()));
        assert_eq!(parsed_amount, *amount, "{format} balance of {name}");
        assert_eq!(&parsed_code, code);
    }
    assert!(balances.keys().all(|name| expected.contains_key(name)));

    // Commodities: each in use declared once.
    let mut codes: Vec<String> = ledger
        .accounts()
        .map(|a| a.currency().code().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    let mut declared = parsed.commodities.clone();
    declared.sort();
    assert_eq!(declared, codes);
    text
}

// ----- a scenario ledger ----------------------------------------------------------------------

/// Accounts of every kind with awkward ids, memos and metadata that need escaping, entries out
/// of date order, a reversal, a settled hold, an active hold, a released hold, a correction of
/// an entry in a closed period and banked hours (`HRS`).
fn scenario() -> Result<Ledger, Box<dyn std::error::Error>> {
    let mut ledger = Ledger::new();
    let gbp = Currency::GBP;
    let accounts = [
        NewAccount::new("council:bank", AccountKind::Asset, gbp)
            .owner("council:b1")
            .tag("bank"),
        NewAccount::new("council:funding", AccountKind::Income, gbp),
        NewAccount::new("fund:b1:isf:council", AccountKind::Fund, gbp)
            .owner("provider:acme")
            .tag("budget:b1")
            .tag("source:council")
            .rule(BalanceRule::NonNegative),
        NewAccount::new("fund:b1:isf:person", AccountKind::Fund, gbp)
            .rule(BalanceRule::NonNegative),
        NewAccount::new("provider:acme:isf:AG-A:PC", AccountKind::Expense, gbp),
        NewAccount::new("Provider:Acme:2025.04", AccountKind::Liability, gbp),
        NewAccount::new("equity:opening balances", AccountKind::Equity, gbp),
        NewAccount::new("hours:b1:planned", AccountKind::Income, hrs()),
        NewAccount::new("hours:b1:banked", AccountKind::Fund, hrs()).rule(BalanceRule::NonNegative),
        NewAccount::new("hours:b1:used:0-day", AccountKind::Expense, hrs()),
        NewAccount::new("café ; (odd) [id]", AccountKind::Asset, gbp),
        NewAccount::new("unused:account", AccountKind::Liability, gbp),
        NewAccount::new("yen:bank", AccountKind::Asset, Currency::JPY),
        NewAccount::new("yen:fees", AccountKind::Expense, Currency::JPY),
    ];
    for account in accounts {
        ledger.open_account(account)?;
    }
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("opening", d(2025, 3, 31))
            .memo("opening balances")
            .transfer(
                "equity:opening balances",
                "council:bank",
                money("10000.00 GBP"),
            ),
    )?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("alloc-1", d(2025, 4, 7))
            .memo("four-weekly allocation; period 1")
            .meta("budget", "b1")
            .meta("period", "1")
            .meta("Invoice No", "INV-7, part [1]")
            .meta("x_y", "")
            .transfer(
                "council:funding",
                "fund:b1:isf:council",
                money("1650.00 GBP"),
            ),
    )?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("alloc-1-bank", d(2025, 4, 7))
            .memo("  two  spaces\tand a tab\nand a newline \\ \"quoted\" ")
            .transfer("council:bank", "council:funding", money("1650.00 GBP")),
    )?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("contrib (P1)", d(2025, 4, 1))
            .memo("contribution, dated before the allocation")
            .meta("kind", "contribution")
            .transfer("café ; (odd) [id]", "fund:b1:isf:person", money("40.5 GBP")),
    )?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("hours-plan", d(2025, 4, 7))
            .memo("planned hours")
            .transfer(
                "hours:b1:planned",
                "hours:b1:banked",
                Money::new(Decimal::new(125, 1), hrs()),
            ),
    )?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(NewEntry::new("hours-used", d(2025, 4, 14)).transfer(
        "hours:b1:banked",
        "hours:b1:used:0-day",
        Money::new(Decimal::new(3, 0), hrs()),
    ))?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(NewEntry::new("yen-fee", d(2025, 4, 8)).transfer(
        "yen:bank",
        "yen:fees",
        money("1500 JPY"),
    ))?;
    ledger.place_hold(
        NewHold::new(
            "week-1",
            "fund:b1:isf:council",
            "provider:acme:isf:AG-A:PC",
            money("412.50 GBP"),
            d(2025, 4, 7),
        )
        .memo("planned support"),
    )?;
    let mut delivered = BTreeMap::new();
    delivered.insert("claim".to_string(), "INV-7".to_string());
    delivered.insert("hours".to_string(), "16.5".to_string());
    // The receipt's sequence number is not needed here.
    let _ = ledger.settle_hold_with(
        "week-1",
        "claim-1",
        money("371.25 GBP"),
        d(2025, 4, 14),
        delivered,
    )?;
    ledger.place_hold(NewHold::new(
        "week-2",
        "fund:b1:isf:council",
        "provider:acme:isf:AG-A:PC",
        money("412.50 GBP"),
        d(2025, 4, 14),
    ))?;
    ledger.place_hold(NewHold::new(
        "week-3",
        "fund:b1:isf:council",
        "provider:acme:isf:AG-A:PC",
        money("100.00 GBP"),
        d(2025, 4, 14),
    ))?;
    ledger.release_hold("week-3")?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(NewEntry::new("payable", d(2025, 4, 15)).transfer(
        "Provider:Acme:2025.04",
        "council:bank",
        money("25.00 GBP"),
    ))?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.reverse("payable", "payable-rev", d(2025, 4, 16), "keyed twice")?;
    // Text that means something to one tool or another, everywhere text goes.
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("=2025-01-01 * ! (x) ; [y]", d(2025, 4, 17))
            .memo(
                "; | (x) [2025-01-01] [=2025-01-02] :tag: key: value @ 1 GBP = 2 ! * \"q\" \\ é 💷\u{7}",
            )
            .meta("date", "2025-99-99")
            .meta("Date", "[2025-01-01]")
            .meta("type", ":a:b:")
            .meta("", "empty key")
            .meta("isf_reverses", "a key the export reserves")
            .meta("note", "a, b: c; d [=x] \"e\"\r\n")
            .meta("ünï", "  padded  ")
            .transfer("council:bank", "café ; (odd) [id]", money("0.10 GBP")),
    )?;
    ledger.close_period(d(2025, 3, 31))?;
    // The receipt's sequence number is not needed here.
    let _ = ledger.post(
        NewEntry::new("opening-fix", d(2025, 4, 20))
            .memo("opening balance was 0.01 short")
            .corrects("opening")
            .transfer("equity:opening balances", "council:bank", money("0.01 GBP")),
    )?;
    // Only that the books verify matters here, not the counts.
    let _ = ledger.verify()?;
    Ok(ledger)
}

#[test]
fn every_format_reads_back_to_the_ledgers_balances() -> TestResult {
    let ledger = scenario()?;
    for format in FORMATS {
        check_export(&ledger, format);
    }
    Ok(())
}

#[test]
fn holds_are_not_written_but_settlements_are() -> TestResult {
    let ledger = scenario()?;
    for format in FORMATS {
        let text = journal_string(&ledger, format)?;
        assert!(
            !text.contains("week-2") && !text.contains("week-3"),
            "{format}"
        );
        // week-1 appears once: as the hold its settlement settles.
        assert_eq!(text.matches("week-1").count(), 1, "{format}");
        assert!(text.contains("isf_settles"), "{format}");
    }
    Ok(())
}

#[test]
fn the_summary_counts_what_was_written() -> TestResult {
    let ledger = scenario()?;
    let postings: usize = ledger.entries().map(|e| e.postings().count()).sum();
    for format in FORMATS {
        let summary = write_journal(&ledger, format, &mut Vec::new())?;
        assert_eq!(summary.entries, ledger.entry_count());
        assert_eq!(summary.postings, postings);
        assert_eq!(summary.accounts, 14);
    }
    Ok(())
}

#[test]
fn beancount_opens_each_account_on_its_first_use() -> TestResult {
    let ledger = scenario()?;
    let text = journal_string(&ledger, JournalFormat::Beancount)?;
    // Recorded after `alloc-1` but dated earlier: the open date is the earliest posting.
    assert!(text.contains("2025-04-01 open Assets:Fund:B1:Isf:Person GBP\n"));
    // Never posted to: the earliest entry's date.
    assert!(text.contains("2025-03-31 open Liabilities:Unused:Account GBP\n"));
    assert!(text.contains("2025-03-31 commodity HRS\n"));
    Ok(())
}

#[test]
fn names_follow_the_documented_mapping() {
    let cases = [
        (
            AccountKind::Fund,
            "fund:b1:isf:council",
            "Assets:Fund:B1:Isf:Council",
        ),
        (
            AccountKind::Expense,
            "provider:acme:isf:AG-A:PC",
            "Expenses:Provider:Acme:Isf:AG-A:PC",
        ),
        (AccountKind::Asset, "2025:0:09", "Assets:2025:0:09"),
        (AccountKind::Liability, "a::b:", "Liabilities:A:X:B:X"),
        (AccountKind::Equity, "open bal.", "Equity:Open-bal"),
        (AccountKind::Income, "Café Ltd", "Income:Cafe-Ltd"),
        (AccountKind::Income, "é", "Income:E"),
        (AccountKind::Income, "東京", "Income:X"),
    ];
    for (kind, id, name) in cases {
        assert_eq!(journal_account_name(kind, &id.into()), name);
        check_name(name);
    }
    // Ids that share a readable name get numbered, in opening order.
    let mut ledger = Ledger::new();
    for id in ["council", "Council", "council."] {
        ledger
            .open_account(NewAccount::new(id, AccountKind::Asset, Currency::GBP))
            .unwrap();
    }
    let mapped: Vec<String> = journal_account_map(&ledger)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        mapped,
        ["Assets:Council", "Assets:Council-2", "Assets:Council-3"]
    );
}

#[test]
fn an_empty_ledger_writes_a_valid_empty_journal() -> TestResult {
    let ledger = Ledger::new();
    for format in FORMATS {
        let text = check_export(&ledger, format);
        assert!(text.starts_with("; isf-ledger journal"));
    }
    let mut ledger = Ledger::new();
    ledger.open_account(NewAccount::new("bank", AccountKind::Asset, Currency::GBP))?;
    let text = journal_string(&ledger, JournalFormat::Beancount)?;
    assert!(text.contains("1970-01-01 open Assets:Bank GBP\n"), "{text}");
    Ok(())
}

#[test]
fn years_the_tools_cannot_read_never_reach_the_books() -> TestResult {
    let mut ledger = Ledger::new();
    ledger.open_account(NewAccount::new("a", AccountKind::Asset, Currency::GBP))?;
    ledger.open_account(NewAccount::new("b", AccountKind::Asset, Currency::GBP))?;
    // The receipt's sequence number is not needed here.
    let _ =
        ledger.post(NewEntry::new("ok", d(2025, 1, 1)).transfer("a", "b", money("1.00 GBP")))?;
    // The ledger refuses a date outside 1900 to 2199 at its door, so no export is blocked.
    for far in [d(10000, 1, 1), d(0, 1, 1)] {
        let err = ledger
            .post(NewEntry::new("far", far).transfer("a", "b", money("1.00 GBP")))
            .expect_err("refused");
        assert!(matches!(err, LedgerError::DateOutOfRange { .. }), "{err:?}");
    }
    for format in FORMATS {
        let mut out = Vec::new();
        let summary = write_journal(&ledger, format, &mut out)?;
        assert_eq!(summary.entries, 1);
        assert!(!out.is_empty());
    }
    Ok(())
}

#[test]
fn two_currencies_with_one_code_are_refused() -> TestResult {
    let mut ledger = Ledger::new();
    ledger.open_account(NewAccount::new("a", AccountKind::Asset, hrs()))?;
    ledger.open_account(NewAccount::new(
        "b",
        AccountKind::Asset,
        Currency::new("HRS", 1)?,
    ))?;
    let err = journal_string(&ledger, JournalFormat::Hledger).expect_err("refused");
    assert!(matches!(err, JournalError::CommodityClash { ref code, .. } if code == "HRS"));
    assert_eq!(
        err.to_string(),
        "currencies HRS:2 and HRS:1 share the code HRS, which hledger would read as one commodity"
    );
    Ok(())
}

#[test]
fn a_failing_writer_is_an_io_error() -> TestResult {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "disk full",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let ledger = scenario()?;
    let err = write_journal(&ledger, JournalFormat::Ledger, &mut Full).expect_err("fails");
    let JournalError::Io { source, .. } = &err else {
        panic!("expected an I/O error, got {err:?}");
    };
    assert_eq!(source.kind(), std::io::ErrorKind::StorageFull);
    // The writer's error is the source, not part of the message.
    assert_eq!(err.to_string(), "cannot write the ledger journal");
    assert_eq!(
        std::error::Error::source(&err).map(ToString::to_string),
        Some("disk full".to_string())
    );
    Ok(())
}

// ----- the tools themselves ---------------------------------------------------------------------

fn temp_file(name: &str, format: JournalFormat) -> PathBuf {
    std::env::temp_dir().join(format!(
        "isf-ledger-journal-{}-{name}.{}",
        std::process::id(),
        format.extension()
    ))
}

/// Runs a tool; `None` if it is not installed.
fn run(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{tool} {args:?} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8(output.stdout).expect("utf-8 output"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("{tool} is not installed: skipped asking it; the in-process check still ran");
            None
        }
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

/// `-1650.00 GBP` or `0` as the tools print a balance.
fn tool_amount(text: &str) -> (Decimal, Option<String>) {
    let text = text.trim().replace(',', "");
    match text.split_once(' ') {
        Some((number, code)) => (
            Decimal::from_str_exact(number).expect("a number"),
            Some(code.to_string()),
        ),
        None => (Decimal::from_str_exact(&text).expect("a number"), None),
    }
}

fn compare_tool_balances(ledger: &Ledger, tool: &str, lines: Vec<(String, String)>) {
    let reported: HashMap<String, (Decimal, Option<String>)> = lines
        .into_iter()
        .map(|(name, amount)| (name, tool_amount(&amount)))
        .collect();
    for (name, (amount, code)) in ledger_balances(ledger) {
        let (tool_amount, tool_code) = reported
            .get(&name)
            .cloned()
            .unwrap_or((Decimal::ZERO, None));
        assert_eq!(tool_amount, amount, "{tool}'s balance of {name}");
        if !amount.is_zero() {
            assert_eq!(tool_code.as_deref(), Some(code.as_str()), "{tool}: {name}");
        }
    }
    assert!(
        reported
            .keys()
            .all(|name| ledger_balances(ledger).contains_key(name)),
        "{tool} reports only the ledger's accounts"
    );
}

#[test]
fn hledger_reports_the_ledgers_balances() -> TestResult {
    let ledger = scenario()?;
    let text = check_export(&ledger, JournalFormat::Hledger);
    let path = temp_file("hledger", JournalFormat::Hledger);
    std::fs::write(&path, text)?;
    let file = path.to_string_lossy().to_string();
    // --strict: every account and commodity is declared.
    let output = run(
        "hledger",
        &[
            "-f",
            &file,
            "--strict",
            "bal",
            "--flat",
            "--no-total",
            "-E",
            "-O",
            "csv",
        ],
    );
    std::fs::remove_file(&path)?;
    if let Some(csv) = output {
        let mut lines = Vec::new();
        for line in csv.lines().skip(1) {
            let (name, amount) = line.split_once("\",\"").expect("two csv fields");
            lines.push((
                name.trim_start_matches('"').to_string(),
                amount.trim_end_matches('"').to_string(),
            ));
        }
        assert!(!lines.is_empty());
        compare_tool_balances(&ledger, "hledger", lines);
    }
    Ok(())
}

#[test]
fn ledger_reports_the_ledgers_balances() -> TestResult {
    let ledger = scenario()?;
    let text = check_export(&ledger, JournalFormat::Ledger);
    let path = temp_file("ledger", JournalFormat::Ledger);
    std::fs::write(&path, text)?;
    let file = path.to_string_lossy().to_string();
    // --pedantic: every account, commodity and metadata tag is declared.
    let output = run(
        "ledger",
        &[
            "-f",
            &file,
            "--pedantic",
            "bal",
            "--flat",
            "--no-total",
            "--empty",
            "--balance-format",
            "%(account)\t%(scrub(display_total))\n",
        ],
    );
    std::fs::remove_file(&path)?;
    if let Some(out) = output {
        let lines: Vec<(String, String)> = out
            .lines()
            .map(|line| {
                let (name, amount) = line.split_once('\t').expect("account, tab, amount");
                (name.to_string(), amount.to_string())
            })
            .collect();
        assert!(!lines.is_empty());
        compare_tool_balances(&ledger, "ledger", lines);
    }
    Ok(())
}

// ----- property: random ledgers with awkward ids --------------------------------------------------

mod random_ledgers {
    use super::*;
    use proptest::prelude::*;

    /// Ids with `:`, `-`, `.`, digits first, both cases, spaces and a non-ASCII letter.
    fn awkward_id() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9.:-]{1,12}",
            "[0-9][a-z0-9]{0,3}(:[A-Za-z0-9 é._-]{0,5}){0,3}",
            Just("fund:b1:isf:council".to_string()),
            Just("Fund:b1:isf:council".to_string()),
            Just("fund:b1:isf:Council".to_string()),
            Just("provider:acme:isf:AG-A:PC".to_string()),
            Just("::".to_string()),
        ]
    }

    /// An amount with 0 to 2 decimals, never zero.
    fn amount() -> impl Strategy<Value = Decimal> {
        (1i64..10_000_000, 0u32..=2).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
    }

    /// (from, to, amount, memo, metadata) with account indices taken modulo the account count.
    type Move = (usize, usize, Decimal, String, Vec<(String, String)>);

    fn moves() -> impl Strategy<Value = Vec<Move>> {
        prop::collection::vec(
            (
                any::<usize>(),
                any::<usize>(),
                amount(),
                ".{0,12}",
                prop::collection::vec(("[a-zA-Z_ :-]{0,6}", ".{0,8}"), 0..3),
            ),
            0..24,
        )
    }

    fn build(accounts: &[(String, AccountKind, bool)], moves: &[Move], dates: &[u32]) -> Ledger {
        let mut ledger = Ledger::new();
        for (id, kind, in_hours) in accounts {
            let currency = if *in_hours { hrs() } else { Currency::GBP };
            ledger
                .open_account(NewAccount::new(id.as_str(), *kind, currency))
                .expect("distinct valid ids");
        }
        let gbp: Vec<&String> = accounts.iter().filter(|a| !a.2).map(|a| &a.0).collect();
        let hours: Vec<&String> = accounts.iter().filter(|a| a.2).map(|a| &a.0).collect();
        for (n, (from, to, amount, memo, meta)) in moves.iter().enumerate() {
            let (pool, currency) = if n % 3 == 2 && hours.len() >= 2 {
                (&hours, hrs())
            } else if gbp.len() >= 2 {
                (&gbp, Currency::GBP)
            } else {
                continue;
            };
            let from = pool[from % pool.len()];
            let mut to = pool[to % pool.len()];
            if to == from {
                to = pool[(to_index(pool, from) + 1) % pool.len()];
            }
            let date = d(2024, 1, 1) + chrono::Days::new(u64::from(dates[n % dates.len()]));
            let mut entry = NewEntry::new(format!("e{n}"), date)
                .memo(memo.as_str())
                .transfer(from.as_str(), to.as_str(), Money::new(*amount, currency));
            for (k, v) in meta {
                entry = entry.meta(k.as_str(), v.as_str());
            }
            // The receipt's sequence number is not needed here.
            let _ = ledger
                .post(entry)
                .expect("unlimited accounts accept any balanced entry");
            if n % 5 == 4 {
                // The receipt's sequence number is not needed here.
                let _ = ledger
                    .reverse(format!("e{n}"), format!("e{n}-rev"), date, "undo")
                    .expect("a fresh entry can be reversed");
            }
        }
        ledger
    }

    fn to_index(pool: &[&String], id: &String) -> usize {
        pool.iter().position(|p| *p == id).unwrap_or(0)
    }

    proptest! {
        #![proptest_config(support::config_with_cases("journal", 64))]

        #[test]
        fn exported_balances_equal_the_ledgers(
            accounts in prop::collection::btree_map(awkward_id(), (support::account_kind(), any::<bool>()), 2..10),
            moves in moves(),
            dates in prop::collection::vec(0u32..800, 1..6),
        ) {
            let accounts: Vec<(String, AccountKind, bool)> =
                accounts.into_iter().map(|(id, (k, h))| (id, k, h)).collect();
            let ledger = build(&accounts, &moves, &dates);

            // Injective: distinct ids, distinct names, each valid in Beancount.
            let mapped: std::collections::BTreeSet<String> = journal_account_map(&ledger)
                .into_iter()
                .map(|(_, n)| n)
                .collect();
            prop_assert_eq!(mapped.len(), accounts.len());
            for name in &mapped {
                check_name(name);
            }

            for format in FORMATS {
                check_export(&ledger, format);
            }
        }
    }
}
