//! Link previews for chat apps, whose crawlers run no JavaScript: the HTML shell
//! of a school link, a class link, a family's private link or a receipt link
//! carries Open Graph tags naming the school — never a child's name or anything
//! else personal (the private and receipt links name only the school).

use super::html::escape;
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
    let parts = super::shell::segments(path);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
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

/// The preview's tags, and its title in place of the shell's, for the page
/// at `path`; `base`: the configured public address (crawlers want absolute
/// image addresses: never the Host header, which the caller writes).
pub async fn apply(state: &AppState, path: &str, base: &str, html: String) -> String {
    let Some(preview) = preview_for(state, path).await else {
        return html;
    };
    let image = preview.image.as_deref().unwrap_or(DEFAULT_IMAGE);
    let tags = format!(
        "<meta property=\"og:type\" content=\"website\"><meta property=\"og:site_name\" content=\"hocphi\">\
         <meta property=\"og:title\" content=\"{title}\"><meta property=\"og:description\" content=\"{description}\">\
         <meta name=\"twitter:card\" content=\"summary\"><meta property=\"og:image\" content=\"{image}\">",
        title = escape(&preview.title),
        description = escape(&preview.description),
        image = escape(&format!("{}{image}", base.trim_end_matches('/'))),
    );
    match (html.find("<title>"), html.find("</title>")) {
        (Some(start), Some(end)) if start < end => format!(
            "{}<title>{}</title>{}",
            &html[..start],
            escape(&preview.title),
            &html[end + "</title>".len()..]
        ),
        _ => html,
    }
    .replacen("</head>", &format!("{tags}</head>"), 1)
}
