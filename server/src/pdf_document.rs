//! The file around the pages every hocphi PDF draws: catalog, page tree,
//! document information, the two embedded fonts (as subsets of the glyphs the
//! pages used), the compressed content streams and clickable links. The objects
//! are numbered in one order for every document.

use crate::pdf_font::{deflate, Fonts, PdfError};
use pdf_writer::types::{ActionType, AnnotationType};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A clickable area opening a link.
pub(crate) struct Link {
    /// The page's index, from 0.
    pub(crate) page: usize,
    pub(crate) area: Rect,
    pub(crate) uri: String,
}

/// What a document says of itself and holds besides its pages.
pub(crate) struct Document<'a> {
    /// Shown as the window's title in a viewer.
    pub(crate) title: &'a str,
    pub(crate) author: Option<&'a str>,
    /// Every page's size in points (width, height).
    pub(crate) page_size: (f32, f32),
    /// A graphics state the pages may select by name to draw translucently:
    /// (name, opacity of fill and stroke).
    pub(crate) translucent: Option<(Name<'a>, f32)>,
    pub(crate) links: &'a [Link],
}

impl<'a> Document<'a> {
    /// A document with a title and nothing more: no author, links or translucency.
    pub(crate) fn titled(title: &'a str, page_size: (f32, f32)) -> Document<'a> {
        Document {
            title,
            author: None,
            page_size,
            translucent: None,
            links: &[],
        }
    }
}

/// The PDF file of the pages, drawn with `fonts` (which are written as the
/// subsets those pages used, so they come after the drawing).
pub(crate) fn write(
    doc: &Document,
    fonts: &Fonts,
    mut pages: Vec<Content>,
) -> Result<Vec<u8>, PdfError> {
    // A document with nothing to show (an empty class's notices) still gets a
    // blank page: a PDF has at least one.
    if pages.is_empty() {
        pages.push(Content::new());
    }
    let count = pages.len();
    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let catalog_ref = next.bump();
    let tree_ref = next.bump();
    let info_ref = next.bump();
    let page_refs: Vec<(Ref, Ref)> = (0..count).map(|_| (next.bump(), next.bump())).collect();
    let regular_ref = fonts.regular.write(&mut pdf, &mut next)?;
    let bold_ref = fonts.bold.write(&mut pdf, &mut next)?;
    let translucent = doc
        .translucent
        .map(|(name, alpha)| (name, alpha, next.bump()));

    pdf.catalog(catalog_ref).pages(tree_ref);
    pdf.pages(tree_ref)
        .kids(page_refs.iter().map(|(page, _)| *page))
        .count(count as i32);
    let mut info = pdf.document_info(info_ref);
    info.title(TextStr(doc.title));
    if let Some(author) = doc.author {
        info.author(TextStr(author));
    }
    info.producer(TextStr("hocphi"));
    info.finish();
    if let Some((_, alpha, state_ref)) = translucent {
        pdf.ext_graphics(state_ref)
            .non_stroking_alpha(alpha)
            .stroking_alpha(alpha);
    }

    let (width, height) = doc.page_size;
    for (i, (content, (page_ref, content_ref))) in pages.into_iter().zip(&page_refs).enumerate() {
        let links: Vec<&Link> = doc.links.iter().filter(|link| link.page == i).collect();
        let annotation_refs: Vec<Ref> = links.iter().map(|_| next.bump()).collect();
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, width, height))
            .parent(tree_ref)
            .contents(*content_ref);
        if !annotation_refs.is_empty() {
            page.annotations(annotation_refs.iter().copied());
        }
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(fonts.regular.resource, regular_ref)
            .pair(fonts.bold.resource, bold_ref);
        if let Some((name, _, state_ref)) = translucent {
            resources.ext_g_states().pair(name, state_ref);
        }
        resources.finish();
        page.finish();
        pdf.stream(*content_ref, &deflate(&content.finish()))
            .filter(Filter::FlateDecode);
        for (link, annotation_ref) in links.into_iter().zip(annotation_refs) {
            let mut annotation = pdf.annotation(annotation_ref);
            annotation
                .subtype(AnnotationType::Link)
                .rect(link.area)
                .border(0.0, 0.0, 0.0, None);
            annotation
                .action()
                .action_type(ActionType::Uri)
                .uri(Str(link.uri.as_bytes()));
        }
    }
    Ok(pdf.finish())
}
