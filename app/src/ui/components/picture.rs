//! A picture the person chose (a photo or a screenshot), drawn on a canvas no
//! larger than needed: cheap phones take 12-megapixel photos.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Draws `file` on a new canvas whose longest side is at most `max_side` pixels.
pub async fn draw_scaled(
    file: &web_sys::File,
    max_side: f64,
) -> Option<web_sys::HtmlCanvasElement> {
    let window = web_sys::window()?;
    let bitmap: web_sys::ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob(file).ok()?)
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
    let scale = (max_side / w.max(h)).min(1.0);
    let (cw, ch) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let canvas: web_sys::HtmlCanvasElement = window
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, cw, ch)
        .ok()?;
    Some(canvas)
}
