//! The "ĐÃ HUỶ" stamp across a cancelled receipt's first page.

use super::geometry::*;
use crate::pdf_font::Font;
use pdf_writer::{Content, Name};

/// The graphics state the stamp is drawn in: translucent, so the receipt stays
/// legible under it.
pub(super) const STATE: Name<'static> = Name(b"Stamp");
pub(super) const OPACITY: f32 = 0.3;

/// A large translucent stamp across the first page, drawn as glyph outlines
/// (not text, so copied or extracted text has the banner's "ĐÃ HUỶ" only once).
pub(super) fn stamp(font: &Font, page: &mut Content) {
    const SIZE: f32 = 40.0;
    const TEXT: &str = "ĐÃ HUỶ";
    let w = font.width(TEXT, SIZE);
    let (sin, cos) = 24.0_f32.to_radians().sin_cos();
    page.save_state();
    page.set_parameters(STATE);
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
