//! Dates.

use chrono::NaiveDate;

/// The date `y`-`m`-`day`; a `const fn`, so it also names constant dates.
pub const fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, day) {
        Some(date) => date,
        None => panic!("not a date"),
    }
}

/// For tests set in 2025 (the budget year of the ISF scenarios).
pub mod y2025 {
    use chrono::NaiveDate;

    /// The date 2025-`m`-`day`.
    pub const fn d(m: u32, day: u32) -> NaiveDate {
        super::d(2025, m, day)
    }
}
