//! How a site names and checks its bytes: lower-case hex sha256.

use sha2::{Digest, Sha256};

/// Lower-case hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
