//! The QR checker reads QR codes from pictures: a clean screenshot, and a photo
//! of a screen or a printed notice (scaled, slightly rotated, unevenly lit,
//! noisy, a little blurred). The pictures are made here from the payload, so
//! what comes out must be exactly what went in.

use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::qr_check::{classify, NotVietQr};
use hocphi_app::domain::qr_image::{decode_luma, QrImageError};
use hocphi_app::domain::vietqr::VietQr;
use qrcode::{Color, EcLevel, QrCode};

struct Picture {
    width: usize,
    height: usize,
    luma: Vec<u8>,
}

/// A screenshot of a QR: 8 px per module, the 4-module quiet zone, black on white.
fn screenshot(payload: &str) -> Picture {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).unwrap();
    let (modules, colors) = (code.width(), code.to_colors());
    let scale = 8;
    let side = (modules + 8) * scale;
    let mut luma = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (mx, my) = (i % modules + 4, i / modules + 4);
            for y in my * scale..(my + 1) * scale {
                for x in mx * scale..(mx + 1) * scale {
                    luma[y * side + x] = 0;
                }
            }
        }
    }
    Picture {
        width: side,
        height: side,
        luma,
    }
}

/// The same QR as a phone's camera sees it: shrunk, turned by `degrees`, on a
/// grey desk, lit from one side, with sensor noise and a slight blur.
fn photo(src: &Picture, degrees: f64, scale: f64, seed: u64) -> Picture {
    let (w, h) = (src.width * 13 / 10, src.height * 13 / 10);
    let (cx, cy) = (w as f64 / 2.0, h as f64 / 2.0);
    let (sx, sy) = (src.width as f64 / 2.0, src.height as f64 / 2.0);
    let (sin, cos) = degrees.to_radians().sin_cos();
    let sample = |x: f64, y: f64| -> f64 {
        if x < 0.0 || y < 0.0 || x >= (src.width - 1) as f64 || y >= (src.height - 1) as f64 {
            return 150.0;
        }
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (fx, fy) = (x - x0 as f64, y - y0 as f64);
        let p = |x: usize, y: usize| f64::from(src.luma[y * src.width + x]);
        p(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + p(x0 + 1, y0) * fx * (1.0 - fy)
            + p(x0, y0 + 1) * (1.0 - fx) * fy
            + p(x0 + 1, y0 + 1) * fx * fy
    };
    let mut state = seed;
    let mut noise = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % 61) as f64 - 30.0
    };
    let mut out = vec![0f64; w * h];
    for y in 0..h {
        for x in 0..w {
            // Where this pixel of the photo falls on the screenshot.
            let (dx, dy) = ((x as f64 - cx) / scale, (y as f64 - cy) / scale);
            let (u, v) = (cos * dx + sin * dy + sx, -sin * dx + cos * dy + sy);
            let light = 0.75 + 0.25 * x as f64 / w as f64;
            out[y * w + x] = sample(u, v) * light + noise();
        }
    }
    // A 3×3 blur: the phone was not quite in focus.
    let mut luma = vec![0u8; w * h];
    for y in 0..h {
        for x in 0..w {
            let mut sum = 0.0;
            let mut n = 0.0;
            for (ox, oy) in (-1i64..=1).flat_map(|a| (-1i64..=1).map(move |b| (a, b))) {
                let (nx, ny) = (x as i64 + ox, y as i64 + oy);
                if nx >= 0 && ny >= 0 && (nx as usize) < w && (ny as usize) < h {
                    sum += out[ny as usize * w + nx as usize];
                    n += 1.0;
                }
            }
            luma[y * w + x] = (sum / n).clamp(0.0, 255.0) as u8;
        }
    }
    Picture {
        width: w,
        height: h,
        luma,
    }
}

fn invoice_qr() -> String {
    VietQr::transfer(
        "970436",
        "1023456789",
        Vnd::new(980_000),
        "Z6DENJ8H",
        "HP Z6DENJ8H T11 2026",
    )
    .encode()
    .unwrap()
}

/// A fraudster's QR: well formed, to a personal account at a real bank.
fn personal_qr() -> String {
    VietQr::transfer(
        "970422",
        "0987654321",
        Vnd::new(980_000),
        "",
        "HOC PHI T11 MINH AN",
    )
    .encode()
    .unwrap()
}

#[test]
fn a_clean_screenshot_is_read_exactly() {
    for payload in [invoice_qr(), personal_qr()] {
        let p = screenshot(&payload);
        assert_eq!(decode_luma(p.width, p.height, &p.luma).unwrap(), payload);
        let qr = classify(&decode_luma(p.width, p.height, &p.luma).unwrap()).unwrap();
        assert_eq!(qr.amount, Some(Vnd::new(980_000)));
    }
}

#[test]
fn photos_scaled_turned_lit_unevenly_and_noisy_are_read_exactly() {
    let payload = invoice_qr();
    let clean = screenshot(&payload);
    for (i, (degrees, scale)) in [(4.0, 0.9), (-7.0, 0.75), (11.0, 0.6), (-2.5, 1.1)]
        .into_iter()
        .enumerate()
    {
        let p = photo(&clean, degrees, scale, 7 + i as u64);
        let text = decode_luma(p.width, p.height, &p.luma)
            .unwrap_or_else(|e| panic!("{degrees}° at {scale}×: {e}"));
        assert_eq!(text, payload, "{degrees}° at {scale}×");
    }
}

#[test]
fn pictures_without_a_qr_say_so() {
    let blank = vec![200u8; 300 * 200];
    assert_eq!(decode_luma(300, 200, &blank), Err(QrImageError::NotFound));
    assert_eq!(
        decode_luma(300, 200, &blank[..10]),
        Err(QrImageError::BadPicture)
    );
    // A QR that is not a payment: named for what it is.
    let link = screenshot("https://zalo.me/g/abcdef");
    let text = decode_luma(link.width, link.height, &link.luma).unwrap();
    assert_eq!(
        classify(&text),
        Err(NotVietQr::WebLink {
            host: "zalo.me".into()
        })
    );
}

/// The pictures the Playwright tests upload (`fixtures/qr-*.png`): made here, and
/// each one read back to the payload it carries. With `HOCPHI_WRITE_FIXTURES=1`
/// they are also written over the committed files (when they must change).
#[test]
fn the_uploaded_fixtures_carry_what_they_claim() {
    let official = VietQr::transfer(
        "970436",
        "1023456789",
        Vnd::new(1_250_000),
        "",
        "HP T11 2026",
    )
    .encode()
    .unwrap();
    let pictures = [
        (
            "qr-personal-account.png",
            personal_qr(),
            screenshot(&personal_qr()),
        ),
        (
            "qr-official-photo.png",
            official.clone(),
            photo(&screenshot(&official), -6.0, 0.8, 42),
        ),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let write = std::env::var("HOCPHI_WRITE_FIXTURES").as_deref() == Ok("1");
    for (name, payload, picture) in pictures {
        let read = decode_luma(picture.width, picture.height, &picture.luma).unwrap();
        assert_eq!(read, payload, "{name}");
        let bytes = png(&picture);
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        if write {
            std::fs::write(root.join(name), bytes).unwrap();
        }
    }
}

/// A greyscale PNG with stored (uncompressed) deflate blocks: no encoder needed.
fn png(p: &Picture) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for row in p.luma.chunks(p.width) {
        raw.push(0);
        raw.extend(row);
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        z.extend((block.len() as u16).to_le_bytes());
        z.extend((!(block.len() as u16)).to_le_bytes());
        z.extend(*block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend(((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend((p.width as u32).to_be_bytes());
    header.extend((p.height as u32).to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}
