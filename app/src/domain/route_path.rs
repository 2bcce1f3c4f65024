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

#[cfg(test)]
mod tests {
    use super::matches;

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
