//! Signed receipts as PDF: an A5 portrait "Biên lai thu tiền" a parent can print,
//! keep or forward, with the verification link as a QR code.
//!
//! Text is set in DejaVu Sans, embedded in the binary and written into each PDF as
//! a subset (only the glyphs used: 10–16 KB per weight, compressed) in a CID-keyed
//! Type 0 font with a ToUnicode map, so any viewer shows the Vietnamese letters
//! without the font installed, and copy/paste or `pdftotext` give the text back
//! exactly. There is no shaping: Vietnamese is written with precomposed letters
//! (NFC), which DejaVu Sans has as single glyphs; combining marks (NFD input) still
//! render, less finely placed.

use hocphi_app::domain::date::{Date, Month};
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::receipt::ReceiptContent;
use pdf_writer::types::{ActionType, AnnotationType};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use qrcode::{EcLevel, QrCode};

pub struct PdfReceipt<'a> {
    pub content: &'a ReceiptContent,
    /// Some((cancelled_at unix secs, reason)) when the receipt was cancelled.
    pub cancelled: Option<(i64, &'a str)>,
    /// The verification link printed as a QR code and as text.
    pub verify_url: &'a str,
    /// The holder of the school's certificate (chữ ký số) the PDF will be signed with
    /// (PAdES, after rendering) and who issued it, if the school has one: the note
    /// then says so.
    pub digitally_signed_by: Option<(&'a str, &'a str)>,
}

pub use crate::pdf_font::PdfError as ReceiptPdfError;
use crate::pdf_font::{clean, deflate, draw_qr, Font, BOLD_TTF, REGULAR_TTF};

/// Renders the receipt as a PDF document (one A5 page, more only for long item lists).
pub fn render(receipt: &PdfReceipt) -> Result<Vec<u8>, ReceiptPdfError> {
    let mut doc = Doc::new(receipt)?;
    doc.layout()?;
    doc.finish()
}

mod geometry;
use geometry::*;

const CAPTION: &str = "Quét mã để kiểm tra chữ ký điện tử của nhà trường";
const DISCLAIMER: &str = "Biên lai điện tử có chữ ký điện tử do hocphi tạo cho nhà trường \
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
fn method_label(code: &str) -> &'static str {
    hocphi_app::domain::receipt::method_label(|vi, _| vi, code)
}

/// "2026-11" → "Tháng 11/2026".
fn period_label(period: &str) -> String {
    match Month::parse(period) {
        Ok(month) => format!("Tháng {}", month.label()),
        Err(_) => period.to_string(),
    }
}

/// Writes glyph outlines (font units) as a path, shifted right by `x`.
struct Outline<'c> {
    content: &'c mut Content,
    x: f32,
    last: (f32, f32),
}

impl ttf_parser::OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.content.move_to(self.x + x, y);
        self.last = (x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.content.line_to(self.x + x, y);
        self.last = (x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        // The same curve as a cubic: control points 2/3 of the way to (x1, y1).
        let (x0, y0) = self.last;
        let (c1x, c1y) = (x0 + 2.0 / 3.0 * (x1 - x0), y0 + 2.0 / 3.0 * (y1 - y0));
        let (c2x, c2y) = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
        let dx = self.x;
        self.content
            .cubic_to(dx + c1x, c1y, dx + c2x, c2y, dx + x, y);
        self.last = (x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let dx = self.x;
        self.content.cubic_to(dx + x1, y1, dx + x2, y2, dx + x, y);
        self.last = (x, y);
    }

    fn close(&mut self) {
        self.content.close_path();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Right,
}

/// The document being laid out: pages are filled top to bottom, `y` being the top
/// of the free space on the current page.
struct Doc<'a> {
    receipt: &'a PdfReceipt<'a>,
    regular: Font,
    bold: Font,
    pages: Vec<Content>,
    current: Content,
    y: f32,
    /// (page index, area, link) for clickable areas.
    links: Vec<(usize, Rect, String)>,
}

impl<'a> Doc<'a> {
    fn new(receipt: &'a PdfReceipt<'a>) -> Result<Doc<'a>, ReceiptPdfError> {
        Ok(Doc {
            receipt,
            regular: Font::new("DejaVuSans", b"F1", REGULAR_TTF)?,
            bold: Font::new("DejaVuSans-Bold", b"F2", BOLD_TTF)?,
            pages: Vec::new(),
            current: Content::new(),
            y: TOP,
            links: Vec::new(),
        })
    }

    fn font(&self, weight: Weight) -> &Font {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn width(&self, weight: Weight, size: f32, text: &str) -> f32 {
        self.font(weight).width(text, size)
    }

    fn wrap(
        &self,
        weight: Weight,
        size: f32,
        text: &str,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        self.font(weight).wrap(size, text, width, max_lines)
    }

    /// The largest size up to `size` at which the text fits on one line.
    fn fit(&self, weight: Weight, size: f32, text: &str, width: f32) -> f32 {
        let natural = self.width(weight, size, text);
        if natural <= width || natural <= 0.0 {
            size
        } else {
            (size * width / natural).max(4.0)
        }
    }

    fn text(&mut self, weight: Weight, size: f32, x: f32, baseline: f32, text: &str, color: Rgb) {
        let font = match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        };
        font.show(&mut self.current, size, x, baseline, text, color);
    }

    /// One line placed in the box `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    fn line_in(
        &mut self,
        weight: Weight,
        size: f32,
        x: f32,
        width: f32,
        baseline: f32,
        text: &str,
        align: Align,
        color: Rgb,
    ) {
        let w = self.width(weight, size, text);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (width - w) / 2.0,
            Align::Right => x + width - w,
        };
        self.text(weight, size, x, baseline, text, color);
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.current.set_fill_rgb(color.0, color.1, color.2);
        self.current.rect(x, y, w, h).fill_nonzero();
    }

    fn hrule(&mut self, y: f32, width: f32, color: Rgb) {
        self.current
            .set_stroke_rgb(color.0, color.1, color.2)
            .set_line_width(width)
            .move_to(LEFT, y)
            .line_to(LEFT + WIDTH, y)
            .stroke();
    }

    /// Starts a new page unless `height` fits above the bottom margin.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y - height >= BOTTOM {
            return false;
        }
        let full = std::mem::replace(&mut self.current, Content::new());
        self.pages.push(full);
        self.y = TOP;
        let c = self.receipt.content;
        let heading = format!("{} · Biên lai {} (tiếp theo)", clean(&c.school), c.label());
        let lines = self.wrap(Weight::Regular, 7.5, &heading, WIDTH, 2);
        for line in lines {
            self.text(Weight::Regular, 7.5, LEFT, self.y - 7.5, &line, MUTED);
            self.y -= 10.0;
        }
        self.hrule(self.y - 2.0, 0.5, RULE);
        self.y -= 10.0;
        true
    }

    /// A wrapped paragraph across the full width.
    fn paragraph(
        &mut self,
        weight: Weight,
        size: f32,
        text: &str,
        align: Align,
        color: Rgb,
        max_lines: usize,
    ) {
        let leading = size * 1.35;
        for line in self.wrap(weight, size, text, WIDTH, max_lines) {
            self.ensure(leading);
            let baseline = self.y - size;
            self.line_in(weight, size, LEFT, WIDTH, baseline, &line, align, color);
            self.y -= leading;
        }
    }

    /// "Label:  value", the value wrapped in its column.
    fn field(&mut self, label: &str, value: &str, label_width: f32, weight: Weight) {
        const SIZE: f32 = 9.0;
        const LEADING: f32 = 12.2;
        let value = if value.is_empty() { "—" } else { value };
        let lines = self.wrap(weight, SIZE, value, WIDTH - label_width, 4);
        self.ensure(lines.len() as f32 * LEADING);
        let baseline = self.y - SIZE;
        self.text(Weight::Regular, SIZE, LEFT, baseline, label, MUTED);
        for (i, line) in lines.iter().enumerate() {
            let y = baseline - i as f32 * LEADING;
            self.text(weight, SIZE, LEFT + label_width, y, line, INK);
        }
        self.y -= lines.len() as f32 * LEADING + 1.5;
    }

    fn fields(&mut self, rows: &[(&str, String, Weight)]) {
        // One value column for every field on the receipt.
        let label_width = self.width(Weight::Regular, 9.0, "Hình thức thanh toán:") + 8.0;
        for (label, value, weight) in rows {
            self.field(label, value, label_width, *weight);
        }
    }

    fn layout(&mut self) -> Result<(), ReceiptPdfError> {
        let c = self.receipt.content;

        // The school.
        self.paragraph(Weight::Bold, 10.5, &clean(&c.school), Align::Left, INK, 3);
        let tax_code = format!("Mã số thuế (MST): {}", clean(&c.school_tax_code));
        self.paragraph(Weight::Regular, 8.5, &tax_code, Align::Left, MUTED, 2);
        self.y -= 3.0;
        self.hrule(self.y, 0.8, RULE);
        self.y -= 12.0;

        // Title and numbering.
        let title = clean(&c.receipt_type).to_uppercase();
        let title = if title.is_empty() {
            "BIÊN LAI THU TIỀN".to_string()
        } else {
            title
        };
        self.paragraph(Weight::Bold, 16.0, &title, Align::Center, INK, 2);
        self.y -= 1.0;
        let numbering = clean(&c.numbering_line(|vi, _| vi));
        self.paragraph(Weight::Regular, 9.0, &numbering, Align::Center, INK, 2);
        self.y -= 8.0;

        if let Some((at, reason)) = self.receipt.cancelled {
            self.cancelled_banner(at, reason);
        }

        // Who and what.
        self.fields(&[
            ("Người nộp tiền:", clean(&c.payer), Weight::Regular),
            ("Học sinh:", clean(&c.student), Weight::Bold),
            ("Lớp:", clean(&c.class), Weight::Regular),
            ("Mã thanh toán:", clean(&c.invoice_code), Weight::Regular),
            ("Kỳ thu:", period_label(&c.period), Weight::Regular),
        ]);
        self.y -= 6.0;
        self.items_table();
        self.y -= 6.0;

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
        self.fields(&rows);

        self.verification()
    }

    fn cancelled_banner(&mut self, at: i64, reason: &str) {
        const PAD: f32 = 6.0;
        let detail = format!(
            "Biên lai đã bị huỷ lúc {}. Lý do: {}",
            Date::moment_label(at),
            clean(reason)
        );
        let lines = self.wrap(Weight::Regular, 8.5, &detail, WIDTH - 2.0 * PAD, 5);
        let height = PAD + 13.0 + lines.len() as f32 * 11.0 + PAD - 2.0;
        self.ensure(height);
        let top = self.y;
        self.fill_rect(LEFT, top - height, WIDTH, height, RED_FILL);
        self.current
            .set_stroke_rgb(RED.0, RED.1, RED.2)
            .set_line_width(1.2)
            .rect(LEFT, top - height, WIDTH, height)
            .stroke();
        self.text(
            Weight::Bold,
            11.0,
            LEFT + PAD,
            top - PAD - 10.0,
            "ĐÃ HUỶ",
            RED,
        );
        let mut baseline = top - PAD - 13.0 - 8.5;
        for line in lines {
            self.text(Weight::Regular, 8.5, LEFT + PAD, baseline, &line, RED);
            baseline -= 11.0;
        }
        self.y -= height + 8.0;
    }

    fn items_table(&mut self) {
        const PAD: f32 = 4.0;
        const NO_W: f32 = 24.0;
        const AMOUNT_W: f32 = 96.0;
        const SIZE: f32 = 9.0;
        const LEADING: f32 = 12.0;
        let label_w = WIDTH - NO_W - AMOUNT_W;
        let c = self.receipt.content;

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
        header(self);

        for (i, item) in c.items.iter().enumerate() {
            let lines = self.wrap(
                Weight::Regular,
                SIZE,
                &clean(&item.label),
                label_w - 2.0 * PAD,
                4,
            );
            let height = lines.len() as f32 * LEADING + 6.0;
            if self.ensure(height) {
                header(self);
            }
            let top = self.y;
            let baseline = top - 3.0 - SIZE;
            let number = (i + 1).to_string();
            let regular = Weight::Regular;
            self.line_in(
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
                self.text(regular, SIZE, LEFT + NO_W + PAD, y, line, INK);
            }
            let amount = Vnd::new(item.amount).to_string();
            let size = self.fit(regular, SIZE, &amount, AMOUNT_W - 2.0 * PAD);
            let x = LEFT + NO_W + label_w;
            self.line_in(
                regular,
                size,
                x,
                AMOUNT_W - PAD,
                baseline,
                &amount,
                Align::Right,
                INK,
            );
            self.y -= height;
            self.hrule(self.y, 0.4, RULE);
        }

        const TOTAL_H: f32 = 18.0;
        self.ensure(TOTAL_H);
        self.hrule(self.y, 0.9, INK);
        let baseline = self.y - TOTAL_H + 5.5;
        let bold = Weight::Bold;
        let x = LEFT + NO_W + PAD;
        self.line_in(
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
        let size = self.fit(bold, 9.5, &total, AMOUNT_W - 2.0 * PAD);
        let x = LEFT + NO_W + label_w;
        self.line_in(
            bold,
            size,
            x,
            AMOUNT_W - PAD,
            baseline,
            &total,
            Align::Right,
            INK,
        );
        self.y -= TOTAL_H;
        self.hrule(self.y, 0.9, INK);
    }

    /// The QR code and the link, anchored at the bottom of the last page.
    fn verification(&mut self) -> Result<(), ReceiptPdfError> {
        const GAP: f32 = 10.0;
        let url = self.receipt.verify_url.trim();
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .or_else(|_| QrCode::with_error_correction_level(url.as_bytes(), EcLevel::L))
            .map_err(|e| ReceiptPdfError::Qr(e.to_string()))?;

        let text_x = LEFT + QR_SIDE + GAP;
        let text_w = WIDTH - QR_SIDE - GAP;
        let caption = self.wrap(Weight::Bold, 8.5, CAPTION, text_w, 3);
        let link = self.wrap(Weight::Regular, 7.0, url, text_w, 8);
        let note_text = match self.receipt.digitally_signed_by {
            Some((holder, issuer)) => signed_note(holder, issuer),
            None => DISCLAIMER.to_string(),
        };
        let note = self.wrap(Weight::Regular, 7.0, &note_text, text_w, 6);
        let text_h = caption.len() as f32 * 11.0
            + 4.0
            + link.len() as f32 * 9.0
            + 4.0
            + note.len() as f32 * 9.0;
        let height = QR_SIDE.max(text_h);
        self.ensure(height + 14.0);

        let top = BOTTOM + height;
        self.hrule(top + 8.0, 0.5, RULE);
        self.draw_qr(&code, LEFT, top - QR_SIDE);
        let page = self.pages.len();
        self.links.push((
            page,
            Rect::new(LEFT, top - QR_SIDE, LEFT + QR_SIDE, top),
            url.to_string(),
        ));

        // The text column starts level with the code's dark modules.
        let mut baseline = top - QR_SIDE / code.width().max(1) as f32 - 8.5;
        for line in caption {
            self.text(Weight::Bold, 8.5, text_x, baseline, &line, INK);
            baseline -= 11.0;
        }
        baseline -= 2.0;
        let link_top = baseline + 7.0;
        for line in link {
            self.text(
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
        self.links.push((page, link_area, url.to_string()));
        baseline -= 4.0;
        for line in note {
            self.text(Weight::Regular, 7.0, text_x, baseline, &line, MUTED);
            baseline -= 9.0;
        }
        self.y = BOTTOM;
        Ok(())
    }

    fn draw_qr(&mut self, code: &QrCode, x: f32, y: f32) {
        draw_qr(&mut self.current, code, x, y, QR_SIDE, QR_QUIET_ZONE);
    }

    /// A large translucent stamp across the first page, drawn as glyph outlines
    /// (not text, so copied or extracted text has the banner's "ĐÃ HUỶ" only once).
    fn stamp(&self, page: &mut Content) {
        const SIZE: f32 = 40.0;
        const TEXT: &str = "ĐÃ HUỶ";
        let font = &self.bold;
        let w = font.width(TEXT, SIZE);
        let (sin, cos) = 24.0_f32.to_radians().sin_cos();
        page.save_state();
        page.set_parameters(Name(b"Stamp"));
        page.transform([cos, sin, -sin, cos, PAGE_W / 2.0, PAGE_H * 0.52]);
        page.set_stroke_rgb(RED.0, RED.1, RED.2).set_line_width(3.0);
        page.rect(-w / 2.0 - 12.0, -SIZE * 0.45, w + 24.0, SIZE * 1.3)
            .stroke();
        page.set_fill_rgb(RED.0, RED.1, RED.2);
        // From here on in font units, the baseline at y = 0.
        let scale = SIZE / font.units_per_em;
        page.transform([scale, 0.0, 0.0, scale, -w / 2.0, -SIZE * 0.12]);
        let mut outline = Outline {
            content: page,
            x: 0.0,
            last: (0.0, 0.0),
        };
        for c in TEXT.chars() {
            let glyph = font.glyph(c);
            font.face
                .outline_glyph(ttf_parser::GlyphId(glyph), &mut outline);
            outline.x += font.advance(glyph) * font.units_per_em / 1000.0;
        }
        page.fill_nonzero();
        page.restore_state();
    }

    fn finish(mut self) -> Result<Vec<u8>, ReceiptPdfError> {
        let last = std::mem::replace(&mut self.current, Content::new());
        let mut pages = std::mem::take(&mut self.pages);
        pages.push(last);
        let count = pages.len();
        if count > 1 {
            for (i, page) in pages.iter_mut().enumerate() {
                std::mem::swap(&mut self.current, page);
                let label = format!("Trang {}/{}", i + 1, count);
                let y = BOTTOM - 20.0;
                self.line_in(
                    Weight::Regular,
                    7.5,
                    LEFT,
                    WIDTH,
                    y,
                    &label,
                    Align::Center,
                    MUTED,
                );
                std::mem::swap(&mut self.current, page);
            }
        }
        if self.receipt.cancelled.is_some() {
            if let Some(first) = pages.first_mut() {
                self.stamp(first);
            }
        }

        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let catalog_ref = next.bump();
        let tree_ref = next.bump();
        let info_ref = next.bump();
        let page_refs: Vec<(Ref, Ref)> = (0..count).map(|_| (next.bump(), next.bump())).collect();
        let regular_ref = self.regular.write(&mut pdf, &mut next)?;
        let bold_ref = self.bold.write(&mut pdf, &mut next)?;
        let stamp_ref = next.bump();

        pdf.catalog(catalog_ref).pages(tree_ref);
        pdf.pages(tree_ref)
            .kids(page_refs.iter().map(|(page, _)| *page))
            .count(count as i32);
        let c = self.receipt.content;
        let title = format!("{} {}", clean(&c.receipt_type), c.label());
        pdf.document_info(info_ref)
            .title(TextStr(&title))
            .author(TextStr(&clean(&c.school)))
            .producer(TextStr("hocphi"));
        pdf.ext_graphics(stamp_ref)
            .non_stroking_alpha(0.3)
            .stroking_alpha(0.3);

        for (i, (content, (page_ref, content_ref))) in pages.into_iter().zip(&page_refs).enumerate()
        {
            let links: Vec<&(usize, Rect, String)> = self
                .links
                .iter()
                .filter(|(page, _, _)| *page == i)
                .collect();
            let annotation_refs: Vec<Ref> = links.iter().map(|_| next.bump()).collect();
            let mut page = pdf.page(*page_ref);
            page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
                .parent(tree_ref)
                .contents(*content_ref);
            if !annotation_refs.is_empty() {
                page.annotations(annotation_refs.iter().copied());
            }
            let mut resources = page.resources();
            resources
                .fonts()
                .pair(self.regular.resource, regular_ref)
                .pair(self.bold.resource, bold_ref);
            resources.ext_g_states().pair(Name(b"Stamp"), stamp_ref);
            resources.finish();
            page.finish();
            pdf.stream(*content_ref, &deflate(&content.finish()))
                .filter(Filter::FlateDecode);
            for ((_, rect, url), annotation_ref) in links.into_iter().zip(annotation_refs) {
                let mut annotation = pdf.annotation(annotation_ref);
                annotation
                    .subtype(AnnotationType::Link)
                    .rect(*rect)
                    .border(0.0, 0.0, 0.0, None);
                annotation
                    .action()
                    .action_type(ActionType::Uri)
                    .uri(Str(url.as_bytes()));
            }
        }
        Ok(pdf.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hocphi_app::domain::receipt::{Item, RECEIPT_TYPE};
    use std::path::{Path, PathBuf};
    use std::process::Command;

    const VERIFY_URL: &str = "https://hocphi.vn/r/th-ha-long/HP26E-0000001#\
        d=Qm9oY2VwaGlSZWNlaXB0RGlnZXN0MzJieXRlcw&s=U2lnbmF0dXJlNjRieXRlc19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX19fX18";

    fn sample() -> ReceiptContent {
        ReceiptContent {
            format: 1,
            receipt_type: RECEIPT_TYPE.into(),
            form_number: "01BLTT".into(),
            series: "HP26E".into(),
            number: "0000001".into(),
            school: "Trường Tiểu học Hạ Long".into(),
            school_tax_code: "5700123456".into(),
            school_slug: "th-ha-long".into(),
            payer: "Nguyễn Thị Ánh Dương".into(),
            student: "Trần Quốc Bảo Khánh".into(),
            class: "3A — Lớp Sơn Ca".into(),
            invoice_code: "K7Q2M9XF".into(),
            period: "2026-11".into(),
            items: vec![
                Item {
                    label: "Tiền ăn bán trú tháng 11/2026".into(),
                    amount: 700_000,
                },
                Item {
                    label: "Nước uống, vệ sinh, điều hoà — học kỳ I".into(),
                    amount: 280_000,
                },
            ],
            total: 980_000,
            total_in_words: "Chín trăm tám mươi nghìn đồng".into(),
            method: "bank_transfer".into(),
            reference: "FT26330123456".into(),
            // 26/11/2026 08:15 in Vietnam.
            paid_at: 1_795_655_700,
            issued_at: 1_795_655_760,
            collector: "Lê Thị Hồng Nhung".into(),
            replaces: None,
        }
    }

    fn screens_dir() -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/test-results/screens");
        std::fs::create_dir_all(&dir).expect("screens directory");
        dir
    }

    fn has(tool: &str) -> bool {
        Command::new(tool).arg("-v").output().is_ok()
    }

    /// The text poppler reads back, or None (with a note) when poppler-utils is absent.
    fn extract_text(pdf: &[u8], name: &str) -> Option<String> {
        if !has("pdftotext") {
            println!("NOTE: pdftotext (poppler-utils) not installed: text extraction not checked");
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("write pdf");
        let out = Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("run pdftotext");
        assert!(
            out.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).expect("pdftotext gives UTF-8"))
    }

    /// Page images for people to look at (end2end/test-results/screens).
    fn screenshot(pdf: &[u8], name: &str) {
        if !has("pdftoppm") {
            println!("NOTE: pdftoppm (poppler-utils) not installed: no {name}.png");
            return;
        }
        let dir = screens_dir();
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("write pdf");
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "100"])
            .arg(&path)
            .arg(dir.join(name))
            .status()
            .expect("run pdftoppm");
        assert!(status.success());
    }

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count()
    }

    fn assert_well_formed(pdf: &[u8]) {
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
        // Both weights embedded as subsets, with a ToUnicode map each.
        assert_eq!(count(pdf, b"/FontFile2"), 2);
        assert_eq!(count(pdf, b"/ToUnicode"), 2);
        // Type 0 font, CID font and descriptor name the subset, for each weight.
        assert_eq!(count(pdf, b"+DejaVuSans"), 6);
        assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
    }

    /// Each string, exactly, line breaks from wrapping aside.
    fn assert_contains_all(text: &str, expected: &[&str]) {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let flowing = words(text);
        for s in expected {
            assert!(flowing.contains(&words(s)), "missing {s:?} in:\n{text}");
        }
    }

    #[test]
    fn renders_a_receipt_with_vietnamese_text_embedded() {
        let content = sample();
        let receipt = PdfReceipt {
            content: &content,
            cancelled: None,
            verify_url: VERIFY_URL,
            digitally_signed_by: None,
        };
        let pdf = render(&receipt).expect("render");
        println!("receipt PDF: {} bytes", pdf.len());
        assert_well_formed(&pdf);
        assert!(count(&pdf, b"/MediaBox") == 1, "one page");
        screenshot(&pdf, "receipt-pdf");

        let Some(text) = extract_text(&pdf, "receipt") else {
            return;
        };
        assert_contains_all(
            &text,
            &[
                "Trường Tiểu học Hạ Long",
                "Mã số thuế (MST): 5700123456",
                "BIÊN LAI THU TIỀN",
                // The form code hocphi once printed is not the school's: a plain number.
                "Số biên lai: HP26E-0000001",
                "không phải ký hiệu đăng ký với cơ quan thuế",
                "Người nộp tiền:",
                "Nguyễn Thị Ánh Dương",
                "Trần Quốc Bảo Khánh",
                "3A — Lớp Sơn Ca",
                "K7Q2M9XF",
                "Tháng 11/2026",
                "Tiền ăn bán trú tháng 11/2026",
                "Nước uống, vệ sinh, điều hoà — học kỳ I",
                "700.000 đ",
                "280.000 đ",
                "Tổng cộng",
                "980.000 đ",
                "Chín trăm tám mươi nghìn đồng",
                "Chuyển khoản ngân hàng",
                "FT26330123456",
                "26/11/2026 08:15",
                "26/11/2026 08:16",
                "Lê Thị Hồng Nhung",
                CAPTION,
            ],
        );
        assert!(!text.contains("ĐÃ HUỶ"));
        assert!(!text.contains("Thay thế"));
        let squeezed: String = text.split_whitespace().collect();
        assert!(squeezed.contains(VERIFY_URL), "link in:\n{text}");
        let disclaimer: String = DISCLAIMER.split_whitespace().collect();
        assert!(squeezed.contains(&disclaimer), "disclaimer in:\n{text}");
    }

    #[test]
    fn a_cancelled_replacing_receipt_says_so() {
        let mut content = sample();
        content.number = "0000002".into();
        content.method = "mobile_money".into();
        content.replaces = Some("HP26E-0000001".into());
        let receipt = PdfReceipt {
            content: &content,
            cancelled: Some((
                1_795_742_100,
                "Nhập nhầm số tiền, phụ huynh đã được hoàn lại",
            )),
            verify_url: VERIFY_URL,
            digitally_signed_by: None,
        };
        let pdf = render(&receipt).expect("render");
        println!("cancelled receipt PDF: {} bytes", pdf.len());
        assert_well_formed(&pdf);
        assert!(count(&pdf, b"/MediaBox") == 1, "one page");
        screenshot(&pdf, "receipt-pdf-cancelled");

        let Some(text) = extract_text(&pdf, "cancelled") else {
            return;
        };
        assert_contains_all(
            &text,
            &[
                "ĐÃ HUỶ",
                "27/11/2026 08:15",
                "Nhập nhầm số tiền, phụ huynh đã được hoàn lại",
                "Thay thế biên lai:",
                "HP26E-0000001",
                "Ví điện tử / Mobile Money",
                "Nguyễn Thị Ánh Dương",
                "Chín trăm tám mươi nghìn đồng",
            ],
        );
        // The stamp is drawn, not written: the banner says it once.
        assert_eq!(text.matches("ĐÃ HUỶ").count(), 1, "{text}");
    }

    #[test]
    fn long_lists_and_names_continue_on_a_second_page() {
        let mut content = sample();
        content.school = "Trường Trung học cơ sở và Trung học phổ thông Nguyễn Bỉnh Khiêm \
                          — Cơ sở 2, phường Hồng Hải, thành phố Hạ Long"
            .into();
        content.payer = "Nguyễn Thị Ánh Dương (mẹ), thay mặt gia đình ông bà ngoại \
                         Phạm Văn Thưởng và Đỗ Thị Xuân"
            .into();
        content.items = (1..=24)
            .map(|i| Item {
                label: format!(
                    "Khoản thu số {i}: hoạt động ngoại khoá, câu lạc bộ năng khiếu, \
                     đồng phục và tài liệu học tập bổ trợ"
                ),
                amount: 1_250_000,
            })
            .collect();
        content.total = 24 * 1_250_000;
        content.total_in_words = "Ba mươi triệu đồng".into();
        let receipt = PdfReceipt {
            content: &content,
            cancelled: None,
            verify_url: VERIFY_URL,
            digitally_signed_by: None,
        };
        let pdf = render(&receipt).expect("render");
        println!("long receipt PDF: {} bytes", pdf.len());
        assert_well_formed(&pdf);
        let pages = count(&pdf, b"/MediaBox");
        assert!(pages >= 2, "{pages} pages");
        screenshot(&pdf, "receipt-pdf-long");

        let Some(text) = extract_text(&pdf, "long") else {
            return;
        };
        assert!(text.contains(&format!("Trang 2/{pages}")), "{text}");
        assert!(text.contains("(tiếp theo)"));
        let squeezed: String = text.split_whitespace().collect();
        for i in 1..=24 {
            let label: String = format!("Khoản thu số {i}:").split_whitespace().collect();
            assert!(squeezed.contains(&label), "item {i} in:\n{text}");
        }
        assert!(text.contains("30.000.000 đ"));
        assert!(text.contains("Ba mươi triệu đồng"));
    }

    #[test]
    fn every_letter_of_vietnamese_has_a_glyph() {
        let font = Font::new("DejaVuSans", b"F1", REGULAR_TTF).expect("font");
        let bold = Font::new("DejaVuSans-Bold", b"F2", BOLD_TTF).expect("font");
        let letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ\
                       pqrstuùúủũụưừứửữựvxyỳýỷỹỵ₫—…·\u{2003}";
        for c in letters.chars().chain(letters.to_uppercase().chars()) {
            assert_ne!(font.glyph(c), 0, "regular lacks {c}");
            assert_ne!(bold.glyph(c), 0, "bold lacks {c}");
        }
    }

    #[test]
    fn wraps_within_the_width() {
        let content = sample();
        let receipt = PdfReceipt {
            content: &content,
            cancelled: None,
            verify_url: VERIFY_URL,
            digitally_signed_by: None,
        };
        let doc = Doc::new(&receipt).expect("doc");
        let text = "Nguyễn Thị Ánh Dương ".repeat(10);
        let lines = doc.wrap(Weight::Regular, 9.0, &text, 120.0, 20);
        assert!(lines.len() > 3);
        for line in &lines {
            assert!(doc.width(Weight::Regular, 9.0, line) <= 120.0, "{line}");
        }
        assert_eq!(lines.join(" "), text.trim());
        let capped = doc.wrap(Weight::Regular, 9.0, &text, 120.0, 2);
        assert_eq!(capped.len(), 2);
        assert!(capped[1].ends_with('…'));
        let url = doc.wrap(Weight::Regular, 7.0, VERIFY_URL, 150.0, 20);
        assert_eq!(url.concat(), VERIFY_URL);
        assert!(url
            .iter()
            .all(|l| doc.width(Weight::Regular, 7.0, l) <= 150.0));
    }

    #[test]
    fn labels() {
        assert_eq!(period_label("2026-11"), "Tháng 11/2026");
        assert_eq!(period_label("kỳ 1"), "kỳ 1");
        assert_eq!(method_label("card"), "Thẻ (POS)");
        assert_eq!(method_label("cash"), "Tiền mặt");
        assert_eq!(method_label("gateway"), "Thanh toán qua cổng");
        assert_eq!(method_label("other"), "Khác");
    }
}
