//! Writes a fixture DB of about N filters in the official layout (db.h5 + meta.csv), for measuring
//! `data-prep build` against the reference pipeline:
//!
//!     cargo run --release -p data-prep --example gen_db -- DIR N
use data_prep::fixture::{write_h5_db, LayerSpec, ModelSpec};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (dir, n): (&str, u64) = match args.as_slice() {
        [_, d, n] => (d, n.parse()?),
        _ => anyhow::bail!("usage: gen_db DIR N_FILTERS"),
    };
    // Layer shapes of a VGG/ResNet-like net, 3->64 up to 512x512 (520,384 filters a model).
    let shapes = [
        (3, 64),
        (64, 64),
        (64, 128),
        (128, 128),
        (128, 256),
        (256, 256),
        (256, 512),
        (512, 512),
    ];
    let tasks = [
        ("Classification", "natural", "ImageNet1k"),
        ("Segmentation", "natural", "COCO"),
        ("Classification", "medical xray", "CheXpert"),
    ];
    let mut models = Vec::new();
    let mut total = 0u64;
    while total < n {
        let m = models.len();
        let (t, c, d) = tasks[m % tasks.len()];
        let layers: Vec<LayerSpec> = shapes
            .iter()
            .enumerate()
            .map(|(k, &(i, o))| LayerSpec {
                in_channels: i,
                out_channels: o,
                sparse: if k == 7 && m % 4 == 0 { 0.3 } else { 0.0 },
            })
            .collect();
        total += layers
            .iter()
            .map(|l| (l.in_channels * l.out_channels) as u64)
            .sum::<u64>();
        models.push(ModelSpec {
            name: format!("net{m:03}"),
            meta: [t.into(), c.into(), d.into()],
            layers,
        });
    }
    let (h5, meta) = write_h5_db(std::path::Path::new(dir), &models, 1, false)?;
    println!(
        "{} filters in {} models: {} {}",
        total,
        models.len(),
        h5.display(),
        meta.display()
    );
    Ok(())
}
