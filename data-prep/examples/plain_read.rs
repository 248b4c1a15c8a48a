//! The I/O floor of a build: reads a file start to end in 64 MiB blocks and discards the bytes,
//! as a pass would with no work per filter.
//!
//!     cargo run --release -p data-prep --example plain_read -- FILE
use std::io::Read;

fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: plain_read FILE"))?;
    let started = std::time::Instant::now();
    let mut f = std::fs::File::open(&path)?;
    let mut buf = vec![0u8; 64 << 20];
    let mut total = 0u64;
    let mut checksum = 0u8;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        // Touch the data so nothing can skip the copy.
        checksum ^= buf[..n].iter().step_by(4096).fold(0, |a, b| a ^ b);
        total += n as u64;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"bytes\":{total},\"seconds\":{secs},\"bytes_per_s\":{},\"checksum\":{checksum}}}",
        total as f64 / secs
    );
    Ok(())
}
