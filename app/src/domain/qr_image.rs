//! Reading a QR code from a picture's pixels (a screenshot, or a photo taken
//! with the phone's camera), for the QR checker where the browser has no
//! BarcodeDetector. Pure: pixels in, text out (rqrr does the reading).

/// Why no text came out of a picture.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrImageError {
    #[error("no QR code was found in the picture")]
    NotFound,
    #[error("a QR code was found but could not be read")]
    Unreadable,
    #[error("the picture is empty or its size does not match its pixels")]
    BadPicture,
}

/// Reads the first readable QR code in a greyscale picture (`luma`, one byte
/// per pixel, row by row).
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Result<String, QrImageError> {
    if width == 0 || height == 0 || luma.len() != width * height {
        return Err(QrImageError::BadPicture);
    }
    let mut picture =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    let grids = picture.detect_grids();
    if grids.is_empty() {
        return Err(QrImageError::NotFound);
    }
    grids
        .iter()
        .find_map(|g| g.decode().ok().map(|(_, text)| text))
        .ok_or(QrImageError::Unreadable)
}

/// Greyscale from RGBA pixels (a canvas's `ImageData`), weighted as the eye sees.
pub fn luma_from_rgba(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000) as u8
        })
        .collect()
}
