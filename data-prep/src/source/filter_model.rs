//! The model of trained 3x3 filters that generated DBs share (the synthetic full-shape DB and the
//! test fixtures): a few smooth low-frequency patterns mixed per layer, plus noise, drawn from one
//! seeded sampler so every generated DB is reproducible on every platform.

use filterscope_stats::SplitMix64;

/// Smooth, low-frequency 3x3 patterns that dominate trained filters (blob, edges, ridge).
pub const PATTERNS: [[f64; 9]; 4] = [
    [0.4, 0.7, 0.4, 0.7, 1.0, 0.7, 0.4, 0.7, 0.4],
    [-1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0],
    [-1.0, -1.0, -1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0],
    [-0.5, 1.0, -0.5, -0.5, 1.0, -0.5, -0.5, 1.0, -0.5],
];

/// Uniform in (0, 1): 53 random bits, centred in their interval so 0 never comes out (a log of
/// it is finite).
pub fn uniform(rng: &mut SplitMix64) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// Two independent standard normals (Box-Muller, both branches).
pub fn normals(rng: &mut SplitMix64) -> (f64, f64) {
    let r = (-2.0 * uniform(rng).ln()).sqrt();
    let (s, c) = (std::f64::consts::TAU * uniform(rng)).sin_cos();
    (r * c, r * s)
}

/// One standard normal (the first of [`normals`]).
pub fn normal(rng: &mut SplitMix64) -> f64 {
    normals(rng).0
}

/// How a layer's filters depend on its depth in trained nets: deeper layers are smaller in
/// magnitude (`scale`) and noisier (`noise`), for `conv_depth_norm` in [0, 1].
pub fn depth_scale_noise(depth: f64) -> (f64, f64) {
    (0.5 / (1.0 + 3.0 * depth), 0.15 + 0.6 * depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normals_have_unit_spread() {
        let mut rng = SplitMix64::new(1);
        let v: Vec<f64> = (0..20_000).map(|_| normal(&mut rng)).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64;
        assert!(
            mean.abs() < 0.03 && (var - 1.0).abs() < 0.05,
            "{mean} {var}"
        );
        let u: Vec<f64> = (0..1000).map(|_| uniform(&mut rng)).collect();
        assert!(u.iter().all(|&x| x > 0.0 && x < 1.0));
    }
}
