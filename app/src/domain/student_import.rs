//! Reading a class list as schools export it: title rows ("DANH SÁCH HỌC SINH
//! LỚP 3A", the school year) above a header row with Vietnamese headers (any
//! case, with or without diacritics, in any order), then one student a row.
//! Every bad row is reported with its row number and reason; nothing is written
//! unless every row is good. Birth dates are checked against sense: none in the
//! future, none that make a child far too young or old for their grade.

use super::date::Date;
use super::memo::fold_to_ascii;
use serde::{Deserialize, Serialize};

/// The template's headers, in order.
pub const TEMPLATE_HEADERS: [&str; 5] = ["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp", "Khối"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Column {
    Code,
    Name,
    BirthDate,
    Class,
    Grade,
}

impl Column {
    fn of_header(header: &str) -> Option<Column> {
        let h = fold_to_ascii(header).to_lowercase();
        let h: String = h.split_whitespace().collect::<Vec<_>>().join(" ");
        match h.trim_matches(|c: char| !c.is_ascii_alphanumeric()) {
            "ma hoc sinh" | "ma hs" | "ma dinh danh" | "ma so hoc sinh" | "student code" => {
                Some(Column::Code)
            }
            "ho va ten" | "ho ten" | "ho ten hoc sinh" | "ho va ten hoc sinh" | "full name" => {
                Some(Column::Name)
            }
            "ngay sinh" | "ngay thang nam sinh" | "date of birth" => Some(Column::BirthDate),
            "lop" | "ten lop" | "class" => Some(Column::Class),
            "khoi" | "khoi lop" | "grade" => Some(Column::Grade),
            _ => None,
        }
    }
}

/// Student codes are compared as schools write them: upper case, no spaces
/// (" hs 002 " is "HS002"), wherever they come from.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A cell as read from the file: spreadsheets also hold real dates and numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            // Student codes typed as numbers come back as floats: 2201000001.0.
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.dmy(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentRecord {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub code: String,
    pub full_name: String,
    pub birth_date: Date,
    pub class_name: String,
    pub grade: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowProblem {
    MissingCode,
    BadCode(String),
    MissingName,
    BadBirthDate(String),
    MissingClass,
    BadGrade(String),
    /// A birth date after today: a typo in the year.
    BirthInFuture(String),
    /// A child this age is not in this grade (a 2-year-old in grade 5): most
    /// likely a typo in the year of birth.
    AgeUnlikelyForGrade {
        age: i64,
        grade: i64,
    },
    /// The same student code appears on an earlier row.
    DuplicateCode {
        code: String,
        first_row: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub problem: RowProblem,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FileProblem {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a readable .xlsx or .csv spreadsheet")]
    NotASpreadsheet,
    #[error("missing columns: {0:?}")]
    MissingColumns(Vec<Column>),
    #[error("the file has more than {0} rows")]
    TooManyRows(usize),
    /// Larger than an upload may be, in bytes (as sent, or once unzipped).
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the file has more than {0} columns")]
    TooManyColumns(usize),
    #[error("the file has more than {0} cells")]
    TooManyCells(usize),
    /// One cell holds more characters than any real one would.
    #[error("row {row}: a cell has more than {max} characters")]
    CellTooLong { row: usize, max: usize },
}

pub const MAX_ROWS: usize = 20_000;

/// How far down the header row may be: exports put a few title rows above it.
const HEADER_SEARCH_ROWS: usize = 30;

/// The ages, in whole years on the day of the import, a child in a grade can
/// plausibly be: grade 1 starts at 6, and repeating or starting late is common,
/// so the range is wide; preschool (grade 0) is 0 to 7.
fn plausible_age(grade: i64) -> std::ops::RangeInclusive<i64> {
    if grade == 0 {
        0..=7
    } else {
        (grade + 3)..=(grade + 12)
    }
}

/// Whole years from `birth` to `today`.
fn age_on(birth: Date, today: Date) -> i64 {
    let mut age = i64::from(today.year() - birth.year());
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// A class name as the school already writes it when it is one of `known`
/// but for case and spaces ("4b", "4 B" → "4B": a typo made a second class,
/// which invoices, links and reports then split), else as typed with its
/// spaces tidied ("Lá  1" → "Lá 1"; a preschool's names keep their case).
pub fn as_known_class(typed: &str, known: &[String]) -> String {
    let key = |name: &str| -> String {
        name.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let wanted = key(typed);
    known
        .iter()
        .find(|k| key(k) == wanted)
        .cloned()
        .unwrap_or_else(|| typed.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The grade from a class name when there is no grade column: "3A" → 3, "10A1" → 10.
pub fn grade_from_class(class: &str) -> Option<i64> {
    let digits: String = class.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok().filter(|g| (1..=12).contains(g))
}

fn parse_birth_date(cell: &Cell) -> Option<Date> {
    match cell {
        Cell::Date(d) => Some(*d),
        // An Excel date serial (days since 1899-12-30) in a number-formatted cell.
        Cell::Number(n) if (1.0..100_000.0).contains(n) => {
            // 1899-12-30 is 25 569 days before the Unix epoch.
            Some(Date::from_days(n.trunc() as i64 - 25_569))
        }
        other => Date::parse_dmy(&other.text()).ok(),
    }
}

const REQUIRED: [Column; 4] = [Column::Code, Column::Name, Column::BirthDate, Column::Class];

/// The header row: the first of the top rows that names every required column,
/// so title rows above it are skipped. When none does, the row that names the
/// most, with what it lacks.
fn find_header(rows: &[Vec<Cell>]) -> Result<(usize, Vec<Option<Column>>), FileProblem> {
    let mut best: Option<(usize, Vec<Option<Column>>, usize)> = None;
    for (index, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let columns: Vec<Option<Column>> =
            row.iter().map(|c| Column::of_header(&c.text())).collect();
        let named = REQUIRED
            .iter()
            .filter(|r| columns.contains(&Some(**r)))
            .count();
        if named == REQUIRED.len() {
            return Ok((index, columns));
        }
        if best.as_ref().is_none_or(|(_, _, n)| named > *n) {
            best = Some((index, columns, named));
        }
    }
    let (_, columns, _) = best.ok_or(FileProblem::Empty)?;
    let missing = REQUIRED
        .into_iter()
        .filter(|c| !columns.contains(&Some(*c)))
        .collect();
    Err(FileProblem::MissingColumns(missing))
}

/// Reads the rows (title rows, the header, then students). Returns the good
/// records and every bad row; `today` is the date birth dates are checked against.
pub fn parse(
    rows: &[Vec<Cell>],
    today: Date,
) -> Result<(Vec<StudentRecord>, Vec<RowError>), FileProblem> {
    let (header_index, columns) = find_header(rows)?;
    if rows.len() > MAX_ROWS + header_index + 1 {
        return Err(FileProblem::TooManyRows(MAX_ROWS));
    }
    let rows_iter = rows.iter().enumerate().skip(header_index + 1);
    let find = |col: Column| columns.iter().position(|c| *c == Some(col));
    let (code_at, name_at, birth_at, class_at) = (
        find(Column::Code).expect("checked"),
        find(Column::Name).expect("checked"),
        find(Column::BirthDate).expect("checked"),
        find(Column::Class).expect("checked"),
    );
    let grade_at = find(Column::Grade);

    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, row) in rows_iter {
        let row_no = index + 1;
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |at: usize| row.get(at).cloned().unwrap_or(Cell::Empty);
        let fail = |problem| RowError {
            row: row_no,
            problem,
        };
        let code = normalize_code(&cell(code_at).text());
        let name = cell(name_at)
            .text()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let class_name = cell(class_at).text();
        let grade_text = grade_at.map(|at| cell(at).text()).unwrap_or_default();
        let problem = if code.is_empty() {
            Some(RowProblem::MissingCode)
        } else if code.len() > 32
            || !code
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            Some(RowProblem::BadCode(code.clone()))
        } else if name.is_empty() {
            Some(RowProblem::MissingName)
        } else if class_name.is_empty() {
            Some(RowProblem::MissingClass)
        } else {
            None
        };
        if let Some(p) = problem {
            errors.push(fail(p));
            continue;
        }
        let Some(birth_date) = parse_birth_date(&cell(birth_at)) else {
            errors.push(fail(RowProblem::BadBirthDate(cell(birth_at).text())));
            continue;
        };
        let grade = if grade_text.is_empty() {
            grade_from_class(&class_name)
        } else {
            grade_text
                .parse::<i64>()
                .ok()
                .filter(|g| (0..=12).contains(g))
        };
        let Some(grade) = grade.or(if grade_text.is_empty() { Some(0) } else { None }) else {
            errors.push(fail(RowProblem::BadGrade(grade_text)));
            continue;
        };
        if birth_date > today {
            errors.push(fail(RowProblem::BirthInFuture(birth_date.dmy())));
            continue;
        }
        let age = age_on(birth_date, today);
        if !plausible_age(grade).contains(&age) {
            errors.push(fail(RowProblem::AgeUnlikelyForGrade { age, grade }));
            continue;
        }
        if let Some(&first_row) = seen.get(&code) {
            errors.push(fail(RowProblem::DuplicateCode { code, first_row }));
            continue;
        }
        seen.insert(code.clone(), row_no);
        records.push(StudentRecord {
            row: row_no,
            code,
            full_name: name,
            birth_date,
            class_name,
            grade,
        });
    }
    Ok((records, errors))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_class_typed_with_another_case_or_spaces_is_the_school_s() {
        let known = vec!["4B".to_string(), "Lá 1".to_string()];
        assert_eq!(as_known_class("4b", &known), "4B");
        assert_eq!(as_known_class(" 4 B ", &known), "4B");
        assert_eq!(as_known_class("lá1", &known), "Lá 1");
        assert_eq!(as_known_class("4C", &known), "4C");
        assert_eq!(as_known_class("Chồi  2", &known), "Chồi 2");
    }

    use super::*;

    fn today() -> Date {
        Date::new(2026, 12, 4).unwrap()
    }

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.into())
        }
    }
    fn rows(lines: &[&[&str]]) -> Vec<Vec<Cell>> {
        lines
            .iter()
            .map(|l| l.iter().map(|c| t(c)).collect())
            .collect()
    }

    #[test]
    fn reads_a_class_list_with_headers_in_any_order_and_form() {
        let input = rows(&[
            &["STT", "Ho va ten", "MÃ HỌC SINH", "Ngày sinh", "Lớp"],
            &["1", "Nguyễn  Văn An", "2201000101", "05/09/2017", "3A"],
            &["", "", "", "", ""],
            &["2", "Trần Thị Bình", " hs 002 ", "5/1/2016", "4B"],
        ]);
        let (records, errors) = parse(&input, today()).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].full_name, "Nguyễn Văn An");
        assert_eq!((records[0].row, records[0].grade), (2, 3));
        assert_eq!(records[1].code, "HS002");
        assert_eq!(records[1].row, 4);
        assert_eq!(records[1].birth_date.to_string(), "2016-01-05");
    }

    #[test]
    fn every_bad_row_is_named_with_its_reason() {
        let input = rows(&[
            &["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp", "Khối"],
            &["A1", "Lê An", "31/02/2017", "3A", "3"],
            &["", "Lê Bình", "01/02/2017", "3A", "3"],
            &["A3", "", "01/02/2017", "3A", "3"],
            &["A4", "Lê Dung", "01/02/2017", "", "3"],
            &["A5", "Lê Hoa", "01/02/2017", "3A", "ba"],
            &["A6", "Lê Khoa", "01/02/2017", "3A", "3"],
            &["a6", "Lê Khoa", "01/02/2017", "3A", "3"],
            &["A 8!", "Lê Lan", "01/02/2017", "3A", "3"],
        ]);
        let (records, errors) = parse(&input, today()).unwrap();
        assert_eq!(records.len(), 1);
        let problems: Vec<(usize, RowProblem)> =
            errors.into_iter().map(|e| (e.row, e.problem)).collect();
        assert_eq!(
            problems,
            vec![
                (2, RowProblem::BadBirthDate("31/02/2017".into())),
                (3, RowProblem::MissingCode),
                (4, RowProblem::MissingName),
                (5, RowProblem::MissingClass),
                (6, RowProblem::BadGrade("ba".into())),
                (
                    8,
                    RowProblem::DuplicateCode {
                        code: "A6".into(),
                        first_row: 7
                    }
                ),
                (9, RowProblem::BadCode("A8!".into())),
            ]
        );
    }

    #[test]
    fn spreadsheet_numbers_and_dates() {
        let input = vec![
            rows(&[&["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp"]]).remove(0),
            vec![
                Cell::Number(2201000101.0),
                t("Lê An"),
                Cell::Number(42983.0),
                t("3A"),
            ],
            vec![
                t("X2"),
                t("Lê Bình"),
                Cell::Date(Date::new(2021, 9, 5).unwrap()),
                t("Lá 1"),
            ],
        ];
        let (records, errors) = parse(&input, today()).unwrap();
        assert!(errors.is_empty());
        assert_eq!(records[0].code, "2201000101");
        assert_eq!(records[0].birth_date.to_string(), "2017-09-05");
        assert_eq!(
            records[1].grade, 0,
            "preschool classes have no grade number"
        );
    }

    #[test]
    fn file_level_problems() {
        assert_eq!(parse(&[], today()), Err(FileProblem::Empty));
        assert_eq!(
            parse(&rows(&[&["Họ và tên", "Lớp"]]), today()),
            Err(FileProblem::MissingColumns(vec![
                Column::Code,
                Column::BirthDate
            ]))
        );
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let input = rows(&[
            &["DANH SÁCH HỌC SINH LỚP 3A", "", "", ""],
            &["Năm học 2026 - 2027", "", "", ""],
            &["", "", "", ""],
            &["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp"],
            &["2201000101", "Lê An", "05/09/2017", "3A"],
        ]);
        let (records, errors) = parse(&input, today()).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (records[0].row, records[0].code.as_str()),
            (5, "2201000101")
        );
        // A title row that happens to name some columns does not hide the real header.
        let input = rows(&[
            &["Lớp 3A", "Họ và tên giáo viên: Đỗ Thị Mai"],
            &["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp"],
            &["2201000101", "Lê An", "05/09/2017", "3A"],
        ]);
        assert_eq!(parse(&input, today()).unwrap().0.len(), 1);
    }

    #[test]
    fn birth_dates_are_checked_against_sense() {
        let input = rows(&[
            &["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp"],
            &["A1", "Lê An", "05/09/2030", "3A"],
            &["A2", "Lê Bình", "05/09/2024", "5A"],
            &["A3", "Lê Chi", "05/09/1990", "1A"],
            &["A4", "Lê Dung", "05/12/2020", "1A"],
            &["A5", "Lê Hà", "05/09/2022", "Mầm 1"],
        ]);
        let (records, errors) = parse(&input, today()).unwrap();
        let problems: Vec<(usize, RowProblem)> =
            errors.into_iter().map(|e| (e.row, e.problem)).collect();
        assert_eq!(
            problems,
            vec![
                (2, RowProblem::BirthInFuture("05/09/2030".into())),
                (3, RowProblem::AgeUnlikelyForGrade { age: 2, grade: 5 }),
                (4, RowProblem::AgeUnlikelyForGrade { age: 36, grade: 1 }),
            ]
        );
        // Five the day after tomorrow, in grade 1: young but possible.
        assert_eq!(
            records.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            ["A4", "A5"]
        );
        assert_eq!(age_on(Date::new(2020, 12, 5).unwrap(), today()), 5);
        assert_eq!(age_on(Date::new(2020, 12, 4).unwrap(), today()), 6);
    }
}
