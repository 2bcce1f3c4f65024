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

mod geometry;
mod layout;
mod receipt;
mod stamp;
#[cfg(test)]
mod tests;

use crate::pdf_document::{self, Document};
use crate::pdf_font::clean;
use hocphi_app::domain::receipt::ReceiptContent;
use layout::Doc;

pub use crate::pdf_font::PdfError as ReceiptPdfError;

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

/// Renders the receipt as a PDF document (one A5 page, more only for long item lists).
pub fn render(receipt: &PdfReceipt) -> Result<Vec<u8>, ReceiptPdfError> {
    let c = receipt.content;
    let continued = format!("{} · Biên lai {} (tiếp theo)", clean(&c.school), c.label());
    let mut doc = Doc::new(continued)?;
    receipt::lay_out(&mut doc, receipt)?;
    let (mut pages, fonts, links) = doc.finish();
    if receipt.cancelled.is_some() {
        if let Some(first) = pages.first_mut() {
            stamp::stamp(&fonts.bold, first);
        }
    }
    let title = format!("{} {}", clean(&c.receipt_type), c.label());
    let author = clean(&c.school);
    let document = Document {
        title: &title,
        author: Some(&author),
        page_size: (geometry::PAGE_W, geometry::PAGE_H),
        translucent: Some((stamp::STATE, stamp::OPACITY)),
        links: &links,
    };
    pdf_document::write(&document, &fonts, pages)
}
