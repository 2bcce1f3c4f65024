//! The receipt's page layout: text set top to bottom on A5 pages, a new page
//! started (under a short continuation heading) when the next block does not
//! fit, pages numbered once all are known.

use super::geometry::*;
use crate::pdf_document::Link;
use crate::pdf_font::{hline, Fonts, PdfError, Weight};
use pdf_writer::{Content, Rect};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

/// The document being laid out: pages are filled top to bottom, `y` being the top
/// of the free space on the current page.
pub(super) struct Doc {
    pub(super) fonts: Fonts,
    pages: Vec<Content>,
    pub(super) current: Content,
    pub(super) y: f32,
    /// Clickable areas.
    links: Vec<Link>,
    /// The heading of every page after the first.
    continued: String,
}

impl Doc {
    pub(super) fn new(continued: String) -> Result<Doc, PdfError> {
        Ok(Doc {
            fonts: Fonts::new()?,
            pages: Vec::new(),
            current: Content::new(),
            y: TOP,
            links: Vec::new(),
            continued,
        })
    }

    pub(super) fn width(&self, weight: Weight, size: f32, text: &str) -> f32 {
        self.fonts.width(weight, size, text)
    }

    pub(super) fn wrap(
        &self,
        weight: Weight,
        size: f32,
        text: &str,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        self.fonts.wrap(weight, size, text, width, max_lines)
    }

    /// The largest size up to `size` at which the text fits on one line.
    pub(super) fn fit(&self, weight: Weight, size: f32, text: &str, width: f32) -> f32 {
        let natural = self.width(weight, size, text);
        if natural <= width || natural <= 0.0 {
            size
        } else {
            (size * width / natural).max(4.0)
        }
    }

    pub(super) fn text(
        &mut self,
        weight: Weight,
        size: f32,
        x: f32,
        baseline: f32,
        text: &str,
        color: Rgb,
    ) {
        self.fonts
            .show(&mut self.current, weight, size, x, baseline, text, color);
    }

    /// One line placed in the box `[x, x + width]`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn line_in(
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

    pub(super) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.current.set_fill_rgb(color.0, color.1, color.2);
        self.current.rect(x, y, w, h).fill_nonzero();
    }

    /// A rule across the text's width, `line_width` thick.
    pub(super) fn hrule(&mut self, y: f32, line_width: f32, color: Rgb) {
        hline(&mut self.current, LEFT, y, WIDTH, line_width, color);
    }

    /// A link from `area` on the current page.
    pub(super) fn link(&mut self, area: Rect, uri: &str) {
        self.links.push(Link {
            page: self.pages.len(),
            area,
            uri: uri.to_string(),
        });
    }

    /// Starts a new page unless `height` fits above the bottom margin.
    pub(super) fn ensure(&mut self, height: f32) -> bool {
        if self.y - height >= BOTTOM {
            return false;
        }
        let full = std::mem::replace(&mut self.current, Content::new());
        self.pages.push(full);
        self.y = TOP;
        let lines = self.wrap(Weight::Regular, 7.5, &self.continued, WIDTH, 2);
        for line in lines {
            self.text(Weight::Regular, 7.5, LEFT, self.y - 7.5, &line, MUTED);
            self.y -= 10.0;
        }
        self.hrule(self.y - 2.0, 0.5, RULE);
        self.y -= 10.0;
        true
    }

    /// A wrapped paragraph across the full width.
    pub(super) fn paragraph(
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
    pub(super) fn field(&mut self, label: &str, value: &str, label_width: f32, weight: Weight) {
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

    /// The pages, numbered ("Trang 2/3") when there are several, the fonts
    /// they were set in and their links.
    pub(super) fn finish(mut self) -> (Vec<Content>, Fonts, Vec<Link>) {
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
        (pages, self.fonts, self.links)
    }
}
