//! Spreadsheets the staff download (.xlsx, Vietnamese headers, formatted numbers).

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
    let last = rows.len() as u32 + 1;
    sheet.write_string_with_format(last, 4, "Tổng cộng", &bold)?;
    sheet.write_number_with_format(last, 5, amount(rows.iter().map(|r| r.total).sum()), &money)?;
    sheet.write_number_with_format(last, 6, amount(rows.iter().map(|r| r.paid).sum()), &money)?;
    sheet.autofit();
    book.save_to_buffer()
}
