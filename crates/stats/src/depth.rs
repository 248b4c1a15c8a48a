//! Depth buckets: conv_depth_norm cut at 0, 0.1, ..., 1.0, as
//! `pandas.cut(x, numpy.linspace(0, 1, 11), include_lowest=True)` cuts it.

/// Number of depth buckets.
pub const DEPTH_BUCKETS: usize = 10;

/// Labels of the buckets, as the design names them.
pub const DEPTH_LABELS: [&str; DEPTH_BUCKETS] = [
    "[0.0, 0.1]",
    "(0.1, 0.2]",
    "(0.2, 0.3]",
    "(0.3, 0.4]",
    "(0.4, 0.5]",
    "(0.5, 0.6]",
    "(0.6, 0.7]",
    "(0.7, 0.8]",
    "(0.8, 0.9]",
    "(0.9, 1.0]",
];

/// The bucket of a normalised depth: right-closed intervals, the lowest edge included; `None`
/// outside [0, 1] or for NaN.
pub fn depth_bucket(norm: f64) -> Option<usize> {
    if !(0.0..=1.0).contains(&norm) {
        return None;
    }
    // Edges k * 0.1 as numpy.linspace(0, 1, 11) computes them; the last edge is exactly 1.
    let edge = |k: usize| {
        if k == DEPTH_BUCKETS {
            1.0
        } else {
            k as f64 * 0.1
        }
    };
    (0..DEPTH_BUCKETS).find(|&k| norm <= edge(k + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_right_closed_and_zero_is_first() {
        assert_eq!(depth_bucket(0.0), Some(0));
        assert_eq!(depth_bucket(0.1), Some(0));
        assert_eq!(depth_bucket(0.1000001), Some(1));
        assert_eq!(depth_bucket(1.0), Some(9));
        assert_eq!(depth_bucket(0.95), Some(9));
        assert_eq!(depth_bucket(3.0 / 10.0), Some(2));
        assert_eq!(depth_bucket(-0.01), None);
        assert_eq!(depth_bucket(f64::NAN), None);
    }
}
