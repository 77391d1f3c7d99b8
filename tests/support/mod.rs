//! Fixtures and proptest strategies shared by the integration tests.
//!
//! Each file in `tests/` is its own crate and includes this module with `mod support;`, so one
//! helper serves every test file instead of a copy in each.

// Every test crate compiles the whole module but uses only part of it: without these, each
// crate would warn about (and `clippy -D warnings` would fail on) the helpers, and the
// re-exports below, that it does not use.
#![allow(dead_code, unused_imports)]

pub mod config;
pub mod dates;
pub mod money;
pub mod plans;
pub mod strategies;

pub use config::{cases, config, config_with_cases};
pub use dates::d;
pub use money::{gbp, gbp_minor, minor, sum};
pub use plans::{budget, isf, net_dp, whole_plan};
pub use strategies::{Flaw, account_kind, days_from, flaw, frequency, signed};
