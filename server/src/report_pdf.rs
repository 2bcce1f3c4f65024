//! A school's submitted report as one A4 page, the way a report goes upwards in Vietnam: the
//! school and the national motto at the top, the title, the period and the office it is sent to,
//! the frozen figures, the note, and the signatures of who made it and the head of the school.
//! When the school has its own certificate the route signs the PDF (PAdES) after rendering, and
//! the page says whose signature it carries.

use crate::pdf_document::{self, Document};
use crate::pdf_font::{clean, hline, Fonts, PdfError, Weight};
use hocphi_app::api::dashboard::ReportRow;
use hocphi_app::domain::date::{period_words, Date};
use hocphi_app::domain::report::{percent_label, Channel};
use pdf_writer::Content;

// Geometry in PDF points: layout needs floats; amounts arrive as text.
const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const MARGIN: f32 = 20.0 * MM;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const INK: (f32, f32, f32) = (0.08, 0.08, 0.1);
const MUTED: (f32, f32, f32) = (0.33, 0.34, 0.37);
const RULE: (f32, f32, f32) = (0.62, 0.63, 0.66);

/// The report's figures as printed rows: what a reader upwards looks for, in order.
pub fn rows(r: &ReportRow) -> Vec<(String, String)> {
    let f = &r.figures;
    let mut out = vec![
        ("Số hoá đơn".to_string(), f.invoices.to_string()),
        ("Phải thu".to_string(), f.due.to_string()),
        ("Đã thu".to_string(), f.collected.to_string()),
        ("Tỷ lệ thu".to_string(), percent_label(f.collection_rate())),
        (
            "Không tiền mặt theo số lượng".to_string(),
            percent_label(f.cashless_share_by_count()),
        ),
        (
            "Không tiền mặt theo giá trị".to_string(),
            percent_label(f.cashless_share_by_value()),
        ),
    ];
    for c in Channel::ALL {
        out.push((
            format!("Đã thu qua {}", c.label().0),
            f.channel(c).amount.to_string(),
        ));
    }
    out.push(("Chuyển khoản chờ đối soát".into(), f.unmatched.to_string()));
    out.push(("Khiếu nại đang mở".into(), f.complaints_open.to_string()));
    out.push((
        "Thời gian giải quyết thường gặp (trung vị)".into(),
        f.median_resolve_hours()
            .map(|h| format!("{h} giờ"))
            .unwrap_or_else(|| "—".into()),
    ));
    out
}

struct Page {
    fonts: Fonts,
    content: Content,
    y: f32,
}

impl Page {
    /// Text within [x, x + width], aligned left or centred, wrapped; moves the pen down.
    #[allow(clippy::too_many_arguments)]
    fn para(
        &mut self,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
        text: &str,
        centre: bool,
        color: (f32, f32, f32),
    ) {
        let lines = self.fonts.wrap(weight, size, &clean(text), width, 4);
        for line in lines {
            let w = self.fonts.width(weight, size, &line);
            let at = if centre { x + (width - w) / 2.0 } else { x };
            let y = self.y - size;
            self.fonts
                .show(&mut self.content, weight, size, at, y, &line, color);
            self.y -= size * 1.35;
        }
    }

    fn rule(&mut self) {
        hline(&mut self.content, MARGIN, self.y, WIDTH, 0.5, RULE);
    }
}

/// The report; `digitally_signed_by` names the holder of the school's certificate the route
/// will sign it with, and its issuer, if any.
pub fn render(
    r: &ReportRow,
    digitally_signed_by: Option<(&str, &str)>,
) -> Result<Vec<u8>, PdfError> {
    let mut p = Page {
        fonts: Fonts::new()?,
        content: Content::new(),
        y: PAGE_H - MARGIN,
    };
    // The school on the left, the national motto on the right, side by side.
    let half = WIDTH / 2.0 - 4.0 * MM;
    let top = p.y;
    p.para(
        Weight::Bold,
        10.0,
        MARGIN,
        half,
        &r.school.to_uppercase(),
        true,
        INK,
    );
    let left_end = p.y;
    p.y = top;
    p.para(
        Weight::Bold,
        10.0,
        MARGIN + WIDTH - half,
        half,
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        true,
        INK,
    );
    p.para(
        Weight::Bold,
        10.0,
        MARGIN + WIDTH - half,
        half,
        "Độc lập – Tự do – Hạnh phúc",
        true,
        INK,
    );
    p.y = p.y.min(left_end) - 6.0 * MM;
    let submitted = Date::in_vietnam(r.submitted_at);
    p.para(
        Weight::Regular,
        10.0,
        MARGIN + WIDTH - half,
        half,
        &format!(
            "ngày {:02} tháng {:02} năm {}",
            submitted.day(),
            submitted.month(),
            submitted.year()
        ),
        true,
        MUTED,
    );
    p.y -= 4.0 * MM;
    p.para(
        Weight::Bold,
        14.0,
        MARGIN,
        WIDTH,
        hocphi_app::server::xlsx_export::REPORT_TITLE,
        true,
        INK,
    );
    p.para(
        Weight::Regular,
        11.0,
        MARGIN,
        WIDTH,
        &format!("Kỳ báo cáo: {}", period_words(&r.from, &r.to, |vi, _| vi)),
        true,
        INK,
    );
    p.para(
        Weight::Regular,
        11.0,
        MARGIN,
        WIDTH,
        &format!("Kính gửi: {}", r.office),
        true,
        INK,
    );
    p.y -= 5.0 * MM;
    p.rule();
    p.y -= 2.0 * MM;
    for (label, value) in rows(r) {
        let size = 10.5;
        let baseline = p.y - size;
        let value_w = p.fonts.width(Weight::Bold, size, &value);
        let label = clean(&label);
        p.fonts.show(
            &mut p.content,
            Weight::Regular,
            size,
            MARGIN,
            baseline,
            &label,
            INK,
        );
        p.fonts.show(
            &mut p.content,
            Weight::Bold,
            size,
            MARGIN + WIDTH - value_w,
            baseline,
            &value,
            INK,
        );
        p.y -= size * 1.6;
    }
    p.rule();
    p.y -= 4.0 * MM;
    if !r.note.is_empty() {
        p.para(
            Weight::Regular,
            10.5,
            MARGIN,
            WIDTH,
            &format!("Ghi chú: {}", r.note),
            false,
            INK,
        );
    }
    p.para(
        Weight::Regular,
        9.5,
        MARGIN,
        WIDTH,
        &format!(
            "Nộp lúc {} bởi {}.",
            Date::moment_label(r.submitted_at),
            r.submitted_by
        ),
        false,
        MUTED,
    );
    let note = match digitally_signed_by {
        Some((holder, issuer)) => format!("Tệp PDF này có chữ ký số của {holder} bằng chứng thư do {issuer} cấp (xem trong phần mềm đọc PDF)."),
        None => "Bản in từ hocphi; ký tên, đóng dấu trên bản giấy.".to_string(),
    };
    p.para(Weight::Regular, 9.5, MARGIN, WIDTH, &note, false, MUTED);
    // Signatures: who made it (named), the head of the school.
    p.y -= 10.0 * MM;
    let sign_top = p.y;
    p.para(
        Weight::Bold,
        10.5,
        MARGIN,
        half,
        "NGƯỜI LẬP BIỂU",
        true,
        INK,
    );
    p.para(
        Weight::Regular,
        9.5,
        MARGIN,
        half,
        "(Ký, ghi rõ họ tên)",
        true,
        MUTED,
    );
    p.y -= 18.0 * MM;
    p.para(Weight::Bold, 10.5, MARGIN, half, &r.submitted_by, true, INK);
    p.y = sign_top;
    p.para(
        Weight::Bold,
        10.5,
        MARGIN + WIDTH - half,
        half,
        "HIỆU TRƯỞNG",
        true,
        INK,
    );
    p.para(
        Weight::Regular,
        9.5,
        MARGIN + WIDTH - half,
        half,
        "(Ký, ghi rõ họ tên, đóng dấu)",
        true,
        MUTED,
    );
    finish(p, r)
}

fn finish(p: Page, r: &ReportRow) -> Result<Vec<u8>, PdfError> {
    let title = format!(
        "Báo cáo thu không dùng tiền mặt — {} — {}",
        clean(&r.school),
        period_words(&r.from, &r.to, |vi, _| vi)
    );
    let document = Document::titled(&title, (PAGE_W, PAGE_H));
    pdf_document::write(&document, &p.fonts, vec![p.content])
}
