//! The receipt page's geometry and colours, in PDF points (1/72 inch) and RGB
//! fractions: the only floats of the receipt PDF, because the PDF writer draws in
//! them. No amount of money passes through here; amounts reach the page as text
//! formatted from `Vnd` (whole đồng), and only their printed width is measured.

pub(super) const MM: f32 = 72.0 / 25.4;
pub(super) const PAGE_W: f32 = 148.0 * MM;
pub(super) const PAGE_H: f32 = 210.0 * MM;
pub(super) const LEFT: f32 = 12.0 * MM;
pub(super) const WIDTH: f32 = PAGE_W - 2.0 * LEFT;
pub(super) const TOP: f32 = PAGE_H - 11.0 * MM;
/// Nothing but the page number goes below this line.
pub(super) const BOTTOM: f32 = 13.0 * MM;
/// The QR code's side, its 4-module quiet zone included.
pub(super) const QR_SIDE: f32 = 31.0 * MM;
pub(super) const QR_QUIET_ZONE: usize = 4;

pub(super) type Rgb = (f32, f32, f32);
pub(super) const INK: Rgb = (0.08, 0.08, 0.1);
pub(super) const MUTED: Rgb = (0.36, 0.37, 0.4);
pub(super) const RULE: Rgb = (0.7, 0.71, 0.74);
pub(super) const HEAD_FILL: Rgb = (0.92, 0.93, 0.95);
pub(super) const RED: Rgb = (0.78, 0.07, 0.09);
pub(super) const RED_FILL: Rgb = (1.0, 0.93, 0.93);
