//! Proptest configuration: how many cases, and where failures are kept.

use proptest::test_runner::{Config as ProptestConfig, FileFailurePersistence};

/// `PROPTEST_CASES` when it is set to a number, else `default`.
///
/// `ProptestConfig::default()` reads `PROPTEST_CASES` itself; this is for a test that wants a
/// different default (smaller for speed, or larger) and still obeys the variable.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default)
}

/// The configuration for the property tests of the test crate `name`: proptest's default
/// number of cases (256, or `PROPTEST_CASES`), with failures saved to and replayed from
/// `proptest-regressions/<name>.txt`.
pub fn config(name: &str) -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions(name)))),
        ..ProptestConfig::default()
    }
}

/// As [`config`], with `cases(default_cases)` cases.
pub fn config_with_cases(name: &str, default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default_cases),
        ..config(name)
    }
}

/// `<package root>/proptest-regressions/<name>.txt`, absolute so that it does not depend on
/// the directory the test runs in. Proptest wants a `&'static str`: the few bytes of each
/// test's path are leaked, once per property test.
fn regressions(name: &str) -> &'static str {
    let path = format!(
        "{}/proptest-regressions/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    Box::leak(path.into_boxed_str())
}
