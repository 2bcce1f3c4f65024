//! The parent's HTML shell as served for the link opened. Chat apps' crawlers
//! run no JavaScript, and a parent on slow data waits seconds for the app's
//! wasm: so what the server knows is written into the shell itself, painted
//! with its first bytes. The list of schools on `/`; on a school's link
//! (`/s/<school>`) its name and logo in place of the list, and below the form
//! the people it names for parents to call (drawn later, they pushed the fraud
//! warning under a parent's thumb); on a class link (`/s/<school>/<class>`)
//! also the class's fees; and the link previews' tags (`preview.rs`). The
//! markup copies what the app draws (`app/src/ui/pages/lookup.rs`,
//! `components/contacts.rs`), so nothing moves when the app takes over.
//! Nothing of a family is ever written here: schools, their published
//! contacts, classes and fees only.

use super::html::escape;
use super::preview;
use super::rpc::RpcState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use hocphi_app::i18n::VI;
use hocphi_app::server::state::AppState;

/// Whether the page at `path` is one the server fills in or previews: the
/// others are served untouched, still precompressed.
fn shaped(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        [""] | ["s", _] | ["s", _, _] | ["l", _] | ["r", _]
    )
}

/// Fills in the shell and adds the preview's tags, for those links.
pub async fn page(State(rpc): State<RpcState>, mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !shaped(req.uri().path()) {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    // The shell is precompressed; ask for it plain, to fill it in, and
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
    let html = String::from_utf8_lossy(&bytes).into_owned();
    let html = fill(&rpc.app, &path, html).await;
    let html = preview::apply(&rpc.app, &path, &rpc.options.public_url, html).await;
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

/// `html` with what lies between `<!--{name}-->` and `<!--/{name}-->` (or, for
/// a single marker, the marker itself) replaced by `with`.
fn put(html: &str, name: &str, with: &str) -> String {
    let open = format!("<!--{name}-->");
    let close = format!("<!--/{name}-->");
    match (html.find(&open), html.find(&close)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{with}{}", &html[..start], &html[end + close.len()..])
        }
        (Some(start), None) => format!("{}{with}{}", &html[..start], &html[start + open.len()..]),
        _ => html.to_string(),
    }
}

/// The school list (`/`), or the school's name and the class's fees (its links).
/// A school or class the database does not know leaves the shell as it is: the
/// app says so.
async fn fill(state: &AppState, path: &str, html: String) -> String {
    let parts = segments(path);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        [""] => match hocphi_app::server::parent::list_schools(&state.db).await {
            Ok(schools) => put(&html, "school", &school_list(&schools)),
            Err(_) => html,
        },
        ["s", slug, rest @ ..] => {
            let Ok(school) = hocphi_app::server::parent::school_public(&state.db, slug).await
            else {
                return html;
            };
            let html = put(&html, "school", &school_name(&school));
            let html = put(&html, "contacts", &contacts(&school.contacts));
            match rest {
                [class] => match hocphi_app::server::classes::class_notice(state, slug, class).await {
                    Ok(Some(notice)) => put(&html, "after-lookup", &class_fees(&notice)),
                    // As `ClassNoticeView` says it: the school has no such
                    // class. Not on a failed query: the app asks again and
                    // says what is true.
                    Ok(None) => put(
                        &html,
                        "after-lookup",
                        &format!(
                            "<p role=\"status\" class=\"mt-6 rounded-lg border border-amber-400 bg-amber-50 p-3 text-base text-amber-950\" \
                             data-testid=\"unknown-class\">{}</p>",
                            VI.unknown_class
                        ),
                    ),
                    Err(_) => html,
                },
                _ => html,
            }
        }
        _ => html,
    }
}

/// A path's segments, decoded as the app's router decodes them.
pub fn segments(path: &str) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .map(|part| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

const LABEL: &str = "block text-base font-semibold text-gray-900";

/// As `LookupForm` draws the list (the app takes these options over).
fn school_list(schools: &[hocphi_app::model::SchoolSummary]) -> String {
    let options: String = schools
        .iter()
        .map(|s| {
            format!(
                "<option value=\"{}\">{}</option>",
                escape(&s.slug),
                escape(&s.name)
            )
        })
        .collect();
    format!(
        "<div><label class=\"{LABEL}\" for=\"school\">{school}</label>\
         <select class=\"mt-1 block h-14 w-full rounded-lg border border-gray-400 bg-white px-3 text-lg text-gray-900\" \
         id=\"school\" name=\"school\"><option value=\"\">{choose}</option>{options}</select></div>",
        school = VI.school,
        choose = VI.choose_school,
    )
}

/// As `LookupForm` draws a school's link: its logo and name, and a way back
/// to the list.
fn school_name(school: &hocphi_app::model::SchoolPublic) -> String {
    let logo = if school.has_logo {
        format!(
            "<img src=\"/logo/{}\" alt=\"\" class=\"h-14 w-14 rounded object-contain\">",
            escape(&school.slug)
        )
    } else {
        String::new()
    };
    format!(
        "<div data-shell-school=\"{name}\" data-shell-slug=\"{slug}\"><div class=\"{LABEL}\">{label}</div>\
         <div class=\"mt-1 flex h-14 items-center justify-between gap-2\">{logo}\
         <span class=\"line-clamp-2 min-w-0 flex-1 text-lg leading-tight font-semibold text-teal-900\">{name}</span>\
         <a href=\"/\" rel=\"external\" class=\"inline-flex min-h-11 items-center text-base text-teal-800 underline\">{change}</a></div></div>",
        name = escape(&school.name),
        slug = escape(&school.slug),
        label = VI.school,
        change = VI.change_school,
    )
}

/// As `SchoolContacts` draws the school's contact people: nothing when it
/// names none.
fn contacts(contacts: &[hocphi_app::staff::Contact]) -> String {
    if contacts.is_empty() {
        return String::new();
    }
    let people: String = contacts
        .iter()
        .map(|c| {
            let role = if c.role.is_empty() {
                String::new()
            } else {
                format!(" · {}", escape(&c.role))
            };
            let zalo = c
                .zalo
                .as_deref()
                .map(|z| {
                    format!(
                        "<a href=\"https://zalo.me/{}\" rel=\"noopener noreferrer\" target=\"_blank\" \
                         class=\"inline-flex min-h-11 items-center rounded-lg border border-sky-700 px-3 font-semibold text-sky-800\">Zalo</a>",
                        escape(z)
                    )
                })
                .unwrap_or_default();
            format!(
                "<li><div class=\"font-semibold\">{name}<span class=\"font-normal text-gray-700\">{role}</span></div>\
                 <div class=\"mt-1 flex flex-wrap gap-2\"><a href=\"tel:{phone}\" \
                 class=\"inline-flex min-h-11 items-center rounded-lg border border-teal-700 px-3 font-semibold text-teal-800\">{call} {phone}</a>{zalo}</div></li>",
                name = escape(&c.name),
                phone = escape(&c.phone),
                call = VI.call,
            )
        })
        .collect();
    format!(
        "<section class=\"mt-4 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200\" aria-labelledby=\"contacts-title\" data-shell-lookup>\
         <h2 id=\"contacts-title\" class=\"text-xl font-bold text-gray-900\">{title}</h2>\
         <p class=\"text-sm text-gray-700\">{intro}</p><ul class=\"mt-2 space-y-3\">{people}</ul></section>",
        title = VI.contacts_title,
        intro = VI.contacts_intro,
    )
}

/// As `ClassNoticeView` draws a class's fees.
fn class_fees(notice: &hocphi_app::model::ClassNotice) -> String {
    let items: String = notice
        .fees
        .iter()
        .map(|(name, amount, unit, mandatory)| {
            format!(
                "<li class=\"flex flex-wrap justify-between gap-x-2 border-b border-gray-100 py-1\" data-testid=\"class-fee\">\
                 <span>{name}{voluntary}</span><span><span class=\"font-semibold\">{amount}</span> {per}</span></li>",
                name = escape(name),
                voluntary = if *mandatory {
                    String::new()
                } else {
                    format!(" ({})", VI.voluntary)
                },
                per = unit.per(|vi, _| vi),
            )
        })
        .collect();
    format!(
        "<section class=\"mt-6 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200\" aria-labelledby=\"class-fees-title\">\
         <h2 id=\"class-fees-title\" class=\"text-xl font-bold text-gray-900\">{title} {class_name}</h2>\
         <p class=\"text-sm text-gray-700\">{school}</p><ul class=\"mt-2\">{items}</ul></section>",
        title = VI.class_fees_title,
        class_name = escape(&notice.class_name),
        school = escape(&notice.school_name),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn puts_between_markers_or_at_one() {
        assert_eq!(put("a<!--x-->old<!--/x-->b", "x", "new"), "anewb");
        assert_eq!(put("a<!--y-->b", "y", "new"), "anewb");
        assert_eq!(put("ab", "x", "new"), "ab");
    }

    #[test]
    fn only_the_parent_pages_and_previewed_links_are_shaped() {
        assert!(shaped("/"));
        assert!(shaped("/s/th-ha-long"));
        assert!(shaped("/s/th-ha-long/1A"));
        assert!(shaped("/r/abc"));
        assert!(!shaped("/con/1"));
        assert!(!shaped("/hocphi-parent-1a2b3c4d5e6f7a8b.js"));
        assert!(!shaped("/staff/"));
    }

    #[test]
    fn segments_are_decoded() {
        assert_eq!(
            segments("/s/mn-hoa-hong/M%E1%BA%A7m%201"),
            ["s", "mn-hoa-hong", "Mầm 1"]
        );
        assert_eq!(segments("/"), [""]);
    }
}
