//! Bytes as lower-case hexadecimal text: stored secrets' hashes, key ids,
//! signatures, and the parent's copies kept in `localStorage`. The `hex` crate's,
//! behind the names the rest of the app already calls.

/// Two lower-case hex digits per byte.
pub fn encode(bytes: &[u8]) -> String {
    ::hex::encode(bytes)
}

/// The bytes of an even number of hex digits (either case); `None` for
/// anything else, a sign or a space included.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    ::hex::decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_not_hex() {
        let bytes = [0x00, 0x0f, 0xa5, 0xff];
        assert_eq!(encode(&bytes), "000fa5ff");
        assert_eq!(decode("000fa5ff").unwrap(), bytes);
        assert_eq!(decode("000FA5FF").unwrap(), bytes);
        assert_eq!(decode(""), Some(vec![]));
        for bad in ["0", "0g", "+f", " f", "-1", "ff0"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }
}
