//! What a receipt says, and where: the school, title and numbering, the
//! cancellation banner, payer and student, the items and their total, how it was
//! paid, and the verification QR code with its link and note.

use super::geometry::*;
use super::layout::{Align, Doc};
use super::{PdfReceipt, ReceiptPdfError};
use crate::pdf_font::{clean, draw_qr, Weight};
use hocphi_app::domain::date::{Date, Month};
use hocphi_app::domain::receipt::ReceiptContent;
use pdf_writer::Rect;
use qrcode::{EcLevel, QrCode};

pub(super) const CAPTION: &str = "Quét mã để kiểm tra chữ ký điện tử của nhà trường";
pub(super) const DISCLAIMER: &str =
    "Biên lai điện tử có chữ ký điện tử do hocphi tạo cho nhà trường \
                          (không phải chữ ký số có chứng thư của tổ chức chứng thực); \
                          không phải hoá đơn điện tử đăng ký với cơ quan thuế.";

/// The note of a PDF the school signs with its own certificate as well.
fn signed_note(holder: &str, issuer: &str) -> String {
    format!(
        "Biên lai điện tử có chữ ký điện tử do hocphi tạo cho nhà trường, và tệp PDF này có chữ ký số \
         của {holder} bằng chứng thư do {issuer} cấp (xem trong phần mềm đọc PDF); \
         không phải hoá đơn điện tử đăng ký với cơ quan thuế."
    )
}

/// How a payment method code is printed.
/// The receipt's method in Vietnamese (the PDF is Vietnamese).
pub(super) fn method_label(code: &str) -> &'static str {
    hocphi_app::domain::receipt::method_label(|vi, _| vi, code)
}

/// "2026-11" → "Tháng 11/2026".
pub(super) fn period_label(period: &str) -> String {
    match Month::parse(period) {
        Ok(month) => format!("Tháng {}", month.label()),
        Err(_) => period.to_string(),
    }
}

fn fields(doc: &mut Doc, rows: &[(&str, String, Weight)]) {
    // One value column for every field on the receipt.
    let label_width = doc.width(Weight::Regular, 9.0, "Hình thức thanh toán:") + 8.0;
    for (label, value, weight) in rows {
        doc.field(label, value, label_width, *weight);
    }
}

/// The receipt, laid out on `doc`'s pages.
pub(super) fn lay_out(doc: &mut Doc, receipt: &PdfReceipt) -> Result<(), ReceiptPdfError> {
    let c = receipt.content;

    // The school.
    doc.paragraph(Weight::Bold, 10.5, &clean(&c.school), Align::Left, INK, 3);
    let tax_code = format!("Mã số thuế (MST): {}", clean(&c.school_tax_code));
    doc.paragraph(Weight::Regular, 8.5, &tax_code, Align::Left, MUTED, 2);
    doc.y -= 3.0;
    doc.hrule(doc.y, 0.8, RULE);
    doc.y -= 12.0;

    // Title and numbering.
    let title = clean(&c.receipt_type).to_uppercase();
    let title = if title.is_empty() {
        "BIÊN LAI THU TIỀN".to_string()
    } else {
        title
    };
    doc.paragraph(Weight::Bold, 16.0, &title, Align::Center, INK, 2);
    doc.y -= 1.0;
    let numbering = clean(&c.numbering_line(|vi, _| vi));
    doc.paragraph(Weight::Regular, 9.0, &numbering, Align::Center, INK, 2);
    doc.y -= 8.0;

    if let Some((at, reason)) = receipt.cancelled {
        cancelled_banner(doc, at, reason);
    }

    // Who and what.
    fields(
        doc,
        &[
            ("Người nộp tiền:", clean(&c.payer), Weight::Regular),
            ("Học sinh:", clean(&c.student), Weight::Bold),
            ("Lớp:", clean(&c.class), Weight::Regular),
            ("Mã thanh toán:", clean(&c.invoice_code), Weight::Regular),
            ("Kỳ thu:", period_label(&c.period), Weight::Regular),
        ],
    );
    doc.y -= 6.0;
    items_table(doc, c);
    doc.y -= 6.0;

    // How it was paid.
    let mut rows = vec![
        ("Bằng chữ:", clean(&c.total_in_words), Weight::Regular),
        (
            "Hình thức thanh toán:",
            method_label(&clean(&c.method)).to_string(),
            Weight::Regular,
        ),
        ("Mã giao dịch:", clean(&c.reference), Weight::Regular),
        (
            "Thời gian nộp:",
            Date::moment_label(c.paid_at),
            Weight::Regular,
        ),
        (
            "Ngày lập biên lai:",
            Date::moment_label(c.issued_at),
            Weight::Regular,
        ),
        ("Người thu tiền:", clean(&c.collector), Weight::Regular),
    ];
    if let Some(replaces) = &c.replaces {
        rows.push(("Thay thế biên lai:", clean(replaces), Weight::Bold));
    }
    fields(doc, &rows);

    verification(doc, receipt)
}

fn cancelled_banner(doc: &mut Doc, at: i64, reason: &str) {
    const PAD: f32 = 6.0;
    let detail = format!(
        "Biên lai đã bị huỷ lúc {}. Lý do: {}",
        Date::moment_label(at),
        clean(reason)
    );
    let lines = doc.wrap(Weight::Regular, 8.5, &detail, WIDTH - 2.0 * PAD, 5);
    let height = PAD + 13.0 + lines.len() as f32 * 11.0 + PAD - 2.0;
    doc.ensure(height);
    let top = doc.y;
    doc.fill_rect(LEFT, top - height, WIDTH, height, RED_FILL);
    doc.current
        .set_stroke_rgb(RED.0, RED.1, RED.2)
        .set_line_width(1.2)
        .rect(LEFT, top - height, WIDTH, height)
        .stroke();
    doc.text(
        Weight::Bold,
        11.0,
        LEFT + PAD,
        top - PAD - 10.0,
        "ĐÃ HUỶ",
        RED,
    );
    let mut baseline = top - PAD - 13.0 - 8.5;
    for line in lines {
        doc.text(Weight::Regular, 8.5, LEFT + PAD, baseline, &line, RED);
        baseline -= 11.0;
    }
    doc.y -= height + 8.0;
}

fn items_table(doc: &mut Doc, c: &ReceiptContent) {
    const PAD: f32 = 4.0;
    const NO_W: f32 = 24.0;
    const AMOUNT_W: f32 = 96.0;
    const SIZE: f32 = 9.0;
    const LEADING: f32 = 12.0;
    let label_w = WIDTH - NO_W - AMOUNT_W;

    let header = |doc: &mut Doc| {
        const H: f32 = 16.0;
        doc.ensure(H + 18.0);
        let top = doc.y;
        doc.fill_rect(LEFT, top - H, WIDTH, H, HEAD_FILL);
        let baseline = top - H + 5.0;
        let bold = Weight::Bold;
        doc.line_in(bold, 8.0, LEFT, NO_W, baseline, "STT", Align::Center, INK);
        let x = LEFT + NO_W + PAD;
        doc.line_in(
            bold,
            8.0,
            x,
            label_w,
            baseline,
            "Nội dung",
            Align::Left,
            INK,
        );
        let x = LEFT + NO_W + label_w;
        let text = "Số tiền";
        doc.line_in(
            bold,
            8.0,
            x,
            AMOUNT_W - PAD,
            baseline,
            text,
            Align::Right,
            INK,
        );
        doc.y -= H;
    };
    header(doc);

    for (i, item) in c.items.iter().enumerate() {
        let lines = doc.wrap(
            Weight::Regular,
            SIZE,
            &clean(&item.label),
            label_w - 2.0 * PAD,
            4,
        );
        let height = lines.len() as f32 * LEADING + 6.0;
        if doc.ensure(height) {
            header(doc);
        }
        let top = doc.y;
        let baseline = top - 3.0 - SIZE;
        let number = (i + 1).to_string();
        let regular = Weight::Regular;
        doc.line_in(
            regular,
            SIZE,
            LEFT,
            NO_W,
            baseline,
            &number,
            Align::Center,
            MUTED,
        );
        for (j, line) in lines.iter().enumerate() {
            let y = baseline - j as f32 * LEADING;
            doc.text(regular, SIZE, LEFT + NO_W + PAD, y, line, INK);
        }
        let amount = item.amount.to_string();
        let size = doc.fit(regular, SIZE, &amount, AMOUNT_W - 2.0 * PAD);
        let x = LEFT + NO_W + label_w;
        doc.line_in(
            regular,
            size,
            x,
            AMOUNT_W - PAD,
            baseline,
            &amount,
            Align::Right,
            INK,
        );
        doc.y -= height;
        doc.hrule(doc.y, 0.4, RULE);
    }

    const TOTAL_H: f32 = 18.0;
    doc.ensure(TOTAL_H);
    doc.hrule(doc.y, 0.9, INK);
    let baseline = doc.y - TOTAL_H + 5.5;
    let bold = Weight::Bold;
    let x = LEFT + NO_W + PAD;
    doc.line_in(
        bold,
        9.5,
        x,
        label_w,
        baseline,
        "Tổng cộng",
        Align::Left,
        INK,
    );
    let total = c.total().to_string();
    let size = doc.fit(bold, 9.5, &total, AMOUNT_W - 2.0 * PAD);
    let x = LEFT + NO_W + label_w;
    doc.line_in(
        bold,
        size,
        x,
        AMOUNT_W - PAD,
        baseline,
        &total,
        Align::Right,
        INK,
    );
    doc.y -= TOTAL_H;
    doc.hrule(doc.y, 0.9, INK);
}

/// The QR code and the link, anchored at the bottom of the last page.
fn verification(doc: &mut Doc, receipt: &PdfReceipt) -> Result<(), ReceiptPdfError> {
    const GAP: f32 = 10.0;
    let url = receipt.verify_url.trim();
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L))
        .map_err(|e| ReceiptPdfError::Qr(e.to_string()))?;

    let text_x = LEFT + QR_SIDE + GAP;
    let text_w = WIDTH - QR_SIDE - GAP;
    let caption = doc.wrap(Weight::Bold, 8.5, CAPTION, text_w, 3);
    let link = doc.wrap(Weight::Regular, 7.0, url, text_w, 8);
    let note_text = match receipt.digitally_signed_by {
        Some((holder, issuer)) => signed_note(holder, issuer),
        None => DISCLAIMER.to_string(),
    };
    let note = doc.wrap(Weight::Regular, 7.0, &note_text, text_w, 6);
    let text_h =
        caption.len() as f32 * 11.0 + 4.0 + link.len() as f32 * 9.0 + 4.0 + note.len() as f32 * 9.0;
    let height = QR_SIDE.max(text_h);
    doc.ensure(height + 14.0);

    let top = BOTTOM + height;
    doc.hrule(top + 8.0, 0.5, RULE);
    draw_qr(
        &mut doc.current,
        &code,
        LEFT,
        top - QR_SIDE,
        QR_SIDE,
        QR_QUIET_ZONE,
    );
    doc.link(Rect::new(LEFT, top - QR_SIDE, LEFT + QR_SIDE, top), url);

    // The text column starts level with the code's dark modules.
    let mut baseline = top - QR_SIDE / code.width().max(1) as f32 - 8.5;
    for line in caption {
        doc.text(Weight::Bold, 8.5, text_x, baseline, &line, INK);
        baseline -= 11.0;
    }
    baseline -= 2.0;
    let link_top = baseline + 7.0;
    for line in link {
        doc.text(
            Weight::Regular,
            7.0,
            text_x,
            baseline,
            &line,
            (0.05, 0.25, 0.6),
        );
        baseline -= 9.0;
    }
    let link_area = Rect::new(text_x, baseline + 7.0, text_x + text_w, link_top);
    doc.link(link_area, url);
    baseline -= 4.0;
    for line in note {
        doc.text(Weight::Regular, 7.0, text_x, baseline, &line, MUTED);
        baseline -= 9.0;
    }
    doc.y = BOTTOM;
    Ok(())
}
