//! The arithmetic precision a build runs at: full f64 (the default), or the reference notebook's
//! float16, for comparing with the paper's published figures.
//!
//! The notebook loads the v1.0.0 filters with `.astype(np.float16)` and scales them with numpy's
//! float16 division, so every weight and every scaled weight is an IEEE half-precision value;
//! scikit-learn then fits and projects in float64. [`Precision::F16`] reproduces exactly that.

use crate::{Filter, DIM};

/// The precision of the weights and scaled weights of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Weights as stored, scaled in f64. The default: nothing is lost beyond the file's own type.
    #[default]
    F64,
    /// Every weight rounded to IEEE half precision as it is read, and every scaled weight rounded
    /// again, as numpy's `astype(np.float16)` and float16 division do.
    F16,
}

impl Precision {
    /// The name used on the command line and in the manifest (`f64`, `f16`).
    pub fn name(self) -> &'static str {
        match self {
            Precision::F64 => "f64",
            Precision::F16 => "f16",
        }
    }

    /// The precision of a name as [`Precision::name`] writes it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "f64" => Some(Precision::F64),
            "f16" => Some(Precision::F16),
            _ => None,
        }
    }

    /// A weight as this precision stores it.
    #[inline]
    pub fn round(self, v: f64) -> f64 {
        match self {
            Precision::F64 => v,
            Precision::F16 => round_to_f16(v),
        }
    }

    /// Rounds every weight of `filters` in place (nothing for [`Precision::F64`]). Stops at the
    /// first finite weight this precision cannot hold (it would become infinite) and returns its
    /// place, (filter, weight index, value); the filters before it are rounded.
    pub fn round_filters(self, filters: &mut [Filter]) -> Result<(), (usize, usize, f64)> {
        if self == Precision::F64 {
            return Ok(());
        }
        for (k, f) in filters.iter_mut().enumerate() {
            for (j, v) in f.iter_mut().enumerate() {
                let r = self.round(*v);
                if r.is_infinite() && v.is_finite() {
                    return Err((k, j, *v));
                }
                *v = r;
            }
        }
        Ok(())
    }

    /// Scales a filter by its L-inf norm at this precision; a zero filter is left as it is.
    /// [`Precision::F64`] is [`crate::scale_filter`]; [`Precision::F16`] divides and rounds each
    /// quotient to half precision, which is numpy's float16 division (it divides in float32, and
    /// float32 holds enough bits that rounding twice gives the correctly rounded quotient).
    ///
    /// ```
    /// use filterscope_stats::Precision;
    /// let f = [0.3, -0.7, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05];
    /// let s = Precision::F16.scale(&f);
    /// assert_eq!(s[1], -1.0);
    /// assert_eq!(s[0], 0.428466796875); // 0.3 / 0.7 = 0.42857... in 11 significant bits
    /// ```
    pub fn scale(self, x: &Filter) -> Filter {
        match self {
            Precision::F64 => crate::scale_filter(x),
            Precision::F16 => {
                let den = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                let den = if den == 0.0 { 1.0 } else { den };
                let mut out = [0.0; DIM];
                for (o, v) in out.iter_mut().zip(x) {
                    *o = round_to_f16(v / den);
                }
                out
            }
        }
    }
}

/// `v` rounded to the nearest IEEE 754 half-precision value (ties to even), as an f64: what
/// numpy's `np.float16(v)` holds. Past the largest half (65504) it overflows to infinity from
/// 65520 on, as the rounding rule says; below 2^-14 it rounds to the subnormal grid of 2^-24.
///
/// Computed from the exponent, not through f32: rounding to f32 first could round twice.
pub fn round_to_f16(v: f64) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    let a = v.abs();
    if a >= 65520.0 {
        return f64::INFINITY.copysign(v);
    }
    // The spacing of halves around `a`: 2^(e - 10) for a normal half of exponent e, 2^-24 for
    // the subnormals. Dividing by a power of two is exact, so the rounding happens only once.
    let e = ((a.to_bits() >> 52) as i32 - 1023).max(-14);
    let quantum = f64::from_bits(((e - 10 + 1023) as u64) << 52);
    ((a / quantum).round_ties_even() * quantum).copysign(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_eleven_significant_bits_ties_to_even() {
        let ulp = 2f64.powi(-10);
        assert_eq!(round_to_f16(1.0 + ulp / 2.0), 1.0); // tie -> even
        assert_eq!(round_to_f16(1.0 + 1.5 * ulp), 1.0 + 2.0 * ulp); // tie -> even
        assert_eq!(round_to_f16(1.0 + ulp / 2.0 + 1e-12), 1.0 + ulp);
        assert_eq!(round_to_f16(-0.1), -0.0999755859375);
        assert_eq!(round_to_f16(1.0 / 3.0), 0.333251953125);
        assert_eq!(round_to_f16(65504.0), 65504.0);
        assert_eq!(round_to_f16(65519.99), 65504.0);
        assert_eq!(round_to_f16(65520.0), f64::INFINITY);
        assert_eq!(round_to_f16(-1e6), f64::NEG_INFINITY);
    }

    #[test]
    fn subnormals_round_on_a_fixed_grid() {
        let q = 2f64.powi(-24);
        assert_eq!(round_to_f16(q), q);
        assert_eq!(round_to_f16(0.5 * q), 0.0); // tie -> even (0)
        assert_eq!(round_to_f16(1.5 * q), 2.0 * q); // tie -> even (2)
        assert_eq!(round_to_f16(0.51 * q), q);
        assert_eq!(round_to_f16(1e-9), 0.0);
        // The smallest normal half and the largest subnormal.
        assert_eq!(round_to_f16(2f64.powi(-14)), 2f64.powi(-14));
        assert_eq!(round_to_f16(1023.0 * q), 1023.0 * q);
        assert!(round_to_f16(-1e-9).is_sign_negative());
    }

    #[test]
    fn carries_into_the_next_binade() {
        // Just below 2: rounds up to 2 exactly.
        assert_eq!(round_to_f16(2.0 - 1e-6), 2.0);
        assert!(round_to_f16(f64::NAN).is_nan());
    }

    #[test]
    fn f16_scaling_divides_then_rounds() {
        let f = [3.0, -7.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5];
        let s = Precision::F16.scale(&f);
        assert_eq!(s[1], -1.0);
        assert_eq!(s[0], round_to_f16(3.0 / 7.0));
        assert_eq!(s[8], round_to_f16(0.5 / 7.0));
        assert_eq!(Precision::F16.scale(&[0.0; DIM]), [0.0; DIM]);
        assert_eq!(Precision::F64.scale(&f), crate::scale_filter(&f));
        let mut fs = vec![[0.1; DIM]];
        assert_eq!(Precision::F16.round_filters(&mut fs), Ok(()));
        assert_eq!(fs[0][4], 0.0999755859375);
        let mut big = vec![[1.0; DIM], [0.0, 0.0, 7e4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]];
        assert_eq!(Precision::F16.round_filters(&mut big), Err((1, 2, 7e4)));
        assert_eq!(Precision::F64.round_filters(&mut big), Ok(()));
        assert_eq!(Precision::from_name("f16"), Some(Precision::F16));
        assert_eq!(
            Precision::from_name(Precision::F64.name()),
            Some(Precision::F64)
        );
        assert_eq!(Precision::from_name("f32"), None);
    }
}
