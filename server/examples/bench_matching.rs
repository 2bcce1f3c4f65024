//! Benchmark, run by hand (not a test): an accountant commits a 100,000-line
//! bank statement against a school with 100,000 open invoices.
//!
//! `scripts/bench-matching.sh`, or
//! `cargo run --release -p hocphi-server --example bench_matching`.
//!
//! 1. Seeds a fresh SQLite database (the server's own `db::connect`: migrations,
//!    WAL, synchronous FULL) with one school, one receiving account, 100,000
//!    students and one open invoice each (with its fee lines, which receipts
//!    list). Timed, but not the benchmark.
//! 2. Writes a Vietcombank-shaped CSV statement in memory: title rows, a header,
//!    100,000 money-in lines with memos mangled the ways banks mangle them, some
//!    money-out lines and a totals row.
//! 3. Times the preview (`ledger::plan`: reads only, no write lock) and what
//!    committing does: base64 → `spreadsheet::read` → `statement::detect` +
//!    `statement::read` → `ledger::record_turn` (payments, allocations, credits
//!    and the receipts owed, many rows a statement, in write turns that end early
//!    when a notification waits) → commit, then the owed receipts signed and
//!    stored (`ledger::owed::issue_owed`). Meanwhile a task sends bank notifications for
//!    other invoices and prints how long each took to be answered. Prints lines
//!    per second and peak memory (VmHWM), and checks every line's outcome (the
//!    preview's and the commit's) against what was generated, so a fast but
//!    wrong run fails loudly.
//! 4. Times the pure in-memory part (`InvoiceCode::find_in_memo`) and the invoice
//!    lookups (`ledger::Books::load`) alone, to show where the time goes.

use base64::Engine;
use hocphi_app::domain::date::{Date, VIETNAM_OFFSET_SECS};
use hocphi_app::domain::ids::SchoolId;
use hocphi_app::domain::invoice_code::{InvoiceCode, ALPHABET};
use hocphi_app::domain::memo::fold_to_ascii;
use hocphi_app::domain::settlement::Outcome;
use hocphi_app::domain::statement;
use hocphi_app::domain::time::UnixTime;
use hocphi_app::server::bank::{self, Account, BankTransaction, Channel};
use hocphi_app::server::ledger::{self, Incoming};
use hocphi_app::server::vault::Vault;
use hocphi_app::server::{receipts, spreadsheet};
use hocphi_server::db;
use sqlx::query_builder::Separated;
use sqlx::{Any, AnyConnection, QueryBuilder};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

const STUDENTS: usize = 100_000;
const LINES: usize = 100_000;
const STUDENTS_PER_CLASS: usize = 40;
/// Bank notifications sent while the statement is recorded, and how often.
const NOTIFICATIONS: usize = 200;
const NOTIFY_EVERY_MS: u64 = 50;
/// Money-out lines (bank fees) in the statement: read and skipped.
const DEBIT_LINES: usize = 30;

const BIN: &str = "970436"; // Vietcombank
const ACCOUNT_NUMBER: &str = "0011004455667";
const PERIOD: &str = "2026-11";

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// SplitMix64: reproducible data without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh",
];
const MIDDLE: &[&str] = &[
    "Văn", "Minh", "Đức", "Gia", "Bảo", "Thị", "Ngọc", "Thu", "Khánh", "Thanh", "Phương",
];
const GIVEN: &[&str] = &[
    "An", "Bảo", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Huy", "Khang", "Khoa", "Long",
    "Minh", "Nam", "Phúc", "Quân", "Sơn", "Anh", "Chi", "Giang", "Hà", "Hân", "Hương", "Lan",
    "Linh", "Mai", "My", "Ngân", "Nhi", "Quỳnh", "Thảo", "Trang", "Vy", "Yến",
];
const PARENT_MIDDLE: &[&str] = &["VAN", "THI", "MINH", "DUC", "THU", "NGOC", "QUANG", "HONG"];
const PARENT_GIVEN: &[&str] = &[
    "HUNG", "LAN", "DUNG", "HOA", "TUAN", "HUONG", "MINH", "THAO", "NAM", "HANG", "LONG", "MAI",
    "BINH", "CUONG", "HA", "TRANG", "SON", "YEN",
];

/// An invoice as seeded: what the statement generator needs to pay it.
struct Seeded {
    id: i64,
    code: InvoiceCode,
    total: i64,
    /// The parent's name as banks print it: upper case, no diacritics.
    payer: String,
    class: String,
}

/// Inserts `rows` in multi-row `INSERT ... VALUES` statements of `chunk` rows.
async fn bulk<T>(
    conn: &mut AnyConnection,
    head: &str,
    rows: &[T],
    chunk: usize,
    mut bind: impl FnMut(&mut Separated<'_, 'static, Any, &'static str>, &T),
) -> Res<()> {
    for part in rows.chunks(chunk) {
        let mut query: QueryBuilder<'static, Any> = QueryBuilder::new(head);
        query.push_values(part, |mut b, row| bind(&mut b, row));
        query.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn seed(
    db: &sqlx::AnyPool,
    vault: &Vault,
    rng: &mut Rng,
) -> Res<(i64, Account, Vec<Seeded>)> {
    let mut tx = db.begin().await?;
    let (office_id,): (i64,) = sqlx::query_as(
        "INSERT INTO office (name, province, level) VALUES ('Sở GD&ĐT Quảng Ninh', 'Quảng Ninh', 'department') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await?;
    let (year_id,): (i64,) = sqlx::query_as(
        "INSERT INTO school_year (label, starts_on, ends_on) VALUES ('2026-2027', '2026-09-01', '2027-05-31') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await?;
    let (school_id,): (i64,) = sqlx::query_as(
        "INSERT INTO school (office_id, slug, name, legal_name, address, tax_code, level) \
         VALUES ($1, 'th-bench', 'Trường Tiểu học Hạ Long', 'Trường Tiểu học Hạ Long, thành phố Hạ Long', \
         'Số 12 đường Lê Thánh Tông, Hạ Long, Quảng Ninh', '5700123456', 'primary') RETURNING id",
    )
    .bind(office_id)
    .fetch_one(&mut *tx)
    .await?;
    // The receipt signing key is made with the school, as create_school does.
    let issued = Date::new(2026, 11, 1).expect("date").to_days() * 86_400 + 3600;
    receipts::current_key(&mut tx, vault, SchoolId(school_id), UnixTime(issued)).await?;
    let (account_id,): (i64,) = sqlx::query_as(
        "INSERT INTO beneficiary_account (school_id, bin, account_number, account_name, is_default) \
         VALUES ($1, $2, $3, 'TRUONG TIEU HOC HA LONG', 1) RETURNING id",
    )
    .bind(school_id)
    .bind(BIN)
    .bind(ACCOUNT_NUMBER)
    .fetch_one(&mut *tx)
    .await?;

    // Classes 1A01..5A500: 2,500 classes of 40.
    let classes: Vec<(i64, String, i64)> = (0..STUDENTS.div_ceil(STUDENTS_PER_CLASS))
        .map(|i| {
            let grade = (i % 5 + 1) as i64;
            (i as i64 + 1, format!("{grade}A{:02}", i / 5 + 1), grade)
        })
        .collect();
    bulk(
        &mut tx,
        "INSERT INTO class (id, school_id, school_year_id, name, grade) ",
        &classes,
        1000,
        |b, (id, name, grade)| {
            b.push_bind(*id)
                .push_bind(school_id)
                .push_bind(year_id)
                .push_bind(name.clone())
                .push_bind(*grade);
        },
    )
    .await?;

    let mut used = HashSet::new();
    let mut students: Vec<(i64, String, String, String, i64)> = Vec::with_capacity(STUDENTS);
    let mut invoices: Vec<Seeded> = Vec::with_capacity(STUDENTS);
    // (invoice, position, description, quantity, unit amount)
    let mut lines: Vec<(i64, i64, String, i64, i64)> = Vec::with_capacity(3 * STUDENTS);
    for i in 0..STUDENTS {
        let id = i as i64 + 1;
        let class_index = i / STUDENTS_PER_CLASS;
        let family = rng.pick(FAMILY);
        let name = format!("{family} {} {}", rng.pick(MIDDLE), rng.pick(GIVEN));
        let grade = classes[class_index].2;
        let born = Date::new(2026 - 6 - grade as i32, 9, 1)
            .expect("date")
            .add_days(rng.below(365) as i64);
        students.push((
            id,
            format!("22{:08}", i + 1),
            name,
            born.to_string(),
            class_index as i64 + 1,
        ));
        // Meals by the day (some days absent), care, and optional clubs.
        let meal_days = 22 - rng.below(4) as i64;
        let mut fees = vec![
            (
                format!("Tiền ăn bán trú ({meal_days} ngày × 30.000 đ)"),
                meal_days,
                30_000,
            ),
            ("Chăm sóc bán trú tháng 11/2026".to_string(), 1, 150_000),
        ];
        if rng.chance(35) {
            fees.push(("Câu lạc bộ Tiếng Anh tháng 11/2026".into(), 1, 200_000));
        }
        if rng.chance(20) {
            fees.push(("Câu lạc bộ Bóng đá tháng 11/2026".into(), 1, 120_000));
        }
        let total = fees.iter().map(|(_, q, unit)| q * unit).sum();
        for (position, (description, quantity, unit)) in fees.into_iter().enumerate() {
            lines.push((id, position as i64, description, quantity, unit));
        }
        let code = loop {
            let candidate = InvoiceCode::from_number(rng.next());
            if used.insert(candidate.clone()) {
                break candidate;
            }
        };
        invoices.push(Seeded {
            id,
            code,
            total,
            payer: format!(
                "{} {} {}",
                fold_to_ascii(family).to_uppercase(),
                rng.pick(PARENT_MIDDLE),
                rng.pick(PARENT_GIVEN)
            ),
            class: classes[class_index].1.clone(),
        });
    }
    bulk(
        &mut tx,
        "INSERT INTO student (id, school_id, code, full_name, date_of_birth) ",
        &students,
        1000,
        |b, (id, code, name, born, _)| {
            b.push_bind(*id)
                .push_bind(school_id)
                .push_bind(code.clone())
                .push_bind(name.clone())
                .push_bind(born.clone());
        },
    )
    .await?;
    bulk(
        &mut tx,
        "INSERT INTO enrolment (student_id, class_id, school_year_id) ",
        &students,
        1000,
        |b, (id, _, _, _, class_id)| {
            b.push_bind(*id).push_bind(*class_id).push_bind(year_id);
        },
    )
    .await?;
    bulk(
        &mut tx,
        "INSERT INTO invoice (id, code, school_id, student_id, class_id, period, title, total, due_on, issued_at) ",
        &invoices,
        1000,
        |b, inv| {
            b.push_bind(inv.id)
                .push_bind(inv.code.as_str().to_string())
                .push_bind(school_id)
                .push_bind(inv.id)
                .push_bind(students[inv.id as usize - 1].4)
                .push_bind(PERIOD)
                .push_bind("Các khoản thu tháng 11/2026")
                .push_bind(inv.total)
                .push_bind("2026-11-20")
                .push_bind(issued);
        },
    )
    .await?;
    bulk(
        &mut tx,
        "INSERT INTO invoice_line (invoice_id, position, description, quantity, unit_amount, amount) ",
        &lines,
        1000,
        |b, (invoice, position, description, quantity, unit)| {
            b.push_bind(*invoice)
                .push_bind(*position)
                .push_bind(description.clone())
                .push_bind(*quantity)
                .push_bind(*unit)
                .push_bind(quantity * unit);
        },
    )
    .await?;
    tx.commit().await?;
    // The planner's statistics, as a long-running database would have them.
    sqlx::query("ANALYZE").execute(db).await?;
    Ok((
        school_id,
        Account {
            id: account_id,
            bin: BIN.into(),
            account_number: ACCOUNT_NUMBER.into(),
        },
        invoices,
    ))
}

/// What a generated line pays, and so what recording it must do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The exact total of the invoice(s); a second one for the same invoice is a duplicate.
    Exact,
    Partial,
    Over,
    /// No usable code: none, a mistyped one, or one the bank cut short.
    NoCode,
}

struct Generated {
    kind: Kind,
    invoices: Vec<usize>,
    amount: i64,
    at: i64,
    memo: String,
}

/// A memo carrying one code, in one of the shapes banks produce.
fn coded_memo(rng: &mut Rng, code: &InvoiceCode, payer: &str) -> String {
    let c = code.as_str();
    match rng.below(14) {
        0 | 1 => format!(
            "MBVCB.{}.{}.HP {c}.CT tu {} {payer} toi {ACCOUNT_NUMBER} TRUONG TIEU HOC HA LONG",
            rng.digits(10),
            rng.digits(6),
            rng.digits(13)
        ),
        2 => format!("IBFT {}", code.memo_form()),
        3 => format!("{payer} chuyen tien HP {c} FT{}", rng.digits(14)),
        4 => format!("hp {} nop hoc phi", c.to_lowercase()),
        5 => format!("HP {} {} nop tien an T11", &c[..3], &c[3..]),
        6 => format!("{payer} chuyen tien HP{c}NOP HOC PHI"),
        7 => format!("Nộp học phí HP {c} cho con"),
        8 => format!("REM Tfr Ac: {} O@L HP {c} NOP HOC PHI", rng.digits(14)),
        9 => format!("QR - HP {c} Thu T11 2026"),
        10 => format!(
            "TKThe :{}, tai Techcombank. HP {c} hoc phi be -CTLNHIDI{}-1/1-CRE-002",
            rng.digits(14),
            rng.digits(15)
        ),
        11 => format!(
            "NHAN TU 09{} TRACE {} ND HP-{c}",
            rng.digits(8),
            rng.digits(6)
        ),
        12 => format!("ĐÓNG HỌC PHÍ HP {c} ĐỢT 1"),
        _ => format!("Chuyen tien tu MoMo. HP {c}. {payer}"),
    }
}

/// A memo with no code hocphi may use.
fn uncoded_memo(rng: &mut Rng, code: &InvoiceCode, payer: &str, class: &str) -> String {
    let c = code.as_str();
    match rng.below(10) {
        0 => {
            // One character mistyped: the check character catches it.
            let mut bytes = c.as_bytes().to_vec();
            let pos = rng.below(bytes.len());
            let old = ALPHABET
                .iter()
                .position(|&a| a == bytes[pos])
                .expect("code");
            bytes[pos] = ALPHABET[(old + 1 + rng.below(30)) % ALPHABET.len()];
            format!(
                "MBVCB.{}.HP {}.CT tu {payer}",
                rng.digits(10),
                String::from_utf8(bytes).expect("ascii")
            )
        }
        1 => format!("Chuyen tien tu MoMo. HP {}", &c[..6]),
        2 => format!("Dong HP cho chau lop {class}"),
        3 => format!("CUSTOMER {payer} FT{}", rng.digits(14)),
        4 => format!("Nop tien an lop {class} thang 11"),
        5 => format!("BIDV;{};CHUYEN KHOAN", rng.digits(14)),
        _ => format!("{payer} chuyen tien hoc phi thang 11"),
    }
}

/// 100,000 statement lines: ~68% exact, 2% one transfer for two children, 10%
/// partial, 5% over, 5% a second payment of an invoice already paid in full,
/// 10% without a usable code. In time order, as the bank lists them.
fn generate(rng: &mut Rng, invoices: &[Seeded]) -> Vec<Generated> {
    let partial = LINES / 10;
    let over = LINES / 20;
    let again = LINES / 20;
    let pairs = LINES / 50;
    let none = LINES / 10;
    let exact = LINES - partial - over - again - pairs - none;
    let mut order: Vec<usize> = (0..invoices.len()).collect();
    rng.shuffle(&mut order);
    let mut next = order.into_iter();
    let mut take = || next.next().expect("enough invoices");
    let mut lines = Vec::with_capacity(LINES);
    let mut exact_invoices = Vec::with_capacity(exact);
    for _ in 0..exact {
        let i = take();
        exact_invoices.push(i);
        let memo = coded_memo(rng, &invoices[i].code, &invoices[i].payer);
        lines.push((Kind::Exact, vec![i], invoices[i].total, memo));
    }
    for _ in 0..pairs {
        let (a, b) = (take(), take());
        let (ca, cb) = (invoices[a].code.as_str(), invoices[b].code.as_str());
        let memo = if rng.chance(50) {
            format!("hp {} + hp {}", ca.to_lowercase(), cb.to_lowercase())
        } else {
            format!("{} HP {ca} HP {cb} hoc phi 2 chau", invoices[a].payer)
        };
        let amount = invoices[a].total + invoices[b].total;
        lines.push((Kind::Exact, vec![a, b], amount, memo));
    }
    for _ in 0..partial {
        let i = take();
        let total = invoices[i].total;
        // Half, or the care fee only, or all but a few meals.
        let amount = match rng.below(3) {
            0 => total / 2 / 1000 * 1000,
            1 => 150_000,
            _ => total - 30_000 * (1 + rng.below(3) as i64),
        };
        let memo = coded_memo(rng, &invoices[i].code, &invoices[i].payer);
        lines.push((Kind::Partial, vec![i], amount, memo));
    }
    for _ in 0..over {
        let i = take();
        let total = invoices[i].total;
        // Rounded up to the next 100,000, or the club fee paid twice.
        let amount = match rng.below(2) {
            0 => (total / 100_000 + 1) * 100_000,
            _ => total + 200_000,
        };
        let memo = coded_memo(rng, &invoices[i].code, &invoices[i].payer);
        lines.push((Kind::Over, vec![i], amount, memo));
    }
    for _ in 0..again {
        let i = exact_invoices[rng.below(exact_invoices.len())];
        let memo = coded_memo(rng, &invoices[i].code, &invoices[i].payer);
        lines.push((Kind::Exact, vec![i], invoices[i].total, memo));
    }
    for _ in 0..none {
        let i = take();
        let memo = uncoded_memo(
            rng,
            &invoices[i].code,
            &invoices[i].payer,
            &invoices[i].class,
        );
        lines.push((Kind::NoCode, vec![], invoices[i].total, memo));
    }
    // 1–25 November, 06:00–22:00 Vietnam time; the bank lists them by time.
    let start = Date::new(2026, 11, 1).expect("date").to_days() * 86_400 - VIETNAM_OFFSET_SECS;
    let mut lines: Vec<Generated> = lines
        .into_iter()
        .map(|(kind, invoices, amount, memo)| Generated {
            kind,
            invoices,
            amount,
            at: start + rng.below(25) as i64 * 86_400 + 6 * 3600 + rng.below(16 * 3600) as i64,
            memo,
        })
        .collect();
    lines.sort_by_key(|l| l.at);
    lines
}

/// What recording each line must report, in statement order: a second exact
/// payment of an invoice already paid in full is a duplicate.
fn expected_outcomes(lines: &[Generated]) -> Vec<Outcome> {
    let mut paid: HashSet<usize> = HashSet::new();
    lines
        .iter()
        .map(|l| match l.kind {
            Kind::NoCode => Outcome::Unmatched,
            Kind::Partial => Outcome::PartlyPaid,
            Kind::Over => Outcome::Overpaid,
            Kind::Exact if l.invoices.iter().all(|i| paid.contains(i)) => Outcome::Duplicate,
            Kind::Exact => {
                paid.extend(&l.invoices);
                Outcome::Matched
            }
        })
        .collect()
}

fn dmy_hms(unix: i64) -> String {
    let local = unix + VIETNAM_OFFSET_SECS;
    let date = Date::from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}:{:02}",
        date.dmy(),
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `1250000` → `1,250,000`, as Vietcombank's export writes amounts.
fn commas(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn csv_row(out: &mut String, fields: &[&str]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, field);
    }
    out.push_str("\r\n");
}

/// The statement as Vietcombank's internet banking exports it (UTF-8 with BOM,
/// CRLF): title rows, the table, bank fees going out, and a totals row.
fn statement_csv(rng: &mut Rng, lines: &[Generated]) -> Vec<u8> {
    let mut out = String::with_capacity(lines.len() * 160);
    out.push('\u{feff}');
    out.push_str("NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM\r\n");
    out.push_str("SAO KÊ TÀI KHOẢN\r\n");
    out.push_str("Số tài khoản: 0011004455667 - TRUONG TIEU HOC HA LONG\r\n");
    out.push_str("Từ ngày 01/11/2026 đến ngày 25/11/2026\r\n");
    out.push_str("\r\n");
    csv_row(
        &mut out,
        &[
            "STT",
            "Ngày giao dịch",
            "Số tham chiếu",
            "Số tiền ghi nợ",
            "Số tiền ghi có",
            "Mô tả",
        ],
    );
    let fee_every = lines.len() / DEBIT_LINES;
    let (mut number, mut credit_total, mut debit_total) = (0usize, 0i64, 0i64);
    for (i, line) in lines.iter().enumerate() {
        number += 1;
        let reference = format!("FT2633{:08}", i + 1);
        csv_row(
            &mut out,
            &[
                &number.to_string(),
                &dmy_hms(line.at),
                &reference,
                "",
                &commas(line.amount),
                &line.memo,
            ],
        );
        credit_total += line.amount;
        if (i + 1) % fee_every == 0 {
            number += 1;
            let fee = 11_000 * (1 + rng.below(2) as i64);
            debit_total += fee;
            csv_row(
                &mut out,
                &[
                    &number.to_string(),
                    &dmy_hms(line.at + 1),
                    &format!("SMS2633{:07}", i + 1),
                    &commas(fee),
                    "",
                    "Thu phi dich vu SMS Banking",
                ],
            );
        }
    }
    csv_row(
        &mut out,
        &[
            "",
            "Tổng cộng",
            "",
            &commas(debit_total),
            &commas(credit_total),
            "",
        ],
    );
    out.into_bytes()
}

/// (VmHWM, VmRSS) in KiB, from /proc/self/status.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// CPU time of the whole process (threads that ended included), in clock
/// ticks of 1/100 s, and of each live thread by name: (ns run, ns waited for
/// a core while runnable), from /proc.
fn cpu_ticks() -> (u64, HashMap<String, (u64, u64)>) {
    // Fields after the ")" that ends the name: state is the 1st, utime the 12th.
    fn ticks(stat: &str) -> Option<(String, u64)> {
        let open = stat.find('(')?;
        let close = stat.rfind(')')?;
        let name = stat[open + 1..close].to_string();
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let user: u64 = fields.get(11)?.parse().ok()?;
        let system: u64 = fields.get(12)?.parse().ok()?;
        Some((name, user + system))
    }
    let total = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| ticks(&s))
        .map_or(0, |(_, t)| t);
    let mut threads: HashMap<String, (u64, u64)> = HashMap::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            // schedstat: ns on a core, ns runnable but waiting for one, slices.
            let sched = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            let mut fields = sched
                .split_whitespace()
                .map(|f| f.parse::<u64>().unwrap_or(0));
            let (run, wait) = (fields.next().unwrap_or(0), fields.next().unwrap_or(0));
            let entry = threads.entry(name.trim().to_string()).or_default();
            entry.0 += run;
            entry.1 += wait;
        }
    }
    (total, threads)
}

/// "name 1.23 s (waited 0.40 s for a core), …": what each thread name used
/// between two [`cpu_ticks`].
fn cpu_by_thread(
    before: &HashMap<String, (u64, u64)>,
    after: &HashMap<String, (u64, u64)>,
) -> String {
    let mut used: Vec<(u64, u64, &String)> = after
        .iter()
        .map(|(name, (run, wait))| {
            let (run0, wait0) = before.get(name).copied().unwrap_or((0, 0));
            (run.saturating_sub(run0), wait.saturating_sub(wait0), name)
        })
        .filter(|(run, _, _)| *run > 10_000_000)
        .collect();
    used.sort_by(|a, b| b.cmp(a));
    used.iter()
        .map(|(run, wait, name)| {
            format!(
                "{name} {:.2} s (waited {:.2} s for a core)",
                *run as f64 / 1e9,
                *wait as f64 / 1e9
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn per_second(count: usize, d: Duration) -> String {
    format!("{:.0} lines/s", count as f64 / d.as_secs_f64())
}

#[tokio::main]
async fn main() -> Res<()> {
    // Each SQL statement with its time, as JSON lines on stderr, for
    // scripts/sql-gaps.py: where recording spends its time between statements.
    if std::env::var_os("BENCH_SQL_LOG").is_some() {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter("sqlx::query=debug")
            .with_writer(std::io::stderr)
            .init();
    }
    let mut rng = Rng(20_261_126);
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = db::connect(&url).await?;
    // Receipts are signed with the school's key, sealed with this master key.
    let vault = std::sync::Arc::new(Vault::new(&[0x42; 32]));

    println!("== Seeding (not the benchmark) ==");
    let started = Instant::now();
    let (school_id, account, invoices) = seed(&db, &vault, &mut rng).await?;
    println!(
        "{STUDENTS} students, {} open invoices with their fee lines, 1 school, 1 account: {}",
        invoices.len(),
        secs(started.elapsed())
    );
    let (hwm_seeded, rss_seeded) = memory_kib();
    println!(
        "after seeding: VmHWM {}, VmRSS {}",
        mib(hwm_seeded),
        mib(rss_seeded)
    );

    let started = Instant::now();
    let generated = generate(&mut rng, &invoices);
    let expected = expected_outcomes(&generated);
    let csv = statement_csv(&mut rng, &generated);
    // The browser sends the file base64-encoded in JSON; the server decodes it.
    let content_base64 = base64::engine::general_purpose::STANDARD.encode(&csv);
    println!(
        "statement: {} money-in lines, {:.1} MiB of CSV, generated in {}",
        generated.len(),
        csv.len() as f64 / 1_048_576.0,
        secs(started.elapsed())
    );
    drop(csv);
    let (hwm_ready, rss_ready) = memory_kib();
    println!(
        "before the benchmark: VmHWM {}, VmRSS {}",
        mib(hwm_ready),
        mib(rss_ready)
    );
    // Linux resets VmHWM to the current RSS on "5" (since 4.0), so the peak below
    // is the benchmark's own; without it, it is the whole process's.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();

    println!("\n== Commit of the statement (the benchmark) ==");
    let t_start = Instant::now();
    let bytes = base64::engine::general_purpose::STANDARD.decode(content_base64.trim())?;
    // An upload is bounded at 10 MiB, and these 100,000 lines with their long
    // bank memos come to just over it (a school this size uploads two files).
    // Only that byte cap is lifted, to time the ledger on all 100,000 at once.
    let limits = spreadsheet::Limits {
        bytes: 16 * 1024 * 1024,
        ..spreadsheet::LIMITS
    };
    let grid = spreadsheet::read_within(&bytes, limits).map_err(|e| format!("{e:?}"))?;
    let t_grid = t_start.elapsed();
    let mapping = statement::detect(&grid).ok_or("headings not recognised")?;
    let read = statement::read(&grid, &mapping).map_err(|e| e.to_string())?;
    let t_parse = t_start.elapsed();
    let (hwm_parsed, _) = memory_kib();
    drop(grid);
    drop(bytes);
    assert_eq!(
        read.errors,
        vec![],
        "the generated statement has no bad row"
    );
    assert_eq!(read.lines.len(), LINES, "every money-in line read");
    assert_eq!(
        read.skipped,
        DEBIT_LINES + 1,
        "money-out lines and the totals row skipped"
    );

    let now = Date::new(2026, 11, 26).expect("date").to_days() * 86_400 + 2 * 3600;
    let incoming: Vec<Incoming> = read
        .lines
        .iter()
        .map(|line| bank::statement_line(&account, line))
        .collect();

    // The preview: the ledger plans every line with reads only, no write lock.
    let t_preview_start = Instant::now();
    let mut conn = db.acquire().await?;
    let planned = ledger::plan(&mut conn, SchoolId(school_id), &incoming).await?;
    drop(conn);
    let t_preview = t_preview_start.elapsed();

    // Bank notifications for invoices the statement does not pay, sent while it
    // is recorded: each must be answered as if nothing else were happening.
    let in_statement: HashSet<usize> = generated.iter().flat_map(|g| g.invoices.clone()).collect();
    let spare: Vec<(InvoiceCode, i64)> = (0..invoices.len())
        .filter(|i| !in_statement.contains(i))
        // Without them (BENCH_NO_NOTIFY): what the notifications' turns cost.
        .take(if std::env::var_os("BENCH_NO_NOTIFY").is_some() {
            0
        } else {
            NOTIFICATIONS
        })
        .map(|i| (invoices[i].code.clone(), invoices[i].total))
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let notifier = {
        let (db, vault, account, stop) = (db.clone(), vault.clone(), account.clone(), stop.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            for (n, (code, total)) in spare.into_iter().enumerate() {
                tokio::time::sleep(Duration::from_millis(NOTIFY_EVERY_MS)).await;
                if stop.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let transaction = BankTransaction {
                    transaction_id: format!("NOTIFY{n:04}"),
                    account_number: account.account_number.clone(),
                    amount: hocphi_app::domain::money::Vnd::new(total),
                    received_at: now,
                    memo: format!("IBFT {}", code.memo_form()),
                    payer_name: None,
                };
                let sent = Instant::now();
                let recorded = bank::record(
                    &db,
                    &vault,
                    SchoolId(school_id),
                    &account,
                    &transaction,
                    Channel::Notification,
                    UnixTime(now),
                )
                .await
                .expect("notification recorded");
                latencies.push((sent, sent.elapsed()));
                assert_eq!(
                    recorded.outcome,
                    Outcome::Matched,
                    "the notification's invoice is paid"
                );
            }
            latencies
        })
    };

    perf_control("enable");
    let (cpu_start, threads_start) = cpu_ticks();
    let t_record_start = Instant::now();
    // As commit_statement does: write turns (`ledger::record_turn`), each its
    // own transaction (its audit line left out here); the last one also saves
    // the mapping.
    let mut recorded = Vec::with_capacity(incoming.len());
    let mut turns = 0;
    let mut tx = loop {
        let turn = ledger::record_turn(
            &db,
            SchoolId(school_id),
            &incoming,
            recorded.len(),
            UnixTime(now),
        )
        .await?;
        turns += 1;
        recorded.extend(turn.recorded);
        if turn.lines.end == incoming.len() {
            break turn.tx;
        }
        turn.tx.commit().await?;
    };
    let outcomes: Vec<Outcome> = recorded
        .iter()
        .enumerate()
        .map(|(i, r)| {
            assert!(r.new, "row {} was already known", read.lines[i].row);
            r.outcome
        })
        .collect();
    hocphi_app::server::reconcile::save_mapping(
        &mut tx,
        SchoolId(school_id),
        &mapping,
        UnixTime(now),
    )
    .await?;
    let t_recorded = t_record_start.elapsed();
    tx.commit().await?;
    let t_record = t_record_start.elapsed();
    let recorded_at = Instant::now();
    let t_total = t_start.elapsed();
    let (cpu_end, threads_end) = cpu_ticks();
    perf_control("disable");
    // What the import does next (`commit_statement`): the receipts the turns
    // owe, issued in write turns of their own, notifications still arriving.
    let owed_before = ledger::owed::owed_count(&db).await?;
    let clock = hocphi_app::server::clock::FixedClock::at(now);
    let issued = ledger::owed::issue_owed(&db, &vault, &clock).await?;
    let t_receipts = recorded_at.elapsed();
    let (cpu_receipts, threads_receipts) = cpu_ticks();
    assert_eq!(
        issued as i64, owed_before,
        "every owed payment's receipts issued"
    );
    assert_eq!(ledger::owed::owed_count(&db).await?, 0, "nothing left owed");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let sent = notifier.await?;
    let latencies: Vec<Duration> = sent
        .iter()
        .filter(|(at, _)| *at < recorded_at)
        .map(|(_, took)| *took)
        .collect();
    let during_receipts: Vec<Duration> = sent
        .iter()
        .filter(|(at, _)| *at >= recorded_at)
        .map(|(_, took)| *took)
        .collect();
    let (hwm_end, rss_end) = memory_kib();

    println!("parse (base64, CSV → grid): {}", secs(t_grid));
    println!(
        "parse (detect + read {} lines): {}",
        read.lines.len(),
        secs(t_parse - t_grid)
    );
    println!("parse total: {}", secs(t_parse));
    println!(
        "preview (ledger::plan of {} lines, reads only, no write lock): {} ({})",
        planned.len(),
        secs(t_preview),
        per_second(planned.len(), t_preview)
    );
    println!(
        "matching + recording (ledger::record_turn, {turns} transactions): {} (of which the last commit {})",
        secs(t_record),
        secs(t_record - t_recorded)
    );
    // Two cores: CPU near twice the time means the recording waits for a core.
    println!(
        "CPU while recording: {:.2} s of the process ({}; threads that ended are in the process's figure only)",
        cpu_end.saturating_sub(cpu_start) as f64 / 100.0,
        cpu_by_thread(&threads_start, &threads_end)
    );
    println!(
        "total (parse + record; the preview is a separate request): {}",
        secs(t_total)
    );
    println!(
        "then the receipts of the {owed_before} payments that settled something (ledger::owed::issue_owed): {} \
         ({:.0} payments/s); CPU {:.2} s ({})",
        secs(t_receipts),
        owed_before as f64 / t_receipts.as_secs_f64(),
        cpu_receipts.saturating_sub(cpu_end) as f64 / 100.0,
        cpu_by_thread(&threads_end, &threads_receipts)
    );
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    for (what, list) in [
        ("the import", &latencies),
        ("its receipts", &during_receipts),
    ] {
        let mut sorted = list.clone();
        sorted.sort();
        if sorted.is_empty() {
            println!("no notification was sent during {what}");
        } else {
            println!(
                "{} bank notifications sent during {what}, every {NOTIFY_EVERY_MS} ms: median {}, max {}",
                sorted.len(),
                ms(sorted[sorted.len() / 2]),
                ms(*sorted.last().expect("one"))
            );
        }
    }
    let planned_outcomes: Vec<Outcome> = planned.iter().map(|p| p.outcome()).collect();
    println!(
        "throughput: {} overall; {} parsing; {} matching + recording",
        per_second(LINES, t_total),
        per_second(LINES, t_parse),
        per_second(LINES, t_record)
    );
    println!(
        "memory: VmHWM {} after seeding, {} before the benchmark, {} after parsing, {} at the end (VmRSS {})",
        mib(hwm_seeded),
        mib(hwm_ready),
        mib(hwm_parsed),
        mib(hwm_end),
        mib(rss_end)
    );
    if reset {
        println!(
            "peak during the benchmark: {} (VmHWM reset just before it; +{} over the RSS it started from)",
            mib(hwm_end),
            mib(hwm_end.saturating_sub(rss_ready))
        );
    } else {
        println!(
            "peak of the process: {} (VmHWM could not be reset; +{} over the peak before the benchmark)",
            mib(hwm_end.max(hwm_ready)),
            mib(hwm_end.saturating_sub(hwm_ready))
        );
    }

    // Every line's outcome must be what was generated.
    let count = |list: &[Outcome], o: Outcome| list.iter().filter(|x| **x == o).count();
    println!("\noutcome        recorded  generated");
    for o in [
        Outcome::Matched,
        Outcome::PartlyPaid,
        Outcome::Overpaid,
        Outcome::Duplicate,
        Outcome::Unmatched,
    ] {
        println!(
            "{:<14} {:>8}  {:>9}",
            o.as_str(),
            count(&outcomes, o),
            count(&expected, o)
        );
    }
    let wrong: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i] != expected[i] || planned_outcomes[i] != expected[i])
        .collect();
    for &i in wrong.iter().take(10) {
        eprintln!(
            "row {}: recorded {:?}, generated {:?}: {}",
            read.lines[i].row, outcomes[i], expected[i], read.lines[i].memo
        );
    }
    assert!(
        wrong.is_empty(),
        "{} lines recorded differently",
        wrong.len()
    );
    let allocated_expected: i64 = generated
        .iter()
        .zip(&expected)
        .map(|(g, o)| match o {
            Outcome::Matched | Outcome::PartlyPaid => g.amount,
            Outcome::Overpaid => g.invoices.iter().map(|&i| invoices[i].total).sum(),
            _ => 0,
        })
        .sum();
    let credit_expected: i64 = generated
        .iter()
        .zip(&expected)
        .filter(|(_, o)| **o == Outcome::Overpaid)
        .map(|(g, _)| g.amount - g.invoices.iter().map(|&i| invoices[i].total).sum::<i64>())
        .sum();
    let (payments, allocated, credit, receipts, parts): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM payment), \
            (SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) FROM payment_allocation), \
            (SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) FROM credit), \
            (SELECT COUNT(*) FROM receipt), \
            (SELECT COUNT(*) FROM payment_allocation)",
    )
    .fetch_one(&db)
    .await?;
    assert_eq!(
        receipts, parts,
        "one receipt for each part of a payment put against an invoice"
    );
    let notified = sent.len() as i64;
    assert_eq!(
        payments,
        LINES as i64 + notified,
        "one payment per line and notification"
    );
    let notified_total: i64 = (0..invoices.len())
        .filter(|i| !in_statement.contains(i))
        .take(sent.len())
        .map(|i| invoices[i].total)
        .sum();
    assert_eq!(
        allocated,
        allocated_expected + notified_total,
        "money allocated to invoices"
    );
    assert_eq!(credit, credit_expected, "overpayments kept as credit");
    println!(
        "every line as generated; {payments} payments, {} đồng allocated, {} đồng credit, {receipts} receipts signed",
        commas(allocated),
        commas(credit)
    );

    println!("\n== Where the time goes ==");
    let memos: Vec<&str> = read.lines.iter().map(|l| l.memo.as_str()).collect();
    let started = Instant::now();
    let found: Vec<Vec<InvoiceCode>> = memos.iter().map(|m| InvoiceCode::find_in_memo(m)).collect();
    let t_find = started.elapsed();
    println!(
        "find_in_memo over {} memos, in memory: {} ({}, {:.2} µs a memo; {} memos with a code)",
        memos.len(),
        secs(t_find),
        per_second(memos.len(), t_find),
        t_find.as_secs_f64() * 1e6 / memos.len() as f64,
        found.iter().filter(|f| !f.is_empty()).count()
    );
    let by_code: HashMap<&str, usize> = invoices
        .iter()
        .enumerate()
        .map(|(i, inv)| (inv.code.as_str(), i))
        .collect();
    let started = Instant::now();
    let hits = found
        .iter()
        .flatten()
        .filter(|c| by_code.contains_key(c.as_str()))
        .count();
    println!(
        "the same codes looked up in a HashMap of the 100,000 invoices: {} ({hits} hits)",
        secs(started.elapsed())
    );
    let mut conn = db.acquire().await?;
    let started = Instant::now();
    let all_codes: Vec<String> = found
        .iter()
        .flatten()
        .map(|c| c.as_str().to_string())
        .collect();
    let books = ledger::Books::load(&mut conn, SchoolId(school_id), &all_codes).await?;
    let t_open = started.elapsed();
    let open_found: usize = found.iter().map(|codes| books.open_for(codes).len()).sum();
    println!(
        "ledger::Books::load for those codes, alone (after the commit): {} ({:.1} µs a line; {open_found} invoices)",
        secs(t_open),
        t_open.as_secs_f64() * 1e6 / found.len() as f64
    );
    let started = Instant::now();
    for _ in 0..LINES {
        sqlx::query("SELECT 1").fetch_one(&mut *conn).await?;
    }
    let t_trip = started.elapsed();
    println!(
        "a statement that does nothing (SELECT 1) through sqlx: {:.1} µs a round trip \
         (varies several-fold with the machine's state)",
        t_trip.as_secs_f64() * 1e6 / LINES as f64
    );
    println!(
        "so of {} matching + recording: ~{} finding codes, ~{} looking invoices up, ~{} the rest \
         (writing payments, allocations, credits, outcomes and receipts owed, committing)",
        secs(t_record),
        secs(t_find),
        secs(t_open),
        secs(t_record.saturating_sub(t_find + t_open))
    );
    Ok(())
}

/// Profiling only the recording: with `HOCPHI_PERF_CTL` naming the control
/// fifo of `perf record --control fifo:… -D -1`, the profile covers exactly
/// the timed part, not the seeding (see `scripts/bench-matching.sh`).
fn perf_control(command: &str) {
    if let Ok(fifo) = std::env::var("HOCPHI_PERF_CTL") {
        if let Err(e) = std::fs::write(&fifo, format!("{command}\n")) {
            eprintln!("perf control {fifo}: {e}");
        }
    }
}
