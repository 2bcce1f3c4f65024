//! Turning an uploaded file into rows of cells: `.xlsx` (by its zip signature,
//! whatever the file is called) or CSV (UTF-8, with or without BOM, or UTF-16
//! with BOM; comma, semicolon or tab separated).
//!
//! Uploads are hostile until measured. A 5 KB `.xlsx` can declare a cell at
//! XFD1048576 (a dense grid of 17 billion cells) or unzip to gigabytes, so
//! nothing here trusts what a file says of itself: the zip's entries are
//! measured by inflating them into nothing before calamine reads them, cells are
//! streamed one at a time, and rows, columns, cells and text lengths are counted
//! against [`LIMITS`] as they arrive. Past a limit the answer names it and
//! nothing more is read. Callers run this on the heavy-work pool
//! (`server::heavy`), never on an async worker.

use crate::domain::date::Date;
use crate::domain::student_import::{Cell, FileProblem};
use calamine::{DataRef, Reader};
use std::io::{Cursor, Read};

/// What one upload may hold. A bank's year of statements is well under these;
/// a class list far under.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The file as uploaded.
    pub bytes: usize,
    /// An `.xlsx`'s entries once inflated, all together.
    pub unzipped_bytes: u64,
    /// Entries in an `.xlsx` (a real workbook has a few dozen).
    pub zip_entries: usize,
    pub rows: usize,
    pub columns: usize,
    /// Cells of the grid handed on, the empty ones inside rows included.
    pub cells: usize,
    /// Characters in one cell.
    pub cell_chars: usize,
}

pub const LIMITS: Limits = Limits {
    bytes: 10 * 1024 * 1024,
    unzipped_bytes: 100 * 1024 * 1024,
    zip_entries: 1_000,
    rows: 250_000,
    columns: 64,
    cells: 3_000_000,
    cell_chars: 4_000,
};

/// Counts what a file puts in the grid, and stops at the first limit passed.
struct Grid {
    limits: Limits,
    rows: Vec<Vec<Cell>>,
    cells: usize,
}

impl Grid {
    fn new(limits: Limits) -> Self {
        Grid {
            limits,
            rows: Vec::new(),
            cells: 0,
        }
    }

    /// Puts a cell at (row, column), both from 0; empty cells are not stored.
    fn put(&mut self, row: usize, column: usize, cell: Cell) -> Result<(), FileProblem> {
        if matches!(cell, Cell::Empty) {
            return Ok(());
        }
        if row >= self.limits.rows {
            return Err(FileProblem::TooManyRows(self.limits.rows));
        }
        if column >= self.limits.columns {
            return Err(FileProblem::TooManyColumns(self.limits.columns));
        }
        if let Cell::Text(text) = &cell {
            if text.chars().count() > self.limits.cell_chars {
                return Err(FileProblem::CellTooLong {
                    row: row + 1,
                    max: self.limits.cell_chars,
                });
            }
        }
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let line = &mut self.rows[row];
        if line.len() <= column {
            self.cells += column + 1 - line.len();
            if self.cells > self.limits.cells {
                return Err(FileProblem::TooManyCells(self.limits.cells));
            }
            line.resize(column + 1, Cell::Empty);
        }
        line[column] = cell;
        Ok(())
    }
}

fn from_excel_serial(serial: f64) -> Option<Date> {
    (1.0..100_000.0)
        .contains(&serial)
        .then(|| Date::from_days(serial.trunc() as i64 - 25_569))
}

fn cell_of(data: DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Text(b.to_string()),
        // A date with a time of day stays a number, so a statement keeps the
        // time; a plain date (a birth date) becomes a date.
        DataRef::DateTime(dt) if dt.as_f64().fract() != 0.0 => Cell::Number(dt.as_f64()),
        DataRef::DateTime(dt) => from_excel_serial(dt.as_f64())
            .map(Cell::Date)
            .unwrap_or(Cell::Empty),
        DataRef::DateTimeIso(s) => Date::parse_iso(s.get(..10).unwrap_or(&s))
            .map(Cell::Date)
            .unwrap_or(Cell::Text(s)),
        DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(_) => Cell::Empty,
    }
}

/// Inflates every entry into nothing, counting: a zip bomb is refused before
/// calamine holds any of it, whatever sizes its headers declare.
fn measure_zip(bytes: &[u8], limits: Limits) -> Result<(), FileProblem> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::NotASpreadsheet)?;
    if zip.len() > limits.zip_entries {
        return Err(FileProblem::NotASpreadsheet);
    }
    let mut left = limits.unzipped_bytes;
    for index in 0..zip.len() {
        let entry = zip
            .by_index(index)
            .map_err(|_| FileProblem::NotASpreadsheet)?;
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|_| FileProblem::NotASpreadsheet)?;
        if read > left {
            return Err(FileProblem::TooLarge(limits.unzipped_bytes as usize));
        }
        left -= read;
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<Cell>>, FileProblem> {
    measure_zip(bytes, limits)?;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| FileProblem::NotASpreadsheet)?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or(FileProblem::Empty)?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| FileProblem::NotASpreadsheet)?;
    let mut grid = Grid::new(limits);
    while let Some(cell) = cells
        .next_cell()
        .map_err(|_| FileProblem::NotASpreadsheet)?
    {
        let (row, column) = cell.get_position();
        grid.put(
            row as usize,
            column as usize,
            cell_of(cell.get_value().clone()),
        )?;
    }
    Ok(grid.rows)
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

fn read_csv(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<Cell>>, FileProblem> {
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
    let mut grid = Grid::new(limits);
    for record in reader.records() {
        let record = record.map_err(|_| FileProblem::NotASpreadsheet)?;
        // Blank lines are rows too when the file is opened in a spreadsheet, and
        // errors name rows by the number the accountant sees. (The reader's line
        // count can lag, with \r\n endings, so it only ever moves a row down.)
        let row = record
            .position()
            .map(|p| p.line() as usize - 1)
            .unwrap_or(0)
            .max(grid.rows.len());
        if row >= limits.rows {
            return Err(FileProblem::TooManyRows(limits.rows));
        }
        for (column, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                grid.put(row, column, Cell::Text(field.to_string()))?;
            }
        }
        if grid.rows.len() <= row {
            grid.rows.resize_with(row + 1, Vec::new);
        }
    }
    Ok(grid.rows)
}

/// An uploaded file (base64, as the staff app sends it) read off the async
/// workers: its first sheet, within [`LIMITS`]. A body that is not base64 is
/// refused as an import with errors.
pub async fn read_upload(content_base64: &str) -> Result<Vec<Vec<Cell>>, crate::error::AppError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content_base64.trim())
        .map_err(|_| crate::error::AppError::ImportRejected)?;
    super::heavy::run(move || read(&bytes))
        .await?
        .map_err(crate::error::AppError::File)
}

/// The file's first sheet as rows of cells, within [`LIMITS`].
pub fn read(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    read_within(bytes, LIMITS)
}

pub fn read_within(bytes: &[u8], limits: Limits) -> Result<Vec<Vec<Cell>>, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > limits.bytes {
        return Err(FileProblem::TooLarge(limits.bytes));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, limits)
    } else {
        read_csv(bytes, limits)
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

    /// An .xlsx written by a real writer (rust_xlsxwriter), with `cells` filled.
    fn xlsx(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (row, col, text) in cells {
            sheet.write_string(*row, *col, *text).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn reads_an_xlsx_cell_by_cell() {
        let rows = read(&xlsx(&[(0, 0, "Mã"), (0, 1, "Tên"), (2, 1, "Lê Ánh")])).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            vec![Cell::Text("Mã".into()), Cell::Text("Tên".into())]
        );
        assert_eq!(rows[2], vec![Cell::Empty, Cell::Text("Lê Ánh".into())]);
    }

    /// The file that aborted the server: one cell in A1, one in XFD1048576.
    /// Read into a dense grid it asked for 512 GiB.
    #[test]
    fn a_cell_at_the_far_corner_is_refused_without_allocating_the_grid() {
        let bomb = xlsx(&[(0, 0, "a"), (1_048_575, 16_383, "z")]);
        assert!(bomb.len() < 10_000);
        assert_eq!(read(&bomb), Err(FileProblem::TooManyRows(LIMITS.rows)));
        let wide = xlsx(&[(0, 0, "a"), (0, 16_383, "z")]);
        assert_eq!(
            read(&wide),
            Err(FileProblem::TooManyColumns(LIMITS.columns))
        );
        let csv_wide = format!("a{}z\n", ",".repeat(LIMITS.columns));
        assert_eq!(
            read(csv_wide.as_bytes()),
            Err(FileProblem::TooManyColumns(LIMITS.columns))
        );
    }

    #[test]
    fn every_limit_is_named_when_passed() {
        let small = Limits {
            bytes: 1_000,
            unzipped_bytes: 20_000,
            zip_entries: 100,
            rows: 10,
            columns: 4,
            cells: 12,
            cell_chars: 20,
        };
        assert_eq!(
            read_within(&[b'a'; 1_001], small),
            Err(FileProblem::TooLarge(1_000))
        );
        let many_rows = "a\n".repeat(11);
        assert_eq!(
            read_within(many_rows.as_bytes(), small),
            Err(FileProblem::TooManyRows(10))
        );
        let many_cells = "a,b,c,d\n".repeat(4);
        assert_eq!(
            read_within(many_cells.as_bytes(), small),
            Err(FileProblem::TooManyCells(12))
        );
        let long = format!("ok\n{}\n", "x".repeat(21));
        assert_eq!(
            read_within(long.as_bytes(), small),
            Err(FileProblem::CellTooLong { row: 2, max: 20 })
        );
        // A cell of 30,000 repeated characters zips to a few hundred bytes.
        let big = "x".repeat(30_000);
        let bomb = xlsx(&[(0, 0, &big)]);
        assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
        let room = Limits {
            bytes: 10_000,
            ..small
        };
        assert_eq!(read_within(&bomb, room), Err(FileProblem::TooLarge(20_000)));
    }
}
