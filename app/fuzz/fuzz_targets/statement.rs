//! Bank statements, card-terminal settlements and class lists as grids of
//! cells (what the spreadsheet reader hands on): lines are tab-separated cells,
//! a cell that reads as a number becomes one. Never panics.
#![no_main]
use hocphi_app::domain::student_import::Cell;
use hocphi_app::domain::{pos_settlement, statement, student_import};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let grid: Vec<Vec<Cell>> = text
        .lines()
        .take(200)
        .map(|line| {
            line.split('\t')
                .take(40)
                .map(|c| match c {
                    "" => Cell::Empty,
                    _ => c
                        .parse::<f64>()
                        .map(Cell::Number)
                        .unwrap_or_else(|_| Cell::Text(c.to_string())),
                })
                .collect()
        })
        .collect();
    if let Some(mapping) = statement::detect(&grid) {
        let _ = statement::headings(&grid, &mapping);
        let _ = statement::read(&grid, &mapping);
    }
    let _ = pos_settlement::read(&grid);
    let _ = student_import::parse(&grid, hocphi_app::domain::date::Date::from_days(20_000));
});
