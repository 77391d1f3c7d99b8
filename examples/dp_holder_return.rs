//! A direct-payment holder's first six-monthly review, for the person and the council officer.
//!
//! P0007 gets a net direct payment of £350 a week and pays their own £60 a week contribution
//! into the same bank account. They employ a personal assistant (wages, employer's National
//! Insurance, pension, a payroll service, employer's liability insurance), pay for a grab rail
//! by cheque, and once spend money on a bet, which the council does not allow: it is recorded
//! and flagged, not hidden. A care agency's invoice is owed but not yet paid.
//!
//! The bank's latest statement (CSV, as the bank exports it) is checked against the books;
//! then come the monitoring return, the surplus after four weeks' contingency, and the
//! council's recovery: council money back to the council, the person's share refunded to them.
//!
//! Run with `cargo run --example dp_holder_return`.

use std::error::Error;

use chrono::{Days, NaiveDate};
use isf_ledger::Fund;
use isf_ledger::dp::{SpendCategory as C, *};
use isf_ledger::reconcile::{MatchOptions, StatementFormat, ledger_lines_of, reconcile};
use isf_ledger::*;

/// The person's bank statement, as their bank exports it. The first row is the bank's
/// "balance brought forward" line, which is not a payment in or out: the import keeps it as
/// the statement's opening balance.
const STATEMENT: &str = "\
Date,Description,Paid in,Paid out,Balance
22/09/2025,BALANCE BROUGHT FORWARD,,,\"2,981.00\"
22/09/2025,COUNCIL-X DIRECT PAYMENT,\"1,160.00\",,\"4,141.00\"
23/09/2025,SO P0007 CONTRIBUTION,240.00,,\"4,381.00\"
01/10/2025,MONTHLY ACCOUNT FEE,,5.00,\"4,376.00\"
06/10/2025,SAM JONES WAGES,,800.00,\"3,576.00\"
06/10/2025,HMRC EMPLOYER NI,,40.00,\"3,536.00\"
06/10/2025,NEST PENSIONS,,24.00,\"3,512.00\"
06/10/2025,PAYCO PAYROLL,,15.00,\"3,497.00\"
";

const W: usize = 44;

fn row(label: impl std::fmt::Display, amount: Money) {
    println!("{:<W$}{:>16}", label.to_string(), amount.to_string());
}

fn agrees(ok: bool) -> &'static str {
    if ok {
        "That agrees."
    } else {
        "That DOES NOT agree: please look into it."
    }
}

fn heading(text: &str) {
    println!("\n{text}\n{}", "-".repeat(text.chars().count()));
}

fn main() -> Result<(), Box<dyn Error>> {
    let gbp = |s: &str| -> Result<Money, MoneyError> { format!("{s} GBP").parse() };
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    let first = date(2025, 4, 7)?;
    let dp = "dp";

    // £350 a week, of which the person pays £60 into the account themselves (a net payment).
    let budget = PersonalBudget::new(
        "PB-0007",
        "P0007",
        Period::new(first, date(2026, 4, 6)?)?,
        BudgetTerms::new(Basis::Week, gbp("350.00")?).contribution(gbp("60.00")?),
    )?;
    let net = DeploymentKind::DirectPayment {
        basis: PaymentBasis::Net,
    };
    let plan = PaymentPlan::new(
        "council-x",
        budget,
        vec![Deployment::whole(dp, net)],
        PaymentSchedule::new(Frequency::FourWeekly, first),
    )?;
    let mut ledger = Ledger::new();
    plan.open_accounts(&mut ledger)?;
    open_spend_accounts(&mut ledger, &plan, dp)?;
    let policy = SpendPolicy::england();

    let terms = plan.budget().terms_on(first);
    heading(&format!(
        "Direct payment {} for {}",
        plan.budget().id(),
        plan.budget().person()
    ));
    row("Cost of care a week", terms.cost);
    row("  of which the person pays in", terms.contribution);

    // Every four weeks: the council pays its share, the person pays in their contribution,
    // and two weeks later the personal assistant's pay and the employer's costs go out.
    for (n, due) in plan.amounts()?.iter().take(7).enumerate() {
        let run_date = due.period.start();
        let run = run_payments(
            &mut ledger,
            &[&plan],
            &PaymentRun::new("4-weekly", run_date),
        );
        if let Some(refused) = run.refused.first() {
            return Err(refused.error.clone().into());
        }
        let owed = due
            .source_total(&Source::Person)
            .ok_or("no contribution column")?;
        // The receipt's sequence number is not needed here.
        let _ = ledger.post(plan.contribution_receipt(dp, format!("so-{n}"), owed, run_date)?)?;
        let payday = run_date + Days::new(14);
        for (category, payee, amount) in [
            (C::PaWages, "Sam Jones", "800.00"),
            (C::EmployerNi, "HMRC", "40.00"),
            (C::Pension, "NEST", "24.00"),
            (C::PayrollFees, "PayCo", "15.00"),
        ] {
            let id = format!("{}-{n}", category.key());
            let spend = Spend::new(id, payday, category, payee, gbp(amount)?);
            // The recorded ids are not needed here.
            let _ = record_spend(&mut ledger, &plan, dp, &spend, &policy)?;
        }
    }
    // One-off spending: insurance, a bet (not allowed), a grab rail paid by a cheque the bank
    // has not cleared yet, and an agency's invoice for holiday cover, owed but not yet paid.
    #[rustfmt::skip]
    let one_offs = [
        ("insurance-1", (4, 10), C::Insurance, "Employers Cover Ltd", "120.00", false),
        ("bet-1", (5, 10), C::Gambling, "Lucky Bets", "25.00", false),
        ("inv-77", (10, 1), C::Agency, "Care Co", "180.00", true),
        ("chq-100231", (10, 2), C::Equipment, "Mobility Aids Ltd", "45.00", false),
    ];
    heading("Flagged when recorded");
    for (id, (m, d), category, payee, amount, owed) in one_offs {
        let spend = Spend::new(id, date(2025, m, d)?, category, payee, gbp(amount)?);
        let recorded = if owed {
            accrue_liability(&mut ledger, &plan, dp, &spend, &policy)?
        } else {
            record_spend(&mut ledger, &plan, dp, &spend, &policy)?
        };
        if let Some(reason) = recorded.flag {
            let label = format!("{} {} to {payee}", spend.date, category.label());
            row(label, spend.amount);
            println!("  reason: {reason}");
        }
    }

    // ----- the bank statement against the books ------------------------------------------------
    heading("Bank statement against the books");
    let imported = StatementFormat::uk_bank(Currency::GBP).import(STATEMENT.as_bytes())?;
    println!(
        "{} rows read from the bank's file: {} payments in or out, {} balance line, {} errors",
        imported.rows,
        imported.lines.len(),
        imported.balances.len(),
        imported.errors.len()
    );
    for error in &imported.errors {
        println!("  {error}");
    }
    let opening = imported
        .balances
        .first()
        .map(|b| b.balance)
        .ok_or("the statement has no balance brought forward")?;
    row("Balance brought forward", opening);
    let bank = &imported.lines;
    let dates = || bank.iter().map(|l| l.date);
    let (Some(from), Some(to)) = (dates().min(), dates().max()) else {
        return Err("the statement has no lines".into());
    };
    // The fund is kept as one ledger account per source of its money, and every payment out
    // takes from each; the bank account mirrors their sum, so each entry's lines on the fund's
    // accounts are added into one.
    let fund = Fund::of(&plan, dp)?;
    let accounts: Vec<AccountId> = fund.accounts.iter().map(|(_, a)| a.clone()).collect();
    let books = ledger_lines_of(&ledger, &accounts, Period::from_inclusive(from, to)?)?;
    let report = reconcile(bank, &books, &MatchOptions::new(Currency::GBP))?;
    println!("\n{report}\n");

    // The bank's closing balance, explained from the books.
    // (This bank lists the oldest line first, so its last line has the closing balance.)
    let bank_closing = bank
        .iter()
        .rev()
        .find_map(|l| l.balance.filter(|_| l.date == to))
        .ok_or("the statement shows no closing balance")?;
    // The books' balance at the end of that day.
    let books_closing = fund.balance_as_at(&ledger, to)?;
    let totals = report.totals;
    let expected = report.expected_bank_balance(books_closing)?;
    row(format!("Books balance on {to}"), books_closing);
    let (uncleared, bank_only) = (totals.unmatched_ledger.negate(), totals.unmatched_statement);
    row("  add back: not yet through the bank", uncleared);
    row("  add: only on the bank statement", bank_only);
    row("  so the bank should show", expected);
    row(format!("Bank balance on {to}"), bank_closing);
    let statement_adds_up = opening.checked_add(totals.statement)? == bank_closing;
    println!(
        "  ({opening} brought forward and {} in and out: {})",
        totals.statement,
        if statement_adds_up {
            "the bank's file is complete"
        } else {
            "the bank's file is missing lines"
        }
    );
    println!("{}", agrees(expected == bank_closing));

    // The bank's monthly fee is real spending from the account: the person records it.
    let fee = report
        .unmatched_statement
        .iter()
        .find(|l| l.description.contains("ACCOUNT FEE"))
        .ok_or("no account fee on the statement")?;
    let (day, amount, memo) = (fee.date, fee.amount.negate(), fee.description.clone());
    let fee = Spend::new("bank-fee-1", day, C::Other, "the bank", amount).memo(memo);
    // The recorded ids are not needed here.
    let _ = record_spend(&mut ledger, &plan, dp, &fee, &policy)?;
    println!("Now recorded in the books: the bank's fee of {amount} on {day}.");

    // ----- the review ---------------------------------------------------------------------------
    let first_paid = first_payment_date(&ledger, &plan).ok_or("no payment yet")?;
    let review = next_review_due(first_paid, &[])?;
    heading("Review");
    println!(
        "First payment {first_paid}; the first review is due {} months later, on {review}.\n",
        ReviewPolicy::default().first_within_months
    );
    let ret = monitoring_return(&ledger, &plan, dp, Period::new(first, review)?)?;
    print!("{ret}");
    let paid = plan.contribution_status(&ledger, review)?;
    println!();
    row("Contributions due by the review", paid.expected);
    row("  paid in by the person", paid.received);

    heading(&format!("Surplus on {review}"));
    let keep = SurplusPolicy::weeks(4)?;
    let found = surplus(&ledger, &plan, dp, review, keep)?;
    let weekly = found.weekly_planned.round(Rounding::HalfUp);
    let weeks = keep.contingency_weeks();
    row("Money in the account", found.balance);
    let (owed, kept) = (found.outstanding.negate(), found.contingency.negate());
    row("  less wages and invoices still to pay", owed);
    row(
        format!("  less contingency, {weeks} weeks at {weekly}"),
        kept,
    );
    row("Surplus the council may recover", found.surplus);
    let longer = SurplusPolicy::weeks(8)?;
    let more = surplus(&ledger, &plan, dp, review, longer)?;
    println!(
        "(Keeping {} weeks, {}, the surplus would be {}.)",
        longer.contingency_weeks(),
        more.contingency,
        more.surplus
    );

    heading(&format!("Recovery the council posts on {review}"));
    let decision = RecoveryDecision::new("review-1", dp, review, RecoveryAmount::Full).policy(keep);
    let recovery = post_recovery(&mut ledger, &plan, &decision)?;
    for part in &recovery.parts {
        let whom = match part.source {
            Source::Council => "Back to the council".to_string(),
            Source::Person => format!("Refunded to {}", plan.budget().person()),
            _ => format!("Back to the payer of the {}", part.source),
        };
        row(whom, part.amount);
        println!("  ({} to {})", part.from, part.to);
    }
    row("Total recovered", recovery.amount);

    heading("The fund after the recovery");
    let after = plan.attribution(&ledger, dp)?;
    for share in &after.by_source {
        row(format!("  {}", share.source), share.balance);
    }
    row("Money left in the account", after.balance);
    row("  which is what is still to pay", found.outstanding);
    row(
        format!("  plus the contingency ({weeks} weeks)"),
        found.contingency,
    );
    let needed = found.outstanding.checked_add(found.contingency)?;
    println!("{}", agrees(needed == after.balance));

    let checked = ledger.verify()?;
    println!(
        "\nBooks checked: {} entries on {} accounts, every entry balanced.",
        checked.entries, checked.accounts
    );
    Ok(())
}
