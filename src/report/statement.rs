//! The fund statement.

use crate::budget::Source;
use crate::chart::{self, Tag, meta};
use std::collections::BTreeMap;
use std::fmt;

use chrono::{Days, NaiveDate};

use super::{Fund, ReportError, write_csv};
use crate::isf::UnitsSummary;
use crate::ledger::{AccountId, EntryOrigin, EntryView, HoldStatus, Ledger};
use crate::money::{Currency, Money, MoneyError};
use crate::period::Period;

/// Money into the fund from one source.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ReceiptLine {
    /// The source's key (`council`, `person`, `topup:{payer}`, `other:{funder}`).
    pub source: String,
    /// How much came in.
    pub amount: Money,
}

/// Drawdowns for one service and supplier, net of credit notes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DrawdownLine {
    /// The service code (`unlisted` for accepted disputed lines of services the agreement
    /// does not list).
    pub service: String,
    /// What the service is, as the agreement describes it.
    pub description: Option<String>,
    /// The subcontracted supplier, or `None` for the provider's own staff.
    pub supplier: Option<String>,
    /// The agreement.
    pub agreement: Option<String>,
    /// Drawn, net of credits.
    pub amount: Money,
    /// Credit notes in the period (included in `amount`, as a positive figure).
    pub credits: Money,
}

/// Other money out of (negative) or into (positive) the fund.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct OtherLine {
    /// The account on the other side.
    pub account: AccountId,
    /// The net movement into the fund (negative: money out).
    pub amount: Money,
}

/// An entry in the period that adjusts an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AdjustmentLine {
    /// The entry.
    pub entry: String,
    /// Its date.
    pub date: NaiveDate,
    /// What it adjusts: a revision, or the entry it reverses or corrects.
    pub adjusts: String,
    /// Its memo.
    pub memo: String,
    /// The net movement into the fund.
    pub amount: Money,
}

/// What became of a hold after the period's end, for a hold that stood at the period's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum HoldLater {
    /// Settled by an entry dated after the period.
    Settled {
        /// The settlement's date.
        on: NaiveDate,
    },
    /// Lapsed at its expiry date, after the period.
    Expired {
        /// The expiry date.
        on: NaiveDate,
    },
    /// Released after the period, on the day the release gave
    /// ([`Ledger::release_hold_on`](crate::Ledger::release_hold_on)).
    Released {
        /// The release's date.
        on: NaiveDate,
    },
}

impl fmt::Display for HoldLater {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldLater::Settled { on } => write!(f, "settled {on}"),
            HoldLater::Expired { on } => write!(f, "expired {on}"),
            HoldLater::Released { on } => write!(f, "released {on}"),
        }
    }
}

/// A hold on the fund as it stood at the end of the period: placed by then and not yet
/// settled, expired or released.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct HoldLine {
    /// The hold.
    pub hold: String,
    /// The source account it is on.
    pub source: String,
    /// The day it was placed.
    pub placed: NaiveDate,
    /// How much it holds.
    pub amount: Money,
    /// When it lapses, if it does.
    pub expires_on: Option<NaiveDate>,
    /// What it is for.
    pub memo: String,
    /// What became of it after the period, if it has ended since: a hold settled or expired
    /// after the period's end still stood at the period's end, and is shown with the date.
    #[cfg_attr(feature = "serde", serde(default))]
    pub later: Option<HoldLater>,
}

/// A fund's statement for a period: where the money came from and went, tied to the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[must_use]
pub struct FundStatement {
    /// The fund.
    pub fund: Fund,
    /// The period.
    pub period: Period,
    /// The balance at the end of the day before the period.
    pub opening: Money,
    /// Money in, by source.
    pub receipts: Vec<ReceiptLine>,
    /// Drawdowns, by service and supplier.
    pub drawdowns: Vec<DrawdownLine>,
    /// Management fees, net of credits.
    pub fees: Money,
    /// Other movements, by the account on the other side.
    pub other: Vec<OtherLine>,
    /// Adjustments to earlier periods.
    pub adjustments: Vec<AdjustmentLine>,
    /// Holds as they stood at the period's end: placed by then, and settled, expired or
    /// released only later (if at all).
    pub holds: Vec<HoldLine>,
    /// The balance at the end of the period's last day.
    pub closing: Money,
    /// Planned and delivered units, for each agreement added with
    /// [`FundStatement::with_units`].
    pub units: Vec<UnitsSummary>,
}

/// Where one entry's fund postings go on the statement.
enum Class {
    Adjustment(String),
    Drawdown {
        service: String,
        description: Option<String>,
        supplier: Option<String>,
        agreement: Option<String>,
    },
    Fee,
    Plain,
}

/// Every entry in `period` that touches the fund, once, in recorded order.
fn fund_entries<'l>(
    ledger: &'l Ledger,
    fund: &Fund,
    period: Period,
) -> Result<BTreeMap<u64, EntryView<'l>>, crate::Error> {
    let mut entries = BTreeMap::new();
    for (_, account) in &fund.accounts {
        for line in ledger.history(account)? {
            if period.contains(line.entry.date()) {
                entries.insert(line.entry.seq().0, line.entry);
            }
        }
    }
    Ok(entries)
}

/// The holds on the fund as they stood at the period's end, oldest first: placed by then and
/// still active, or settled, expired or released after it (dated). A hold released without a
/// date ([`Ledger::release_hold`](crate::Ledger::release_hold)) cannot be placed in time, so it
/// is left out whenever it was released.
fn active_holds(
    ledger: &Ledger,
    fund: &Fund,
    period: Period,
) -> Result<Vec<HoldLine>, crate::Error> {
    let mut holds = Vec::new();
    let last = period.last_day();
    for (source, account) in &fund.accounts {
        for hold in ledger.holds_on(account)? {
            let d = hold.details();
            if d.date > last || d.expires_on.is_some_and(|e| e <= last) {
                continue;
            }
            let later = match hold.status() {
                HoldStatus::Active => None,
                HoldStatus::Settled { .. } => match hold.settlement().map(|e| e.date()) {
                    Some(on) if on > last => Some(HoldLater::Settled { on }),
                    _ => continue,
                },
                HoldStatus::Expired => match d.expires_on {
                    Some(on) if on > last => Some(HoldLater::Expired { on }),
                    _ => continue,
                },
                HoldStatus::Released => match hold.released_on() {
                    Some(on) if on > last => Some(HoldLater::Released { on }),
                    _ => continue,
                },
            };
            holds.push(HoldLine {
                later,
                hold: d.id.to_string(),
                source: source.clone(),
                placed: d.date,
                amount: d.amount,
                expires_on: d.expires_on,
                memo: d.memo.clone(),
            });
        }
    }
    holds.sort_by(|a, b| (a.placed, &a.hold).cmp(&(b.placed, &b.hold)));
    Ok(holds)
}

/// The period's movements, summed line by line as the entries are read.
struct Movements {
    zero: Money,
    receipts: BTreeMap<String, Money>,
    drawdowns: BTreeMap<(String, Option<String>), DrawdownLine>,
    fees: Money,
    other: BTreeMap<AccountId, Money>,
    adjustments: Vec<AdjustmentLine>,
}

impl Movements {
    fn new(currency: Currency) -> Movements {
        let zero = Money::zero(currency);
        Movements {
            zero,
            receipts: BTreeMap::new(),
            drawdowns: BTreeMap::new(),
            fees: zero,
            other: BTreeMap::new(),
            adjustments: Vec::new(),
        }
    }

    /// Puts one entry's fund postings on the line its class says.
    fn add(
        &mut self,
        ledger: &Ledger,
        fund: &Fund,
        entry: &EntryView<'_>,
        period: Period,
    ) -> Result<(), crate::Error> {
        let into_fund = fund_total(fund, entry, self.zero.currency())?;
        match classify(ledger, fund, entry, period) {
            Class::Adjustment(adjusts) => self.adjustments.push(AdjustmentLine {
                entry: entry.id().to_string(),
                date: entry.date(),
                adjusts,
                memo: entry.memo().to_string(),
                amount: into_fund,
            }),
            Class::Drawdown {
                service,
                description,
                supplier,
                agreement,
            } => {
                let zero = self.zero;
                let line = self
                    .drawdowns
                    .entry((service.clone(), supplier.clone()))
                    .or_insert_with(|| DrawdownLine {
                        service,
                        description,
                        supplier,
                        agreement,
                        amount: zero,
                        credits: zero,
                    });
                line.amount = line.amount.checked_sub(into_fund)?;
                if entry.origin() == EntryOrigin::Reversal {
                    line.credits = line.credits.checked_add(into_fund)?;
                }
            }
            Class::Fee => self.fees = self.fees.checked_sub(into_fund)?,
            Class::Plain => self.add_plain(fund, entry)?,
        }
        Ok(())
    }

    /// Money in goes to its source's receipt line; money out to the account on the other side.
    fn add_plain(&mut self, fund: &Fund, entry: &EntryView<'_>) -> Result<(), crate::Error> {
        let counterparty = entry
            .postings()
            .find(|(a, _)| !fund.is_fund_account(a))
            .map(|(a, _)| a.clone());
        for (account, amount) in entry.postings() {
            let Some(source) = fund.source_of(account) else {
                continue;
            };
            if amount.is_positive() {
                let r = self.receipts.entry(source.to_string()).or_insert(self.zero);
                *r = r.checked_add(amount)?;
            } else {
                let key = counterparty.clone().unwrap_or_else(|| account.clone());
                let o = self.other.entry(key).or_insert(self.zero);
                *o = o.checked_add(amount)?;
            }
        }
        Ok(())
    }
}

impl FundStatement {
    /// Builds the statement of `fund` over `period` from the ledger.
    ///
    /// # Errors
    ///
    /// [`LedgerError`](crate::LedgerError) if an account is not open, [`MoneyError`](crate::MoneyError),
    /// [`PeriodError`](crate::PeriodError) if the day before the period cannot be represented.
    pub fn build(
        ledger: &Ledger,
        fund: &Fund,
        period: Period,
    ) -> Result<FundStatement, crate::error::Error> {
        let currency = fund.currency;
        let before = period
            .start()
            .checked_sub_days(Days::new(1))
            .ok_or_else(|| crate::period::out_of_range("the day before the period".into()))?;
        let opening = fund.balance_as_at(ledger, before)?;
        let closing = fund.balance_as_at(ledger, period.last_day())?;
        let mut movements = Movements::new(currency);
        for entry in fund_entries(ledger, fund, period)?.values() {
            movements.add(ledger, fund, entry, period)?;
        }
        let Movements {
            receipts,
            drawdowns,
            fees,
            other,
            adjustments,
            ..
        } = movements;
        let holds = active_holds(ledger, fund, period)?;

        Ok(FundStatement {
            fund: fund.clone(),
            period,
            opening,
            receipts: receipts
                .into_iter()
                .map(|(source, amount)| ReceiptLine { source, amount })
                .collect(),
            drawdowns: drawdowns.into_values().collect(),
            fees,
            other: other
                .into_iter()
                .filter(|(_, m)| !m.is_zero())
                .map(|(account, amount)| OtherLine { account, amount })
                .collect(),
            adjustments,
            holds,
            closing,
            units: Vec::new(),
        })
    }

    /// Adds an agreement's planned and delivered units.
    pub fn with_units(mut self, units: UnitsSummary) -> FundStatement {
        self.units.push(units);
        self
    }

    /// Money in, all sources.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn receipts_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.fund.currency, self.receipts.iter().map(|r| r.amount))
    }
    /// Drawdowns, all services, net of credits.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn drawdowns_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.fund.currency, self.drawdowns.iter().map(|r| r.amount))
    }
    /// Other movements, net (negative: out).
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn other_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.fund.currency, self.other.iter().map(|r| r.amount))
    }
    /// Adjustments, net.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn adjustments_total(&self) -> Result<Money, MoneyError> {
        Money::sum(
            self.fund.currency,
            self.adjustments.iter().map(|r| r.amount),
        )
    }
    /// Active holds.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn holds_total(&self) -> Result<Money, MoneyError> {
        Money::sum(self.fund.currency, self.holds.iter().map(|r| r.amount))
    }

    /// opening + receipts − drawdowns − fees + other + adjustments.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`].
    pub fn computed_closing(&self) -> Result<Money, MoneyError> {
        self.opening
            .checked_add(self.receipts_total()?)?
            .checked_sub(self.drawdowns_total()?)?
            .checked_sub(self.fees)?
            .checked_add(self.other_total()?)?
            .checked_add(self.adjustments_total()?)
    }

    /// Checks the statement ties out: its lines add up to its closing balance, and its opening
    /// and closing balances are the ledger's.
    ///
    /// # Errors
    ///
    /// [`ReportError::DoesNotTie`] naming the figure that differs.
    pub fn check(&self, ledger: &Ledger) -> Result<(), crate::error::Error> {
        let name = format!("statement of {} for {}", self.fund.name(), self.period);
        let differs = |what, reported, ledger| ReportError::DoesNotTie {
            report: name.clone(),
            what,
            reported,
            ledger,
        };
        let computed = self.computed_closing()?;
        if computed != self.closing {
            return Err(differs("opening plus movements", computed, self.closing).into());
        }
        let closing = self.fund.balance_as_at(ledger, self.period.last_day())?;
        if closing != self.closing {
            return Err(differs("the closing balance", self.closing, closing).into());
        }
        let before = self
            .period
            .start()
            .checked_sub_days(Days::new(1))
            .ok_or_else(|| crate::period::out_of_range("the day before the period".into()))?;
        let opening = self.fund.balance_as_at(ledger, before)?;
        if opening != self.opening {
            return Err(differs("the opening balance", self.opening, opening).into());
        }
        Ok(())
    }

    /// The statement as CSV: a header, then one row per figure, every row with the header's
    /// seven columns: `fund,period,section,item,detail,amount,currency`. Sections: `opening`,
    /// `receipt`, `drawdown`, `credit` (credit notes, already netted in `drawdown`), `fee`,
    /// `other`, `adjustment`, `closing`, `hold` (not a movement; its detail is the memo, and
    /// `; settled {date}` or `; expired {date}` if it ended after the period), and `units`:
    /// four rows per service (detail `planned`, `delivered`, `cancelled_charged`, `banked`),
    /// whose amount is a number of units and whose currency column names the unit (`hours`).
    /// A `planned` row is left out when the service has no plan.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`].
    pub fn to_csv(&self) -> Result<String, ReportError> {
        let c = self.fund.currency.code().to_string();
        let fund = self.fund.name();
        let row = |section: &str, item: &str, detail: &str, amount: String| {
            vec![
                fund.clone(),
                self.period.to_string(),
                section.to_string(),
                item.to_string(),
                detail.to_string(),
                amount,
                c.clone(),
            ]
        };
        let mut rows = vec![
            [
                "fund", "period", "section", "item", "detail", "amount", "currency",
            ]
            .map(str::to_string)
            .to_vec(),
        ];
        rows.push(row("opening", "", "", self.opening.amount_text()));
        for r in &self.receipts {
            rows.push(row("receipt", &r.source, "", r.amount.amount_text()));
        }
        for d in &self.drawdowns {
            let supplier = d.supplier.as_deref().unwrap_or("own staff");
            rows.push(row(
                "drawdown",
                &d.service,
                supplier,
                d.amount.amount_text(),
            ));
            if !d.credits.is_zero() {
                rows.push(row("credit", &d.service, supplier, d.credits.amount_text()));
            }
        }
        rows.push(row("fee", "management fee", "", self.fees.amount_text()));
        for o in &self.other {
            rows.push(row("other", o.account.as_str(), "", o.amount.amount_text()));
        }
        for a in &self.adjustments {
            rows.push(row(
                "adjustment",
                &a.entry,
                &a.adjusts,
                a.amount.amount_text(),
            ));
        }
        rows.push(row("closing", "", "", self.closing.amount_text()));
        for h in &self.holds {
            let detail = match h.later {
                Some(later) => format!("{}; {later}", h.memo),
                None => h.memo.clone(),
            };
            rows.push(row("hold", &h.hold, &detail, h.amount.amount_text()));
        }
        for summary in &self.units {
            for u in &summary.lines {
                let figures = [
                    ("planned", u.planned),
                    ("delivered", Some(u.delivered)),
                    ("cancelled_charged", Some(u.cancelled_charged)),
                    ("banked", Some(u.banked)),
                ];
                for (what, n) in figures {
                    if let Some(n) = n {
                        let mut r = row("units", &u.service, what, n.normalize().to_string());
                        r[6] = format!("{}s", u.unit);
                        rows.push(r);
                    }
                }
            }
        }
        write_csv(&rows)
    }
}

/// A fund's net movement in one entry.
fn fund_total(
    fund: &Fund,
    entry: &EntryView<'_>,
    currency: Currency,
) -> Result<Money, crate::error::Error> {
    let mut t = Money::zero(currency);
    for (account, amount) in entry.postings() {
        if fund.is_fund_account(account) {
            t = t.checked_add(amount)?;
        }
    }
    Ok(t)
}

fn classify(ledger: &Ledger, fund: &Fund, entry: &EntryView<'_>, period: Period) -> Class {
    if let Some(revision) = entry.metadata().get(meta::REVISION) {
        return Class::Adjustment(format!("revision {revision}"));
    }
    if let Some(original) = entry.reverses() {
        if original.date() < period.start() {
            return Class::Adjustment(format!("reverses {} of {}", original.id(), original.date()));
        }
    }
    if let Some(original) = entry.corrects() {
        return Class::Adjustment(format!("corrects {} of {}", original.id(), original.date()));
    }
    for (account, _) in entry.postings() {
        if fund.is_fund_account(account) {
            continue;
        }
        let Ok(view) = ledger.account(account) else {
            continue;
        };
        let tags = &view.details().tags;
        let tag = |tag: Tag| tag.find(tags).map(str::to_string);
        if tags.iter().any(|t| t == chart::ROLE_FEE) {
            return Class::Fee;
        }
        if tags.iter().any(|t| t == chart::ROLE_DRAWDOWN) {
            return Class::Drawdown {
                service: tag(Tag::Service).unwrap_or_default(),
                description: tag(Tag::Description),
                supplier: tag(Tag::Supplier),
                agreement: tag(Tag::Agreement),
            };
        }
    }
    Class::Plain
}

fn describe_source(key: &str) -> String {
    match chart::parse_source_key(key) {
        Some(Source::Council) => "from the council".to_string(),
        Some(Source::Person) => "your contribution".to_string(),
        Some(Source::TopUp(payer)) => format!("top-up from {payer}"),
        Some(Source::Other(funder)) => format!("from {funder}"),
        _ => key.to_string(),
    }
}

impl fmt::Display for FundStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Statement for fund {} (held by {})",
            self.fund.name(),
            self.fund.owner
        )?;
        writeln!(
            f,
            "{} to {}",
            self.period.start().format("%-d %B %Y"),
            self.period.last_day().format("%-d %B %Y")
        )?;
        writeln!(f)?;
        money_line(f, "Opening balance", self.opening)?;
        self.write_money_in_and_support(f)?;
        money_line(f, "Management fees", self.fees)?;
        self.write_other_and_adjustments(f)?;
        money_line(f, "Closing balance", self.closing)?;
        self.write_holds(f)?;
        self.write_units(f)
    }
}

impl FundStatement {
    /// Money in by source, and support paid for by service and supplier.
    fn write_money_in_and_support(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Money in")?;
        if self.receipts.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for r in &self.receipts {
            money_line(f, &format!("  {}", describe_source(&r.source)), r.amount)?;
        }
        writeln!(f, "Support paid for")?;
        if self.drawdowns.is_empty() {
            writeln!(f, "  (none)")?;
        }
        for d in &self.drawdowns {
            let by = d
                .supplier
                .as_deref()
                .map_or("provider's own staff".to_string(), |s| format!("by {s}"));
            let what = d.description.as_deref().unwrap_or(&d.service);
            money_line(f, &format!("  {what} ({by})"), d.amount)?;
            if !d.credits.is_zero() {
                money_line(f, "    of which credit notes", d.credits.negate())?;
            }
        }
        Ok(())
    }

    /// Other money in and out, and adjustments to earlier periods.
    fn write_other_and_adjustments(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.other.is_empty() {
            writeln!(f, "Other money in and out")?;
            for o in &self.other {
                money_line(f, &format!("  {}", o.account), o.amount)?;
            }
        }
        if !self.adjustments.is_empty() {
            writeln!(f, "Adjustments to earlier periods")?;
            for a in &self.adjustments {
                let what = if a.memo.is_empty() {
                    &a.adjusts
                } else {
                    &a.memo
                };
                money_line(f, &format!("  {} {what}", a.date), a.amount)?;
            }
        }
        Ok(())
    }

    /// Money set aside for support booked or in dispute.
    fn write_holds(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.holds.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "Set aside for support booked or in dispute (not yet paid)"
            )?;
            for h in &self.holds {
                // A dispute's memo ends with the line's key for duplicate checks; the person
                // needs only which claim and line it is.
                let what = match h.memo.split_once(": ") {
                    Some((head, _)) if head.starts_with("disputed") => head,
                    _ => h.memo.as_str(),
                };
                let later = h.later.map(|l| format!(", {l}")).unwrap_or_default();
                money_line(
                    f,
                    &format!("  {what} ({}{later})", describe_source(&h.source)),
                    h.amount,
                )?;
            }
        }
        Ok(())
    }

    /// Planned and delivered units, for each agreement added.
    fn write_units(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for summary in &self.units {
            writeln!(f)?;
            writeln!(f, "Planned and delivered ({})", summary.agreement)?;
            for u in &summary.lines {
                let planned = u
                    .planned
                    .map_or("no plan".to_string(), |p| format!("planned {p}"));
                write!(
                    f,
                    "  {:<8} {}s: {planned}, delivered {}",
                    u.service, u.unit, u.delivered
                )?;
                if !u.cancelled_charged.is_zero() {
                    write!(
                        f,
                        ", short-notice cancellations charged {}",
                        u.cancelled_charged
                    )?;
                }
                if !u.banked.is_zero() {
                    write!(f, ", banked {}", u.banked)?;
                }
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

/// One line of the statement: a label, and an amount in a right-aligned column.
fn money_line(f: &mut fmt::Formatter<'_>, label: &str, m: Money) -> fmt::Result {
    const W: usize = 52;
    writeln!(f, "{label:<W$} {:>16}", super::uk_money(m))
}
