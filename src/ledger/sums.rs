//! The two small helpers every part of the ledger's storage shares: a sum known to fit, and
//! growing an append-only array by a quarter. A leaf: it imports nothing of the ledger.

use rust_decimal::Decimal;

/// Adds two amounts whose sum is known to fit, exactly: every running sum in the ledger is bounded
/// by the sum of the absolute values of all postings, at most `u32::MAX` ×
/// [`MAX_MINOR_UNITS_PER_POSTING`](super::MAX_MINOR_UNITS_PER_POSTING) ≈ 4.3 × 10^26 minor units, inside a decimal's 28 exact digits.
/// [`Ledger::verify`](super::Ledger::verify) rechecks every such sum.
pub(super) fn bounded_add(a: Decimal, b: Decimal) -> Decimal {
    a.checked_add(b).unwrap_or(a)
}

/// Makes room for `extra` more elements, growing by a quarter rather than doubling: the big
/// append-only arrays then hold at most 25% spare capacity rather than up to 100%.
pub(super) fn grow<T>(v: &mut Vec<T>, extra: usize) {
    if v.len() + extra > v.capacity() {
        v.reserve_exact((v.capacity() / 4).max(extra).max(4));
    }
}
