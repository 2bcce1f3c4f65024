//! Turning an uploaded file into rows of cells: `.xlsx` (by its zip signature,
//! whatever the file is called) or CSV (UTF-8, with or without BOM, or UTF-16
//! with BOM; comma, semicolon or tab separated).

use crate::domain::date::Date;
use crate::domain::student_import::{Cell, FileProblem};
use calamine::{Data, Reader};

fn from_excel_serial(serial: f64) -> Option<Date> {
    (1.0..100_000.0)
        .contains(&serial)
        .then(|| Date::from_days(serial.trunc() as i64 - 25_569))
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|_| FileProblem::NotASpreadsheet)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(FileProblem::Empty)?
        .map_err(|_| FileProblem::NotASpreadsheet)?;
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::Empty => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    // A date with a time of day stays a number, so a statement
                    // keeps the time; a plain date (a birth date) becomes a date.
                    Data::DateTime(dt) if dt.as_f64().fract() != 0.0 => Cell::Number(dt.as_f64()),
                    Data::DateTime(dt) => from_excel_serial(dt.as_f64())
                        .map(Cell::Date)
                        .unwrap_or(Cell::Empty),
                    Data::DateTimeIso(s) => Date::parse_iso(s.get(..10).unwrap_or(s))
                        .map(Cell::Date)
                        .unwrap_or_else(|_| Cell::Text(s.clone())),
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                    Data::Error(_) => Cell::Empty,
                })
                .collect()
        })
        .collect())
}

fn decode_text(bytes: &[u8]) -> Result<String, FileProblem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| FileProblem::NotASpreadsheet);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16(&units).map_err(|_| FileProblem::NotASpreadsheet);
    }
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| FileProblem::NotASpreadsheet)?;
    if text.contains('\0') {
        return Err(FileProblem::NotASpreadsheet);
    }
    Ok(text)
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    let text = decode_text(bytes)?;
    // Bank statements start with title lines that hold no separator, so the
    // separator is the one the busiest of the first lines uses most.
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .rev()
        .max_by_key(|d| {
            text.lines()
                .take(50)
                .map(|line| line.bytes().filter(|b| b == d).count())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| FileProblem::NotASpreadsheet)?;
        // Blank lines are rows too when the file is opened in a spreadsheet, and
        // errors name rows by the number the accountant sees.
        if let Some(line) = record.position().map(|p| p.line() as usize) {
            while rows.len() + 1 < line {
                rows.push(Vec::new());
            }
        }
        rows.push(
            record
                .iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c.to_string())
                    }
                })
                .collect(),
        );
    }
    Ok(rows)
}

pub fn read(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_csv_in_the_encodings_and_separators_schools_use() {
        let utf8 = "\u{feff}Mã học sinh;Họ và tên\r\nA1;Lê Ánh\r\n"
            .as_bytes()
            .to_vec();
        let rows = read(&utf8).unwrap();
        assert_eq!(
            rows[1],
            vec![Cell::Text("A1".into()), Cell::Text("Lê Ánh".into())]
        );
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "Mã học sinh\tHọ và tên\nA1\tLê Ánh\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(read(&utf16).unwrap()[1][1], Cell::Text("Lê Ánh".into()));
        assert_eq!(read(b""), Err(FileProblem::Empty));
        assert_eq!(
            read(b"\x89PNG\r\n\x1a\n\0\0\0"),
            Err(FileProblem::NotASpreadsheet)
        );
        assert_eq!(
            read(b"PK\x03\x04not really a zip"),
            Err(FileProblem::NotASpreadsheet)
        );
    }
}
