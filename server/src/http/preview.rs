//! Link previews for chat apps, whose crawlers run no JavaScript: the HTML shell
//! of a school link, a class link, a family's private link or a receipt link
//! carries Open Graph tags naming the school — never a child's name or anything
//! else personal (the private and receipt links name only the school).

use super::html::escape;
use super::rpc::RpcState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use hocphi_app::server::registry;
use hocphi_app::server::state::AppState;

/// The picture when a school has no logo: hocphi's mark (scripts/make-icons.py).
const DEFAULT_IMAGE: &str = "/og-image.png";

/// What a preview shows.
struct Preview {
    title: String,
    description: String,
    image: Option<String>,
}

/// The school's name, whether it has a logo, and its slug.
async fn school(state: &AppState, slug: &str) -> Option<(String, bool, String)> {
    registry::public_school(&state.db, slug)
        .await
        .ok()
        .flatten()
        .map(|s| (s.name, s.logo_type.is_some(), s.slug))
}

async fn school_of_receipt(state: &AppState, code: &str) -> Option<(String, bool, String)> {
    let slug = registry::slug_of_receipt(&state.db, code)
        .await
        .ok()
        .flatten()?;
    school(state, &slug).await
}

/// The class's name as the school has it, in any school year; a name a class
/// had before it was renamed gives its name now (a link sent before the rename).
async fn class_of(state: &AppState, slug: &str, class: &str) -> Option<String> {
    if class.len() > 32 {
        return None;
    }
    registry::class_name(&state.db, slug, class)
        .await
        .ok()
        .flatten()
}

async fn preview_for(state: &AppState, path: &str) -> Option<Preview> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let logo = |has: bool, slug: &str| has.then(|| format!("/logo/{slug}"));
    match parts.as_slice() {
        ["s", slug] => {
            let (name, has_logo, slug) = school(state, slug).await?;
            Some(Preview {
                title: format!("{name} · Tra cứu và nộp khoản thu"),
                description: format!(
                    "Phụ huynh {name} tra cứu các khoản thu của con và nộp bằng mã VietQR, không dùng tiền mặt."
                ),
                image: logo(has_logo, &slug),
            })
        }
        ["s", slug, class] => {
            let (name, has_logo, slug) = school(state, slug).await?;
            // Only a class the school has gets its own page: any other name gets
            // the school's, so made-up paths cannot make new pages to render.
            let Some(class) = class_of(state, &slug, class).await else {
                return Box::pin(preview_for(state, &format!("/s/{slug}"))).await;
            };
            Some(Preview {
                title: format!("Lớp {class} · {name}"),
                description: format!(
                    "Các khoản thu của lớp {class}. Tra cứu bằng mã học sinh và ngày sinh, nộp bằng mã VietQR."
                ),
                image: logo(has_logo, &slug),
            })
        }
        ["l", _] => Some(Preview {
            title: "Đường dẫn riêng của phụ huynh · hocphi".into(),
            description: "Mở để xem các khoản thu của con và nộp không dùng tiền mặt. Đừng chia sẻ đường dẫn này."
                .into(),
            image: None,
        }),
        ["r", code] => {
            let (name, has_logo, slug) = school_of_receipt(state, code).await?;
            Some(Preview {
                title: format!("Biên lai điện tử · {name}"),
                description: "Biên lai có chữ ký điện tử của nhà trường. Mở để xem và kiểm tra chữ ký.".into(),
                image: logo(has_logo, &slug),
            })
        }
        _ => None,
    }
}

/// Adds the preview's tags (and title) to the app's HTML shell for those links.
pub async fn open_graph(State(rpc): State<RpcState>, mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let Some(preview) = preview_for(&rpc.app, &path).await else {
        return next.run(req).await;
    };
    // Crawlers want absolute image addresses: the configured public address,
    // never the Host header, which the caller writes (and which would make a new
    // page for every made-up host).
    let base = rpc.options.public_url.trim_end_matches('/').to_string();
    // The shell is precompressed; ask for it plain, to add the tags, and
    // compress the result again for those who accept it (parents on slow 4G).
    let accept = req
        .headers_mut()
        .remove(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok().map(str::to_owned))
        .unwrap_or_default();
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let image = preview.image.as_deref().unwrap_or(DEFAULT_IMAGE);
    let tags = format!(
        "<meta property=\"og:type\" content=\"website\"><meta property=\"og:site_name\" content=\"hocphi\">\
         <meta property=\"og:title\" content=\"{title}\"><meta property=\"og:description\" content=\"{description}\">\
         <meta name=\"twitter:card\" content=\"summary\"><meta property=\"og:image\" content=\"{image}\">",
        title = escape(&preview.title),
        description = escape(&preview.description),
        image = escape(&format!("{base}{image}")),
    );
    let html = String::from_utf8_lossy(&bytes);
    let html = match (html.find("<title>"), html.find("</title>")) {
        (Some(start), Some(end)) if start < end => format!(
            "{}<title>{}</title>{}",
            &html[..start],
            escape(&preview.title),
            &html[end + "</title>".len()..]
        ),
        _ => html.into_owned(),
    }
    .replacen("</head>", &format!("{tags}</head>"), 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.insert(
        header::VARY,
        header::HeaderValue::from_static("accept-encoding"),
    );
    let compressed = if accept.contains("br") {
        brotli_once(html.as_bytes().to_vec())
            .await
            .map(|b| (b, "br"))
    } else if accept.contains("gzip") {
        gzip(html.as_bytes()).map(|gz| (gz, "gzip"))
    } else {
        None
    };
    let (body, encoding) = match compressed {
        Some((bytes, encoding)) => (bytes, Some(encoding)),
        None => (html.into_bytes(), None),
    };
    if let Some(encoding) = encoding {
        parts.headers.insert(
            header::CONTENT_ENCODING,
            header::HeaderValue::from_static(encoding),
        );
    }
    Response::from_parts(parts, Body::from(body))
}

/// A page with its preview tags, brotli at the highest quality like the
/// precompressed files (35 KB of HTML: 8.3 KB, against 9.8 KB gzipped). That
/// takes tens of milliseconds of a core, so it runs on the heavy-work pool, and
/// each distinct page is compressed once: there are as many as a province has
/// schools and classes (made-up paths share their school's page), and they
/// change only when a school or the app does.
async fn brotli_once(html: Vec<u8>) -> Option<Vec<u8>> {
    use sha2::{Digest, Sha256};
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    /// Beyond this many pages the cache starts again (a bound, not a policy).
    const MOST: usize = 20_000;
    type Made = Mutex<HashMap<[u8; 32], Arc<[u8]>>>;
    static MADE: OnceLock<Made> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let key: [u8; 32] = Sha256::digest(&html).into();
    if let Some(hit) = made.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Some(hit.to_vec());
    }
    let out = hocphi_app::server::heavy::run(move || {
        let mut out = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &html[..], &mut out, &params).ok()?;
        Some(out)
    })
    .await
    .ok()??;
    if let Ok(mut m) = made.lock() {
        if m.len() >= MOST {
            m.clear();
        }
        m.insert(key, out.as_slice().into());
    }
    Some(out)
}

/// Gzip at a fast level, for the rare browser without brotli.
fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}
