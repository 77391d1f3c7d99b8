//! Loads a JSON Lines log or import file, verifies the ledger, and prints its trial balance.
//!
//! ```text
//! cargo run --release --example balance FILE.jsonl
//! ```
//!
//! The file is read with [`Ledger::import_jsonl`] through a buffered reader; then
//! [`Ledger::verify`] recomputes every balance from the postings. The output is the trial
//! balance, subtotals for every account-name prefix (`Assets:ISF` for `Assets:ISF:P0001`, …, as
//! hledger and ledger-cli show them), and how long the import and the check took.
//!
//! A line that cannot be read or that the ledger refuses is reported with its line number, and
//! the program exits with status 1. `benches/to_jsonl.py` turns the synthetic journals of the
//! benchmark generator into such a file.

#[cfg(feature = "serde")]
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("balance: {message}");
            std::process::ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "serde"))]
fn main() -> std::process::ExitCode {
    eprintln!("balance: this example reads JSON Lines and needs the `serde` feature");
    std::process::ExitCode::from(1)
}

#[cfg(feature = "serde")]
fn run() -> Result<(), String> {
    use std::collections::BTreeMap;
    use std::fs::File;
    use std::io::{BufReader, BufWriter, Write};
    use std::time::Instant;

    use isf_ledger::{Ledger, Money};

    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        return Err("usage: balance FILE.jsonl".to_string());
    };
    let shown = path.to_string_lossy().into_owned();
    let file = File::open(&path).map_err(|e| format!("{shown}: cannot open: {e}"))?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);

    let mut ledger = Ledger::new();
    let started = Instant::now();
    let summary = ledger
        .import_jsonl(BufReader::with_capacity(1 << 16, file))
        // LogError's message starts with the line number: "line 12, column 3: ...".
        .map_err(|e| format!("{shown}: {e}"))?;
    let import_time = started.elapsed();

    let started = Instant::now();
    let verified = ledger.verify().map_err(|e| {
        let mut message = format!("{shown}: {e}");
        for d in e.discrepancies.iter().take(20) {
            message.push_str(&format!("\n  {d}"));
        }
        message
    })?;
    let verify_time = started.elapsed();

    let trial = ledger.trial_balance();
    // Subtotals for every proper prefix of an account name, per currency.
    let mut subtotals: BTreeMap<(String, String), Money> = BTreeMap::new();
    for line in &trial.lines {
        let id = line.account.as_str();
        for (at, _) in id.match_indices(':') {
            let key = (id[..at].to_string(), line.balance.currency().to_string());
            let sum = match subtotals.get(&key) {
                Some(sum) => sum
                    .checked_add(line.balance)
                    .map_err(|e| format!("subtotal of {}: {e}", key.0))?,
                None => line.balance,
            };
            subtotals.insert(key, sum);
        }
    }

    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written: std::io::Result<()> = (|| {
        writeln!(out, "{trial}")?;
        writeln!(out, "subtotals by account prefix")?;
        for ((prefix, _), sum) in &subtotals {
            writeln!(out, "  {prefix:<30}  {:>18}", sum.to_string())?;
        }
        writeln!(out)?;
        let secs = |d: std::time::Duration| d.as_secs_f64();
        let rate = |n: usize, d: std::time::Duration| n as f64 / secs(d).max(1e-9);
        writeln!(
            out,
            "records {}, entries posted {}, already posted {}, accounts {}, postings {}",
            summary.records,
            summary.posted,
            summary.already_posted,
            verified.accounts,
            verified.postings
        )?;
        writeln!(
            out,
            "import  {:>8.3} s  {:>12.0} entries/s  {:>8.1} MB/s",
            secs(import_time),
            rate(verified.entries, import_time),
            bytes as f64 / 1e6 / secs(import_time).max(1e-9)
        )?;
        writeln!(
            out,
            "verify  {:>8.3} s  {:>12.0} entries/s",
            secs(verify_time),
            rate(verified.entries, verify_time)
        )?;
        writeln!(
            out,
            "ledger balances: {}",
            if trial.balances() { "yes" } else { "NO" }
        )?;
        out.flush()
    })();
    written.map_err(|e| format!("cannot write the report: {e}"))
}
