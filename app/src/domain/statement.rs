//! Bank statements as banks export them (`.xlsx` or `.csv`): find the columns,
//! read each money-in line, and say precisely which row is wrong and why.
//!
//! Every bank lays its export out differently (title rows above the table, debit
//! and credit in separate columns, a totals row at the bottom, amounts written
//! `1,250,000` or `1.250.000,00`), so columns are found by their heading: from a
//! preset for a known bank, from the mapping the school saved last time, or by
//! recognising the usual Vietnamese and English headings.

use super::date::{Date, VIETNAM_OFFSET_SECS};
use super::memo::fold_to_ascii;
use super::money::Vnd;
use super::student_import::Cell;
use serde::{Deserialize, Serialize};

/// Which heading holds each thing hocphi needs. Headings are compared without
/// diacritics, case or extra spaces.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub date: String,
    /// Money in ("ghi có"). Money out is not read: a school's fees only come in.
    pub credit: String,
    /// The bank's reference for the transaction: how a line is recognised when
    /// the same transfer was already notified or imported.
    pub reference: String,
    pub memo: String,
    #[serde(default)]
    pub payer: Option<String>,
}

/// A known bank's export layout.
pub struct Preset {
    pub id: &'static str,
    pub bank: &'static str,
    /// Date, credit, reference, memo, payer ("" when the export has none).
    pub headings: [&'static str; 5],
}

impl Preset {
    pub fn mapping(&self) -> Mapping {
        let [date, credit, reference, memo, payer] = self.headings;
        Mapping {
            date: date.into(),
            credit: credit.into(),
            reference: reference.into(),
            memo: memo.into(),
            payer: (!payer.is_empty()).then(|| payer.into()),
        }
    }
}

/// The statement layouts of the banks schools use most, as their internet
/// banking exports head the columns. Any other layout: recognised by heading, or
/// mapped by hand once and saved.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "vietcombank",
        bank: "Vietcombank",
        headings: [
            "Ngày giao dịch",
            "Số tiền ghi có",
            "Số tham chiếu",
            "Mô tả",
            "",
        ],
    },
    Preset {
        id: "bidv",
        bank: "BIDV",
        headings: [
            "Ngày hiệu lực",
            "Ghi có",
            "Số tham chiếu",
            "Mô tả giao dịch",
            "",
        ],
    },
    Preset {
        id: "vietinbank",
        bank: "VietinBank",
        headings: [
            "Ngày giao dịch",
            "Ghi có",
            "Số giao dịch",
            "Nội dung giao dịch",
            "Tên đối ứng",
        ],
    },
    Preset {
        id: "agribank",
        bank: "Agribank",
        headings: ["Ngày GD", "Số tiền ghi có", "Số CT", "Nội dung", ""],
    },
    Preset {
        id: "techcombank",
        bank: "Techcombank",
        headings: [
            "Ngày giao dịch",
            "Ghi có",
            "Số bút toán",
            "Diễn giải",
            "Đối tác",
        ],
    },
    Preset {
        id: "mbbank",
        bank: "MB",
        headings: [
            "Ngày giao dịch",
            "Phát sinh có",
            "Số bút toán",
            "Nội dung",
            "Tên đối ứng",
        ],
    },
    Preset {
        id: "acb",
        bank: "ACB",
        headings: [
            "Ngày hiệu lực",
            "Tiền vào",
            "Số GD",
            "Nội dung giao dịch",
            "",
        ],
    },
];

pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Headings recognised without a preset, most specific first.
const DATE_WORDS: &[&str] = &[
    "ngay giao dich",
    "ngay hieu luc",
    "ngay hach toan",
    "thoi gian giao dich",
    "ngay gd",
    "transaction date",
    "posting date",
    "value date",
    "thoi gian",
    "ngay",
    "date",
];
const CREDIT_WORDS: &[&str] = &[
    "so tien ghi co",
    "phat sinh co",
    "so tien co",
    "ghi co",
    "tien vao",
    "credit amount",
    "credit",
    "co",
];
const REFERENCE_WORDS: &[&str] = &[
    "so tham chieu",
    "ma tham chieu",
    "so but toan",
    "ma giao dich",
    "so giao dich",
    "reference number",
    "transaction id",
    "so gd",
    "ma gd",
    "so ct",
    "reference",
    "ref no",
    "ref",
];
const MEMO_WORDS: &[&str] = &[
    "noi dung giao dich",
    "noi dung thanh toan",
    "mo ta giao dich",
    "chi tiet giao dich",
    "noi dung",
    "mo ta",
    "dien giai",
    "description",
    "details",
    "remarks",
];
const PAYER_WORDS: &[&str] = &[
    "ten nguoi chuyen",
    "ten doi ung",
    "ten doi tac",
    "nguoi chuyen",
    "doi tac",
    "remitter",
    "counterparty",
];

/// A heading as compared: no diacritics, lower case, single spaces, no punctuation.
pub fn heading_key(text: &str) -> String {
    fold_to_ascii(text)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How well a heading cell names a field: 2 exactly, 1 contains it as words, 0 not.
fn fits(cell: &str, wanted: &str) -> u8 {
    let cell = heading_key(cell);
    let wanted = heading_key(wanted);
    if wanted.is_empty() || cell.is_empty() {
        0
    } else if cell == wanted {
        2
    } else if wanted.len() >= 4 && format!(" {cell} ").contains(&format!(" {wanted} ")) {
        1
    } else {
        0
    }
}

/// The column that best fits one of `words` (earlier words win), not already taken.
pub(crate) fn best_column(row: &[Cell], words: &[&str], taken: &[usize]) -> Option<usize> {
    let mut best: Option<(usize, u8, usize)> = None; // (word rank, fit, column)
    for (rank, word) in words.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            if taken.contains(&col) {
                continue;
            }
            let fit = fits(&cell.text(), word);
            if fit == 0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((r, f, _)) => fit > f || (fit == f && rank < r),
            };
            if better {
                best = Some((rank, fit, col));
            }
        }
    }
    best.map(|(_, _, col)| col)
}

/// Where the table starts and which column is which.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Columns {
    header_row: usize,
    date: usize,
    credit: usize,
    reference: usize,
    memo: usize,
    payer: Option<usize>,
}

/// Banks put a title, the account and the period above the table.
pub(crate) const HEADER_SEARCH_ROWS: usize = 40;

fn locate(grid: &[Vec<Cell>], lists: [&[&str]; 5]) -> Option<Columns> {
    for (index, row) in grid.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let mut taken = Vec::new();
        let mut pick = |words: &[&str]| {
            let col = best_column(row, words, &taken)?;
            taken.push(col);
            Some(col)
        };
        // Most specific first, so "ghi có" is not taken by a looser date word.
        let (Some(reference), Some(credit), Some(memo), Some(date)) = (
            pick(lists[2]),
            pick(lists[1]),
            pick(lists[3]),
            pick(lists[0]),
        ) else {
            continue;
        };
        let payer = if lists[4].is_empty() {
            None
        } else {
            pick(lists[4])
        };
        return Some(Columns {
            header_row: index,
            date,
            credit,
            reference,
            memo,
            payer,
        });
    }
    None
}

/// Recognises the columns from their headings alone, and says which headings it took.
pub fn detect(grid: &[Vec<Cell>]) -> Option<Mapping> {
    let columns = locate(
        grid,
        [
            DATE_WORDS,
            CREDIT_WORDS,
            REFERENCE_WORDS,
            MEMO_WORDS,
            PAYER_WORDS,
        ],
    )?;
    let heading = |col: usize| grid[columns.header_row][col].text();
    Some(Mapping {
        date: heading(columns.date),
        credit: heading(columns.credit),
        reference: heading(columns.reference),
        memo: heading(columns.memo),
        payer: columns.payer.map(heading),
    })
}

/// The headings of the table (the row a mapping or the recognised headings point
/// at), for the accountant to choose from when mapping by hand.
pub fn headings(grid: &[Vec<Cell>], mapping: &Mapping) -> Vec<String> {
    locate_mapping(grid, mapping)
        .map(|c| c.header_row)
        .or_else(|| {
            grid.iter()
                .take(HEADER_SEARCH_ROWS)
                .position(|r| r.iter().filter(|c| !c.is_empty()).count() >= 3)
        })
        .map(|row| {
            grid[row]
                .iter()
                .map(Cell::text)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn locate_mapping(grid: &[Vec<Cell>], mapping: &Mapping) -> Option<Columns> {
    let payer: Vec<&str> = mapping.payer.as_deref().into_iter().collect();
    locate(
        grid,
        [
            &[mapping.date.as_str()],
            &[mapping.credit.as_str()],
            &[mapping.reference.as_str()],
            &[mapping.memo.as_str()],
            &payer,
        ],
    )
}

/// One money-in line of a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The row number as the spreadsheet shows it (first row is 1).
    pub row: usize,
    pub reference: String,
    pub amount: Vnd,
    /// Unix seconds (the bank's local time is Vietnam's).
    pub at: i64,
    pub memo: String,
    pub payer: Option<String>,
}

/// What is wrong with one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineProblem {
    MissingReference,
    /// The amount could not be read (the text as found).
    BadAmount(String),
    /// Đồng have no fractions; a statement line with one is misread.
    FractionalAmount(String),
    NegativeCredit(String),
    BadDate(String),
    DuplicateReference {
        first_row: usize,
    },
}

impl LineProblem {
    /// What the accountant reads, in Vietnamese and English.
    pub fn describe(&self) -> (String, String) {
        match self {
            LineProblem::MissingReference => (
                "thiếu số tham chiếu của ngân hàng".into(),
                "the bank's reference is missing".into(),
            ),
            LineProblem::BadAmount(t) => (
                format!("không đọc được số tiền «{t}»"),
                format!("cannot read the amount \"{t}\""),
            ),
            LineProblem::FractionalAmount(t) => (
                format!("số tiền «{t}» có phần lẻ dưới một đồng"),
                format!("the amount \"{t}\" has a fraction of a đồng"),
            ),
            LineProblem::NegativeCredit(t) => (
                format!("số tiền ghi có «{t}» là số âm"),
                format!("the credit \"{t}\" is negative"),
            ),
            LineProblem::BadDate(t) => (
                format!("không đọc được ngày «{t}»"),
                format!("cannot read the date \"{t}\""),
            ),
            LineProblem::DuplicateReference { first_row } => (
                format!("số tham chiếu trùng với dòng {first_row}"),
                format!("the same reference as row {first_row}"),
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub row: usize,
    pub problem: LineProblem,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum StatementProblem {
    #[error("the file has no rows")]
    Empty,
    #[error("no table with the mapped columns was found")]
    ColumnsNotFound,
    #[error("the statement has more than {0} rows")]
    TooManyRows(usize),
}

pub const MAX_LINES: usize = 200_000;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub lines: Vec<Line>,
    pub errors: Vec<LineError>,
    /// Money-out, balance and totals rows: not fees, not read.
    pub skipped: usize,
}

/// Reads the money-in lines under the mapped headings.
pub fn read(grid: &[Vec<Cell>], mapping: &Mapping) -> Result<Statement, StatementProblem> {
    if grid.iter().all(|r| r.iter().all(Cell::is_empty)) {
        return Err(StatementProblem::Empty);
    }
    if grid.len() > MAX_LINES + HEADER_SEARCH_ROWS {
        return Err(StatementProblem::TooManyRows(MAX_LINES));
    }
    let columns = locate_mapping(grid, mapping).ok_or(StatementProblem::ColumnsNotFound)?;
    let mut statement = Statement::default();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let empty = Cell::Empty;
    for (index, row) in grid.iter().enumerate().skip(columns.header_row + 1) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |col: usize| row.get(col).unwrap_or(&empty);
        let number = index + 1;
        let credit = match read_amount(cell(columns.credit)) {
            Ok(Some(amount)) if amount.is_positive() => amount,
            Ok(_) => {
                statement.skipped += 1;
                continue;
            }
            Err(problem) => {
                statement.errors.push(LineError {
                    row: number,
                    problem,
                });
                continue;
            }
        };
        if is_totals_row(row) || (cell(columns.date).is_empty() && cell(columns.memo).is_empty()) {
            statement.skipped += 1;
            continue;
        }
        let reference = cell(columns.reference).text();
        let problem = if reference.is_empty() {
            Some(LineProblem::MissingReference)
        } else {
            seen.get(&reference.to_uppercase())
                .map(|first| LineProblem::DuplicateReference { first_row: *first })
        };
        let at = read_moment(cell(columns.date));
        match (problem, at) {
            (Some(problem), _) | (None, Err(problem)) => statement.errors.push(LineError {
                row: number,
                problem,
            }),
            (None, Ok(at)) => {
                seen.insert(reference.to_uppercase(), number);
                statement.lines.push(Line {
                    row: number,
                    reference,
                    amount: credit,
                    at,
                    memo: cell(columns.memo).text(),
                    payer: columns
                        .payer
                        .map(|c| cell(c).text())
                        .filter(|p| !p.is_empty()),
                });
            }
        }
    }
    Ok(statement)
}

/// "Tổng cộng", "Cộng phát sinh", "Total": the footer, not a transfer.
pub(crate) fn is_totals_row(row: &[Cell]) -> bool {
    row.iter().any(|c| {
        let key = heading_key(&c.text());
        key.starts_with("tong") || key.starts_with("cong phat sinh") || key.starts_with("total")
    })
}

/// An amount as banks write it: `1,250,000`, `1.250.000`, `1 250 000 VND`,
/// `1,250,000.00`, `1.250.000,00`, `+1250000`. `None` for an empty cell.
pub fn read_amount(cell: &Cell) -> Result<Option<Vnd>, LineProblem> {
    let text = match cell {
        Cell::Empty => return Ok(None),
        Cell::Number(n) => {
            return if n.fract() != 0.0 {
                Err(LineProblem::FractionalAmount(n.to_string()))
            } else if n.abs() >= 1e15 {
                Err(LineProblem::BadAmount(n.to_string()))
            } else if *n < 0.0 {
                Err(LineProblem::NegativeCredit(n.to_string()))
            } else {
                Ok(Some(Vnd::new(*n as i64)))
            };
        }
        Cell::Date(d) => return Err(LineProblem::BadAmount(d.dmy())),
        Cell::Text(t) => t.trim(),
    };
    parse_amount(text)
}

pub fn parse_amount(text: &str) -> Result<Option<Vnd>, LineProblem> {
    let bad = || LineProblem::BadAmount(text.to_string());
    let mut body: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    for unit in ["VND", "VNĐ", "vnd", "vnđ", "đ", "Đ", "d"] {
        if let Some(rest) = body.strip_suffix(unit) {
            body = rest.to_string();
        }
    }
    if body.is_empty() || body == "-" || body == "0" {
        return Ok(None);
    }
    let negative = body.starts_with('-') || (body.starts_with('(') && body.ends_with(')'));
    let body = body
        .trim_start_matches(['+', '-', '('])
        .trim_end_matches(')');
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(bad());
    }
    // The last separator is a decimal mark when 1 or 2 digits follow it, or when
    // both kinds of separator appear and it is the last kind.
    let last_sep = body.rfind(['.', ',']);
    let (whole, fraction) = match last_sep {
        Some(pos) => {
            let after = &body[pos + 1..];
            let kinds = body.contains('.') && body.contains(',');
            let same_kind_before = body[..pos].contains(&body[pos..pos + 1]);
            if (after.len() != 3 || kinds) && !same_kind_before {
                (&body[..pos], after)
            } else {
                (body, "")
            }
        }
        None => (body, ""),
    };
    if fraction.chars().any(|c| c != '0') {
        return Err(LineProblem::FractionalAmount(text.to_string()));
    }
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    // Thousands groups must be groups of three.
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    if digits.is_empty()
        || digits.len() > 15
        || groups.iter().skip(1).any(|g| g.len() != 3)
        || groups[0].is_empty()
    {
        return Err(bad());
    }
    let value: i64 = digits.parse().map_err(|_| bad())?;
    if negative && value > 0 {
        return Err(LineProblem::NegativeCredit(text.to_string()));
    }
    Ok((value > 0).then(|| Vnd::new(value)))
}

/// A statement's date or date-and-time, in Vietnam's time, as Unix seconds:
/// `25/11/2026`, `25/11/2026 14:02:37`, `2026-11-25 14:02`, `2026-11-25T14:02:37`,
/// or a spreadsheet date.
pub fn read_moment(cell: &Cell) -> Result<i64, LineProblem> {
    match cell {
        Cell::Date(d) => Ok(d.to_days() * 86_400 - VIETNAM_OFFSET_SECS),
        Cell::Number(serial) if (20_000.0..80_000.0).contains(serial) => {
            // Spreadsheet serial days since 1899-12-30; the fraction is the time of day.
            let seconds = (serial * 86_400.0).round() as i64;
            Ok(seconds - 25_569 * 86_400 - VIETNAM_OFFSET_SECS)
        }
        Cell::Text(t) => parse_moment(t),
        other => Err(LineProblem::BadDate(other.text())),
    }
}

pub fn parse_moment(text: &str) -> Result<i64, LineProblem> {
    let bad = || LineProblem::BadDate(text.to_string());
    let text = text.trim();
    let mut parts = text.splitn(2, [' ', 'T']);
    let day_part = parts.next().unwrap_or("");
    let time_part = parts.next().unwrap_or("").trim();
    let date = if day_part.len() == 10 && day_part.as_bytes()[4] == b'-' {
        Date::parse_iso(day_part)
    } else {
        Date::parse_dmy(day_part)
    }
    .map_err(|_| bad())?;
    let mut seconds = 0i64;
    if !time_part.is_empty() {
        let fields: Vec<&str> = time_part
            .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '+')
            .split(':')
            .collect();
        if !(2..=3).contains(&fields.len()) {
            return Err(bad());
        }
        let limits = [24, 60, 60];
        for (i, field) in fields.iter().enumerate() {
            let whole = field.split('.').next().unwrap_or("");
            let v: i64 = whole.parse().map_err(|_| bad())?;
            if v < 0 || v >= limits[i] {
                return Err(bad());
            }
            seconds += v * [3600, 60, 1][i];
        }
    }
    Ok(date.to_days() * 86_400 + seconds - VIETNAM_OFFSET_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }

    fn grid(rows: &[&[&str]]) -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|r| r.iter().map(|c| t(c)).collect())
            .collect()
    }

    #[test]
    fn amounts_as_banks_write_them() {
        let ok = |s: &str, v: i64| assert_eq!(parse_amount(s), Ok(Some(Vnd::new(v))), "{s}");
        ok("1,250,000", 1_250_000);
        ok("1.250.000", 1_250_000);
        ok("1 250 000 VND", 1_250_000);
        ok("1,250,000.00", 1_250_000);
        ok("1.250.000,00", 1_250_000);
        ok("+1250000", 1_250_000);
        ok("1250000đ", 1_250_000);
        ok("980.000", 980_000);
        ok("5,000", 5_000);
        ok("745000.0", 745_000);
        assert_eq!(parse_amount(""), Ok(None));
        assert_eq!(parse_amount("0"), Ok(None));
        assert_eq!(parse_amount("-"), Ok(None));
        assert!(matches!(
            parse_amount("1,250,000.50"),
            Err(LineProblem::FractionalAmount(_))
        ));
        assert!(matches!(
            parse_amount("-500,000"),
            Err(LineProblem::NegativeCredit(_))
        ));
        assert!(matches!(
            parse_amount("12,34,5"),
            Err(LineProblem::BadAmount(_))
        ));
        assert!(matches!(
            parse_amount("abc"),
            Err(LineProblem::BadAmount(_))
        ));
        assert_eq!(
            read_amount(&Cell::Number(980000.0)),
            Ok(Some(Vnd::new(980_000)))
        );
        assert!(read_amount(&Cell::Number(0.5)).is_err());
    }

    #[test]
    fn dates_and_times() {
        let base = Date::new(2026, 11, 25).unwrap().to_days() * 86_400 - VIETNAM_OFFSET_SECS;
        assert_eq!(parse_moment("25/11/2026"), Ok(base));
        assert_eq!(
            parse_moment("25/11/2026 14:02:37"),
            Ok(base + 14 * 3600 + 2 * 60 + 37)
        );
        assert_eq!(parse_moment("2026-11-25 14:02"), Ok(base + 14 * 3600 + 120));
        assert_eq!(
            parse_moment("2026-11-25T14:02:37"),
            Ok(base + 14 * 3600 + 157)
        );
        assert!(parse_moment("31/13/2026").is_err());
        assert!(parse_moment("25/11/2026 25:00").is_err());
        // 46351 is 2026-11-25 in spreadsheet days; .5 is noon.
        assert_eq!(read_moment(&Cell::Number(46351.5)), Ok(base + 12 * 3600));
    }

    #[test]
    fn recognises_a_vietcombank_like_export_with_a_title_and_a_totals_row() {
        let g = grid(&[
            &["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM", "", "", "", ""],
            &["SAO KÊ TÀI KHOẢN", "", "", "", ""],
            &["Số tài khoản: 0011004455667", "", "", "", ""],
            &[],
            &[
                "STT",
                "Ngày giao dịch",
                "Số tham chiếu",
                "Số tiền ghi nợ",
                "Số tiền ghi có",
                "Mô tả",
            ],
            &[
                "1",
                "25/11/2026 09:12:01",
                "FT2633012345",
                "",
                "980,000",
                "MBVCB.123.HP K7Q2M9XA.CT tu",
            ],
            &[
                "2",
                "25/11/2026 10:00:00",
                "FT2633012346",
                "50,000",
                "",
                "Phi dich vu",
            ],
            &[
                "3",
                "26/11/2026",
                "FT2633012347",
                "",
                "1.250.000",
                "IBFT nop hoc phi",
            ],
            &["", "Tổng cộng", "", "50,000", "2,230,000", ""],
        ]);
        let mapping = detect(&g).expect("headings recognised");
        assert_eq!(mapping.credit, "Số tiền ghi có");
        assert_eq!(mapping.reference, "Số tham chiếu");
        assert_eq!(mapping.memo, "Mô tả");
        let s = read(&g, &mapping).unwrap();
        assert_eq!(s.errors, vec![]);
        assert_eq!(s.skipped, 2);
        assert_eq!(s.lines.len(), 2);
        assert_eq!(s.lines[0].row, 6);
        assert_eq!(s.lines[0].amount, Vnd::new(980_000));
        assert_eq!(s.lines[1].reference, "FT2633012347");
        // The preset finds the same columns.
        assert_eq!(read(&g, &preset("vietcombank").unwrap().mapping()), Ok(s));
    }

    #[test]
    fn says_which_row_is_wrong_and_why() {
        let g = grid(&[
            &["Ngày GD", "Số CT", "Số tiền ghi có", "Nội dung"],
            &["25/11/2026", "A1", "980,000", "HP K7Q2M9XA"],
            &["32/11/2026", "A2", "100,000", "x"],
            &["25/11/2026", "", "100,000", "y"],
            &["25/11/2026", "A3", "1,000.5", "z"],
            &["25/11/2026", "a1", "200,000", "again"],
        ]);
        let s = read(&g, &preset("agribank").unwrap().mapping()).unwrap();
        let problems: Vec<(usize, LineProblem)> =
            s.errors.into_iter().map(|e| (e.row, e.problem)).collect();
        assert_eq!(
            problems,
            vec![
                (3, LineProblem::BadDate("32/11/2026".into())),
                (4, LineProblem::MissingReference),
                (5, LineProblem::FractionalAmount("1,000.5".into())),
                (6, LineProblem::DuplicateReference { first_row: 2 }),
            ]
        );
        assert_eq!(s.lines.len(), 1);
    }

    #[test]
    fn a_mapping_that_fits_nothing_is_refused() {
        let g = grid(&[&["a", "b", "c", "d"], &["1", "2", "3", "4"]]);
        assert_eq!(detect(&g), None);
        assert_eq!(
            read(&g, &preset("bidv").unwrap().mapping()),
            Err(StatementProblem::ColumnsNotFound)
        );
        assert_eq!(read(&[], &Mapping::default()), Err(StatementProblem::Empty));
    }

    #[test]
    fn every_preset_reads_its_own_layout() {
        for p in PRESETS {
            let mut header: Vec<&str> = p
                .headings
                .iter()
                .copied()
                .filter(|h| !h.is_empty())
                .collect();
            header.insert(0, "STT");
            let mut row = vec!["1", "25/11/2026", "1,000,000", "REF1", "HP K7Q2M9XA"];
            if p.headings[4].is_empty() {
                row.truncate(5);
            } else {
                row.push("NGUYEN VAN A");
            }
            let g = grid(&[&header, &row]);
            let s = read(&g, &p.mapping()).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            assert_eq!(s.lines.len(), 1, "{}", p.id);
            assert_eq!(s.lines[0].amount, Vnd::new(1_000_000), "{}", p.id);
            assert_eq!(
                detect(&g).map(|m| read(&g, &m).unwrap()),
                Some(s),
                "{}",
                p.id
            );
        }
    }
}
