//! Unit tests of `chart`.

use super::*;
use crate::money::Currency;
use crate::plan::DeploymentKind;
use proptest::prelude::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 4, d).unwrap()
}

#[test]
fn account_ids() {
    let (b, c, p) = (
        BudgetId::from("PB1"),
        CouncilId::from("cx"),
        PersonId::from("P1"),
    );
    let (pr, a) = (ProviderId::from("acme"), AgreementId::from("SA1"));
    let top = Source::TopUp(PayerId::from("mum"));
    let checks: Vec<(AccountId, &str)> = vec![
        (council_bank(&c), "council:cx:bank"),
        (council_receivable(&c, &p), "council:cx:receivable:P1"),
        (contribution_income(&c), "council:cx:contribution-income"),
        (contributions_paid(&b), "budget:PB1:contributions-paid"),
        (payer_account(&PayerId::from("mum")), "payer:mum"),
        (funder_account("nhs"), "funder:nhs"),
        (
            fund_account(&b, "dp", &Source::Council),
            "fund:PB1:dp:council",
        ),
        (fund_account(&b, "dp", &top), "fund:PB1:dp:topup:mum"),
        (
            service_account(&pr, &a, "PC", None),
            "provider:acme:isf:SA1:PC",
        ),
        (
            service_account(&pr, &a, "PC", Some(&SupplierId::from("sub"))),
            "provider:acme:isf:SA1:PC:sub",
        ),
        (unlisted_account(&pr, &a), "provider:acme:isf:SA1:unlisted"),
        (isf_fee_account(&pr, &a), "provider:acme:isf:SA1:fee"),
        (banked_account(&a, "PC"), "isf:SA1:banked:PC"),
        (banked_from_account(&a, "PC"), "isf:SA1:banked-from:PC"),
        (
            spend_account(&b, "dp", SpendCategory::PaWages),
            "spend:PB1:dp:pa-wages",
        ),
        (payable_account(&b, "dp"), "spend:PB1:dp:payable"),
        (refund_account(&p), "person:P1:refunds"),
    ];
    for (id, want) in checks {
        assert_eq!(id.as_str(), want);
    }
    assert!(is_fund_account(&fund_account(&b, "dp", &Source::Person)));
    assert!(is_budget_fund_account(
        &fund_account(&b, "dp", &Source::Person),
        &b
    ));
    assert!(!is_budget_fund_account(
        &fund_account(&BudgetId::from("PB10"), "dp", &Source::Person),
        &b
    ));
    assert_eq!(fund_name(&b, "dp"), "PB1:dp");
}

#[test]
fn entry_and_hold_ids() {
    let (b, a, c) = (
        BudgetId::from("PB1"),
        AgreementId::from("SA1"),
        ClaimId::from("C1"),
    );
    let checks: Vec<(EntryId, &str)> = vec![
        (payment_entry(&b, day(7)), "pay:PB1:2025-04-07"),
        (
            adjustment_entry(&b, &RevisionId::from("r2"), day(7)),
            "adj:PB1:r2:2025-04-07",
        ),
        (claim_line_entry(&a, &c, 2), "line:SA1:C1:2"),
        (
            claim_line_source_entry(&a, &c, 2, &Source::Person),
            "line:SA1:C1:2:person",
        ),
        (line_fee_entry(&a, &c, 2), "fee:SA1:C1:2"),
        (period_fee_entry(&a, day(1)), "fee:SA1:2025-04-01"),
        (bank_entry(&a, "PC", day(7)), "bank:SA1:PC:2025-04-07"),
        (bank_use_entry(&a, &c, 2), "bank-use:SA1:C1:2"),
        (
            bank_expiry_entry(&a, "PC", day(7)),
            "bank-expire:SA1:PC:2025-04-07",
        ),
        (
            credit_reversal_entry(&a, &CreditNoteId::from("CN1"), "line:SA1:C1:2"),
            "credit:SA1:CN1:line:SA1:C1:2",
        ),
        (recovery_entry(&b, "dp", "rev1"), "recover:PB1:dp:rev1"),
        (
            reduction_entry(&b, "dp", "rev1", day(7)),
            "reduce:PB1:dp:rev1:2025-04-07",
        ),
    ];
    for (id, want) in checks {
        assert_eq!(id.as_str(), want);
    }
    assert!(is_plan_money_entry("pay:PB1:2025-04-07", &b));
    assert!(is_plan_money_entry("adj:PB1:r2:2025-04-07", &b));
    assert!(!is_plan_money_entry("pay:PB10:2025-04-07", &b));
    let other = Source::Other("nhs".into());
    let hold = dispute_hold(&a, &c, 3, &other);
    assert_eq!(hold.as_str(), "dispute:SA1:C1:3:other:nhs");
    assert!(is_dispute_hold_of(&hold, &a));
    assert!(!is_dispute_hold_of(&hold, &AgreementId::from("SA")));
    assert_eq!(
        booking_hold(&a, &BookingId::from("B1"), &Source::Council).as_str(),
        "book:SA1:B1:council"
    );
    let memo = dispute_memo(&c, 3, "k|e|y");
    assert_eq!(memo, "disputed claim C1 line 3: k|e|y");
    assert_eq!(
        parse_dispute_memo(&memo),
        Some(("C1:3".to_string(), "k|e|y"))
    );
    assert_eq!(memo_line_key(&memo), Some("k|e|y"));
}

#[test]
fn sources_owners_and_tags() {
    for s in [
        Source::Council,
        Source::Person,
        Source::TopUp(PayerId::from("mum")),
        Source::Other("nhs:east".into()),
    ] {
        assert_eq!(parse_source_key(&source_key(&s)), Some(s));
    }
    assert_eq!(parse_source_key("nobody"), None);
    let (p, c) = (PersonId::from("P1"), CouncilId::from("cx"));
    let isf = DeploymentKind::Isf {
        provider: ProviderId::from("acme"),
    };
    assert_eq!(isf.owner(&p, &c), "provider:acme");
    assert_eq!(DeploymentKind::CouncilManaged.owner(&p, &c), "council:cx");
    let managed = DeploymentKind::ThirdPartyManaged {
        manager: ManagerId::from("m"),
    };
    assert_eq!(managed.owner(&p, &c), "manager:m");
    let tags = vec![ROLE_DRAWDOWN.to_string(), Tag::Service.with("PC")];
    assert_eq!(Tag::Service.find(&tags), Some("PC"));
    assert_eq!(Tag::Supplier.find(&tags), None);
    assert_eq!(Tag::Budget.with("PB1"), "budget:PB1");
}

#[test]
fn entry_kinds_read_back_and_keep_their_text() {
    for k in EntryKind::ALL {
        assert_eq!(k.to_string().parse::<EntryKind>(), Ok(k));
    }
    assert!("nonsense".parse::<EntryKind>().is_err());
    let texts: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
    for old in [
        "delivered",
        "cancellation",
        "fee",
        "bank",
        "bank-use",
        "bank-expire",
        "spend",
        "accrue",
        "pay-liability",
        "recovery",
        "reduction",
    ] {
        assert!(texts.contains(&old), "{old}");
    }
    let none = BTreeMap::new();
    assert_eq!(
        entry_kind("pay:PB1:2025-04-07", &none),
        Some(EntryKind::ScheduledPayment)
    );
    assert_eq!(
        entry_kind("adj:PB1:r:2025-04-07", &none),
        Some(EntryKind::Adjustment)
    );
    assert_eq!(
        entry_kind("credit:SA1:CN1:x", &none),
        Some(EntryKind::CreditNoteReversal)
    );
    assert_eq!(entry_kind("mine", &none), None);
    let mut spent = BTreeMap::new();
    spent.insert("monitor".to_string(), "spend".to_string());
    assert_eq!(entry_kind("w1", &spent), Some(EntryKind::Spend));
    // A kind under the wrong key is not read.
    let mut wrong = BTreeMap::new();
    wrong.insert("kind".to_string(), "spend".to_string());
    assert_eq!(entry_kind("w1", &wrong), None);
}

fn gbp(minor: i64) -> Money {
    Money::from_minor(minor, Currency::GBP)
}

#[test]
fn claim_line_meta_writes_the_keys_it_always_wrote() {
    let key = claim_line_key(
        day(8),
        "PC",
        Some(&SupplierId::from("sub")),
        Decimal::new(150, 2),
        EntryKind::Delivered,
    );
    assert_eq!(key, "2025-04-08|PC|sub|1.5|delivered");
    let m = ClaimLineMeta {
        kind: Some(EntryKind::Delivered),
        service: Some("PC".into()),
        delivered_on: Some(day(8)),
        units: Some(Decimal::new(150, 2)),
        price: Some(gbp(2250)),
        band: Some("weekday".into()),
        key: Some(key.clone()),
        supplier: Some(SupplierId::from("sub")),
        claimed_price: Some(gbp(2400)),
        booking: Some(BookingId::from("B1")),
        ..ClaimLineMeta::new(AgreementId::from("SA1"), ClaimId::from("C1"), 2)
    };
    let meta = m.to_meta();
    let pairs: Vec<(&str, &str)> = meta.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        pairs,
        vec![
            ("agreement", "SA1"),
            ("band", "weekday"),
            ("booking", "B1"),
            ("claim", "C1"),
            ("claimed_price", "24.00 GBP"),
            ("delivered_on", "2025-04-08"),
            ("key", key.as_str()),
            ("kind", "delivered"),
            ("line", "C1:2"),
            ("price", "22.50 GBP"),
            ("service", "PC"),
            ("supplier", "sub"),
            ("units", "1.5"),
        ]
    );
    assert_eq!(ClaimLineMeta::from_meta(&meta), Some(m.clone()));
    // Built from the key alone, as an accepted dispute is.
    let from_key = ClaimLineMeta::new(m.agreement.clone(), m.claim.clone(), 2).with_key(&key);
    assert_eq!(from_key.delivered_on, m.delivered_on);
    assert_eq!(from_key.supplier, m.supplier);
    assert_eq!(from_key.units, m.units);
    assert_eq!(from_key.kind, m.kind);
    assert_eq!(ClaimLineMeta::from_meta(&BTreeMap::new()), None);
}

#[test]
fn bank_spend_and_recovery_meta_round_trip() {
    let bank = BankMeta {
        agreement: AgreementId::from("SA1"),
        kind: EntryKind::BankUse,
        week: day(7),
        expires_on: None,
        price: None,
        line: Some((ClaimId::from("C1"), 2)),
        used_on: Some(day(9)),
    };
    assert_eq!(bank.to_meta()["line"], "C1:2");
    assert_eq!(BankMeta::from_meta(&bank.to_meta()), Some(bank));
    let spend = SpendMeta {
        kind: EntryKind::LiabilityPayment,
        budget: BudgetId::from("PB1"),
        deployment: "dp".into(),
        details: SpendDetails {
            category: Some(SpendCategory::PaWages),
            payee: Some("Sam".into()),
            reference: None,
            flag: Some("no".into()),
            liability: Some("w1".into()),
        },
    };
    assert_eq!(spend.to_meta()["monitor"], "pay-liability");
    assert_eq!(spend.to_meta()["category"], "pa-wages");
    assert_eq!(SpendMeta::from_meta(&spend.to_meta()), Some(spend));
    let rec = RecoveryMeta {
        kind: EntryKind::Reduction,
        budget: BudgetId::from("PB1"),
        deployment: "dp".into(),
        decision: "rev1".into(),
        period: Some(Period::new(day(7), day(14)).unwrap()),
    };
    assert_eq!(rec.to_meta()["period"], "2025-04-07..2025-04-14");
    assert_eq!(RecoveryMeta::from_meta(&rec.to_meta()), Some(rec));
    // Each reader refuses the others' entries.
    let bank_meta = BankMeta::from_meta(&BTreeMap::new());
    assert_eq!(bank_meta, None);
}

fn code() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._-]{1,12}"
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,24}"
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..3650).prop_map(|d| day(1) + chrono::Duration::days(d))
}

fn money() -> impl Strategy<Value = Money> {
    (0i64..10_000_000).prop_map(gbp)
}

fn units() -> impl Strategy<Value = Decimal> {
    (1i64..100_000, 0u32..4).prop_map(|(n, scale)| Decimal::new(n, scale))
}

fn claim_line_meta() -> impl Strategy<Value = ClaimLineMeta> {
    let kind = prop::option::of(prop::sample::select(vec![
        EntryKind::Delivered,
        EntryKind::Cancellation,
        EntryKind::Fee,
    ]));
    (
        (code(), code(), 1usize..500, kind),
        (
            prop::option::of(code()),
            prop::option::of(date()),
            prop::option::of(units()),
            prop::option::of(money()),
        ),
        (
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(code()),
            prop::option::of(money()),
            prop::option::of(code()),
            prop::option::of(date()),
        ),
    )
        .prop_map(
            |(
                (agreement, claim, line, kind),
                (service, delivered_on, units, price),
                (band, key, supplier, claimed_price, booking, accepted_on),
            )| ClaimLineMeta {
                agreement: AgreementId::from(agreement),
                claim: ClaimId::from(claim),
                line,
                kind,
                service,
                delivered_on,
                units,
                price,
                band,
                key,
                supplier: supplier.map(SupplierId::from),
                claimed_price,
                booking: booking.map(BookingId::from),
                accepted_on,
            },
        )
}

fn spend_meta() -> impl Strategy<Value = SpendMeta> {
    (
        prop::sample::select(vec![
            EntryKind::Spend,
            EntryKind::LiabilityAccrual,
            EntryKind::LiabilityPayment,
        ]),
        code(),
        code(),
        prop::option::of(prop::sample::select(SpendCategory::ALL.to_vec())),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::option::of(code()),
    )
        .prop_map(
            |(kind, budget, deployment, category, payee, reference, flag, liability)| SpendMeta {
                kind,
                budget: BudgetId::from(budget),
                deployment,
                details: SpendDetails {
                    category,
                    payee,
                    reference,
                    flag,
                    liability,
                },
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn claim_line_meta_round_trips(m in claim_line_meta()) {
        prop_assert_eq!(ClaimLineMeta::from_meta(&m.to_meta()), Some(m));
    }

    #[test]
    fn spend_meta_round_trips(m in spend_meta()) {
        prop_assert_eq!(SpendMeta::from_meta(&m.to_meta()), Some(m));
    }

    #[test]
    fn bank_meta_round_trips(
        agreement in code(),
        kind in prop::sample::select(vec![EntryKind::Banking, EntryKind::BankUse, EntryKind::BankedExpiry]),
        week in date(),
        expires_on in prop::option::of(date()),
        price in prop::option::of(money()),
        line in prop::option::of((code(), 1usize..500)),
        used_on in prop::option::of(date()),
    ) {
        let m = BankMeta {
            agreement: AgreementId::from(agreement),
            kind,
            week,
            expires_on,
            price,
            line: line.map(|(c, n)| (ClaimId::from(c), n)),
            used_on,
        };
        prop_assert_eq!(BankMeta::from_meta(&m.to_meta()), Some(m));
    }
}
