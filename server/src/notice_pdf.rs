//! A class's printed notices as one PDF: A4 sheets, each holding two A5
//! landscape notices above and below a dashed cut line, for families without a
//! smartphone. The figures are the print page's (`domain::notice`): compulsory
//! fees with the amount the QR asks for, voluntary ones apart with a box to
//! tick and kept out of that amount; the payment template's four fields; where
//! to check the school's account. A long list of fees is shortened to a line
//! "N other fees" carrying their sum, so a notice's lines always add up.

use crate::pdf_document::{self, Document};
use crate::pdf_font::{clean, draw_qr, hline, Fonts, PdfError, Weight};
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::notice::PrintedLine;
use hocphi_app::domain::vietqr::VietQr;
use hocphi_app::staff::PrintedNotice;
use pdf_writer::Content;
use qrcode::{EcLevel, QrCode};

// Geometry in PDF points: layout needs them as floats; no money passes here.
const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
/// Each notice's half of the sheet.
const HALF_H: f32 = PAGE_H / 2.0;
const MARGIN_X: f32 = 11.0 * MM;
const MARGIN_Y: f32 = 8.0 * MM;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;
const QR_SIDE: f32 = 44.0 * MM;
const GUTTER: f32 = 5.0 * MM;
const LEFT_W: f32 = WIDTH - QR_SIDE - GUTTER;
/// Compulsory lines printed before the rest are summed into one (their sum
/// kept); voluntary fees printed each with its box, the rest counted.
const MAX_COMPULSORY: usize = 5;
const MAX_VOLUNTARY: usize = 3;

type Rgb = (f32, f32, f32);
const INK: Rgb = (0.08, 0.08, 0.1);
const MUTED: Rgb = (0.33, 0.34, 0.37);
const RULE: Rgb = (0.62, 0.63, 0.66);
const GREEN: Rgb = (0.08, 0.4, 0.18);
const RED: Rgb = (0.65, 0.07, 0.09);

/// What the sheets are titled (the document's title in a viewer).
pub struct Heading<'a> {
    pub class_name: &'a str,
    pub period_label: &'a str,
}

/// The notices, two to an A4 sheet. `registry_base` is the deployment's public
/// address: each notice prints `<registry_base>/tai-khoan/<school>`.
pub fn render(
    notices: &[PrintedNotice],
    heading: &Heading,
    registry_base: &str,
) -> Result<Vec<u8>, PdfError> {
    let mut sheets = Sheets {
        fonts: Fonts::new()?,
        pages: Vec::new(),
    };
    for pair in notices.chunks(2) {
        let mut page = Content::new();
        for (i, notice) in pair.iter().enumerate() {
            let top = PAGE_H - i as f32 * HALF_H;
            sheets.notice(&mut page, notice, top, registry_base)?;
        }
        cut_line(&mut page);
        sheets.pages.push(page);
    }
    sheets.finish(heading)
}

struct Sheets {
    fonts: Fonts,
    pages: Vec<Content>,
}

/// Where the next line goes inside one notice.
struct Pen<'p> {
    page: &'p mut Content,
    y: f32,
}

impl Sheets {
    /// Wrapped lines in a column, moving the pen down.
    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        pen: &mut Pen,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
        text: &str,
        color: Rgb,
        max_lines: usize,
    ) {
        for line in self
            .fonts
            .wrap(weight, size, &clean(text), width, max_lines)
        {
            self.fonts
                .show(pen.page, weight, size, x, pen.y - size, &line, color);
            pen.y -= size * 1.3;
        }
    }

    /// A label and its amount, the amount against the column's right edge.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        pen: &mut Pen,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
        label: &str,
        amount: &str,
    ) {
        let amount_w = self.fonts.width(weight, size, amount);
        let label = self
            .fonts
            .wrap(weight, size, &clean(label), width - amount_w - 6.0, 1)
            .remove(0);
        let baseline = pen.y - size;
        self.fonts
            .show(pen.page, weight, size, x, baseline, &label, INK);
        self.fonts.show(
            pen.page,
            weight,
            size,
            x + width - amount_w,
            baseline,
            amount,
            INK,
        );
        pen.y -= size * 1.3;
    }

    fn rule(pen: &mut Pen, x: f32, width: f32) {
        hline(pen.page, x, pen.y, width, 0.5, RULE);
    }

    fn notice(
        &mut self,
        page: &mut Content,
        notice: &PrintedNotice,
        top: f32,
        registry_base: &str,
    ) -> Result<f32, PdfError> {
        let d = &notice.detail;
        let s = &d.summary;
        let f = &notice.figures;
        let mut pen = Pen {
            page,
            y: top - MARGIN_Y,
        };
        let x = MARGIN_X;

        // The school, then what this is.
        let school = format!("{} · {}", d.school_legal_name, d.school_address);
        self.lines(&mut pen, Weight::Bold, 10.0, x, WIDTH, &school, INK, 1);
        let title = format!("THÔNG BÁO CÁC KHOẢN THU — THÁNG {}", s.period.label());
        self.lines(&mut pen, Weight::Bold, 13.0, x, WIDTH, &title, INK, 1);
        pen.y -= 1.0;
        Self::rule(&mut pen, x, WIDTH);
        pen.y -= 3.0;
        let who = format!(
            "Học sinh: {} · Mã học sinh: {} · Lớp: {} · Hạn nộp: {}",
            d.student_name,
            notice.student_code,
            d.class_name,
            s.due_on.dmy()
        );
        self.lines(&mut pen, Weight::Regular, 10.5, x, WIDTH, &who, INK, 2);
        pen.y -= 3.0;
        let columns_top = pen.y;

        // Left: what must be paid, then what may be chosen.
        self.lines(
            &mut pen,
            Weight::Bold,
            10.0,
            x,
            LEFT_W,
            "Các khoản phải nộp",
            INK,
            1,
        );
        for line in shortened(&f.compulsory, MAX_COMPULSORY, "khoản khác") {
            let amount = line.amount.to_string();
            self.row(
                &mut pen,
                Weight::Regular,
                10.0,
                x,
                LEFT_W,
                &line.description,
                &amount,
            );
        }
        if f.paid_to_compulsory.is_positive() {
            let paid = (Vnd::ZERO - f.paid_to_compulsory).to_string();
            self.row(&mut pen, Weight::Regular, 10.0, x, LEFT_W, "Đã nộp", &paid);
        }
        pen.y -= 1.0;
        Self::rule(&mut pen, x, LEFT_W);
        pen.y -= 2.0;
        let due = f.compulsory_due.to_string();
        self.row(
            &mut pen,
            Weight::Bold,
            13.0,
            x,
            LEFT_W,
            "Số tiền cần nộp",
            &due,
        );
        if !f.voluntary.is_empty() {
            pen.y -= 3.0;
            self.lines(
                &mut pen,
                Weight::Bold,
                10.0,
                x,
                LEFT_W,
                "Khoản tự nguyện — không tính vào số tiền trên",
                INK,
                1,
            );
            // Each voluntary fee its own box: a family chooses them one by one, so
            // they are never summed into one line. Past the room, the rest are named
            // as a count to see on the phone or ask about.
            for line in f.voluntary.iter().take(MAX_VOLUNTARY) {
                // A box to tick, drawn: no font is needed for it.
                let side = 8.5;
                pen.page
                    .set_stroke_rgb(INK.0, INK.1, INK.2)
                    .set_line_width(0.6)
                    .rect(x, pen.y - side - 1.5, side, side)
                    .stroke();
                let amount = line.amount.to_string();
                self.row(
                    &mut pen,
                    Weight::Regular,
                    10.0,
                    x + side + 4.0,
                    LEFT_W - side - 4.0,
                    &line.description,
                    &amount,
                );
            }
            let more = f.voluntary.len().saturating_sub(MAX_VOLUNTARY);
            let how = if more > 0 {
                format!("Còn {more} khoản tự nguyện khác: xem khi tra cứu trên điện thoại hoặc hỏi giáo viên. Muốn tham gia: đánh dấu ô và gửi lại giáo viên.")
            } else {
                "Muốn tham gia: đánh dấu ô và gửi lại giáo viên, hoặc chọn khi tra cứu.".to_string()
            };
            self.lines(&mut pen, Weight::Regular, 8.5, x, LEFT_W, &how, MUTED, 2);
        }
        let left_bottom = pen.y;

        // Right: the QR for the compulsory amount, drawn only from an account
        // the office confirmed; or why there is none.
        let qr_x = x + LEFT_W + GUTTER;
        pen.y = columns_top;
        let payload = match (&d.payee, f.compulsory_due.is_positive()) {
            (Some(p), true) => VietQr::transfer(
                &p.bin,
                &p.account_number,
                f.compulsory_due,
                s.code.as_str(),
                &d.memo,
            )
            .encode()
            .ok(),
            _ => None,
        };
        match payload {
            Some(payload) => {
                let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
                    .map_err(|e| PdfError::Qr(e.to_string()))?;
                draw_qr(pen.page, &code, qr_x, pen.y - QR_SIDE, QR_SIDE, 4);
                pen.y -= QR_SIDE + 2.0;
                self.lines(
                    &mut pen,
                    Weight::Regular,
                    8.5,
                    qr_x,
                    QR_SIDE,
                    "Quét mã để nộp số tiền trên",
                    MUTED,
                    2,
                );
            }
            None if !f.compulsory_due.is_positive() => self.lines(
                &mut pen,
                Weight::Bold,
                10.0,
                qr_x,
                QR_SIDE,
                "Đã nộp đủ các khoản phải nộp.",
                GREEN,
                3,
            ),
            None => self.lines(
                &mut pen,
                Weight::Bold,
                10.0,
                qr_x,
                QR_SIDE,
                "Tài khoản nhận tiền chưa được xác nhận: chưa in mã QR.",
                RED,
                4,
            ),
        }
        pen.y = pen.y.min(left_bottom) - 3.0;
        Self::rule(&mut pen, x, WIDTH);
        pen.y -= 3.0;

        // The payment template's fields, as the plan words them.
        let beneficiary = match &d.payee {
            Some(p) => format!(
                "{} — {} {}",
                p.account_name, p.bank_short_name, p.account_number
            ),
            None => d.school_legal_name.clone(),
        };
        let t = &hocphi_app::i18n::VI;
        let fields = [
            (
                format!("{}:", t.payer),
                format!("Phụ huynh học sinh {}", d.student_name),
            ),
            (format!("{}:", t.beneficiary), beneficiary),
            (format!("{}:", t.reason), d.reason.clone()),
            (format!("{}:", t.invoice_code), s.code.to_string()),
            ("Nội dung chuyển khoản:".to_string(), d.memo.clone()),
        ];
        let label_w = fields
            .iter()
            .map(|(label, _)| self.fonts.width(Weight::Regular, 10.0, label))
            .fold(0.0, f32::max)
            + 5.0;
        for (label, value) in fields {
            let label = label.as_str();
            let baseline = pen.y - 10.0;
            self.fonts
                .show(pen.page, Weight::Regular, 10.0, x, baseline, label, MUTED);
            let value = self
                .fonts
                .wrap(Weight::Bold, 10.0, &clean(&value), WIDTH - label_w, 1)
                .remove(0);
            self.fonts.show(
                pen.page,
                Weight::Bold,
                10.0,
                x + label_w,
                baseline,
                &value,
                INK,
            );
            pen.y -= 10.0 * 1.25;
        }
        pen.y -= 2.0;
        let registry = format!(
            "Chỉ chuyển vào tài khoản có trong danh sách công khai của trường: {}/tai-khoan/{}",
            registry_base.trim_end_matches('/'),
            notice.school_slug
        );
        self.lines(&mut pen, Weight::Regular, 9.0, x, WIDTH, &registry, INK, 2);
        // Never cut short, whatever the address's length: the warning has its own line.
        self.lines(
            &mut pen,
            Weight::Bold,
            9.0,
            x,
            WIDTH,
            "Không mất phí. Nhà trường không bao giờ hỏi mã OTP.",
            INK,
            1,
        );
        if !d.contacts.is_empty() {
            let contacts = d
                .contacts
                .iter()
                .map(|c| format!("{} ({}) {}", c.name, c.role, c.phone))
                .collect::<Vec<_>>()
                .join(" · ");
            let contacts = format!("Liên hệ: {contacts}");
            self.lines(&mut pen, Weight::Regular, 9.0, x, WIDTH, &contacts, INK, 2);
        }
        // Where the notice ends: it must stay inside its half of the sheet.
        Ok(pen.y)
    }

    fn finish(self, heading: &Heading) -> Result<Vec<u8>, PdfError> {
        let title = format!(
            "Thông báo các khoản thu — Lớp {} — Tháng {}",
            clean(heading.class_name),
            heading.period_label
        );
        let document = Document::titled(&title, (PAGE_W, PAGE_H));
        pdf_document::write(&document, &self.fonts, self.pages)
    }
}

/// The lines as printed: at most `max`, the rest summed into one last line
/// ("3 khoản khác"), so the printed lines still add up to the total.
fn shortened(lines: &[PrintedLine], max: usize, others: &str) -> Vec<PrintedLine> {
    if lines.len() <= max {
        return lines.to_vec();
    }
    let (shown, rest) = lines.split_at(max - 1);
    let mut out = shown.to_vec();
    out.push(PrintedLine {
        description: format!("{} {others}", rest.len()),
        amount: rest.iter().map(|l| l.amount).sum(),
    });
    out
}

/// A dashed line across the middle of the sheet, with scissors' words.
fn cut_line(page: &mut Content) {
    page.save_state();
    page.set_stroke_rgb(RULE.0, RULE.1, RULE.2)
        .set_line_width(0.6)
        .set_dash_pattern([4.0, 3.0], 0.0)
        .move_to(4.0 * MM, HALF_H)
        .line_to(PAGE_W - 4.0 * MM, HALF_H)
        .stroke();
    page.restore_state();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, amount: i64) -> PrintedLine {
        PrintedLine {
            description: text.into(),
            amount: Vnd::new(amount),
        }
    }

    #[test]
    fn a_long_list_is_shortened_to_a_line_that_keeps_the_sum() {
        let lines: Vec<_> = (1..=9)
            .map(|i| line(&format!("Khoản {i}"), i * 1_000))
            .collect();
        let printed = shortened(&lines, 7, "khoản khác");
        assert_eq!(printed.len(), 7);
        assert_eq!(printed[6].description, "3 khoản khác");
        let sum = |l: &[PrintedLine]| l.iter().map(|l| l.amount).sum::<Vnd>();
        assert_eq!(sum(&printed), sum(&lines));
        assert_eq!(shortened(&lines[..7], 7, "x"), lines[..7].to_vec());
    }

    /// The longest notice hocphi can print: every text at its longest, every
    /// list past its limit, something already paid.
    fn longest() -> PrintedNotice {
        use hocphi_app::domain::date::{Date, Month};
        use hocphi_app::domain::invoice_code::InvoiceCode;
        use hocphi_app::domain::invoice_status::{InvoiceStatus, PaymentState};
        use hocphi_app::domain::notice::Figures;
        use hocphi_app::model::{InvoiceDetail, InvoiceSummary, Payee};
        let long = "Trường Trung học cơ sở và Trung học phổ thông Nguyễn Bỉnh Khiêm thuộc Uỷ ban nhân dân phường Hồng Gai tỉnh Quảng Ninh";
        let contact = hocphi_app::staff::Contact {
            name: "Nguyễn Thị Phương Thảo".into(),
            role: "Kế toán kiêm thủ quỹ".into(),
            phone: "0912 345 678".into(),
            zalo: None,
        };
        PrintedNotice {
            detail: InvoiceDetail {
                summary: InvoiceSummary {
                    code: InvoiceCode::parse("Z6DENJ8H").unwrap(),
                    title: long.into(),
                    period: Month::parse("2026-11").unwrap(),
                    total: Vnd::new(9_000_000),
                    paid: Vnd::new(1_000_000),
                    due_on: Date::parse_iso("2026-11-20").unwrap(),
                    status: InvoiceStatus {
                        state: PaymentState::PartlyPaid,
                        overdue: true,
                    },
                },
                school_name: long.into(),
                school_legal_name: long.into(),
                school_address: long.into(),
                student_name: "Tôn Nữ Hoàng Thị Phương Thảo Nguyên".into(),
                class_name: "12A10".into(),
                lines: vec![],
                balance: Vnd::new(8_000_000),
                reason: long.into(),
                memo: "HP Z6DENJ8H T11 2026".into(),
                payee: Some(Payee {
                    bin: "970436".into(),
                    bank_short_name: "Vietcombank".into(),
                    bank_name: "Ngân hàng TMCP Ngoại Thương Việt Nam".into(),
                    account_number: "1023456789012345678".into(),
                    account_name: long.to_uppercase(),
                }),
                mobile_money: None,
                online_payment: false,
                payments: vec![],
                contacts: vec![contact.clone(), contact.clone(), contact],
                receipts: vec![],
                extra_transfers: vec![],
                pending_online: None,
                school_slug: "thcs-thpt-nguyen-binh-khiem".into(),
            },
            student_code: "2201000001".into(),
            school_slug: "thcs-thpt-nguyen-binh-khiem-hong-gai".into(),
            figures: Figures {
                compulsory: (1..=12)
                    .map(|i| line(&format!("{long} {i}"), 700_000))
                    .collect(),
                voluntary: (1..=6)
                    .map(|i| line(&format!("{long} {i}"), 100_000))
                    .collect(),
                compulsory_due: Vnd::new(7_400_000),
                paid_to_compulsory: Vnd::new(1_000_000),
            },
        }
    }

    #[test]
    fn the_longest_notice_stays_inside_its_half_sheet() {
        let mut sheets = Sheets {
            fonts: Fonts::new().unwrap(),
            pages: Vec::new(),
        };
        let mut page = Content::new();
        let notice = longest();
        // The lower notice: it must end above the sheet's bottom margin.
        let end = sheets
            .notice(
                &mut page,
                &notice,
                HALF_H,
                "https://hocphi.quangninh.edu.vn",
            )
            .unwrap();
        assert!(
            end >= 5.0 * MM,
            "the notice runs to {:.0} mm from the bottom",
            end / MM
        );
        let pdf = render(
            &[notice.clone(), notice],
            &Heading {
                class_name: "12A10",
                period_label: "11/2026",
            },
            "https://hocphi.quangninh.edu.vn",
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
