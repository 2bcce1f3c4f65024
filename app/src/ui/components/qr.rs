//! The VietQR drawn in the page (no third-party QR service sees the payment), and
//! saved as a PNG with its quiet zone so a banking app can read it from the gallery.

use crate::ui::texts;
use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};
use wasm_bindgen::JsCast;

/// Modules of white border the QR standard asks for around the code.
const QUIET_ZONE: usize = 4;
/// Pixels per module in the saved PNG: big enough for any phone camera or decoder.
const PNG_SCALE: usize = 10;

fn build(payload: &str) -> Option<QrCode> {
    QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()
}

/// The QR as a PNG `data:` address, quiet zone included.
fn png_data_url(code: &QrCode) -> Option<String> {
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET_ZONE) * PNG_SCALE;
    let document = web_sys::window()?.document()?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(side as u32);
    canvas.set_height(side as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, side as f64, side as f64);
    ctx.set_fill_style_str("#000000");
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let x = (i % width + QUIET_ZONE) * PNG_SCALE;
            let y = (i / width + QUIET_ZONE) * PNG_SCALE;
            ctx.fill_rect(x as f64, y as f64, PNG_SCALE as f64, PNG_SCALE as f64);
        }
    }
    canvas.to_data_url_with_type("image/png").ok()
}

fn download(url: &str, file_name: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(url);
    link.set_download(file_name);
    link.click();
    Some(())
}

/// Zalo's, Messenger's and Facebook's built-in browsers, where links from class
/// groups open: downloads there fail silently.
pub fn in_app_browser() -> bool {
    let ua = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .unwrap_or_default();
    [
        "Zalo",
        "FBAN",
        "FBAV",
        "FB_IAB",
        "Messenger",
        "Instagram",
        "Line/",
    ]
    .iter()
    .any(|marker| ua.contains(marker))
}

/// The QR as SVG markup (for printed notices, where no buttons belong).
pub fn svg_markup(payload: &str) -> Option<String> {
    let code = build(payload)?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[component]
pub fn VietQrCode(payload: String, file_name: String) -> impl IntoView {
    let Some(code) = build(&payload) else {
        return view! { <p role="alert" class="text-red-800">{texts().err_internal}</p> }
            .into_any();
    };
    let svg_markup = code
        .render::<svg::Color>()
        .min_dimensions(264, 264)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let saved = RwSignal::new(false);
    // In a chat app's browser: the image itself, to long-press and save.
    let to_hold = RwSignal::new(None::<String>);
    let save = move |_| {
        let Some(url) = png_data_url(&code) else {
            return;
        };
        if in_app_browser() {
            to_hold.set(Some(url));
        } else if download(&url, &file_name).is_some() {
            saved.set(true);
        }
    };
    view! {
        <figure class="flex flex-col items-center">
            <div
                class="qr w-full max-w-72 rounded-lg bg-white p-1 ring-1 ring-gray-200"
                role="img"
                aria-label=texts().qr_alt
                inner_html=svg_markup
            ></div>
            <button
                type="button"
                class="mt-3 min-h-12 w-full max-w-72 rounded-lg bg-teal-700 px-4 text-base font-semibold text-white hover:bg-teal-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-700"
                on:click=save
            >
                {texts().save_qr}
            </button>
            <p class="mt-2 text-center text-sm text-green-800" aria-live="polite">
                {move || saved.get().then(|| texts().qr_saved)}
            </p>
            {move || to_hold.get().map(|url| view! {
                <div class="mt-2 flex w-full max-w-72 flex-col items-center rounded-lg bg-amber-50 p-3 ring-1 ring-amber-300">
                    <p class="text-center text-base font-semibold text-amber-950" role="status">
                        {crate::ui::tr("Nhấn giữ ảnh dưới đây rồi chọn \"Lưu ảnh\".", "Press and hold the image below, then choose \"Save image\".")}
                    </p>
                    <img src=url alt=texts().qr_alt data-testid="qr-to-hold" class="mt-2 w-full rounded bg-white"/>
                </div>
            })}
        </figure>
    }
    .into_any()
}
