//! Reading statement CSV into [`StatementLine`]s ([`StatementFormat::import`]) and writing it
//! back ([`StatementFormat::write_csv`]).

use std::io::{Read, Write};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::MAX_FIELD_LEN;
use super::error::{ReconcileError, RowError};
use super::format::{AmountColumns, StatementFormat, column_key};
use super::lines::StatementLine;
use crate::money::{AmountProblem, Money, parse_amount};

impl StatementFormat {
    /// Reads a statement. Malformed rows are reported in [`Imported::errors`], each with its
    /// line; every good row is in [`Imported::lines`], in file order.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::Read`] if the reader fails, [`ReconcileError::EmptyStatement`],
    /// [`ReconcileError::Header`] (not UTF-8),
    /// [`ReconcileError::MissingColumn`] or [`ReconcileError::DuplicateColumn`] naming the
    /// column, and [`ReconcileError::InvalidFormat`] if the format names one column twice.
    ///
    /// ```
    /// use isf_ledger::Currency;
    /// use isf_ledger::reconcile::StatementFormat;
    ///
    /// let csv = "date,description,amount\n2025-04-07,Taxi,-12.50\n2025-04-31,Bus,-2.00\n";
    /// let imported = StatementFormat::new(Currency::GBP).import(csv.as_bytes())?;
    /// assert_eq!(imported.lines.len(), 1);
    /// assert_eq!(
    ///     imported.errors[0].to_string(),
    ///     "line 3: date \"2025-04-31\" is not a date like %Y-%m-%d"
    /// );
    /// assert!(StatementFormat::new(Currency::GBP).import("".as_bytes()).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import<R: Read>(&self, mut reader: R) -> Result<Imported, ReconcileError> {
        self.check_names()?;
        let mut data = Vec::new();
        reader
            .read_to_end(&mut data)
            .map_err(|source| ReconcileError::Read { source })?;
        // A UTF-8 byte-order mark (spreadsheet exports often start with one) is not data.
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&data);
        // csv's own line count misses the line break of `\r\n` (the usual one in bank
        // exports) and of a lone `\r`, so lines are counted here from the byte offsets.
        let mut lines = LineCounter {
            data,
            at: 0,
            line: 1,
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .from_reader(data);
        let mut record = csv::ByteRecord::new();
        match csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Err(ReconcileError::EmptyStatement),
            Err(e) => {
                return Err(ReconcileError::Header {
                    line: 1,
                    reason: e.to_string(),
                });
            }
        }
        let header_line = lines.line_at(byte_of(record.position()));
        let columns = self.columns(&record, header_line)?;

        let mut imported = Imported {
            header_line,
            rows: 0,
            lines: Vec::new(),
            errors: Vec::new(),
            balances: Vec::new(),
        };
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    imported.rows += 1;
                    let line = lines.line_at(byte_of(record.position()));
                    match self.row(&columns, &record, line) {
                        Ok(Row::Line(statement_line)) => imported.lines.push(statement_line),
                        Ok(Row::Balance(balance)) => imported.balances.push(balance),
                        Err(e) => imported.errors.push(e),
                    }
                }
                Err(e) => {
                    // Only an I/O error reaches here (the reader is flexible and reads bytes);
                    // the reader cannot be trusted to move on, so import stops.
                    imported.rows += 1;
                    imported.errors.push(RowError::Unreadable {
                        line: lines.line_at(byte_of(e.position())),
                        reason: e.to_string(),
                    });
                    break;
                }
            }
        }
        Ok(imported)
    }

    /// Where the format's columns are in the header `record`.
    fn columns(
        &self,
        record: &csv::ByteRecord,
        header_line: u64,
    ) -> Result<Columns, ReconcileError> {
        let mut names = Vec::with_capacity(record.len());
        for field in record.iter() {
            let name = std::str::from_utf8(field).map_err(|_| ReconcileError::Header {
                line: header_line,
                reason: "it is not valid UTF-8".into(),
            })?;
            names.push(column_key(name));
        }
        let find = |column: &str, required: bool| -> Result<Option<usize>, ReconcileError> {
            let mut found = names.iter().enumerate().filter(|(_, n)| *n == column);
            let first = found.next().map(|(i, _)| i);
            if found.next().is_some() {
                return Err(ReconcileError::DuplicateColumn {
                    line: header_line,
                    column: column.to_string(),
                });
            }
            if first.is_none() && required {
                return Err(ReconcileError::MissingColumn {
                    line: header_line,
                    column: column.to_string(),
                });
            }
            Ok(first)
        };
        let required = |column: &str| -> Result<usize, ReconcileError> {
            find(column, true)?.ok_or_else(|| ReconcileError::MissingColumn {
                line: header_line,
                column: column.to_string(),
            })
        };
        Ok(Columns {
            date: required(&self.date)?,
            description: required(&self.description)?,
            amount: match &self.amount {
                AmountColumns::Signed(name) => AmountAt::Signed(required(name)?),
                AmountColumns::PaidInOut { paid_in, paid_out } => {
                    AmountAt::PaidInOut(required(paid_in)?, required(paid_out)?)
                }
            },
            reference: find(&self.reference, false)?,
            balance: find(&self.balance, false)?,
            count: names.len(),
        })
    }

    fn row(&self, columns: &Columns, record: &csv::ByteRecord, line: u64) -> Result<Row, RowError> {
        if record.len() != columns.count {
            return Err(RowError::FieldCount {
                line,
                expected: columns.count,
                found: record.len(),
            });
        }
        let fields = Fields { record, line };
        let date_text = fields.get(columns.date, &self.date)?;
        let date = self
            .date_format
            .parse(date_text)
            .ok_or_else(|| RowError::BadDate {
                line,
                column: self.date.clone(),
                text: date_text.to_string(),
                format: self.date_format.pattern().to_string(),
            })?;
        let description = fields
            .get(columns.description, &self.description)?
            .to_string();
        let (amount, amount_empty) = self.amount(columns, &fields)?;
        if let (Err(e), false) = (&amount, amount_empty) {
            return Err(e.clone());
        }
        let reference = match columns.reference {
            Some(i) => Some(fields.get(i, &self.reference)?).filter(|r| !r.is_empty()),
            None => None,
        };
        let balance = match columns.balance {
            Some(i) => {
                let text = fields.get(i, &self.balance)?;
                if text.is_empty() {
                    None
                } else {
                    Some(
                        parse_amount(text, self.currency, true)
                            .map_err(|p| self.amount_err(line, &self.balance, text, p))?,
                    )
                }
            }
            None => None,
        };
        let amount = match (amount, balance) {
            (Ok(amount), _) => amount,
            // No money in or out, but a balance: the bank's "balance brought forward" line.
            (Err(_), Some(balance)) => {
                return Ok(Row::Balance(BalanceRow {
                    line,
                    date,
                    description,
                    balance: Money::new(zero_unsigned(balance), self.currency),
                }));
            }
            (Err(e), None) => return Err(e),
        };
        Ok(Row::Line(StatementLine {
            date,
            amount: Money::new(zero_unsigned(amount), self.currency),
            description,
            reference: reference.map(str::to_string),
            balance: balance.map(|b| Money::new(zero_unsigned(b), self.currency)),
            line: Some(line),
        }))
    }

    /// A row's amount, or why not; and whether its field(s) were simply empty. The outer
    /// error refuses the row whatever else it holds.
    fn amount(
        &self,
        columns: &Columns,
        fields: &Fields<'_>,
    ) -> Result<(Result<Decimal, RowError>, bool), RowError> {
        let line = fields.line;
        match (&columns.amount, &self.amount) {
            (AmountAt::Signed(i), AmountColumns::Signed(name)) => {
                let text = fields.get(*i, name)?;
                Ok((
                    parse_amount(text, self.currency, true)
                        .map_err(|p| self.amount_err(line, name, text, p)),
                    text.is_empty(),
                ))
            }
            (AmountAt::PaidInOut(i, o), AmountColumns::PaidInOut { paid_in, paid_out }) => {
                let in_text = fields.get(*i, paid_in)?;
                let out_text = fields.get(*o, paid_out)?;
                match (in_text.is_empty(), out_text.is_empty()) {
                    (false, true) => Ok((
                        parse_amount(in_text, self.currency, false)
                            .map_err(|p| self.amount_err(line, paid_in, in_text, p)),
                        false,
                    )),
                    (true, false) => Ok((
                        parse_amount(out_text, self.currency, false)
                            .map(|m| -m)
                            .map_err(|p| self.amount_err(line, paid_out, out_text, p)),
                        false,
                    )),
                    (false, false) => Err(RowError::BothPaidInAndOut {
                        line,
                        paid_in_column: paid_in.clone(),
                        paid_in: in_text.to_string(),
                        paid_out_column: paid_out.clone(),
                        paid_out: out_text.to_string(),
                    }),
                    (true, true) => Ok((
                        Err(RowError::NeitherPaidInNorOut {
                            line,
                            paid_in_column: paid_in.clone(),
                            paid_out_column: paid_out.clone(),
                        }),
                        true,
                    )),
                }
            }
            // `columns` is built from `self.amount`, so the kinds always agree.
            _ => Err(RowError::Unreadable {
                line,
                reason: "the amount columns do not match the format".to_string(),
            }),
        }
    }

    /// The row error for an amount `text` in `column` that could not be read.
    fn amount_err(&self, line: u64, column: &str, text: &str, problem: AmountProblem) -> RowError {
        match problem {
            AmountProblem::TooManyDecimals => RowError::TooManyDecimals {
                line,
                column: column.to_string(),
                text: text.to_string(),
                currency: self.currency,
                minor_units: self.currency.minor_units(),
            },
            AmountProblem::Bad(reason) => RowError::BadAmount {
                line,
                column: column.to_string(),
                text: text.to_string(),
                reason,
            },
        }
    }

    /// Writes statement lines as CSV in this format, header first: what [`import`] reads back
    /// as the same lines (descriptions and references are trimmed on import, so write them
    /// trimmed). Amounts are written plainly (`-1234.50`, no currency sign or separators).
    ///
    /// # Errors
    ///
    /// [`ReconcileError::CurrencyMismatch`] for a line in another currency,
    /// [`ReconcileError::Write`] if the writer fails, [`ReconcileError::DatePattern`] if a custom
    /// date pattern cannot write,
    /// and [`ReconcileError::InvalidFormat`] if the format names one column twice.
    ///
    /// [`import`]: StatementFormat::import
    pub fn write_csv<W: Write>(
        &self,
        lines: &[StatementLine],
        writer: W,
    ) -> Result<(), ReconcileError> {
        self.check_names()?;
        let write_err = |e: csv::Error| ReconcileError::Write {
            source: csv_io_error(e),
        };
        let mut csv = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .from_writer(writer);
        csv.write_record(self.used_columns()).map_err(write_err)?;
        for line in lines {
            for money in std::iter::once(&line.amount).chain(&line.balance) {
                if money.currency() != self.currency {
                    return Err(ReconcileError::CurrencyMismatch {
                        what: format!("statement line {line}"),
                        expected: self.currency,
                        found: money.currency(),
                    });
                }
            }
            let date =
                self.date_format
                    .format(line.date)
                    .ok_or_else(|| ReconcileError::DatePattern {
                        pattern: self.date_format.to_string(),
                    })?;
            let plain = |m: &Money| m.amount_text();
            let mut row = vec![date, line.description.clone()];
            match &self.amount {
                AmountColumns::Signed(_) => row.push(plain(&line.amount)),
                AmountColumns::PaidInOut { .. } => {
                    if line.amount.is_negative() {
                        row.push(String::new());
                        row.push(plain(&line.amount.negate()));
                    } else {
                        row.push(plain(&line.amount));
                        row.push(String::new());
                    }
                }
            }
            row.push(line.reference.clone().unwrap_or_default());
            row.push(line.balance.as_ref().map(plain).unwrap_or_default());
            csv.write_record(&row).map_err(write_err)?;
        }
        csv.flush()
            .map_err(|source| ReconcileError::Write { source })?;
        Ok(())
    }
}

/// A record's start as a byte offset (the end of the data if csv gives none).
fn byte_of(position: Option<&csv::Position>) -> u64 {
    position.map_or(u64::MAX, csv::Position::byte)
}

/// The fields of one record, read as trimmed UTF-8 of at most [`MAX_FIELD_LEN`] bytes.
struct Fields<'r> {
    record: &'r csv::ByteRecord,
    line: u64,
}

impl<'r> Fields<'r> {
    fn get(&self, index: usize, column: &str) -> Result<&'r str, RowError> {
        let bytes = self.record.get(index).unwrap_or_default();
        if bytes.len() > MAX_FIELD_LEN {
            return Err(RowError::FieldTooLong {
                line: self.line,
                column: column.to_string(),
                len: bytes.len(),
            });
        }
        std::str::from_utf8(bytes)
            .map(str::trim)
            .map_err(|_| RowError::NotUtf8 {
                line: self.line,
                column: column.to_string(),
            })
    }
}

/// Counts physical lines up to byte offsets that only move forward. A line ends at `\n`,
/// `\r\n` or a lone `\r`.
struct LineCounter<'a> {
    data: &'a [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    /// The line of the record that starts at `byte` (csv may place a record's start on the
    /// line break before it, so line breaks there are skipped).
    fn line_at(&mut self, byte: u64) -> u64 {
        let len = self.data.len();
        let mut start = usize::try_from(byte).unwrap_or(len).min(len);
        while start < len && matches!(self.data[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.at {
            self.line = self.line.saturating_add(line_breaks(
                &self.data[self.at..start],
                self.data.get(start),
            ));
            self.at = start;
        }
        self.line
    }
}

/// The line breaks in `bytes` (`\n`, `\r\n`, a lone `\r`); `next` is the byte after them.
fn line_breaks(bytes: &[u8], next: Option<&u8>) -> u64 {
    let mut breaks = 0u64;
    for (i, b) in bytes.iter().enumerate() {
        let following = bytes
            .get(i + 1)
            .or(if i + 1 == bytes.len() { next } else { None });
        if *b == b'\n' || (*b == b'\r' && following != Some(&b'\n')) {
            breaks += 1;
        }
    }
    breaks
}

struct Columns {
    date: usize,
    description: usize,
    amount: AmountAt,
    reference: Option<usize>,
    balance: Option<usize>,
    count: usize,
}

enum AmountAt {
    Signed(usize),
    PaidInOut(usize, usize),
}

/// A zero without its sign, so `-0.00` reads and writes as `0.00`.
fn zero_unsigned(mut amount: Decimal) -> Decimal {
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    amount
}

/// What [`StatementFormat::import`] read: the good lines, the bad rows, and counts to check
/// them by.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Imported {
    /// The header's line (1 unless blank lines come first).
    pub header_line: u64,
    /// How many rows followed the header: `lines.len() + errors.len() + balances.len()`.
    pub rows: usize,
    /// The rows read, in file order.
    pub lines: Vec<StatementLine>,
    /// The rows refused, in file order, each naming its line.
    pub errors: Vec<RowError>,
    /// Rows with a balance but no money in or out (a bank's "balance brought forward"), in
    /// file order. They are not transactions, so they are not reconciled; the first gives the
    /// statement's opening balance.
    pub balances: Vec<BalanceRow>,
}

/// A statement row with a balance and no money in or out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct BalanceRow {
    /// The physical line it starts on.
    pub line: u64,
    /// Its date.
    pub date: NaiveDate,
    /// The bank's description (trimmed).
    pub description: String,
    /// The balance.
    pub balance: Money,
}

/// What one row of a statement is.
enum Row {
    Line(StatementLine),
    Balance(BalanceRow),
}

/// The writer's own error inside a csv error, or the csv error as the source of an
/// [`io::ErrorKind::InvalidData`] error: never its text alone.
pub(crate) fn csv_io_error(e: csv::Error) -> std::io::Error {
    if e.is_io_error() {
        if let csv::ErrorKind::Io(io) = e.into_kind() {
            return io;
        }
        unreachable!("is_io_error said so");
    }
    std::io::Error::new(std::io::ErrorKind::InvalidData, e)
}
