//! The ledger's vocabulary: ids, accounts, postings, entries and holds as callers write them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub(crate) use crate::ids::id_problem;
pub use crate::ids::{AccountId, EntryId, HoldId, MAX_ID_LEN};
use crate::money::{Currency, Money};

/// The longest memo of an entry or hold, and the longest owner or tag of an account, in bytes.
pub const MAX_MEMO_LEN: usize = 4096;
/// The most metadata pairs one entry may carry.
pub const MAX_METADATA_ENTRIES: usize = 64;
/// The longest metadata key, in bytes.
pub const MAX_METADATA_KEY_LEN: usize = 128;
/// The longest metadata value, in bytes.
pub const MAX_METADATA_VALUE_LEN: usize = 1024;
/// The most tags one account may carry.
pub const MAX_TAGS: usize = 64;

/// What an account is for. Balances are signed debit-positive whatever the kind: an asset or
/// fund that holds money has a positive balance, an income account that has paid money out has a
/// negative one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AccountKind {
    /// Something owned: a bank account, a receivable.
    Asset,
    /// Something owed: client money held for someone else, unpaid invoices.
    Liability,
    /// Where money comes from: council funding, contributions.
    Income,
    /// Where money goes: care delivered, fees.
    Expense,
    /// Opening balances and the like.
    Equity,
    /// A person's care fund (a direct payment account, an ISF, a managed account).
    Fund,
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccountKind::Asset => "asset",
            AccountKind::Liability => "liability",
            AccountKind::Income => "income",
            AccountKind::Expense => "expense",
            AccountKind::Equity => "equity",
            AccountKind::Fund => "fund",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"asset"`, `"fund"`.
impl std::str::FromStr for AccountKind {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<AccountKind, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "account kind",
            &[
                AccountKind::Asset,
                AccountKind::Liability,
                AccountKind::Income,
                AccountKind::Expense,
                AccountKind::Equity,
                AccountKind::Fund,
            ],
            s,
        )
    }
}

/// How low an account's available balance (posted − held) may go.
///
/// In JSON: `"unlimited"`, `"non_negative"` or `{"at_least": "-250.00"}`, the limit in the
/// canonical amount grammar; anything else, a second key included, is an error naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum BalanceRule {
    /// No limit.
    #[default]
    Unlimited,
    /// Never below zero: the rule for every fund.
    NonNegative,
    /// Never below the stated amount (an agreed overdraft is a negative limit). Read in the
    /// canonical amount grammar, as every amount is (`"-250.00"`).
    AtLeast(Decimal),
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for BalanceRule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};
        const VARIANTS: &[&str] = &["unlimited", "non_negative", "at_least"];
        struct RuleVisitor;
        impl<'de> Visitor<'de> for RuleVisitor {
            type Value = BalanceRule;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"unlimited\", \"non_negative\" or {\"at_least\": \"<amount>\"}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BalanceRule, E> {
                match v {
                    "unlimited" => Ok(BalanceRule::Unlimited),
                    "non_negative" => Ok(BalanceRule::NonNegative),
                    other => Err(E::unknown_variant(other, VARIANTS)),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BalanceRule, A::Error> {
                let key: std::borrow::Cow<'de, str> = map
                    .next_key()?
                    .ok_or_else(|| de::Error::custom("a balance rule needs a key"))?;
                let rule = match key.as_ref() {
                    "unlimited" => map.next_value::<()>().map(|()| BalanceRule::Unlimited)?,
                    "non_negative" => map.next_value::<()>().map(|()| BalanceRule::NonNegative)?,
                    "at_least" => BalanceRule::AtLeast(map.next_value::<CanonicalDecimal>()?.0),
                    other => return Err(de::Error::unknown_variant(other, VARIANTS)),
                };
                if let Some(second) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    return Err(de::Error::unknown_field(&second, &[]));
                }
                Ok(rule)
            }
        }
        deserializer.deserialize_any(RuleVisitor)
    }
}

/// A decimal read in the canonical amount grammar.
#[cfg(feature = "serde")]
struct CanonicalDecimal(Decimal);

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CanonicalDecimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::money::deserialize_canonical_decimal(deserializer).map(CanonicalDecimal)
    }
}

impl BalanceRule {
    /// The lowest available balance allowed, if any.
    pub fn floor(&self) -> Option<Decimal> {
        match self {
            BalanceRule::Unlimited => None,
            BalanceRule::NonNegative => Some(Decimal::ZERO),
            BalanceRule::AtLeast(limit) => Some(*limit),
        }
    }
}

/// An account to open: id, kind, currency, owner, tags and balance rule.
///
/// ```
/// use isf_ledger::{AccountKind, BalanceRule, Currency, NewAccount};
/// let fund = NewAccount::new("isf:P0001", AccountKind::Fund, Currency::GBP)
///     .owner("person:P0001")
///     .tag("isf")
///     .rule(BalanceRule::NonNegative);
/// assert_eq!(fund.id.as_str(), "isf:P0001");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NewAccount {
    /// The account's id.
    pub id: AccountId,
    /// Its kind.
    pub kind: AccountKind,
    /// The one currency it holds.
    pub currency: Currency,
    /// Who it belongs to (a council, a person, a provider, a manager), if recorded.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub owner: Option<String>,
    /// Free tags for reports.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub tags: Vec<String>,
    /// How low it may go.
    #[cfg_attr(feature = "serde", serde(default))]
    pub rule: BalanceRule,
}

impl NewAccount {
    /// An account with no owner, no tags and no limit.
    pub fn new(id: impl Into<AccountId>, kind: AccountKind, currency: Currency) -> NewAccount {
        NewAccount {
            id: id.into(),
            kind,
            currency,
            owner: None,
            tags: Vec::new(),
            rule: BalanceRule::Unlimited,
        }
    }

    /// Sets the owner.
    #[must_use]
    pub fn owner(mut self, owner: impl Into<String>) -> NewAccount {
        self.owner = Some(owner.into());
        self
    }

    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> NewAccount {
        self.tags.push(tag.into());
        self
    }

    /// Sets the balance rule.
    #[must_use]
    pub fn rule(mut self, rule: BalanceRule) -> NewAccount {
        self.rule = rule;
        self
    }
}

/// One line of a journal entry: an account and a signed amount, debit positive.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Posting {
    /// The account.
    pub account: AccountId,
    /// The amount: positive debits the account (money into a fund), negative credits it.
    pub amount: Money,
}

/// A journal entry to post: a caller-chosen id (its idempotency key), an effective date, a memo,
/// metadata, and two or more postings that balance per currency.
///
/// ```
/// use chrono::NaiveDate;
/// use isf_ledger::{Money, NewEntry};
/// let date = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
/// let entry = NewEntry::new("alloc-P0001-01", date)
///     .memo("four-weekly allocation")
///     .meta("period", "1")
///     .transfer("council:funding", "isf:P0001", "1200.00 GBP".parse::<Money>()?);
/// assert_eq!(entry.postings.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NewEntry {
    /// The entry's id and idempotency key.
    pub id: EntryId,
    /// The date it counts for in the books.
    pub date: NaiveDate,
    /// A description for statements.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub memo: String,
    /// Free key/value metadata (references, invoice numbers, person ids).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "BTreeMap::is_empty")
    )]
    pub metadata: BTreeMap<String, String>,
    /// The postings; they must balance per currency.
    pub postings: Vec<Posting>,
    /// The entry this one corrects, if it corrects an entry in a closed period.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub corrects: Option<EntryId>,
}

impl NewEntry {
    /// An entry with no memo, metadata or postings yet.
    pub fn new(id: impl Into<EntryId>, date: NaiveDate) -> NewEntry {
        NewEntry {
            id: id.into(),
            date,
            memo: String::new(),
            metadata: BTreeMap::new(),
            postings: Vec::new(),
            corrects: None,
        }
    }

    /// Sets the memo.
    #[must_use]
    pub fn memo(mut self, memo: impl Into<String>) -> NewEntry {
        self.memo = memo.into();
        self
    }

    /// Adds a metadata pair.
    #[must_use]
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<String>) -> NewEntry {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds a posting of a signed amount (debit positive).
    #[must_use]
    pub fn posting(mut self, account: impl Into<AccountId>, amount: Money) -> NewEntry {
        self.postings.push(Posting {
            account: account.into(),
            amount,
        });
        self
    }

    /// Moves `amount` from one account to another: credits `from`, debits `to`.
    #[must_use]
    pub fn transfer(
        self,
        from: impl Into<AccountId>,
        to: impl Into<AccountId>,
        amount: Money,
    ) -> NewEntry {
        self.posting(from, amount.negate()).posting(to, amount)
    }

    /// Marks this entry as the correction of an earlier entry (usually one in a closed period).
    #[must_use]
    pub fn corrects(mut self, entry: impl Into<EntryId>) -> NewEntry {
        self.corrects = Some(entry.into());
        self
    }
}

/// A reservation of money on an account, to be settled later (two-phase): TigerBeetle's pending
/// transfer. While it is active it lowers `from`'s available balance by `amount`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct NewHold {
    /// The hold's id.
    pub id: HoldId,
    /// The account the money is reserved on (a fund).
    pub from: AccountId,
    /// The account it will go to when settled (a provider, an expense).
    pub to: AccountId,
    /// How much is reserved; positive.
    pub amount: Money,
    /// When it was placed.
    pub date: NaiveDate,
    /// The first date on which it no longer holds, if it expires.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub expires_on: Option<NaiveDate>,
    /// A description.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub memo: String,
}

impl NewHold {
    /// A hold of `amount` from one account to another, placed on `date`, that never expires.
    pub fn new(
        id: impl Into<HoldId>,
        from: impl Into<AccountId>,
        to: impl Into<AccountId>,
        amount: Money,
        date: NaiveDate,
    ) -> NewHold {
        NewHold {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            amount,
            date,
            expires_on: None,
            memo: String::new(),
        }
    }

    /// Makes the hold lapse on `date` (it no longer holds from that day).
    #[must_use]
    pub fn expires_on(mut self, date: NaiveDate) -> NewHold {
        self.expires_on = Some(date);
        self
    }

    /// Sets the memo.
    #[must_use]
    pub fn memo(mut self, memo: impl Into<String>) -> NewHold {
        self.memo = memo.into();
        self
    }
}

/// The state of a hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum HoldStatus {
    /// Still reserving its amount.
    Active,
    /// Settled by the entry with this sequence number, for part or all of the amount.
    Settled {
        /// The settlement entry.
        seq: Seq,
    },
    /// Released without settling.
    Released,
    /// Lapsed at its expiry date.
    Expired,
}

/// `active`, `released`, `expired` (the serde names), or `settled #N` for a hold settled by
/// the entry with sequence number `N`.
impl fmt::Display for HoldStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldStatus::Active => f.write_str("active"),
            HoldStatus::Settled { seq } => write!(f, "settled {seq}"),
            HoldStatus::Released => f.write_str("released"),
            HoldStatus::Expired => f.write_str("expired"),
        }
    }
}

/// Reads the [`Display`](fmt::Display) form: `"active"`, `"settled #12"`, `"released"`,
/// `"expired"`.
impl std::str::FromStr for HoldStatus {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<HoldStatus, crate::error::ParseEnumError> {
        let settled = s
            .strip_prefix("settled #")
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok());
        match settled {
            Some(n) => Ok(HoldStatus::Settled { seq: Seq(n) }),
            None => crate::error::parse_enum(
                "hold status",
                &[
                    HoldStatus::Active,
                    HoldStatus::Released,
                    HoldStatus::Expired,
                ],
                s,
            ),
        }
    }
}

/// The recorded sequence number of an entry: 1 for the first entry the ledger accepted, and so
/// on. `Seq(0)` means "before any entry".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Seq(pub u64);

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What posting an entry returned: its sequence number, and whether it was already there (an
/// idempotent retry that changed nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct Receipt {
    /// The entry's recorded sequence number.
    pub seq: Seq,
    /// True if an identical entry with the same id was already posted; nothing changed.
    pub already_posted: bool,
}

/// How an entry came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EntryOrigin {
    /// Posted by the caller.
    Posted,
    /// The reversal of another entry.
    Reversal,
    /// The settlement of a hold.
    Settlement,
}

impl fmt::Display for EntryOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryOrigin::Posted => "posted",
            EntryOrigin::Reversal => "reversal",
            EntryOrigin::Settlement => "settlement",
        })
    }
}

/// Reads the [`Display`](fmt::Display) form, which is also the serde form: `"posted"`, `"settlement"`.
impl std::str::FromStr for EntryOrigin {
    type Err = crate::error::ParseEnumError;

    fn from_str(s: &str) -> Result<EntryOrigin, crate::error::ParseEnumError> {
        crate::error::parse_enum(
            "entry origin",
            &[
                EntryOrigin::Posted,
                EntryOrigin::Reversal,
                EntryOrigin::Settlement,
            ],
            s,
        )
    }
}
