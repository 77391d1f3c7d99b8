//! The module paths renamed in this release still name the same types, for one release.
#![allow(deprecated)]

#[test]
fn old_paths_name_the_same_types() {
    let same = |a: std::any::TypeId, b: std::any::TypeId| assert_eq!(a, b);
    use std::any::TypeId;
    same(
        TypeId::of::<isf_ledger::drawdown::Claim>(),
        TypeId::of::<isf_ledger::isf::Claim>(),
    );
    same(
        TypeId::of::<isf_ledger::monitor::Spend>(),
        TypeId::of::<isf_ledger::dp::Spend>(),
    );
    same(
        TypeId::of::<isf_ledger::deploy::PaymentPlan>(),
        TypeId::of::<isf_ledger::PaymentPlan>(),
    );
}
