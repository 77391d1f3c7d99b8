//! The yardstick for `examples/balance`: reads the same JSON Lines file and only deserializes
//! each line with serde_json into minimal borrowed structs (no checks, no ledger), so that the
//! ratio of the two runs shows what the ledger costs over parsing alone.
//!
//! ```text
//! cargo run --release --example parse_only FILE.jsonl
//! ```
//!
//! Prints the number of records, entries and postings read, and the time taken.

#[cfg(feature = "serde")]
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parse_only: {message}");
            std::process::ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "serde"))]
fn main() -> std::process::ExitCode {
    eprintln!("parse_only: this example reads JSON Lines and needs the `serde` feature");
    std::process::ExitCode::from(1)
}

/// A log record, as little of it as can be read: strings borrowed from the line where they
/// have no escapes.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Record<'a> {
    v: u32,
    #[serde(borrow, default)]
    open_account: Option<Open<'a>>,
    #[serde(borrow, default)]
    post: Option<Post<'a>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Open<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    currency: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    rule: Option<std::borrow::Cow<'a, str>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Post<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    date: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    memo: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    postings: Vec<Leg<'a>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Leg<'a> {
    #[serde(borrow)]
    account: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    amount: std::borrow::Cow<'a, str>,
}

#[cfg(feature = "serde")]
fn run() -> Result<(), String> {
    use std::fs::File;
    use std::io::{BufRead, BufReader};
    use std::time::Instant;

    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        return Err("usage: parse_only FILE.jsonl".to_string());
    };
    let shown = path.to_string_lossy().into_owned();
    let file = File::open(&path).map_err(|e| format!("{shown}: cannot open: {e}"))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let started = Instant::now();
    let (mut records, mut entries, mut postings) = (0u64, 0u64, 0u64);
    let mut buf = String::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        line += 1;
        let n = reader
            .read_line(&mut buf)
            .map_err(|e| format!("{shown}: line {line}: {e}"))?;
        if n == 0 {
            break;
        }
        let text = buf.trim();
        if text.is_empty() {
            continue;
        }
        let record: Record<'_> =
            serde_json::from_str(text).map_err(|e| format!("{shown}: line {line}: {e}"))?;
        records += 1;
        if let Some(post) = &record.post {
            entries += 1;
            postings += post.postings.len() as u64;
        }
    }
    println!(
        "{records} records, {entries} entries, {postings} postings parsed in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
