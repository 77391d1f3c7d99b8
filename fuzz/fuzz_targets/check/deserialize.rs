//! `deserialize`: any bytes as JSON for any public type that can be deserialized. The first
//! byte picks the type ([`TYPES`], modulo its length); the rest is the JSON.
//!
//! * Reading never panics, whatever it is given: bad JSON, unknown fields and values that
//!   break a type's invariants are errors.
//! * A value that reads writes back to JSON that reads to an `==` value.
//! * A budget, plan or agreement that reads passes its constructor's checks again (it is
//!   known valid), and is used a little in a fresh [`Ledger`]: its accounts are opened, a
//!   payment run is made, and for an agreement a one-line claim is submitted at the agreed
//!   price. Any of that may be refused; none of it may panic, and the ledger must verify.

use std::fmt::Debug;

use isf_ledger::dp::{
    CategoryLine, FlaggedSpend, Liability, MonitoringReturn, RecoveryAmount, RecoveryDecision,
    RecoveryMethod, ReductionSchedule, ReviewPolicy, SourceLine, Spend, SpendCategory, SpendPolicy,
    Surplus, SurplusPolicy,
};
use isf_ledger::isf::{
    AgreementId, BandRates, BankedLot, BankedUnits, Banking, Booking, BookingId, CancellationRule,
    Claim, ClaimId, ClaimIssue, ClaimLine, ClaimOutcome, ClaimPolicy, CreditNote, CreditNoteId,
    DisputedLine, ManagementFee, OnIssue, OnRateDiffers, PaidLine, Service, ServiceAgreement,
    SupplierId, TimeBand, UnitsLine, UnitsSummary,
};
use isf_ledger::reconcile::{
    AmountColumns, BalanceRow, DateFormat, DuplicateReason, LedgerLine, Match, MatchOptions,
    Reconciliation, StatementFormat, StatementLine, SuspectedDuplicate, Totals,
};
use isf_ledger::report::{
    AdjustmentLine, CouncilLine, CouncilView, DrawdownLine, FundPosition, FundStatement, HoldLine,
    OtherLine, ProviderView, ReceiptLine,
};
use isf_ledger::{
    AccountId, AccountKind, BalanceRule, Basis, BudgetId, BudgetRate, BudgetTerms, CouncilId,
    Currency, Deployment, DeploymentKind, EntryId, EntryOrigin, FinancialYear, Frequency, Fund,
    FundingLine, HoldId, HoldStatus, Ledger, LogRecord, ManagerId, Money, NewAccount, NewEntry,
    NewHold, PayerId, PaymentBasis, PaymentPlan, PaymentRun, PaymentSchedule, Period, PersonId,
    PersonalBudget, Posting, ProviderId, Rate, Receipt, Revision, RevisionId, Rounding, Schedule,
    Seq, Share, Source, SpendOrder, Timing, TopUp, Unit, Week53Policy, run_payments,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::assert_verifies;

/// Reads `json` as a `T`; if it reads, asserts it writes back to JSON that reads to an `==`
/// value, and returns it.
pub fn round_trip<T>(json: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let value: T = serde_json::from_slice(json).ok()?;
    let name = std::any::type_name::<T>();
    let text = serde_json::to_string(&value)
        .unwrap_or_else(|e| panic!("{name} {value:?} read from JSON does not write: {e}"));
    let back: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{name} written as {text} does not read back: {e}"));
    assert_eq!(back, value, "{name} changes through {text}");
    Some(value)
}

fn plain<T>(json: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let _ = round_trip::<T>(json);
}

/// Reads the JSON as one type and checks what it reads.
pub type Check = fn(&[u8]);

/// Every public type that can be deserialized, by the first byte of the input. New types go at
/// the end, so the seeds keep their meaning.
pub const TYPES: &[(&str, Check)] = &[
    ("PersonalBudget", budget),
    ("PaymentPlan", plan),
    ("ServiceAgreement", agreement),
    ("Money", plain::<Money>),
    ("Currency", plain::<Currency>),
    ("Period", plain::<Period>),
    ("FinancialYear", plain::<FinancialYear>),
    ("Schedule", plain::<Schedule>),
    ("Frequency", plain::<Frequency>),
    ("Rate", plain::<Rate>),
    ("Rounding", plain::<Rounding>),
    ("Unit", plain::<Unit>),
    ("Basis", plain::<Basis>),
    ("Source", plain::<Source>),
    ("BudgetRate", plain::<BudgetRate>),
    ("BudgetTerms", plain::<BudgetTerms>),
    ("TopUp", plain::<TopUp>),
    ("FundingLine", plain::<FundingLine>),
    ("Revision", plain::<Revision>),
    ("Deployment", plain::<Deployment>),
    ("DeploymentKind", plain::<DeploymentKind>),
    ("PaymentBasis", plain::<PaymentBasis>),
    ("Share", plain::<Share>),
    ("PaymentSchedule", plain::<PaymentSchedule>),
    ("Timing", plain::<Timing>),
    ("Week53Policy", plain::<Week53Policy>),
    ("SpendOrder", plain::<SpendOrder>),
    ("PaymentRun", plain::<PaymentRun>),
    ("Service", plain::<Service>),
    ("BandRates", plain::<BandRates>),
    ("ManagementFee", plain::<ManagementFee>),
    ("Banking", plain::<Banking>),
    ("CancellationRule", plain::<CancellationRule>),
    ("ClaimPolicy", plain::<ClaimPolicy>),
    ("OnIssue", plain::<OnIssue>),
    ("OnRateDiffers", plain::<OnRateDiffers>),
    ("ClaimIssue", plain::<ClaimIssue>),
    ("TimeBand", plain::<TimeBand>),
    ("Claim", plain::<Claim>),
    ("ClaimLine", plain::<ClaimLine>),
    ("ClaimOutcome", plain::<ClaimOutcome>),
    ("PaidLine", plain::<PaidLine>),
    ("DisputedLine", plain::<DisputedLine>),
    ("Booking", plain::<Booking>),
    ("CreditNote", plain::<CreditNote>),
    ("BankedLot", plain::<BankedLot>),
    ("BankedUnits", plain::<BankedUnits>),
    ("UnitsLine", plain::<UnitsLine>),
    ("UnitsSummary", plain::<UnitsSummary>),
    ("SpendPolicy", plain::<SpendPolicy>),
    ("SpendCategory", plain::<SpendCategory>),
    ("Spend", plain::<Spend>),
    ("SurplusPolicy", plain::<SurplusPolicy>),
    ("Surplus", plain::<Surplus>),
    ("ReviewPolicy", plain::<ReviewPolicy>),
    ("RecoveryDecision", plain::<RecoveryDecision>),
    ("RecoveryAmount", plain::<RecoveryAmount>),
    ("RecoveryMethod", plain::<RecoveryMethod>),
    ("ReductionSchedule", plain::<ReductionSchedule>),
    ("Liability", plain::<Liability>),
    ("MonitoringReturn", plain::<MonitoringReturn>),
    ("SourceLine", plain::<SourceLine>),
    ("CategoryLine", plain::<CategoryLine>),
    ("FlaggedSpend", plain::<FlaggedSpend>),
    ("NewAccount", plain::<NewAccount>),
    ("NewEntry", plain::<NewEntry>),
    ("NewHold", plain::<NewHold>),
    ("Posting", plain::<Posting>),
    ("AccountKind", plain::<AccountKind>),
    ("BalanceRule", plain::<BalanceRule>),
    ("HoldStatus", plain::<HoldStatus>),
    ("EntryOrigin", plain::<EntryOrigin>),
    ("Seq", plain::<Seq>),
    ("Receipt", plain::<Receipt>),
    ("LogRecord", plain::<LogRecord>),
    ("StatementFormat", plain::<StatementFormat>),
    ("DateFormat", plain::<DateFormat>),
    ("AmountColumns", plain::<AmountColumns>),
    ("StatementLine", plain::<StatementLine>),
    ("LedgerLine", plain::<LedgerLine>),
    ("MatchOptions", plain::<MatchOptions>),
    ("Match", plain::<Match>),
    ("DuplicateReason", plain::<DuplicateReason>),
    ("SuspectedDuplicate", plain::<SuspectedDuplicate>),
    ("Totals", plain::<Totals>),
    ("Reconciliation", plain::<Reconciliation>),
    ("BalanceRow", plain::<BalanceRow>),
    ("Fund", plain::<Fund>),
    ("FundStatement", plain::<FundStatement>),
    ("ReceiptLine", plain::<ReceiptLine>),
    ("DrawdownLine", plain::<DrawdownLine>),
    ("OtherLine", plain::<OtherLine>),
    ("AdjustmentLine", plain::<AdjustmentLine>),
    ("HoldLine", plain::<HoldLine>),
    ("FundPosition", plain::<FundPosition>),
    ("ProviderView", plain::<ProviderView>),
    ("CouncilLine", plain::<CouncilLine>),
    ("CouncilView", plain::<CouncilView>),
    ("AccountId", plain::<AccountId>),
    ("EntryId", plain::<EntryId>),
    ("HoldId", plain::<HoldId>),
    ("PersonId", plain::<PersonId>),
    ("BudgetId", plain::<BudgetId>),
    ("RevisionId", plain::<RevisionId>),
    ("PayerId", plain::<PayerId>),
    ("CouncilId", plain::<CouncilId>),
    ("ProviderId", plain::<ProviderId>),
    ("ManagerId", plain::<ManagerId>),
    ("AgreementId", plain::<AgreementId>),
    ("SupplierId", plain::<SupplierId>),
    ("ClaimId", plain::<ClaimId>),
    ("BookingId", plain::<BookingId>),
    ("CreditNoteId", plain::<CreditNoteId>),
];

/// The index in [`TYPES`] of the type named `name`, for writing seeds.
pub fn index_of(name: &str) -> u8 {
    let i = TYPES
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no type {name} in TYPES"));
    u8::try_from(i).expect("fewer than 256 types")
}

/// Runs the check on one input.
pub fn check(data: &[u8]) {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    let (_, check) = TYPES[usize::from(which) % TYPES.len()];
    check(json);
}

/// A budget that reads is valid: built again from its parts it is accepted and `==`. Then it
/// is paid for one period through a plan with one direct payment.
fn budget(json: &[u8]) {
    let Some(budget) = round_trip::<PersonalBudget>(json) else {
        return;
    };
    let revisions = budget.revisions();
    let mut again = PersonalBudget::new(
        budget.id().clone(),
        budget.person().clone(),
        budget.validity(),
        revisions[0].terms.clone(),
    )
    .expect("a budget that reads has valid initial terms");
    for r in &revisions[1..] {
        again
            .revise(r.clone())
            .expect("a budget that reads has valid revisions");
    }
    let date = budget.validity().start();
    for r in revisions {
        let _ = r.terms.council_share();
        let _ = r.terms.sources();
    }
    let _ = budget.terms_on(date);
    let _ = budget.all_sources();
    let dp = DeploymentKind::DirectPayment {
        basis: PaymentBasis::Net,
    };
    if let Ok(plan) = PaymentPlan::new(
        "fuzz",
        budget,
        vec![Deployment::whole("dp", dp)],
        PaymentSchedule::new(Frequency::FourWeekly, date),
    ) {
        drive_plan(&plan);
    }
}

/// A plan that reads is valid: built again from its parts it is accepted. Then its accounts
/// are opened and one payment run made.
fn plan(json: &[u8]) {
    let Some(plan) = round_trip::<PaymentPlan>(json) else {
        return;
    };
    PaymentPlan::new(
        plan.council().clone(),
        plan.budget().clone(),
        plan.deployments().to_vec(),
        *plan.schedule(),
    )
    .expect("a plan that reads passes PaymentPlan::new");
    drive_plan(&plan);
}

fn drive_plan(plan: &PaymentPlan) -> Option<Ledger> {
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger).ok()?;
    let _ = run_payments(
        &mut ledger,
        &[plan],
        &PaymentRun::new("fuzz-run", plan.budget().validity().start()),
    );
    for d in plan.deployments() {
        let _ = plan.fund_balance(&ledger, &d.name);
    }
    assert_verifies(&ledger);
    Some(ledger)
}

/// An agreement that reads is valid: `build` accepts it again. Then a plan is made for it
/// (its deployment, an ISF held by its provider, over its validity), its accounts opened, one
/// payment run made and a one-line claim submitted at the agreed price.
fn agreement(json: &[u8]) {
    let Some(agreement) = round_trip::<ServiceAgreement>(json) else {
        return;
    };
    agreement
        .clone()
        .build()
        .expect("an agreement that reads passes build");
    let Some(service) = agreement.services().first() else {
        panic!("an agreement that reads has a service");
    };
    let date = agreement.validity().start();
    let currency = service.rates_on(date).weekday.currency();
    let Ok(budget) = PersonalBudget::new(
        "fuzz-budget",
        "fuzz-person",
        agreement.validity(),
        BudgetTerms::new(Basis::Week, Money::from_minor(100_000, currency)),
    ) else {
        return;
    };
    let isf = DeploymentKind::Isf {
        provider: agreement.provider().clone(),
    };
    let Ok(plan) = PaymentPlan::new(
        "fuzz",
        budget,
        vec![Deployment::whole(agreement.deployment(), isf)],
        PaymentSchedule::new(Frequency::FourWeekly, date),
    ) else {
        return;
    };
    let Some(mut ledger) = drive_plan(&plan) else {
        return;
    };
    if agreement.open_accounts(&mut ledger, &plan).is_err() {
        return;
    }
    let price = agreement
        .price(service.code(), date)
        .expect("the agreement prices its own service");
    let claim = Claim::new("fuzz-claim", date).line(ClaimLine::new(
        date,
        service.code(),
        Decimal::ONE,
        price,
    ));
    let _ = agreement.submit(&mut ledger, &plan, &claim);
    assert_verifies(&ledger);
}
