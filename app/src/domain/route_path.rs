//! Matching an address's path against a page's path pattern
//! (`/con/:child/:code`, where `:name` takes one segment): the browser apps'
//! router (`ui::router`) uses it. Pure, so it is tested here rather than only
//! through the browser.

/// The values of `pattern`'s `:name`s in `path` (percent-decoded), if `path`
/// matches it. Empty segments (a trailing or doubled `/`) are skipped; a
/// segment that does not decode to UTF-8 matches nothing.
pub fn matches(pattern: &'static str, path: &str) -> Option<Vec<(&'static str, String)>> {
    let mut pattern_parts = pattern.split('/').filter(|s| !s.is_empty());
    let mut path_parts = path.split('/').filter(|s| !s.is_empty());
    let mut params = Vec::new();
    loop {
        match (pattern_parts.next(), path_parts.next()) {
            (None, None) => return Some(params),
            (Some(p), Some(s)) => {
                if let Some(name) = p.strip_prefix(':') {
                    let value = percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .ok()?
                        .into_owned();
                    params.push((name, value));
                } else if p != s {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// The path of a class's link (`/s/<school>/<class>`), each name one
/// segment: a class named "6/1" or "Mầm 1" is written `6%2F1`, `M%E1%BA%A7m%201`,
/// so that the link a teacher posts in a chat group opens that class (a slash
/// would make two segments, and a chat app ends a link at a space).
pub fn class_path(school: &str, class: &str) -> String {
    format!("/s/{}/{}", segment(school), segment(class))
}

/// `text` as one path segment: all but letters, digits, `-` and `_`
/// percent-encoded; a dot too, as a last segment with a dot reads as a file's
/// name ("6.1", "10.A1" are common class names), and "." or ".." as a step up.
fn segment(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    const RESERVED: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');
    utf8_percent_encode(text, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::{class_path, matches};

    #[test]
    fn a_class_path_opens_that_class() {
        assert_eq!(class_path("th-ha-long", "3A"), "/s/th-ha-long/3A");
        for class in [
            "6/1",
            "Mầm 1",
            "Lá 2 (bán trú)",
            "5?A#1",
            "100%",
            "6.1",
            "10.A1",
        ] {
            let path = class_path("mn-hoa-hong", class);
            assert!(!path.contains(' ') && !path.contains('.'), "{path}");
            assert_eq!(path.matches('/').count(), 3, "{path}");
            assert_eq!(
                matches("/s/:school/:class", &path),
                Some(vec![
                    ("school", "mn-hoa-hong".into()),
                    ("class", class.into())
                ]),
                "{path}"
            );
        }
        assert_eq!(
            class_path("mn-hoa-hong", "Mầm 1"),
            "/s/mn-hoa-hong/M%E1%BA%A7m%201"
        );
    }

    #[test]
    fn fixed_segments_match_exactly() {
        assert_eq!(matches("/", "/"), Some(vec![]));
        assert_eq!(matches("/nop-gop", "/nop-gop"), Some(vec![]));
        assert_eq!(matches("/nop-gop", "/nop-gop/"), Some(vec![]));
        assert_eq!(matches("/nop-gop", "/nop"), None);
        assert_eq!(matches("/", "/nop-gop"), None);
        assert_eq!(matches("/khieu-nai", "/khieu-nai/moi"), None);
    }

    #[test]
    fn named_segments_take_one_decoded_segment_each() {
        assert_eq!(
            matches("/con/:child/:code", "/con/9f871a21/Z6DENJ8H"),
            Some(vec![
                ("child", "9f871a21".into()),
                ("code", "Z6DENJ8H".into())
            ])
        );
        assert_eq!(
            matches("/s/:school/:class", "/s/mn-hoa-hong/M%E1%BA%A7m%201"),
            Some(vec![
                ("school", "mn-hoa-hong".into()),
                ("class", "Mầm 1".into())
            ])
        );
        assert_eq!(matches("/con/:child", "/con"), None);
        assert_eq!(matches("/con/:child", "/con/a/b"), None);
        // Not UTF-8 once decoded: no page, rather than a mangled value.
        assert_eq!(matches("/con/:child", "/con/%FF"), None);
    }
}
