//! A small, bounded reader for the PDFs hocphi signs: it follows `startxref` to
//! classic cross-reference tables (as `pdf-writer` writes them, and as earlier
//! incremental updates add them), reads the trailer, the catalog and the first
//! page, and nothing else. Anything it does not understand is refused with a
//! reason rather than guessed at: a signature over a misread file would be a
//! signature over something else.
//!
//! Values keep their byte spans, so the update can copy dictionary entries
//! verbatim instead of re-serialising them (no floats are ever parsed: reals are
//! kept as their bytes).

use std::collections::BTreeMap;
use std::ops::Range;

use super::PadesError;

/// Nesting deeper than this is refused (a hostile file cannot blow the stack).
const MAX_DEPTH: usize = 32;
/// Previous cross-reference sections followed at most (a loop is refused too).
const MAX_SECTIONS: usize = 64;
/// Page tree levels descended at most to find the first page.
const MAX_TREE_DEPTH: usize = 32;

fn malformed(what: &str) -> PadesError {
    PadesError::Malformed(what.to_string())
}

/// An indirect reference: object number and generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct ObjRef {
    pub num: u32,
    pub gen: u16,
}

#[derive(Debug)]
pub(super) enum Value {
    Null,
    Bool,
    Int(i64),
    /// A real number, left as its bytes.
    Real,
    /// A name, `#xx` escapes decoded, without the slash.
    Name(Vec<u8>),
    Str,
    Array(Vec<Spanned>),
    Dict(Vec<Entry>),
    Ref(ObjRef),
}

#[derive(Debug)]
pub(super) struct Spanned {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Debug)]
pub(super) struct Entry {
    pub key: Vec<u8>,
    /// From the key's slash to the end of the value: the entry as written.
    pub span: Range<usize>,
    pub value: Spanned,
}

impl Spanned {
    pub fn dict(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Dict(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<&Spanned> {
        self.dict()?.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    fn name(&self) -> Option<&[u8]> {
        match &self.value {
            Value::Name(n) => Some(n),
            _ => None,
        }
    }

    fn reference(&self) -> Option<ObjRef> {
        match self.value {
            Value::Ref(r) => Some(r),
            _ => None,
        }
    }
}

fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

/// Skips whitespace and comments.
fn skip_ws(buf: &[u8], mut pos: usize) -> usize {
    while pos < buf.len() {
        if is_white(buf[pos]) {
            pos += 1;
        } else if buf[pos] == b'%' {
            while pos < buf.len() && buf[pos] != b'\n' && buf[pos] != b'\r' {
                pos += 1;
            }
        } else {
            break;
        }
    }
    pos
}

/// The run of regular characters at `pos` (a number or a keyword).
fn token(buf: &[u8], pos: usize) -> &[u8] {
    let end = buf[pos.min(buf.len())..]
        .iter()
        .position(|&b| !is_regular(b))
        .map_or(buf.len(), |n| pos + n);
    &buf[pos.min(end)..end]
}

fn keyword_at(buf: &[u8], pos: usize, word: &[u8]) -> bool {
    token(buf, pos) == word
}

/// A non-negative decimal integer token, with its end.
fn unsigned_at(buf: &[u8], pos: usize) -> Option<(u64, usize)> {
    let t = token(buf, pos);
    if t.is_empty() || t.len() > 18 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = t
        .iter()
        .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
    Some((n, pos + t.len()))
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses the value at `pos` (after whitespace); returns it with its span.
pub(super) fn parse_value(buf: &[u8], pos: usize, depth: usize) -> Result<Spanned, PadesError> {
    if depth > MAX_DEPTH {
        return Err(malformed("objects nested too deeply"));
    }
    let start = skip_ws(buf, pos);
    let Some(&first) = buf.get(start) else {
        return Err(malformed("unexpected end of file"));
    };
    let done = |value, end| {
        Ok(Spanned {
            value,
            span: start..end,
        })
    };
    match first {
        b'/' => {
            let raw = token(buf, start + 1);
            let mut name = Vec::with_capacity(raw.len());
            let mut i = 0;
            while i < raw.len() {
                if raw[i] == b'#' {
                    let hi = raw.get(i + 1).copied().and_then(hex_digit);
                    let lo = raw.get(i + 2).copied().and_then(hex_digit);
                    if let (Some(hi), Some(lo)) = (hi, lo) {
                        name.push(hi << 4 | lo);
                        i += 3;
                        continue;
                    }
                }
                name.push(raw[i]);
                i += 1;
            }
            done(Value::Name(name), start + 1 + raw.len())
        }
        b'(' => {
            let mut level = 0usize;
            let mut i = start;
            while i < buf.len() {
                match buf[i] {
                    b'\\' => i += 1,
                    b'(' => level += 1,
                    b')' => {
                        level -= 1;
                        if level == 0 {
                            return done(Value::Str, i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Err(malformed("unterminated string"))
        }
        b'<' if buf.get(start + 1) == Some(&b'<') => {
            let mut entries = Vec::new();
            let mut i = start + 2;
            loop {
                i = skip_ws(buf, i);
                match buf.get(i) {
                    None => return Err(malformed("unterminated dictionary")),
                    Some(b'>') if buf.get(i + 1) == Some(&b'>') => {
                        return done(Value::Dict(entries), i + 2)
                    }
                    Some(b'/') => {
                        let key = parse_value(buf, i, depth + 1)?;
                        let Value::Name(name) = key.value else {
                            return Err(malformed("dictionary key"));
                        };
                        let value = parse_value(buf, key.span.end, depth + 1)?;
                        i = value.span.end;
                        entries.push(Entry {
                            key: name,
                            span: key.span.start..value.span.end,
                            value,
                        });
                    }
                    Some(_) => return Err(malformed("dictionary key is not a name")),
                }
            }
        }
        b'<' => {
            let end = buf[start..]
                .iter()
                .position(|&b| b == b'>')
                .ok_or_else(|| malformed("unterminated hex string"))?;
            let inner = &buf[start + 1..start + end];
            if !inner.iter().all(|&b| is_white(b) || hex_digit(b).is_some()) {
                return Err(malformed("hex string"));
            }
            done(Value::Str, start + end + 1)
        }
        b'[' => {
            let mut items = Vec::new();
            let mut i = start + 1;
            loop {
                i = skip_ws(buf, i);
                match buf.get(i) {
                    None => return Err(malformed("unterminated array")),
                    Some(b']') => return done(Value::Array(items), i + 1),
                    Some(_) => {
                        let item = parse_value(buf, i, depth + 1)?;
                        i = item.span.end;
                        items.push(item);
                    }
                }
            }
        }
        b'+' | b'-' | b'.' | b'0'..=b'9' => {
            let t = token(buf, start);
            let end = start + t.len();
            let digits = t.strip_prefix(b"-").or(t.strip_prefix(b"+")).unwrap_or(t);
            if digits.is_empty()
                || !digits.iter().all(|&b| b.is_ascii_digit() || b == b'.')
                || digits.iter().filter(|&&b| b == b'.').count() > 1
            {
                return Err(malformed("number"));
            }
            if digits.contains(&b'.') {
                return done(Value::Real, end);
            }
            let magnitude = std::str::from_utf8(digits)
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .ok_or_else(|| malformed("integer too large"))?;
            let n = if t[0] == b'-' { -magnitude } else { magnitude };
            // `num gen R` is a reference: look ahead for the generation and the R.
            if t[0].is_ascii_digit() {
                let after = skip_ws(buf, end);
                if let Some((gen, gen_end)) = unsigned_at(buf, after) {
                    let r = skip_ws(buf, gen_end);
                    if keyword_at(buf, r, b"R") {
                        let num = u32::try_from(n).map_err(|_| malformed("object number"))?;
                        let gen = u16::try_from(gen).map_err(|_| malformed("generation"))?;
                        return done(Value::Ref(ObjRef { num, gen }), r + 1);
                    }
                }
            }
            done(Value::Int(n), end)
        }
        _ => {
            let t = token(buf, start);
            match t {
                b"true" | b"false" => done(Value::Bool, start + t.len()),
                b"null" => done(Value::Null, start + t.len()),
                _ => Err(malformed("unexpected token")),
            }
        }
    }
}

/// The document as far as signing needs it.
#[derive(Debug)]
pub(super) struct Document<'a> {
    pub buf: &'a [u8],
    /// Where the newest cross-reference section starts (the update's /Prev).
    pub startxref: usize,
    /// The newest trailer.
    pub trailer: Spanned,
    /// Object number → (offset, generation); None for freed objects.
    pub xref: BTreeMap<u32, Option<(usize, u16)>>,
}

impl<'a> Document<'a> {
    pub fn parse(buf: &'a [u8]) -> Result<Document<'a>, PadesError> {
        if !buf.starts_with(b"%PDF-") {
            return Err(PadesError::NotPdf);
        }
        let startxref = find_startxref(buf)?;
        let mut xref = BTreeMap::new();
        let mut newest = None;
        let mut offset = startxref;
        let mut seen = Vec::new();
        loop {
            if seen.contains(&offset) || seen.len() >= MAX_SECTIONS {
                return Err(malformed("cross-reference sections form a loop"));
            }
            seen.push(offset);
            let trailer = read_xref_section(buf, offset, &mut xref)?;
            if trailer.get(b"XRefStm").is_some() {
                return Err(PadesError::Unsupported(
                    "a hybrid cross-reference (XRefStm): only classic tables are read".into(),
                ));
            }
            let prev = match trailer.get(b"Prev").map(|v| &v.value) {
                None => None,
                Some(Value::Int(n)) => {
                    Some(usize::try_from(*n).map_err(|_| malformed("trailer /Prev"))?)
                }
                Some(_) => return Err(malformed("trailer /Prev")),
            };
            if newest.is_none() {
                newest = Some(trailer);
            }
            match prev {
                Some(p) => offset = p,
                None => break,
            }
        }
        let trailer = newest.ok_or_else(|| malformed("no trailer"))?;
        if trailer.get(b"Encrypt").is_some() {
            return Err(PadesError::Unsupported("an encrypted PDF".into()));
        }
        Ok(Document {
            buf,
            startxref,
            trailer,
            xref,
        })
    }

    /// The trailer's /Size: the first object number the update may use.
    pub fn size(&self) -> Result<u32, PadesError> {
        match self.trailer.get(b"Size").map(|v| &v.value) {
            Some(Value::Int(n)) => u32::try_from(*n)
                .ok()
                .filter(|&n| n < 8_000_000)
                .ok_or_else(|| malformed("trailer /Size")),
            _ => Err(malformed("trailer has no /Size")),
        }
    }

    pub fn root(&self) -> Result<ObjRef, PadesError> {
        self.trailer
            .get(b"Root")
            .and_then(Spanned::reference)
            .ok_or_else(|| malformed("trailer has no /Root"))
    }

    /// The indirect object `r`, which the cross-reference must place exactly.
    pub fn object(&self, r: ObjRef) -> Result<Spanned, PadesError> {
        let Some(Some((offset, gen))) = self.xref.get(&r.num).copied() else {
            return Err(malformed(&format!("object {} is missing", r.num)));
        };
        if gen != r.gen {
            return Err(malformed(&format!(
                "object {} has another generation",
                r.num
            )));
        }
        let pos = skip_ws(self.buf, offset);
        let (num, after_num) =
            unsigned_at(self.buf, pos).ok_or_else(|| malformed("object header"))?;
        let pos = skip_ws(self.buf, after_num);
        let (g, after_gen) =
            unsigned_at(self.buf, pos).ok_or_else(|| malformed("object header"))?;
        let pos = skip_ws(self.buf, after_gen);
        if num != u64::from(r.num) || g != u64::from(r.gen) || !keyword_at(self.buf, pos, b"obj") {
            return Err(malformed(&format!(
                "the cross-reference does not point at object {}",
                r.num
            )));
        }
        parse_value(self.buf, pos + 3, 0)
    }

    /// The catalog and the first page (descending the page tree).
    pub fn first_page(&self, catalog: &Spanned) -> Result<(ObjRef, Spanned), PadesError> {
        let mut node_ref = catalog
            .get(b"Pages")
            .and_then(Spanned::reference)
            .ok_or_else(|| malformed("catalog has no /Pages"))?;
        for _ in 0..MAX_TREE_DEPTH {
            let node = self.object(node_ref)?;
            if node.dict().is_none() {
                return Err(malformed("page tree node is not a dictionary"));
            }
            match node.get(b"Type").and_then(Spanned::name) {
                Some(b"Page") => return Ok((node_ref, node)),
                Some(b"Pages") => {
                    let Some(Value::Array(kids)) = node.get(b"Kids").map(|v| &v.value) else {
                        return Err(malformed("page tree node has no /Kids"));
                    };
                    node_ref = kids
                        .first()
                        .and_then(Spanned::reference)
                        .ok_or_else(|| malformed("the document has no page"))?;
                }
                _ => return Err(malformed("page tree node has no /Type")),
            }
        }
        Err(malformed("page tree too deep"))
    }
}

/// The offset after the last `startxref`, searched for in the file's tail.
fn find_startxref(buf: &[u8]) -> Result<usize, PadesError> {
    let tail_start = buf.len().saturating_sub(1024);
    let tail = &buf[tail_start..];
    let at = tail
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| malformed("no startxref at the end of the file"))?;
    let pos = skip_ws(buf, tail_start + at + 9);
    let (offset, end) = unsigned_at(buf, pos).ok_or_else(|| malformed("startxref offset"))?;
    if !buf[end..].windows(5).any(|w| w == b"%%EOF") {
        return Err(malformed("no %%EOF after startxref"));
    }
    usize::try_from(offset)
        .ok()
        .filter(|&o| o < buf.len())
        .ok_or_else(|| malformed("startxref points outside the file"))
}

/// Reads the classic cross-reference section at `offset` into `xref` (entries
/// already known, from newer sections, win) and returns its trailer.
fn read_xref_section(
    buf: &[u8],
    offset: usize,
    xref: &mut BTreeMap<u32, Option<(usize, u16)>>,
) -> Result<Spanned, PadesError> {
    let mut pos = skip_ws(buf, offset);
    if !keyword_at(buf, pos, b"xref") {
        // `N 0 obj` here is a cross-reference stream (PDF 1.5+).
        return Err(PadesError::Unsupported(
            "a cross-reference stream: only classic xref tables are read".into(),
        ));
    }
    pos += 4;
    loop {
        pos = skip_ws(buf, pos);
        if keyword_at(buf, pos, b"trailer") {
            let trailer = parse_value(buf, pos + 7, 0)?;
            if trailer.dict().is_none() {
                return Err(malformed("trailer is not a dictionary"));
            }
            return Ok(trailer);
        }
        let (first, end) = unsigned_at(buf, pos).ok_or_else(|| malformed("xref subsection"))?;
        let count_pos = skip_ws(buf, end);
        let (count, end) =
            unsigned_at(buf, count_pos).ok_or_else(|| malformed("xref subsection"))?;
        // Entries are 20 bytes each, starting on the next line.
        pos = end;
        while pos < buf.len() && matches!(buf[pos], b' ' | b'\r' | b'\n') {
            pos += 1;
        }
        let bytes = count
            .checked_mul(20)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|&n| n <= buf.len() - pos)
            .ok_or_else(|| malformed("xref subsection runs past the end of the file"))?;
        for (i, entry) in buf[pos..pos + bytes].chunks_exact(20).enumerate() {
            let num = u32::try_from(first + i as u64).map_err(|_| malformed("object number"))?;
            let (offset, gen, in_use) = parse_xref_entry(entry)?;
            xref.entry(num)
                .or_insert(if in_use { Some((offset, gen)) } else { None });
        }
        pos += bytes;
    }
}

/// `oooooooooo ggggg n\r\n`: offset, generation, in use.
fn parse_xref_entry(e: &[u8]) -> Result<(usize, u16, bool), PadesError> {
    let digits = |s: &[u8]| -> Option<u64> {
        s.iter().try_fold(0u64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u64::from(d - b'0'))
        })
    };
    let offset = digits(&e[0..10]).and_then(|n| usize::try_from(n).ok());
    let gen = digits(&e[11..16]).and_then(|n| u16::try_from(n).ok());
    let kind = e[17];
    match (offset, gen, e[10], e[16], kind) {
        (Some(o), Some(g), b' ', b' ', b'n' | b'f') if is_white(e[18]) && is_white(e[19]) => {
            Ok((o, g, kind == b'n'))
        }
        _ => Err(malformed("xref entry")),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A minimal classic PDF with correct offsets, as pdf-writer lays them out.
    pub(crate) fn tiny_pdf(page_extra: &str) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 419.53 595.28]{page_extra} >>"),
        ];
        let mut out = b"%PDF-1.7\n%\x80\x80\x80\x80\n\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn reads_a_classic_file() {
        let pdf = tiny_pdf(" /Annots [9 0 R]");
        let doc = Document::parse(&pdf).unwrap();
        assert_eq!(doc.size().unwrap(), 4);
        let root = doc.root().unwrap();
        assert_eq!(root, ObjRef { num: 1, gen: 0 });
        let catalog = doc.object(root).unwrap();
        let (page_ref, page) = doc.first_page(&catalog).unwrap();
        assert_eq!(page_ref.num, 3);
        let Some(Value::Array(annots)) = page.get(b"Annots").map(|v| &v.value) else {
            panic!("no annots")
        };
        assert_eq!(annots[0].reference(), Some(ObjRef { num: 9, gen: 0 }));
    }

    #[test]
    fn values_keep_their_spans() {
        let src = b"<< /A (x(y)z\\)) /B#20c <0a 1F> /C [1 2 0 R -3.5 /N] /D << >> /E true >>";
        let v = parse_value(src, 0, 0).unwrap();
        assert_eq!(v.span, 0..src.len());
        let entries = v.dict().unwrap();
        let keys: Vec<&[u8]> = entries.iter().map(|e| e.key.as_slice()).collect();
        assert_eq!(keys, [&b"A"[..], b"B c", b"C", b"D", b"E"]);
        assert_eq!(&src[entries[0].span.clone()], b"/A (x(y)z\\))");
        let Value::Array(items) = &entries[2].value.value else {
            panic!()
        };
        assert!(matches!(items[0].value, Value::Int(1)));
        assert!(matches!(
            items[1].value,
            Value::Ref(ObjRef { num: 2, gen: 0 })
        ));
        assert!(matches!(items[2].value, Value::Real));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(matches!(Document::parse(b"hello"), Err(PadesError::NotPdf)));
        // Truncated: no startxref.
        let pdf = tiny_pdf("");
        assert!(Document::parse(&pdf[..pdf.len() - 40]).is_err());
        // A cross-reference stream.
        let mut stream = b"%PDF-1.7\n1 0 obj\n<< /Type /XRef >>\nendobj\n".to_vec();
        stream.extend_from_slice(b"startxref\n9\n%%EOF\n");
        assert!(matches!(
            Document::parse(&stream),
            Err(PadesError::Unsupported(_))
        ));
        // Deep nesting and garbage never panic.
        let deep = [b"[".repeat(100), b"]".repeat(100)].concat();
        assert!(parse_value(&deep, 0, 0).is_err());
        for cut in 0..pdf.len() {
            let _ = Document::parse(&pdf[..cut]);
        }
        let mut flipped = pdf.clone();
        for i in 0..flipped.len() {
            flipped[i] ^= 0x55;
            if let Ok(doc) = Document::parse(&flipped) {
                if let Ok(root) = doc.root() {
                    if let Ok(catalog) = doc.object(root) {
                        let _ = doc.first_page(&catalog);
                    }
                }
            }
            flipped[i] ^= 0x55;
        }
    }

    #[test]
    fn an_xref_offset_that_misses_the_object_is_refused() {
        let pdf = tiny_pdf("");
        let text = String::from_utf8_lossy(&pdf).into_owned();
        // Object 1's entry pointing at object 2.
        let first = text.find("65535 f\r\n").unwrap() + 9;
        let mut broken = pdf.clone();
        broken.copy_within(first + 20..first + 30, first);
        let doc = Document::parse(&broken).unwrap();
        assert!(doc.object(doc.root().unwrap()).is_err());
    }
}
