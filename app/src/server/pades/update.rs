//! The incremental update that carries the signature, and the byte-level steps
//! around it: where the signed byte ranges are, writing them into the
//! placeholder, hashing them, and writing the CMS into /Contents. All pure.
//!
//! The original bytes are never rewritten: the update is appended after them
//! (ISO 32000-1 §7.5.6), so the signature also proves the document as it was
//! made is untouched, and a verifier can show exactly that revision.

use std::ops::Range;

use sha2::{Digest, Sha256};

use super::pdf::{Document, ObjRef, Spanned, Value};
use super::PadesError;

/// Room in the CMS beyond the certificates and the issuer name (which appears
/// twice): versions, algorithm identifiers, the signed attributes' fixed part
/// (~150 bytes) and the signature (512 bytes for RSA-4096, 72 for P-256), with
/// margin for a remote signer's larger key.
const CMS_OVERHEAD: usize = 3 * 1024;

/// Bytes to reserve for the CMS. Sized from what it will hold rather than a
/// fixed 16 KiB: every reserved byte is written twice (hex) into a PDF that
/// parents download on mobile data.
pub(super) fn reserved_bytes(certificates_len: usize, issuer_len: usize) -> usize {
    (certificates_len + 2 * issuer_len + CMS_OVERHEAD).div_ceil(1024) * 1024
}
/// "0 " then three numbers of up to 10 digits, space separated.
const BYTE_RANGE_SLOT: &str = "0000000000 0000000000 0000000000";

/// The signature dictionary's own entries (already PDF-encoded).
pub(super) struct SignatureFields {
    /// `(D:YYYYMMDDHHmmSSZ)`.
    pub date: String,
    /// Hex text strings `<FEFF…>`.
    pub reason: String,
    pub location: String,
}

/// The document with the update appended, its two placeholders still to fill.
#[derive(Debug)]
pub(super) struct Prepared {
    pub pdf: Vec<u8>,
    /// The three numbers after `/ByteRange [0 `.
    pub byte_range_slot: Range<usize>,
    /// `<` to `>` inclusive: the hole the byte ranges leave out.
    pub contents: Range<usize>,
}

fn malformed(what: &str) -> PadesError {
    PadesError::Malformed(what.to_string())
}

/// The bytes between an array's brackets.
fn array_inner<'b>(buf: &'b [u8], v: &Spanned) -> Option<&'b [u8]> {
    match v.value {
        Value::Array(_) => Some(&buf[v.span.start + 1..v.span.end - 1]),
        _ => None,
    }
}

/// A dictionary's entries as written, except `skip`, one per line.
fn entries_except(buf: &[u8], dict: &Spanned, skip: &[&[u8]]) -> Result<Vec<u8>, PadesError> {
    let entries = dict.dict().ok_or_else(|| malformed("not a dictionary"))?;
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| !skip.contains(&e.key.as_slice())) {
        out.extend_from_slice(&buf[e.span.clone()]);
        out.push(b'\n');
    }
    Ok(out)
}

/// Appends the update: signature dictionary, invisible signature field on the
/// first page, that page with the field among its /Annots, the catalog with an
/// /AcroForm, a cross-reference section and a trailer pointing back (/Prev).
pub(super) fn append(
    doc: &Document,
    fields: &SignatureFields,
    contents_bytes: usize,
) -> Result<Prepared, PadesError> {
    let buf = doc.buf;
    let size = doc.size()?;
    let root = doc.root()?;
    let catalog = doc.object(root)?;
    if catalog.dict().is_none() {
        return Err(malformed("the catalog is not a dictionary"));
    }
    // Merging into an existing form (or signing next to another signature) is
    // not needed for hocphi's own PDFs; refusing beats half-doing it.
    if catalog.get(b"AcroForm").is_some() {
        return Err(PadesError::Unsupported(
            "a PDF that already has a form or a signature".into(),
        ));
    }
    let (page_ref, page) = doc.first_page(&catalog)?;
    let existing_annots: Vec<u8> = match page.get(b"Annots") {
        None => Vec::new(),
        Some(v) if matches!(v.value, Value::Null) => Vec::new(),
        Some(v) => match v.value {
            Value::Ref(r) => {
                let array = doc.object(r)?;
                array_inner(buf, &array)
                    .ok_or_else(|| malformed("/Annots is not an array"))?
                    .to_vec()
            }
            _ => array_inner(buf, v)
                .ok_or_else(|| malformed("/Annots is not an array"))?
                .to_vec(),
        },
    };
    let sig = ObjRef { num: size, gen: 0 };
    let field = ObjRef {
        num: size + 1,
        gen: 0,
    };

    let mut out = buf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let mut offsets: Vec<(ObjRef, usize)> = Vec::new();

    // The signature dictionary, placeholders first so their offsets are known.
    offsets.push((sig, out.len()));
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange [0 ",
            sig.num
        )
        .as_bytes(),
    );
    let byte_range_slot = out.len()..out.len() + BYTE_RANGE_SLOT.len();
    out.extend_from_slice(BYTE_RANGE_SLOT.as_bytes());
    out.extend_from_slice(b"]\n/Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.resize(out.len() + 2 * contents_bytes, b'0');
    out.push(b'>');
    let contents = contents_start..out.len();
    out.extend_from_slice(
        format!(
            "\n/M {}\n/Reason {}\n/Location {} >>\nendobj\n",
            fields.date, fields.reason, fields.location
        )
        .as_bytes(),
    );

    // The field and its widget in one dictionary; Rect [0 0 0 0] and /F 132
    // (Print + Locked): invisible, nothing drawn over the receipt.
    offsets.push((field, out.len()));
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V {} 0 R\n\
             /F 132 /Rect [0 0 0 0] /P {} {} R >>\nendobj\n",
            field.num, sig.num, page_ref.num, page_ref.gen
        )
        .as_bytes(),
    );

    // The first page again, same number: its entries verbatim, /Annots extended.
    offsets.push((page_ref, out.len()));
    out.extend_from_slice(format!("{} {} obj\n<<\n", page_ref.num, page_ref.gen).as_bytes());
    out.extend_from_slice(&entries_except(buf, &page, &[b"Annots"])?);
    out.extend_from_slice(b"/Annots [");
    out.extend_from_slice(&existing_annots);
    out.extend_from_slice(format!(" {} 0 R]\n>>\nendobj\n", field.num).as_bytes());

    // The catalog again, with the form.
    offsets.push((root, out.len()));
    out.extend_from_slice(format!("{} {} obj\n<<\n", root.num, root.gen).as_bytes());
    out.extend_from_slice(&entries_except(buf, &catalog, &[])?);
    out.extend_from_slice(
        format!(
            "/AcroForm << /Fields [{} 0 R] /SigFlags 3 >>\n>>\nendobj\n",
            field.num
        )
        .as_bytes(),
    );

    let xref_at = out.len();
    out.extend_from_slice(&xref_section(&offsets));
    out.extend_from_slice(b"trailer\n<<\n");
    out.extend_from_slice(&entries_except(buf, &doc.trailer, &[b"Size", b"Prev"])?);
    out.extend_from_slice(
        format!(
            "/Size {} /Prev {}\n>>\nstartxref\n{xref_at}\n%%EOF\n",
            size + 2,
            doc.startxref
        )
        .as_bytes(),
    );
    Ok(Prepared {
        pdf: out,
        byte_range_slot,
        contents,
    })
}

/// A classic cross-reference section for `offsets`: the free-list head, then
/// one subsection per run of consecutive object numbers; 20-byte entries.
pub(super) fn xref_section(offsets: &[(ObjRef, usize)]) -> Vec<u8> {
    let mut entries: Vec<(u32, String)> = vec![(0, "0000000000 65535 f \n".to_string())];
    for (r, offset) in offsets {
        entries.push((r.num, format!("{offset:010} {:05} n \n", r.gen)));
    }
    entries.sort();
    entries.dedup_by_key(|(num, _)| *num);
    let mut out = b"xref\n".to_vec();
    let mut i = 0;
    while i < entries.len() {
        let mut j = i + 1;
        while j < entries.len() && entries[j].0 == entries[j - 1].0 + 1 {
            j += 1;
        }
        out.extend_from_slice(format!("{} {}\n", entries[i].0, j - i).as_bytes());
        for (_, line) in &entries[i..j] {
            out.extend_from_slice(line.as_bytes());
        }
        i = j;
    }
    out
}

/// The signed ranges: everything but the /Contents hex string, delimiters included.
pub(super) fn byte_range(total_len: usize, contents: &Range<usize>) -> [usize; 4] {
    [0, contents.start, contents.end, total_len - contents.end]
}

/// Writes the ranges into the placeholder, left-aligned, padded with spaces
/// (the placeholder's length must not change: offsets after it are fixed).
pub(super) fn write_byte_range(
    pdf: &mut [u8],
    slot: &Range<usize>,
    range: [usize; 4],
) -> Result<(), PadesError> {
    let text = format!("{} {} {}", range[1], range[2], range[3]);
    if range[0] != 0 || text.len() > slot.len() || slot.end > pdf.len() {
        return Err(malformed("byte range does not fit its placeholder"));
    }
    let target = &mut pdf[slot.clone()];
    target.fill(b' ');
    target[..text.len()].copy_from_slice(text.as_bytes());
    Ok(())
}

/// SHA-256 over the two signed ranges.
pub(super) fn digest_ranges(pdf: &[u8], range: [usize; 4]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(&pdf[range[0]..range[0] + range[1]]);
    hash.update(&pdf[range[2]..range[2] + range[3]]);
    hash.finalize().into()
}

/// Writes the CMS into the /Contents hole as upper-case hex; the rest of the
/// hole stays zeros (verifiers read the DER and ignore the padding).
pub(super) fn write_contents(
    pdf: &mut [u8],
    contents: &Range<usize>,
    der: &[u8],
) -> Result<(), PadesError> {
    let room = (contents.len().saturating_sub(2)) / 2;
    if der.len() > room {
        return Err(PadesError::SignatureTooLarge {
            size: der.len(),
            room,
        });
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let start = contents.start + 1;
    for (i, b) in der.iter().enumerate() {
        pdf[start + 2 * i] = HEX[usize::from(b >> 4)];
        pdf[start + 2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::pdf::tests::tiny_pdf;
    use super::*;

    fn fields() -> SignatureFields {
        SignatureFields {
            date: "(D:20261126020000Z)".into(),
            reason: "<FEFF0041>".into(),
            location: "<FEFF0042>".into(),
        }
    }

    #[test]
    fn the_update_reads_back_with_the_field_on_the_first_page() {
        let original = tiny_pdf(" /Annots [7 0 R 8 0 R]");
        let doc = Document::parse(&original).unwrap();
        let prepared = append(&doc, &fields(), 8192).unwrap();
        assert!(prepared.pdf.starts_with(&original));
        // The updated file reads back through its new xref and /Prev.
        let updated = Document::parse(&prepared.pdf).unwrap();
        assert_eq!(updated.size().unwrap(), 6);
        let catalog = updated.object(updated.root().unwrap()).unwrap();
        let form = catalog.get(b"AcroForm").unwrap();
        assert!(matches!(
            form.get(b"SigFlags").unwrap().value,
            Value::Int(3)
        ));
        assert!(catalog.get(b"Pages").is_some());
        let (_, page) = updated.first_page(&catalog).unwrap();
        let Some(Value::Array(annots)) = page.get(b"Annots").map(|v| &v.value) else {
            panic!("no annots")
        };
        let nums: Vec<u32> = annots
            .iter()
            .map(|a| match a.value {
                Value::Ref(r) => r.num,
                _ => 0,
            })
            .collect();
        assert_eq!(nums, [7, 8, 5]);
        assert!(page.get(b"MediaBox").is_some());
        let widget = updated.object(ObjRef { num: 5, gen: 0 }).unwrap();
        assert!(matches!(
            widget.get(b"V").unwrap().value,
            Value::Ref(ObjRef { num: 4, .. })
        ));
        let sig = updated.object(ObjRef { num: 4, gen: 0 }).unwrap();
        assert_eq!(
            &prepared.pdf[sig.get(b"Contents").unwrap().span.clone()],
            &prepared.pdf[prepared.contents.clone()]
        );
        // Signing the same document twice is refused, not half-done.
        assert!(matches!(
            append(&updated, &fields(), 8192),
            Err(PadesError::Unsupported(_))
        ));
    }

    #[test]
    fn byte_ranges_leave_out_exactly_the_contents_string() {
        let original = tiny_pdf("");
        let doc = Document::parse(&original).unwrap();
        let mut prepared = append(&doc, &fields(), 8192).unwrap();
        let range = byte_range(prepared.pdf.len(), &prepared.contents);
        write_byte_range(&mut prepared.pdf, &prepared.byte_range_slot, range).unwrap();
        let pdf = &prepared.pdf;
        assert_eq!(range[0] + range[1], prepared.contents.start);
        assert_eq!(pdf[range[1]], b'<');
        assert_eq!(pdf[range[2] - 1], b'>');
        assert_eq!(range[2] + range[3], pdf.len());
        // The patched /ByteRange reads back as those four integers.
        let updated = Document::parse(pdf).unwrap();
        let sig = updated.object(ObjRef { num: 4, gen: 0 }).unwrap();
        let Some(Value::Array(items)) = sig.get(b"ByteRange").map(|v| &v.value) else {
            panic!()
        };
        let read: Vec<i64> = items
            .iter()
            .map(|i| match i.value {
                Value::Int(n) => n,
                _ => -1,
            })
            .collect();
        assert_eq!(read, range.map(|n| n as i64));
        // A changed byte inside the ranges changes the digest; inside the hole it does not.
        let digest = digest_ranges(pdf, range);
        let mut changed = pdf.clone();
        changed[10] ^= 1;
        assert_ne!(digest_ranges(&changed, range), digest);
        let mut hole = pdf.clone();
        hole[prepared.contents.start + 5] = b'F';
        assert_eq!(digest_ranges(&hole, range), digest);
    }

    #[test]
    fn contents_are_hex_and_bounded() {
        let mut pdf = b"<000000>".to_vec();
        write_contents(&mut pdf, &(0..8), &[0xAB, 0x01]).unwrap();
        assert_eq!(pdf, b"<AB0100>");
        assert!(matches!(
            write_contents(&mut pdf, &(0..8), &[1, 2, 3, 4]),
            Err(PadesError::SignatureTooLarge { size: 4, room: 3 })
        ));
        let mut slot = b"[0 0000 0000]".to_vec();
        assert!(write_byte_range(&mut slot, &(3..12), [0, 123456, 2, 3]).is_err());
        write_byte_range(&mut slot, &(3..12), [0, 1, 22, 3]).unwrap();
        assert_eq!(slot, b"[0 1 22 3   ]");
    }

    #[test]
    fn the_reserved_room_grows_with_the_certificates() {
        assert_eq!(reserved_bytes(0, 0), 3 * 1024);
        assert_eq!(reserved_bytes(1500, 100), 5 * 1024);
        assert_eq!(reserved_bytes(1024, 0), 4 * 1024);
    }

    #[test]
    fn xref_entries_are_20_bytes_in_runs() {
        let x = xref_section(&[
            (ObjRef { num: 9, gen: 0 }, 1234),
            (ObjRef { num: 3, gen: 0 }, 99),
            (ObjRef { num: 10, gen: 0 }, 1300),
        ]);
        let text = String::from_utf8(x).unwrap();
        assert_eq!(
            text,
            "xref\n0 1\n0000000000 65535 f \n3 1\n0000000099 00000 n \n\
             9 2\n0000001234 00000 n \n0000001300 00000 n \n"
        );
    }
}
