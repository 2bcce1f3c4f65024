//! The receipt PDF, read back: text, fonts, pages.

use super::layout::Doc;
use super::receipt::{method_label, period_label, CAPTION, DISCLAIMER};
use super::*;
use crate::pdf_font::{Font, Weight, BOLD_TTF, REGULAR_TTF};
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
                amount: hocphi_app::domain::money::Vnd::new(700_000),
            },
            Item {
                label: "Nước uống, vệ sinh, điều hoà — học kỳ I".into(),
                amount: hocphi_app::domain::money::Vnd::new(280_000),
            },
        ],
        total: hocphi_app::domain::money::Vnd::new(980_000),
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

fn unsigned<'a>(content: &'a ReceiptContent, cancelled: Option<(i64, &'a str)>) -> PdfReceipt<'a> {
    PdfReceipt {
        content,
        cancelled,
        verify_url: VERIFY_URL,
        digitally_signed_by: None,
    }
}

/// The receipt rendered, checked to be well formed, and its picture saved.
fn render_checked(receipt: &PdfReceipt, screen: &str) -> Vec<u8> {
    let pdf = render(receipt).expect("render");
    println!("{screen}: {} bytes", pdf.len());
    assert_well_formed(&pdf);
    screenshot(&pdf, screen);
    pdf
}

#[test]
fn renders_a_receipt_with_vietnamese_text_embedded() {
    let content = sample();
    let pdf = render_checked(&unsigned(&content, None), "receipt-pdf");
    assert!(count(&pdf, b"/MediaBox") == 1, "one page");

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
    let reason = "Nhập nhầm số tiền, phụ huynh đã được hoàn lại";
    let receipt = unsigned(&content, Some((1_795_742_100, reason)));
    let pdf = render_checked(&receipt, "receipt-pdf-cancelled");
    assert!(count(&pdf, b"/MediaBox") == 1, "one page");

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
                      — Cơ sở 2, phường Hồng Hải, tỉnh Quảng Ninh"
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
            amount: hocphi_app::domain::money::Vnd::new(1_250_000),
        })
        .collect();
    content.total = hocphi_app::domain::money::Vnd::new(24 * 1_250_000);
    content.total_in_words = "Ba mươi triệu đồng".into();
    let pdf = render_checked(&unsigned(&content, None), "receipt-pdf-long");
    let pages = count(&pdf, b"/MediaBox");
    assert!(pages >= 2, "{pages} pages");

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
    let doc = Doc::new(String::new()).expect("doc");
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
