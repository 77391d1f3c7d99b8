//! Budgets and payment plans.

use isf_ledger::{
    BudgetTerms, Deployment, DeploymentKind, PaymentBasis, PaymentPlan, PaymentSchedule, Period,
    PersonalBudget,
};

/// A direct payment of the council's share only (the person pays their contribution in).
pub fn net_dp() -> DeploymentKind {
    DeploymentKind::DirectPayment {
        basis: PaymentBasis::Net,
    }
}

/// An individual service fund held by the provider `acme`.
pub fn isf() -> DeploymentKind {
    DeploymentKind::Isf {
        provider: "acme".into(),
    }
}

/// A personal budget the test expects to be valid.
pub fn budget(id: &str, person: &str, validity: Period, terms: BudgetTerms) -> PersonalBudget {
    PersonalBudget::new(id, person, validity, terms).unwrap()
}

/// A plan from `council` paying the whole budget through one deployment named `deployment`.
pub fn whole_plan(
    council: &str,
    budget: PersonalBudget,
    deployment: &str,
    kind: DeploymentKind,
    schedule: PaymentSchedule,
) -> PaymentPlan {
    PaymentPlan::new(
        council,
        budget,
        vec![Deployment::whole(deployment, kind)],
        schedule,
    )
    .unwrap()
}
