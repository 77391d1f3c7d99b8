//! Reads a book file back as an auditor would: opens it read-only (no lock, the file never
//! changed), prints every account's balance, checks the hash chain and recomputes every
//! balance from the postings, and prints the head hash to keep and compare later.
//!
//! Run with `cargo run --example read_book [PATH]` (default `target/quickstart.book`, which
//! `cargo run --example quickstart` writes).

use isf_ledger::book::{Book, verify_chain};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/quickstart.book".to_string());
    let book = Book::open_read_only(&path)?;
    let report = book.report();
    println!("book: {path}");
    println!("records: {} (seq 0 is the header)", report.records);
    if report.truncated_bytes > 0 {
        println!(
            "a torn last line of {} bytes is ignored (a writer opening the book cuts it off)",
            report.truncated_bytes
        );
    }
    println!();
    println!("Balances");
    print!("{}", book.ledger().trial_balance());
    println!();
    let chain = verify_chain(std::fs::File::open(&path)?)?;
    println!(
        "verify_chain: ok, {} records, last seq {}",
        chain.records, chain.last_seq
    );
    let checked = book.ledger().verify()?;
    println!(
        "verify: ok, {} accounts, {} entries, {} postings recomputed",
        checked.accounts, checked.entries, checked.postings
    );
    println!("head: {}", book.head());
    Ok(())
}
