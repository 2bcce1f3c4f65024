//! Demo data that looks real: Quảng Ninh as it is since July 2025: the province's
//! Department of Education, two wards (Hồng Gai: a primary and a preschool; Bãi
//! Cháy: a lower-secondary) and an upper-secondary school the Department supervises, ~300 students with Vietnamese names, fee items
//! and invoices for last month and this month, some paid, some not.
//!
//! Deterministic: a fixed random seed and the injected clock give the same data
//! every time, so tests and screenshots can rely on it.

use hocphi_app::domain::date::{Date, Month};
use hocphi_app::domain::invoice_code::InvoiceCode;
use hocphi_app::domain::money::Vnd;
use hocphi_app::server::state::Db;
use std::collections::HashSet;

/// A student the README and the tests can look up: code and date of birth.
pub const FEATURED_STUDENT_CODE: &str = "2201000001";
pub const FEATURED_BIRTH_DATE: &str = "05/09/2017";
pub const FEATURED_SCHOOL: &str = "th-ha-long";
/// Their younger sister at the preschool, for a family with two children.
pub const SIBLING_STUDENT_CODE: &str = "2203000001";
pub const SIBLING_BIRTH_DATE: &str = "12/03/2021";
pub const SIBLING_SCHOOL: &str = "mn-hoa-hong";

/// Demo staff accounts (demo database only), all with this password.
pub const DEMO_PASSWORD: &str = "hocphi-demo-2026";
/// The featured school's Mobile Money account (VNPT Money).
pub const DEMO_WALLET: (&str, &str) = ("971011", "0912345678");
/// The featured school's merchant code and secret at the gateway simulator.
pub const DEMO_GATEWAY: (&str, &str) = ("HOCPHI01", "demo-gateway-secret-not-for-production");
/// The Department of Education's officer: every school of the province.
pub const DEMO_OFFICER: &str = "sogd";
/// The ward of Hồng Gai's officer: its primary school and preschool only.
pub const DEMO_WARD_OFFICER: &str = "ubnd.honggai";
pub const DEMO_ACCOUNTANT: &str = "ketoan.thhl";
pub const DEMO_TEACHER: &str = "gv.3a";

/// SplitMix64: tiny, fast and good enough to shuffle demo data reproducibly.
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
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Phạm", "Hoàng",
    "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh",
];
const MIDDLE_BOY: &[&str] = &[
    "Văn", "Minh", "Đức", "Quang", "Gia", "Hoàng", "Anh", "Thành", "Bảo", "Hữu", "Tuấn",
];
const MIDDLE_GIRL: &[&str] = &[
    "Thị", "Ngọc", "Thu", "Minh", "Bảo", "Khánh", "Thanh", "Phương", "Diệu", "Hải",
];
const GIVEN_BOY: &[&str] = &[
    "An", "Bảo", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Huy", "Hùng",
    "Khang", "Khánh", "Khoa", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang",
    "Sơn", "Tài", "Thắng", "Thịnh", "Trung", "Tuấn", "Việt", "Vinh", "Lâm", "Kiên",
];
const GIVEN_GIRL: &[&str] = &[
    "An", "Anh", "Chi", "Diệp", "Giang", "Hà", "Hân", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai",
    "My", "Ngân", "Ngọc", "Nhi", "Như", "Phương", "Quỳnh", "Thảo", "Thư", "Trang", "Trâm", "Uyên",
    "Vy", "Yến", "Ánh",
];
const PARENT_GIVEN: &[&str] = &[
    "HUNG", "LAN", "DUNG", "HOA", "TUAN", "HUONG", "MINH", "THAO", "NAM", "HANG", "LONG", "MAI",
];

fn full_name(rng: &mut Rng) -> String {
    let family = rng.pick(FAMILY);
    if rng.chance(50) {
        format!("{family} {} {}", rng.pick(MIDDLE_BOY), rng.pick(GIVEN_BOY))
    } else {
        format!(
            "{family} {} {}",
            rng.pick(MIDDLE_GIRL),
            rng.pick(GIVEN_GIRL)
        )
    }
}

struct Fee {
    name: &'static str,
    amount: Vnd,
    unit: &'static str,
    mandatory: bool,
}

/// Which demo office supervises a school (two tiers since 1 July 2025).
#[derive(Clone, Copy, PartialEq)]
enum DemoOffice {
    Department,
    HongGai,
    BaiChay,
}

struct SchoolPlan {
    office: DemoOffice,
    slug: &'static str,
    name: &'static str,
    legal_name: &'static str,
    address: &'static str,
    tax_code: &'static str,
    level: &'static str,
    bin: &'static str,
    account: &'static str,
    account_name: &'static str,
    /// (class name, grade, students)
    classes: &'static [(&'static str, i64, usize)],
    /// Age in September of the school year's first grade listed here.
    age_at_grade_start: i32,
    fees: &'static [Fee],
    methods: &'static [&'static str],
    /// (name, role, phone, Zalo)
    contacts: &'static [(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    )],
}

const SCHOOLS: &[SchoolPlan] = &[
    SchoolPlan {
        office: DemoOffice::HongGai,
        slug: "th-ha-long",
        name: "Trường Tiểu học Hạ Long",
        legal_name: "Trường Tiểu học Hạ Long, phường Hồng Gai",
        address: "Số 12 đường Lê Thánh Tông, phường Hồng Gai, tỉnh Quảng Ninh",
        tax_code: "5700123456",
        level: "primary",
        bin: "970436",
        account: "1023456789",
        account_name: "TRUONG TIEU HOC HA LONG",
        classes: &[
            ("1A", 1, 14),
            ("1B", 1, 14),
            ("2A", 2, 14),
            ("2B", 2, 14),
            ("3A", 3, 14),
            ("3B", 3, 14),
            ("4A", 4, 14),
            ("4B", 4, 14),
            ("5A", 5, 14),
            ("5B", 5, 14),
        ],
        age_at_grade_start: 6,
        fees: &[
            Fee {
                name: "Tiền ăn bán trú",
                amount: Vnd::new(30_000),
                unit: "meal_day",
                mandatory: true,
            },
            Fee {
                name: "Chăm sóc bán trú",
                amount: Vnd::new(150_000),
                unit: "month",
                mandatory: true,
            },
            Fee {
                name: "Câu lạc bộ Tiếng Anh",
                amount: Vnd::new(200_000),
                unit: "month",
                mandatory: false,
            },
        ],
        methods: &["qr_transfer", "website", "mobile_money", "card_pos", "cash"],
        contacts: &[
            ("Lê Thị Hồng", "Kế toán", "0912345678", Some("0912345678")),
            ("Phạm Văn Đức", "Phó hiệu trưởng", "0987654321", None),
        ],
    },
    SchoolPlan {
        office: DemoOffice::BaiChay,
        slug: "thcs-bai-chay",
        name: "Trường THCS Bãi Cháy",
        legal_name: "Trường Trung học cơ sở Bãi Cháy",
        address: "Số 5 đường Hạ Long, phường Bãi Cháy, tỉnh Quảng Ninh",
        tax_code: "5700234567",
        level: "lower_secondary",
        bin: "970415",
        account: "112000345678",
        account_name: "TRUONG THCS BAI CHAY",
        classes: &[
            ("6A1", 6, 15),
            ("6A2", 6, 15),
            ("7A1", 7, 15),
            ("7A2", 7, 15),
            ("8A1", 8, 15),
            ("8A2", 8, 15),
            ("9A1", 9, 15),
            ("9A2", 9, 15),
        ],
        age_at_grade_start: 11,
        fees: &[
            Fee {
                name: "Tiền ăn bán trú",
                amount: Vnd::new(32_000),
                unit: "meal_day",
                mandatory: false,
            },
            Fee {
                name: "Nước uống",
                amount: Vnd::new(15_000),
                unit: "month",
                mandatory: true,
            },
            Fee {
                name: "Câu lạc bộ Bóng đá",
                amount: Vnd::new(150_000),
                unit: "month",
                mandatory: false,
            },
        ],
        // Not yet ready: fewer than 3 cashless methods, no contact named.
        methods: &["qr_transfer", "cash"],
        contacts: &[],
    },
    SchoolPlan {
        office: DemoOffice::HongGai,
        slug: "mn-hoa-hong",
        name: "Trường Mầm non Hoa Hồng",
        legal_name: "Trường Mầm non Hoa Hồng, phường Hồng Gai",
        address: "Tổ 3, khu 2, phường Hồng Gai, tỉnh Quảng Ninh",
        tax_code: "5700345678",
        level: "preschool",
        bin: "970405",
        account: "8000201234567",
        account_name: "TRUONG MAM NON HOA HONG",
        classes: &[("Mầm 1", 3, 15), ("Chồi 1", 4, 15), ("Lá 1", 5, 15)],
        age_at_grade_start: 3,
        fees: &[
            Fee {
                name: "Tiền ăn",
                amount: Vnd::new(35_000),
                unit: "meal_day",
                mandatory: true,
            },
            Fee {
                name: "Chăm sóc bán trú",
                amount: Vnd::new(200_000),
                unit: "month",
                mandatory: true,
            },
            Fee {
                name: "Năng khiếu Múa",
                amount: Vnd::new(120_000),
                unit: "month",
                mandatory: false,
            },
        ],
        methods: &["qr_transfer", "website", "mobile_money", "cash"],
        contacts: &[(
            "Nguyễn Thu Trang",
            "Kế toán",
            "0904111222",
            Some("0904111222"),
        )],
    },
    // Last, so the schools above keep the same random draws (and the same data).
    SchoolPlan {
        office: DemoOffice::Department,
        slug: "thpt-hon-gai",
        name: "Trường THPT Hòn Gai",
        legal_name: "Trường Trung học phổ thông Hòn Gai",
        address: "Số 2 đường Nguyễn Văn Cừ, phường Hồng Gai, tỉnh Quảng Ninh",
        tax_code: "5700456789",
        level: "upper_secondary",
        bin: "970418",
        account: "2150123456789",
        account_name: "TRUONG THPT HON GAI",
        classes: &[("10A1", 10, 12), ("11A1", 11, 12), ("12A1", 12, 12)],
        age_at_grade_start: 15,
        // Public upper-secondary tuition is waived from 2025–2026: services only.
        fees: &[
            Fee {
                name: "Nước uống",
                amount: Vnd::new(15_000),
                unit: "month",
                mandatory: true,
            },
            Fee {
                name: "Gửi xe đạp",
                amount: Vnd::new(30_000),
                unit: "month",
                mandatory: false,
            },
            Fee {
                name: "Câu lạc bộ Tiếng Anh",
                amount: Vnd::new(150_000),
                unit: "month",
                mandatory: false,
            },
        ],
        methods: &["qr_transfer", "website", "mobile_money", "cash"],
        contacts: &[("Vũ Thị Ngọc", "Kế toán", "0936222333", Some("0936222333"))],
    },
];

/// Monday to Friday in the month: the days a child eats at school.
fn school_days(month: Month) -> i64 {
    let first = month.first_day();
    let last = first.last_of_month();
    (first.to_days()..=last.to_days())
        .filter(|&d| Date::from_days(d).weekday() < 5)
        .count() as i64
}

fn previous_month(m: Month) -> Month {
    if m.month == 1 {
        Month {
            year: m.year - 1,
            month: 12,
        }
    } else {
        Month {
            year: m.year,
            month: m.month - 1,
        }
    }
}

/// Whether the database already holds any school (then seeding does nothing).
pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM school")
        .fetch_one(db)
        .await?;
    Ok(n == 0)
}

/// Seeds the demo data in one transaction, as of `now` (Unix seconds).
pub async fn seed(
    db: &Db,
    vault: &hocphi_app::server::vault::Vault,
    now: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut rng = Rng(0x0068_6F63_7068_6900); // "hocphi"
    let today = Date::in_vietnam(now);
    let year_start = if today.month() >= 8 {
        today.year()
    } else {
        today.year() - 1
    };
    let this_month = Month::of(today);
    let last_month = previous_month(this_month);
    let mut used_codes = HashSet::new();
    let mut payment_no = 0u32;

    let mut tx = db.begin().await?;
    let (department,): (i64,) = sqlx::query_as(
        "INSERT INTO office (name, province, level) VALUES ('Sở GD&ĐT Quảng Ninh', 'Quảng Ninh', 'department') RETURNING id",
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut ward = async |name: &str| -> Result<i64, sqlx::Error> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO office (name, province, level, parent_id) VALUES ($1, 'Quảng Ninh', 'commune', $2) RETURNING id",
        )
        .bind(name)
        .bind(department)
        .fetch_one(&mut *tx)
        .await?;
        Ok(id)
    };
    let hong_gai = ward("UBND phường Hồng Gai").await?;
    let bai_chay = ward("UBND phường Bãi Cháy").await?;
    let (year_id,): (i64,) = sqlx::query_as(
        "INSERT INTO school_year (label, starts_on, ends_on) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(format!("{}-{}", year_start, year_start + 1))
    .bind(format!("{year_start}-09-01"))
    .bind(format!("{}-05-31", year_start + 1))
    .fetch_one(&mut *tx)
    .await?;

    for (school_no, plan) in SCHOOLS.iter().enumerate() {
        let (school_id,): (i64,) = sqlx::query_as(
            "INSERT INTO school (office_id, slug, name, legal_name, address, tax_code, level) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(match plan.office {
            DemoOffice::Department => department,
            DemoOffice::HongGai => hong_gai,
            DemoOffice::BaiChay => bai_chay,
        })
        .bind(plan.slug)
        .bind(plan.name)
        .bind(plan.legal_name)
        .bind(plan.address)
        .bind(plan.tax_code)
        .bind(plan.level)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO beneficiary_account (school_id, bin, account_number, account_name, is_default) \
             VALUES ($1, $2, $3, $4, 1)",
        )
        .bind(school_id)
        .bind(plan.bin)
        .bind(plan.account)
        .bind(plan.account_name)
        .execute(&mut *tx)
        .await?;
        if plan.slug == FEATURED_SCHOOL {
            // Mobile Money: a wallet account parents can choose on the invoice page.
            sqlx::query(
                "INSERT INTO beneficiary_account (school_id, bin, account_number, account_name, is_default) \
                 VALUES ($1, $2, $3, $4, 0)",
            )
            .bind(school_id)
            .bind(DEMO_WALLET.0)
            .bind(DEMO_WALLET.1)
            .bind(plan.account_name)
            .execute(&mut *tx)
            .await?;
            // Website payment through the gateway simulator shipped with hocphi.
            sqlx::query(
                "INSERT INTO gateway_config (school_id, provider, tmn_code, sealed_secret, updated_at) VALUES ($1, 'vnpay', $2, $3, $4)",
            )
            .bind(school_id)
            .bind(DEMO_GATEWAY.0)
            .bind(vault.seal(DEMO_GATEWAY.1.as_bytes(), &format!("gateway:{school_id}")))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for method in plan.methods {
            sqlx::query("INSERT INTO school_method (school_id, method) VALUES ($1, $2)")
                .bind(school_id)
                .bind(method)
                .execute(&mut *tx)
                .await?;
        }
        for (position, (name, role, phone, zalo)) in plan.contacts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO school_contact (school_id, name, role, phone, zalo, position) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(school_id)
            .bind(name)
            .bind(role)
            .bind(phone)
            .bind(zalo)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        let mut fee_ids = Vec::new();
        for fee in plan.fees {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO fee_item (school_id, name, amount, unit, mandatory) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(school_id)
            .bind(fee.name)
            .bind(fee.amount)
            .bind(fee.unit)
            .bind(fee.mandatory as i64)
            .fetch_one(&mut *tx)
            .await?;
            fee_ids.push(id);
        }

        let first_grade = plan.classes[0].1;
        let mut seq = 100;
        for &(class_name, grade, size) in plan.classes {
            let (class_id,): (i64,) = sqlx::query_as(
                "INSERT INTO class (school_id, school_year_id, name, grade) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(school_id)
            .bind(year_id)
            .bind(class_name)
            .bind(grade)
            .fetch_one(&mut *tx)
            .await?;
            for i in 0..size {
                seq += 1;
                // The featured children head their classes; everyone else is numbered from 101.
                let code = match (plan.slug, class_name, i) {
                    (FEATURED_SCHOOL, "3A", 0) => FEATURED_STUDENT_CODE.to_string(),
                    (SIBLING_SCHOOL, "Lá 1", 0) => SIBLING_STUDENT_CODE.to_string(),
                    _ => format!("22{:02}{:06}", school_no + 1, seq),
                };
                let age = plan.age_at_grade_start + (grade - first_grade) as i32;
                let (name, birth) = match code.as_str() {
                    FEATURED_STUDENT_CODE => (
                        "Nguyễn Minh An".to_string(),
                        Date::new(2017, 9, 5).expect("date"),
                    ),
                    SIBLING_STUDENT_CODE => (
                        "Nguyễn Minh Châu".to_string(),
                        Date::new(2021, 3, 12).expect("date"),
                    ),
                    _ => {
                        // Born between September of (start − age − 1) and August of (start − age).
                        let born_from = Date::new(year_start - age - 1, 9, 1).expect("date");
                        (
                            full_name(&mut rng),
                            born_from.add_days(rng.below(365) as i64),
                        )
                    }
                };
                let (student_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO student (school_id, code, full_name, date_of_birth) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(school_id)
                .bind(&code)
                .bind(&name)
                .bind(birth.to_string())
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO enrolment (student_id, class_id, school_year_id) VALUES ($1, $2, $3)")
                    .bind(student_id)
                    .bind(class_id)
                    .bind(year_id)
                    .execute(&mut *tx)
                    .await?;

                // Which optional fees this family chose, and whether they eat at school.
                let featured = code == FEATURED_STUDENT_CODE || code == SIBLING_STUDENT_CODE;
                let takes: Vec<bool> = plan
                    .fees
                    .iter()
                    .map(|f| f.mandatory || featured || rng.chance(35))
                    .collect();
                for (month, is_current) in [(last_month, false), (this_month, true)] {
                    let mut lines = Vec::new();
                    for ((fee, &fee_id), &taken) in plan.fees.iter().zip(&fee_ids).zip(&takes) {
                        if !taken {
                            continue;
                        }
                        let quantity = if fee.unit == "meal_day" {
                            school_days(month)
                        } else {
                            1
                        };
                        let description = if fee.unit == "meal_day" {
                            format!("{} ({} ngày × {})", fee.name, quantity, fee.amount)
                        } else {
                            format!("{} tháng {}", fee.name, month.label())
                        };
                        lines.push((fee_id, description, quantity, fee.amount));
                    }
                    if lines.is_empty() {
                        continue;
                    }
                    let total: Vnd = lines.iter().map(|l| l.3.times(l.2)).sum();
                    let code = loop {
                        let candidate = InvoiceCode::from_number(rng.next());
                        if used_codes.insert(candidate.clone()) {
                            break candidate;
                        }
                    };
                    let issued = month.first_day();
                    let due = Date::new(month.year, month.month, 20).expect("date");
                    let (invoice_id,): (i64,) = sqlx::query_as(
                        "INSERT INTO invoice (code, school_id, student_id, class_id, period, title, total, due_on, issued_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(code.as_str())
                    .bind(school_id)
                    .bind(student_id)
                    .bind(class_id)
                    .bind(month.to_string())
                    .bind(format!("Các khoản thu tháng {}", month.label()))
                    .bind(total)
                    .bind(due.to_string())
                    // 08:00 in Vietnam is 01:00 UTC.
                    .bind(issued.to_days() * 86_400 + 3600)
                    .fetch_one(&mut *tx)
                    .await?;
                    for (position, (fee_id, description, quantity, unit)) in
                        lines.into_iter().enumerate()
                    {
                        sqlx::query(
                            "INSERT INTO invoice_line (invoice_id, position, fee_item_id, description, quantity, unit_amount, amount) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )
                        .bind(invoice_id)
                        .bind(position as i64)
                        .bind(fee_id)
                        .bind(description)
                        .bind(quantity)
                        .bind(unit)
                        .bind(unit.times(quantity))
                        .execute(&mut *tx)
                        .await?;
                    }

                    // Last month: nearly everyone paid. This month: some paid, a few in part.
                    let roll = rng.below(100);
                    let paid = match (is_current, featured) {
                        (false, _) => {
                            if roll < 92 {
                                total
                            } else {
                                Vnd::ZERO
                            }
                        }
                        (true, true) => Vnd::ZERO,
                        (true, false) if roll < 40 => total,
                        // Half, down to the thousand đồng.
                        (true, false) if roll < 50 => Vnd::new(total.dong() / 2 / 1000 * 1000),
                        (true, false) => Vnd::ZERO,
                    };
                    if paid.is_positive() {
                        payment_no += 1;
                        let days_open = (today.to_days() - issued.to_days()).max(1);
                        let day = issued.to_days() + rng.below(days_open.min(28) as usize) as i64;
                        // Between 07:00 and 19:00 in Vietnam (00:00–12:00 UTC).
                        let at = day * 86_400 + rng.below(12 * 3600) as i64;
                        let payer = format!(
                            "{} {}",
                            hocphi_app::domain::memo::fold_to_ascii(
                                &name.split(' ').next().unwrap_or("").to_uppercase()
                            ),
                            rng.pick(PARENT_GIVEN)
                        );
                        use hocphi_app::server::ledger::{self, Incoming, NewPayment, Source};
                        // Through the ledger, as a real transfer would be.
                        let incoming = Incoming {
                            payment: NewPayment {
                                source: Source::BankTransfer,
                                external_id: hocphi_app::server::bank::external_id(
                                    plan.bin,
                                    plan.account,
                                    &format!("DEMO-FT{payment_no:08}"),
                                ),
                                amount: paid,
                                received_at: hocphi_app::domain::time::UnixTime(at.min(now)),
                                payer_name: Some(payer),
                                memo: Some(format!("IBFT {}", code.memo_form())),
                                method: "bank_transfer",
                                arrived_via: "demo",
                                account: Some((plan.bin.to_string(), plan.account.to_string())),
                                card: None,
                                recorded_by: None,
                            },
                            codes: vec![code.clone()],
                            credit_reason: String::new(),
                            collector: None,
                        };
                        ledger::record(
                            &mut tx,
                            vault,
                            hocphi_app::domain::ids::SchoolId(school_id),
                            &[incoming],
                            hocphi_app::domain::time::UnixTime(at.min(now)),
                        )
                        .await
                        .map_err(|e| sqlx::Error::Protocol(format!("demo payment: {e:?}")))?;
                    }
                }
            }
        }
    }
    tx.commit().await?;
    Ok(seed_staff(db, department, hong_gai, now).await?)
}

async fn seed_staff(db: &Db, department: i64, hong_gai: i64, now: i64) -> Result<(), sqlx::Error> {
    use crate::users::{add, NewUser, UserError};
    use hocphi_app::staff::Role;
    let accounts = [
        (
            DEMO_OFFICER,
            "Trần Quốc Bảo",
            Role::Officer,
            None,
            Some(department),
        ),
        (
            DEMO_WARD_OFFICER,
            "Phạm Thu Trang",
            Role::Officer,
            None,
            Some(hong_gai),
        ),
        (
            DEMO_ACCOUNTANT,
            "Lê Thị Hồng",
            Role::Accountant,
            Some(FEATURED_SCHOOL),
            None,
        ),
        (
            DEMO_TEACHER,
            "Đỗ Thị Mai",
            Role::Teacher,
            Some(FEATURED_SCHOOL),
            None,
        ),
    ];
    for (username, display_name, role, school_slug, office_id) in accounts {
        let user = NewUser {
            username,
            display_name,
            password: DEMO_PASSWORD,
            role,
            office_id,
            school_slug,
        };
        match add(db, user, now).await {
            Ok(_) => {}
            Err(UserError::Db(e)) => return Err(e),
            Err(e) => panic!("demo account {username}: {e}"),
        }
    }
    // The demo teacher is the homeroom teacher of 3A.
    sqlx::query(
        "INSERT INTO class_teacher (class_id, staff_id) SELECT c.id, s.id FROM class c JOIN school sc ON sc.id = c.school_id,          staff s WHERE sc.slug = $1 AND c.name = '3A' AND s.username = $2",
    )
    .bind(FEATURED_SCHOOL)
    .bind(DEMO_TEACHER)
    .execute(db)
    .await?;
    // The schools' offices confirmed the demo accounts a month ago: each ward its
    // own schools' (Bãi Cháy has no demo officer: the Department did it), the
    // Department its THPT's.
    sqlx::query(
        "UPDATE beneficiary_account SET confirmed_at = $1, confirmed_by = COALESCE( \
            (SELECT s.id FROM staff s JOIN school sc ON sc.office_id = s.office_id \
             WHERE s.role = 'officer' AND sc.id = beneficiary_account.school_id), \
            (SELECT id FROM staff WHERE username = $2))",
    )
    .bind(now - 30 * 86_400)
    .bind(DEMO_OFFICER)
    .execute(db)
    .await?;
    Ok(())
}
