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

/// Width of the saved image when it carries a caption: room for a line of
/// about 40 characters at a size a grandparent reads in the gallery.
const CAPTION_WIDTH: usize = 640;
/// The caption's font, written out: formatting the size from a float would link
/// the float formatter (about 4 KB of the QR's download) for one constant.
const CAPTION_FONT: &str = "26px sans-serif";
const CAPTION_FONT_BOLD: &str = "bold 26px sans-serif";
const CAPTION_LINE_PX: f64 = 36.0;
const CAPTION_MARGIN_PX: f64 = 24.0;

/// The QR as a PNG `data:` address, quiet zone included. With a caption (the
/// school, class, month, amount, where to check the account), the text is
/// drawn under the code: a bare code in a photo gallery looks like a scammer's.
fn png_data_url(code: &QrCode, caption: &[String]) -> Option<String> {
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET_ZONE) * PNG_SCALE;
    let document = web_sys::window()?.document()?;
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    let canvas_width = if caption.is_empty() {
        side
    } else {
        side.max(CAPTION_WIDTH)
    };
    // Measuring needs a context with the font set; the canvas is sized after.
    let ctx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let font = |bold: bool| {
        if bold {
            CAPTION_FONT_BOLD
        } else {
            CAPTION_FONT
        }
    };
    let max_text = canvas_width as f64 - 2.0 * CAPTION_MARGIN_PX;
    let mut lines: Vec<(bool, String)> = Vec::new();
    for (i, text) in caption.iter().enumerate() {
        // The first line (the school) in bold.
        let bold = i == 0;
        ctx.set_font(font(bold));
        let fits = |t: &str| ctx.measure_text(t).map(|m| m.width()).unwrap_or(0.0) <= max_text;
        for line in crate::domain::wrap::wrap_words(text, fits) {
            lines.push((bold, line));
        }
    }
    let text_height = if lines.is_empty() {
        0.0
    } else {
        lines.len() as f64 * CAPTION_LINE_PX + CAPTION_MARGIN_PX
    };
    canvas.set_width(canvas_width as u32);
    canvas.set_height((side as f64 + text_height).ceil() as u32);
    // Resizing resets the context's state.
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, canvas_width as f64, side as f64 + text_height);
    ctx.set_fill_style_str("#000000");
    let left = (canvas_width - side) / 2;
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let x = left + (i % width + QUIET_ZONE) * PNG_SCALE;
            let y = (i / width + QUIET_ZONE) * PNG_SCALE;
            ctx.fill_rect(x as f64, y as f64, PNG_SCALE as f64, PNG_SCALE as f64);
        }
    }
    ctx.set_text_baseline("alphabetic");
    for (i, (bold, line)) in lines.iter().enumerate() {
        ctx.set_font(font(*bold));
        let baseline = side as f64 + (i as f64 + 1.0) * CAPTION_LINE_PX - 8.0;
        let _ = ctx.fill_text(line, CAPTION_MARGIN_PX, baseline);
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

/// What a saved QR image says under the code, weeks later in a photo gallery:
/// whose code it is (the school), for what (`what`: a class and month, never a
/// child's name), how much, to whom, and where to check the school's accounts.
pub fn caption(
    school: &str,
    what: String,
    amount: crate::domain::money::Vnd,
    recipient: &str,
    school_slug: &str,
) -> Vec<String> {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    vec![
        school.to_string(),
        what,
        format!("{}: {amount}", texts().amount),
        format!("{}: {recipient}", crate::ui::tr("Người nhận", "Recipient")),
        format!(
            "{} {origin}/tai-khoan/{school_slug}",
            crate::ui::tr(
                "Kiểm tra tài khoản của trường tại",
                "Check the school's account at"
            )
        ),
    ]
}

/// A VietQR in the page, with a button saving it as an image. `caption` is drawn
/// under the saved image's code (none on a printed page, where the paper says it).
#[component]
pub fn VietQrCode(
    payload: String,
    file_name: String,
    #[prop(optional)] caption: Vec<String>,
) -> impl IntoView {
    // Encoded and drawn in a task of its own, once the page around it is on
    // screen: on a slow phone, the code and the page in one task made a task
    // long enough to hold up the first tap. The square keeps its place meanwhile.
    let drawn = RwSignal::new(None::<Option<String>>);
    {
        let payload = payload.clone();
        set_timeout(
            move || {
                let svg = build(&payload).map(|code| {
                    code.render::<svg::Color>()
                        .min_dimensions(264, 264)
                        .quiet_zone(true)
                        .dark_color(svg::Color("#000000"))
                        .light_color(svg::Color("#ffffff"))
                        .build()
                });
                let _ = drawn.try_set(Some(svg));
            },
            std::time::Duration::ZERO,
        );
    }
    // The payload could not be encoded: a message in place of the code and its button.
    let failed = move || drawn.get() == Some(None);
    let saved = RwSignal::new(false);
    // In a chat app's browser: the image itself, to long-press and save.
    let to_hold = RwSignal::new(None::<String>);
    let save = move |_| {
        let Some(url) = build(&payload).and_then(|code| png_data_url(&code, &caption)) else {
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
            {move || failed().then(|| view! {
                <p role="alert" class="text-red-800">{texts().err_internal}</p>
            })}
            <div
                class="qr aspect-square w-full max-w-72 rounded-lg bg-white p-1 ring-1 ring-gray-200"
                hidden=failed
                role="img"
                aria-label=texts().qr_alt
                inner_html=move || drawn.get().flatten().unwrap_or_default()
            ></div>
            <button
                type="button"
                hidden=failed
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
}
