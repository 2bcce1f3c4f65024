//! What every PDF hocphi makes shares: DejaVu Sans embedded as a subset (only
//! the glyphs used) in a CID-keyed Type 0 font with a ToUnicode map, so viewers
//! show Vietnamese without the font installed and copied text comes back
//! exactly; text measured and wrapped with the font's own widths.

use flate2::write::ZlibEncoder;
use flate2::Compression;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, QrCode};
use std::collections::BTreeMap;
use std::io::Write;
use subsetter::GlyphRemapper;

pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font {font} cannot be used: {message}")]
    Font { font: &'static str, message: String },
    #[error("a link cannot be drawn as a QR code: {0}")]
    Qr(String),
}

/// Control characters (a pasted tab or newline) would show as boxes.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// One embedded font: glyph lookup and widths, and the glyphs used so far.
pub(crate) struct Font {
    pub(crate) name: &'static str,
    pub(crate) resource: Name<'static>,
    pub(crate) data: &'static [u8],
    pub(crate) face: ttf_parser::Face<'static>,
    pub(crate) units_per_em: f32,
    /// Old glyph ids → the ids in the subset, in order of first use.
    remapper: GlyphRemapper,
    /// Subset glyph id → the text it stands for, for the ToUnicode map.
    text: BTreeMap<u16, String>,
}

impl Font {
    pub(crate) fn new(
        name: &'static str,
        resource: &'static [u8],
        data: &'static [u8],
    ) -> Result<Font, PdfError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| PdfError::Font {
            font: name,
            message: e.to_string(),
        })?;
        Ok(Font {
            name,
            resource: Name(resource),
            data,
            units_per_em: f32::from(face.units_per_em()),
            face,
            remapper: GlyphRemapper::new(),
            text: BTreeMap::new(),
        })
    }

    pub(crate) fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance of a glyph (original id) in thousandths of the font size.
    pub(crate) fn advance(&self, glyph: u16) -> f32 {
        let units = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }

    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// The text as 2-byte CIDs of the subset (Identity-H), recording the glyphs used.
    pub(crate) fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let old = self.glyph(c);
            let new = self.remapper.remap(old);
            if old != 0 {
                self.text.entry(new).or_insert_with(|| c.to_string());
            }
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// Breaks text into lines no wider than `width`: at spaces (U+0020 only, so
    /// other spaces hold things together), and inside a
    /// word only when the word alone is too wide (long links, codes). At most
    /// `max_lines` lines; what is cut is replaced by "…".
    pub(crate) fn wrap(&self, size: f32, text: &str, width: f32, max_lines: usize) -> Vec<String> {
        let fits = |s: &str| self.width(s, size) <= width;
        let mut lines = hocphi_app::domain::wrap::wrap_words(text, fits);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                while !last.is_empty() && !fits(&format!("{last}…")) {
                    last.pop();
                }
                last.push('…');
            }
        }
        lines
    }

    /// One line of this font's text at (x, baseline), in `rgb`, recording the
    /// glyphs it uses for the subset.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn show(
        &mut self,
        page: &mut Content,
        size: f32,
        x: f32,
        baseline: f32,
        text: &str,
        rgb: (f32, f32, f32),
    ) {
        let encoded = self.encode(text);
        page.set_fill_rgb(rgb.0, rgb.1, rgb.2);
        page.begin_text();
        page.set_font(self.resource, size);
        page.next_line(x, baseline);
        page.show(Str(&encoded));
        page.end_text();
    }

    /// `ABCDEF+DejaVuSans`: the tag names this subset (PDF 9.6.4), from its glyphs.
    pub(crate) fn subset_name(&self) -> String {
        let mut hash: u32 = 2_166_136_261;
        for glyph in self.remapper.remapped_gids() {
            for byte in glyph.to_be_bytes() {
                hash = (hash ^ u32::from(byte)).wrapping_mul(16_777_619);
            }
        }
        let tag: String = (0..6)
            .map(|_| {
                let letter = char::from(b'A' + (hash % 26) as u8);
                hash /= 26;
                letter
            })
            .collect();
        format!("{tag}+{}", self.name)
    }

    /// Writes the Type 0 font and what it refers to; returns the font's reference.
    pub(crate) fn write(&self, pdf: &mut Pdf, next: &mut Ref) -> Result<Ref, PdfError> {
        let font_ref = next.bump();
        let cid_ref = next.bump();
        let descriptor_ref = next.bump();
        let cmap_ref = next.bump();
        let file_ref = next.bump();
        let base_name = self.subset_name();
        let base_name = Name(base_name.as_bytes());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(font_ref)
            .base_font(base_name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);

        let widths: Vec<f32> = self
            .remapper
            .remapped_gids()
            .map(|old| self.advance(old).round())
            .collect();
        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type2)
            .base_font(base_name)
            .system_info(system_info)
            .font_descriptor(descriptor_ref)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        cid.widths().consecutive(0, widths);
        cid.finish();

        let scale = 1000.0 / self.units_per_em;
        let bbox = self.face.global_bounding_box();
        let ascent = f32::from(self.face.ascender()) * scale;
        let descent = f32::from(self.face.descender()) * scale;
        let cap_height = self
            .face
            .capital_height()
            .map_or(ascent * 0.7, |h| f32::from(h) * scale);
        pdf.font_descriptor(descriptor_ref)
            .name(base_name)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(ascent)
            .descent(descent)
            .cap_height(cap_height)
            .stem_v(if self.face.is_bold() { 140.0 } else { 80.0 })
            .font_file2(file_ref);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (glyph, text) in &self.text {
            cmap.pair_with_multiple(*glyph, text.chars());
        }
        let cmap = deflate(&cmap.finish());
        pdf.cmap(cmap_ref, &cmap)
            .name(Name(b"Custom"))
            .system_info(system_info)
            .filter(Filter::FlateDecode);

        let subset =
            subsetter::subset(self.data, 0, &self.remapper).map_err(|e| PdfError::Font {
                font: self.name,
                message: e.to_string(),
            })?;
        let compressed = deflate(&subset);
        pdf.stream(file_ref, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);
        Ok(font_ref)
    }
}

/// Which of the two embedded weights a text is set in.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// The two weights every hocphi PDF embeds, DejaVu Sans and DejaVu Sans Bold,
/// under the resource names F1 and F2.
pub(crate) struct Fonts {
    pub(crate) regular: Font,
    pub(crate) bold: Font,
}

impl Fonts {
    pub(crate) fn new() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            regular: Font::new("DejaVuSans", b"F1", REGULAR_TTF)?,
            bold: Font::new("DejaVuSans-Bold", b"F2", BOLD_TTF)?,
        })
    }

    pub(crate) fn get(&self, weight: Weight) -> &Font {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    fn get_mut(&mut self, weight: Weight) -> &mut Font {
        match weight {
            Weight::Regular => &mut self.regular,
            Weight::Bold => &mut self.bold,
        }
    }

    pub(crate) fn width(&self, weight: Weight, size: f32, text: &str) -> f32 {
        self.get(weight).width(text, size)
    }

    /// See [`Font::wrap`].
    pub(crate) fn wrap(
        &self,
        weight: Weight,
        size: f32,
        text: &str,
        width: f32,
        max_lines: usize,
    ) -> Vec<String> {
        self.get(weight).wrap(size, text, width, max_lines)
    }

    /// See [`Font::show`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn show(
        &mut self,
        page: &mut Content,
        weight: Weight,
        size: f32,
        x: f32,
        baseline: f32,
        text: &str,
        rgb: (f32, f32, f32),
    ) {
        self.get_mut(weight)
            .show(page, size, x, baseline, text, rgb);
    }
}

/// A horizontal line from (x, y), `width` long, `line_width` thick.
pub(crate) fn hline(
    content: &mut Content,
    x: f32,
    y: f32,
    width: f32,
    line_width: f32,
    rgb: (f32, f32, f32),
) {
    content
        .set_stroke_rgb(rgb.0, rgb.1, rgb.2)
        .set_line_width(line_width)
        .move_to(x, y)
        .line_to(x + width, y)
        .stroke();
}

/// A QR code's dark modules as filled squares, merged along rows, in a square
/// of `side` points whose lower left corner is (x, y), `quiet` modules of
/// margin included.
pub(crate) fn draw_qr(
    content: &mut Content,
    code: &QrCode,
    x: f32,
    y: f32,
    side: f32,
    quiet: usize,
) {
    let width = code.width();
    let module = side / (width + 2 * quiet) as f32;
    let colors = code.to_colors();
    content.set_fill_rgb(0.0, 0.0, 0.0);
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < width && colors[row * width + col] == Color::Dark {
                col += 1;
            }
            let left = x + (start + quiet) as f32 * module;
            let bottom = y + side - (row + quiet + 1) as f32 * module;
            content.rect(left, bottom, (col - start) as f32 * module, module);
        }
    }
    content.fill_nonzero();
}
