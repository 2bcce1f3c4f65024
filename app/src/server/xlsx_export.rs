//! Spreadsheets the staff download (.xlsx, Vietnamese headers, formatted numbers).

use crate::domain::date::period_words;
use crate::domain::invoice_status::PaymentState;
use crate::domain::money::Vnd;
use crate::staff::InvoiceRow;

/// A spreadsheet stores every number as a double. Amounts are whole đồng far
/// below 2^53, where doubles are exact, so the cell holds the amount exactly.
fn amount(v: Vnd) -> f64 {
    debug_assert!(v.dong().unsigned_abs() < (1 << 53));
    v.dong() as f64
}

/// The list as an .xlsx workbook with Vietnamese headers and formatted amounts.
pub fn invoice_list(rows: &[InvoiceRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Hoa don")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let headers = [
        "Mã hoá đơn",
        "Mã học sinh",
        "Họ và tên",
        "Lớp",
        "Kỳ thu",
        "Phải nộp (đ)",
        "Đã nộp (đ)",
        "Hạn nộp",
        "Trạng thái",
    ];
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let state = match (r.status.state, r.status.overdue) {
            (_, true) => "Quá hạn",
            (PaymentState::Paid, _) => "Đã nộp đủ",
            (PaymentState::PartlyPaid, _) => "Nộp một phần",
            (PaymentState::Unpaid, _) => "Chưa nộp",
            (PaymentState::Voided, _) => "Đã huỷ",
        };
        sheet.write_string(row, 0, &r.code)?;
        sheet.write_string(row, 1, &r.student_code)?;
        sheet.write_string(row, 2, &r.student_name)?;
        sheet.write_string(row, 3, &r.class_name)?;
        sheet.write_string(row, 4, r.period.label())?;
        // Whole đồng, well inside f64's exact integer range.
        sheet.write_number_with_format(row, 5, amount(r.total), &money)?;
        sheet.write_number_with_format(row, 6, amount(r.paid), &money)?;
        sheet.write_string(row, 7, r.due_on.dmy())?;
        sheet.write_string(row, 8, state)?;
    }
    // As the screen's figures: a voided invoice is listed (and marked), not
    // counted (what was paid on it is a credit, counted where it is used).
    let last = rows.len() as u32 + 1;
    let live = || {
        rows.iter()
            .filter(|r| r.status.state != PaymentState::Voided)
    };
    sheet.write_string_with_format(last, 4, "Tổng (không tính hoá đơn đã huỷ)", &bold)?;
    sheet.write_number_with_format(last, 5, amount(live().map(|r| r.total).sum()), &money)?;
    sheet.write_number_with_format(last, 6, amount(live().map(|r| r.paid).sum()), &money)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// A period's receipts for the school's accounting: cancelled ones listed (and
/// marked) but not counted in the total.
pub fn receipt_list(
    rows: &[crate::staff::StaffReceiptRow],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Bien lai")?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0");
    let headers = [
        "Số biên lai",
        "Ngày lập",
        "Người nộp",
        "Học sinh",
        "Lớp",
        "Mã hoá đơn",
        "Kỳ thu",
        "Số tiền (đ)",
        "Hình thức",
        "Mã giao dịch",
        "Trạng thái",
        "Thay thế biên lai",
    ];
    for (col, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let state = match (&r.cancelled, &r.replaced_by) {
            (Some((_, reason)), Some(by)) => format!("Đã huỷ ({reason}), thay bằng {by}"),
            (Some((_, reason)), None) => format!("Đã huỷ ({reason})"),
            _ => "Hợp lệ".to_string(),
        };
        sheet.write_string(row, 0, &r.label)?;
        sheet.write_string(row, 1, crate::domain::date::Date::moment_label(r.issued_at))?;
        sheet.write_string(row, 2, &r.payer)?;
        sheet.write_string(row, 3, &r.student)?;
        sheet.write_string(row, 4, &r.class_name)?;
        sheet.write_string(row, 5, &r.invoice_code)?;
        // "11/2026" and "Chuyển khoản ngân hàng", as on the receipt, not the
        // database's "2026-11" and "bank_transfer".
        let period = crate::domain::date::Month::label_of(&r.period);
        sheet.write_string(row, 6, period)?;
        sheet.write_number_with_format(row, 7, amount(r.total), &money)?;
        sheet.write_string(
            row,
            8,
            crate::domain::receipt::method_label(|vi, _| vi, &r.method),
        )?;
        sheet.write_string(row, 9, &r.reference)?;
        sheet.write_string(row, 10, state)?;
        sheet.write_string(row, 11, r.replaces.clone().unwrap_or_default())?;
    }
    let last = rows.len() as u32 + 1;
    let live: Vnd = rows
        .iter()
        .filter(|r| r.cancelled.is_none())
        .map(|r| r.total)
        .sum();
    sheet.write_string_with_format(last, 6, "Tổng (không tính biên lai đã huỷ)", &bold)?;
    sheet.write_number_with_format(last, 7, amount(live), &money)?;
    sheet.autofit();
    book.save_to_buffer()
}

/// One row of a figures sheet: a school (readiness and contacts when known) or a total.
pub struct FiguresRow<'a> {
    pub name: &'a str,
    pub ready: Option<usize>,
    pub contacts: Option<i64>,
    pub figures: &'a crate::domain::report::Figures,
    pub total: bool,
}

/// What a figures sheet is headed and signed with, as a report sent upwards is in
/// Vietnam: the unit that makes it, the title, the period and other lines, and the
/// two signatures under the table (who made it, the head of the unit).
pub struct Heading {
    /// "Sở GD&ĐT Quảng Ninh", "Trường Tiểu học Hạ Long": written in capitals.
    pub unit: String,
    /// Under the title: "Kỳ báo cáo: tháng 11/2026", "Ngày lập: 05/12/2026", …
    pub lines: Vec<String>,
    /// The head of the unit's title ("Thủ trưởng đơn vị", "Hiệu trưởng").
    pub head: &'static str,
    /// Who made it, when known (a submitted report: who submitted it).
    pub made_by: Option<String>,
}

pub const REPORT_TITLE: &str = "BÁO CÁO TÌNH HÌNH THU KHÔNG DÙNG TIỀN MẶT";

/// A sheet of figures with Vietnamese headers: money as whole đồng, rates as
/// percentages; headed and signed as `heading` says; laid out to print on one A4
/// sheet across.
pub fn figures_sheet(
    heading: &Heading,
    rows: &[FiguresRow<'_>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::domain::report::Channel;
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Tong hop")?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    let bold = Format::new().set_bold();
    let italic = Format::new().set_italic();
    let money = Format::new().set_num_format("#,##0");
    let rate = Format::new().set_num_format("0.0%");
    let money_bold = Format::new().set_num_format("#,##0").set_bold();
    let head = heading.lines.len() as u32 + 3;
    let headers = [
        "Trường",
        "Phương thức không tiền mặt sẵn sàng (/4)",
        "Người liên hệ",
        "Số hoá đơn",
        "Phải thu (đ)",
        "Đã thu (đ)",
        "Tỷ lệ thu",
        "Không tiền mặt theo số lượng",
        "Không tiền mặt theo giá trị",
        "Chuyển khoản QR (đ)",
        "Cổng thanh toán (đ)",
        "Mobile Money (đ)",
        "Thẻ POS (đ)",
        "Tiền mặt (đ)",
        "Chuyển khoản chờ đối soát",
        "Khiếu nại đang mở",
        "Thời gian giải quyết thường gặp (giờ, trung vị)",
    ];
    // A school's submitted report freezes its figures only: its readiness and
    // contacts are left out rather than shown as empty columns.
    let readiness = rows
        .iter()
        .any(|r| r.ready.is_some() || r.contacts.is_some());
    let skip: u16 = if readiness { 0 } else { 2 };
    // Column n of the full table, where it lands in this one.
    let at = |n: u16| if n >= 3 { n - skip } else { n };
    for (col, h) in headers.iter().enumerate() {
        if !readiness && (1..=2).contains(&col) {
            continue;
        }
        sheet.write_string_with_format(head, at(col as u16), *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = head + 1 + i as u32;
        let f = r.figures;
        let m = if r.total { &money_bold } else { &money };
        if r.total {
            sheet.write_string_with_format(row, 0, r.name, &bold)?;
        } else {
            sheet.write_string(row, 0, r.name)?;
        }
        if let Some(n) = r.ready {
            sheet.write_number(row, 1, n as f64)?;
        }
        if let Some(c) = r.contacts {
            sheet.write_number(row, 2, c as f64)?;
        }
        sheet.write_number(row, at(3), f.invoices as f64)?;
        sheet.write_number_with_format(row, at(4), amount(f.due), m)?;
        sheet.write_number_with_format(row, at(5), amount(f.collected), m)?;
        // Basis points to a fraction Excel shows as a percentage (a ratio, not money).
        let pct = |bp: Option<i64>| bp.map(|b| b as f64 / 10_000.0);
        for (col, v) in [
            (6, pct(f.collection_rate())),
            (7, pct(f.cashless_share_by_count())),
            (8, pct(f.cashless_share_by_value())),
        ] {
            if let Some(v) = v {
                sheet.write_number_with_format(row, at(col), v, &rate)?;
            }
        }
        for (i, c) in Channel::ALL.into_iter().enumerate() {
            sheet.write_number_with_format(
                row,
                at(9 + i as u16),
                amount(f.channel(c).amount),
                m,
            )?;
        }
        sheet.write_number(row, at(14), f.unmatched as f64)?;
        sheet.write_number(row, at(15), f.complaints_open as f64)?;
        if let Some(hours) = f.median_resolve_hours() {
            sheet.write_number(row, at(16), hours as f64)?;
        }
    }
    // Columns fit the table; the heading and signatures, written after, do not widen them.
    sheet.autofit();
    for (i, line) in std::iter::once(heading.unit.to_uppercase())
        .chain(std::iter::once(REPORT_TITLE.to_string()))
        .chain(heading.lines.iter().cloned())
        .enumerate()
    {
        let format = if i < 2 { &bold } else { &italic };
        sheet.write_string_with_format(i as u32, 0, line, format)?;
    }
    let signed = head + rows.len() as u32 + 2;
    for (col, role, how, name) in [
        (
            0,
            "NGƯỜI LẬP BIỂU",
            "(Ký, ghi rõ họ tên)",
            heading.made_by.clone(),
        ),
        (
            6,
            heading.head,
            "(Ký, ghi rõ họ tên, đóng dấu)",
            None::<String>,
        ),
    ] {
        sheet.write_string_with_format(signed, col, role.to_uppercase(), &bold)?;
        sheet.write_string_with_format(signed + 1, col, how, &italic)?;
        if let Some(name) = name {
            sheet.write_string_with_format(signed + 5, col, name, &bold)?;
        }
    }
    book.save_to_buffer()
}

/// The office's dashboard: one row per school and the total of all of them.
pub fn dashboard(d: &crate::staff::Dashboard) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut rows: Vec<FiguresRow<'_>> = d
        .schools
        .iter()
        .map(|s| FiguresRow {
            name: &s.name,
            ready: Some(s.cashless_ready),
            contacts: Some(s.contacts),
            figures: &s.figures,
            total: false,
        })
        .collect();
    rows.push(FiguresRow {
        name: "Tất cả các trường",
        ready: None,
        contacts: None,
        figures: &d.total,
        total: true,
    });
    figures_sheet(
        &Heading {
            unit: d.office.clone(),
            lines: vec![
                format!("Kỳ báo cáo: {}", period_words(&d.from, &d.to, |vi, _| vi)),
                format!("Ngày lập: {}", d.read_on.dmy()),
            ],
            head: "Thủ trưởng đơn vị",
            made_by: None,
        },
        &rows,
    )
}

/// A school's submitted report: its frozen figures, who submitted it, when, and the note.
pub fn school_report(r: &crate::staff::ReportRow) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut lines = vec![
        format!("Kỳ báo cáo: {}", period_words(&r.from, &r.to, |vi, _| vi)),
        format!("Kính gửi: {}", r.office),
        format!(
            "Nộp lúc {} bởi {}",
            crate::domain::date::Date::moment_label(r.submitted_at),
            r.submitted_by
        ),
    ];
    if !r.note.is_empty() {
        lines.push(format!("Ghi chú: {}", r.note));
    }
    figures_sheet(
        &Heading {
            unit: r.school.clone(),
            lines,
            head: "Hiệu trưởng",
            made_by: Some(r.submitted_by.clone()),
        },
        &[FiguresRow {
            name: &r.school,
            ready: None,
            contacts: None,
            figures: &r.figures,
            total: false,
        }],
    )
}
