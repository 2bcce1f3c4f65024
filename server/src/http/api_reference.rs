//! The API's readable reference at `/api/v1/docs`: HTML rendered from the same
//! OpenAPI document the server serves, once at start, so the page cannot say
//! anything the document does not. No script, one stylesheet (the CSP holds).

use serde_json::Value;
use std::fmt::Write;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `code` spans for backquoted words, the rest escaped.
fn prose(text: &str) -> String {
    esc(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part.to_string()
            }
        })
        .collect()
}

/// A schema as a short type: `Student`, `array of Invoice`, `integer`, `string or null`.
fn type_of(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", type_of(items));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            return options.iter().map(type_of).collect::<Vec<_>>().join(" or ");
        }
    }
    match schema.get("type") {
        Some(Value::String(t)) => esc(t),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(esc)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "object".into(),
    }
}

fn operation(out: &mut String, method: &str, path: &str, op: &Value) {
    let id = format!("{method}-{path}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>();
    let _ = write!(
        out,
        "<section class=\"op\" id=\"{id}\"><h3><span class=\"method {m}\">{M}</span> <code>{p}</code></h3>",
        m = method,
        M = method.to_uppercase(),
        p = esc(path)
    );
    for key in ["summary", "description"] {
        if let Some(text) = op.get(key).and_then(Value::as_str) {
            let _ = write!(out, "<p>{}</p>", prose(text));
        }
    }
    if op.get("security").is_some() {
        out.push_str("<p class=\"auth\">Needs the school's API key: <code>Authorization: Bearer hp_…</code></p>");
    }
    if let Some(params) = op.get("parameters").and_then(Value::as_array) {
        out.push_str("<table><caption>Parameters</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
        for p in params {
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or_default()),
                if p["required"].as_bool() == Some(true) {
                    " <span class=\"req\">required</span>"
                } else {
                    ""
                },
                esc(p["in"].as_str().unwrap_or_default()),
                type_of(&p["schema"]),
                prose(p["description"].as_str().unwrap_or_default())
            );
        }
        out.push_str("</tbody></table>");
    }
    if let Some(content) = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    {
        for (media, body) in content {
            let _ = write!(
                out,
                "<p>Body (<code>{}</code>): {}</p>",
                esc(media),
                type_of(&body["schema"])
            );
        }
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        out.push_str("<table><caption>Answers</caption><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Meaning</th><th scope=\"col\">Body</th></tr></thead><tbody>");
        for (status, r) in responses {
            let body = r
                .get("content")
                .and_then(Value::as_object)
                .map(|c| {
                    c.iter()
                        .map(|(media, b)| {
                            format!("{} <code>{}</code>", type_of(&b["schema"]), esc(media))
                        })
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(status),
                prose(r["description"].as_str().unwrap_or_default()),
                body
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

fn schema(out: &mut String, name: &str, s: &Value) {
    let _ = write!(
        out,
        "<section class=\"schema\" id=\"schema-{0}\"><h3>{0}</h3>",
        esc(name)
    );
    if let Some(text) = s.get("description").and_then(Value::as_str) {
        let _ = write!(out, "<p>{}</p>", prose(text));
    }
    let required: Vec<&str> = s["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        out.push_str("<table><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
        for (field, p) in props {
            let _ = write!(
                out,
                "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                esc(field),
                if required.contains(&field.as_str()) {
                    " <span class=\"req\">required</span>"
                } else {
                    ""
                },
                type_of(p),
                prose(p["description"].as_str().unwrap_or_default())
            );
        }
        out.push_str("</tbody></table>");
    } else if let Some(values) = s.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(|v| format!("<code>{}</code>", esc(v)))
            .collect();
        let _ = write!(out, "<p>One of {}.</p>", list.join(", "));
    } else {
        let _ = write!(out, "<p>{}</p>", type_of(s));
    }
    out.push_str("</section>");
}

/// The whole page.
pub fn page(document: &utoipa::openapi::OpenApi) -> String {
    let doc: Value = serde_json::to_value(document).unwrap_or_default();
    let mut out = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>hocphi API reference</title><link rel=\"stylesheet\" href=\"/api-docs.css\"></head><body>\
         <a class=\"skip\" href=\"#main\">Skip to the reference</a><main id=\"main\">",
    );
    let _ = write!(
        out,
        "<h1>{} <small>{}</small></h1><p>{}</p>\
         <p>Machine-readable: <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a> (OpenAPI {}).</p>",
        esc(doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("hocphi API")),
        esc(doc.pointer("/info/version").and_then(Value::as_str).unwrap_or_default()),
        prose(doc.pointer("/info/description").and_then(Value::as_str).unwrap_or_default()),
        esc(doc["openapi"].as_str().unwrap_or_default()),
    );
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    let tags = doc["tags"].as_array().cloned().unwrap_or_default();
    out.push_str("<nav aria-label=\"Contents\"><ul>");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(out, "<li><a href=\"#tag-{0}\">{0}</a></li>", esc(name));
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li></ul></nav>");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            out,
            "<h2 id=\"tag-{0}\">{0}</h2><p>{1}</p>",
            esc(name),
            prose(tag["description"].as_str().unwrap_or_default())
        );
        for (path, item) in &paths {
            for method in ["get", "post", "put", "patch", "delete"] {
                let Some(op) = item.get(method) else { continue };
                let tagged = op["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(name)));
                if tagged {
                    operation(&mut out, method, path, op);
                }
            }
        }
    }
    out.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, s) in schemas {
            schema(&mut out, name, s);
        }
    }
    out.push_str("</main></body></html>");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_served_operation_and_schema_is_on_the_page() {
        let (_, document) = super::super::api::router();
        let page = super::page(&document);
        let doc: serde_json::Value = serde_json::to_value(&document).unwrap();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let heading = format!(
                    "<span class=\"method {method}\">{}</span> <code>{}</code>",
                    method.to_uppercase(),
                    super::esc(path)
                );
                assert!(page.contains(&heading), "{method} {path}");
            }
        }
        for name in doc["components"]["schemas"].as_object().unwrap().keys() {
            assert!(page.contains(&format!("id=\"schema-{name}\"")), "{name}");
        }
        assert!(!page.contains("<script"));
        assert!(!page.contains("style="));
    }

    #[test]
    fn text_is_escaped_and_backquotes_become_code() {
        assert_eq!(
            super::prose("a <b> `x&y`"),
            "a &lt;b&gt; <code>x&amp;y</code>"
        );
    }
}
