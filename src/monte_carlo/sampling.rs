//! Sampling methods and the special functions they need.
//!
//! ```text
//! random:          u[k][d] = unit(draw generator k), d-th number
//! latin hypercube: u[k][d] = (perm_d[k] + unit(draw generator k)) / D
//! every value:     x = F^-1(u)                       (inverse CDF of the dimension's distribution)
//! quadrature (Stroud degree 3, Arndt & Pearson), N uncertain dimensions, points j = 1..2N:
//!   z[j][2r-1] = sqrt(2) cos((2r-1) j pi / N),  z[j][2r] = sqrt(2) sin((2r-1) j pi / N),  r = 1..floor(N/2)
//!   z[j][N]    = (-1)^j                                                          (N odd)
//!   x = mean + sd * z,  equal weights 1/(2N)
//! Phi(z)      = erfc(-z / sqrt 2) / 2
//! Phi^-1(p)   = Wichura's AS 241 (PPND16): rational approximations, relative error ~1e-16
//!               |p - 1/2| <= 0.425:  q A(r)/B(r),  q = p - 1/2, r = 0.180625 - q^2
//!               otherwise, r = sqrt(-ln(min(p, 1 - p))):  +-C(r - 1.6)/D(r - 1.6)  (r <= 5)
//!                                                        +-E(r - 5)/F(r - 5)      (r > 5)
//! ```

use std::f64::consts::{FRAC_1_SQRT_2, PI, SQRT_2};

use serde::{Deserialize, Serialize};

/// How the uncertain parameters are sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Sampling {
    /// Plain Monte Carlo: independent uniform numbers through each inverse CDF.
    #[default]
    Random,
    /// Latin hypercube: each dimension's `D` draws fall one in each of `D`
    /// equal-probability strata, in a random order per dimension.
    #[serde(alias = "lhs")]
    LatinHypercube,
    /// Stroud degree-3 quadrature: `2N` deterministic points for `N`
    /// uncertain parameters (GTAP's systematic sensitivity analysis).
    Quadrature,
}

impl Sampling {
    /// Parses `random`, `latin-hypercube` (or `lhs`) or `quadrature`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "random" => Some(Sampling::Random),
            "latin-hypercube" | "lhs" => Some(Sampling::LatinHypercube),
            "quadrature" => Some(Sampling::Quadrature),
            _ => None,
        }
    }

    /// The name written in outputs (`random`, `latin-hypercube`, `quadrature`).
    pub fn name(self) -> &'static str {
        match self {
            Sampling::Random => "random",
            Sampling::LatinHypercube => "latin-hypercube",
            Sampling::Quadrature => "quadrature",
        }
    }
}

/// Standard normal density.
pub(crate) fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// Standard normal CDF, `erfc(-z/√2)/2` (accurate in both tails).
pub(crate) fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z * FRAC_1_SQRT_2)
}

/// Standard normal quantile `Φ⁻¹(p)` for `p` in (0, 1); `-inf`/`inf` at 0/1.
///
/// Wichura's algorithm AS 241 (`PPND16`, Applied Statistics 37, 1988;
/// its 20-digit coefficients are written as the shortest decimals that
/// round to the same doubles):
/// rational approximations of degree 7 with relative error about 1e-16,
/// in `p - 1/2` near the centre and in `sqrt(-ln(min(p, 1 - p)))` in the
/// tails, so no refinement step (and no `erfc`) is needed. `1 - p` is exact
/// for `p >= 1/2`, so the upper tail keeps its digits as the lower does.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    // central region, |p - 1/2| <= 0.425: (p - 1/2) A(r) / B(r), r = 0.180625 - (p - 1/2)^2
    const A: [f64; 8] = [
        3.387_132_872_796_366_5,
        1.331_416_678_917_843_8e2,
        1.971_590_950_306_551_3e3,
        1.373_169_376_550_946e4,
        4.592_195_393_154_987e4,
        6.726_577_092_700_87e4,
        3.343_057_558_358_813e4,
        2.509_080_928_730_122_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091e1,
        6.871_870_074_920_579e2,
        5.394_196_021_424_751e3,
        2.121_379_430_158_659_7e4,
        3.930_789_580_009_271e4,
        2.872_908_573_572_194_3e4,
        5.226_495_278_852_854e3,
    ];
    // intermediate tail, r = sqrt(-ln(min(p, 1 - p))) <= 5: C(r - 1.6) / D(r - 1.6)
    const C: [f64; 8] = [
        1.423_437_110_749_683_5,
        4.630_337_846_156_546,
        5.769_497_221_460_691,
        3.647_848_324_763_204_5,
        1.270_458_252_452_368_4,
        2.417_807_251_774_506e-1,
        2.272_384_498_926_918_4e-2,
        7.745_450_142_783_414e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_759,
        1.676_384_830_183_803_8,
        6.897_673_349_851e-1,
        1.481_039_764_274_800_8e-1,
        1.519_866_656_361_645_7e-2,
        5.475_938_084_995_345e-4,
        1.050_750_071_644_416_9e-9,
    ];
    // far tail, r > 5: E(r - 5) / F(r - 5)
    const E: [f64; 8] = [
        6.657_904_643_501_103,
        5.463_784_911_164_114,
        1.784_826_539_917_291_3,
        2.965_605_718_285_048_7e-1,
        2.653_218_952_657_612_4e-2,
        1.242_660_947_388_078_4e-3,
        2.711_555_568_743_487_6e-5,
        2.010_334_399_292_288_1e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_88e-1,
        1.369_298_809_227_358e-1,
        1.487_536_129_085_061_5e-2,
        7.868_691_311_456_133e-4,
        1.846_318_317_510_054_8e-5,
        1.421_511_758_316_446e-7,
        2.044_263_103_389_939_7e-15,
    ];
    /// `c[0] + c[1] x + ... + c[7] x^7` (Horner).
    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -z } else { z }
}

/// Coordinate `dim` (0-based, `dim < n`) of Stroud's degree-3 point `j`
/// (1-based, `1 <= j <= 2n`) for `n` dimensions.
pub(crate) fn quadrature_coordinate(n: usize, j: usize, dim: usize) -> f64 {
    debug_assert!(n > 0 && (1..=2 * n).contains(&j) && dim < n);
    if n % 2 == 1 && dim == n - 1 {
        return if j % 2 == 0 { 1.0 } else { -1.0 };
    }
    let r = dim / 2 + 1; // pair index, 1-based
    let angle = (2 * r - 1) as f64 * j as f64 * PI / n as f64;
    if dim % 2 == 0 {
        SQRT_2 * angle.cos()
    } else {
        SQRT_2 * angle.sin()
    }
}

/// Every Stroud degree-3 point for `n` dimensions: `2n` rows of `n`
/// coordinates (row `j - 1` is point `j`). Each has equal weight `1/(2n)`;
/// the points have mean 0, identity covariance and zero third moments.
pub fn quadrature_points(n: usize) -> Vec<Vec<f64>> {
    (1..=2 * n)
        .map(|j| (0..n).map(|d| quadrature_coordinate(n, j, d)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn quantile_known_values() {
        // exact values (computed in 40-digit arithmetic, rounded to the
        // nearest double), in both tails and every region of the
        // approximation; AS 241 is within a few ulps
        let exact = [
            (1e-300, -37.047_096_299_361_2),
            (1e-20, -9.262_340_089_798_407),
            (1e-10, -6.361_340_902_404_057),
            (0.001, -3.090_232_306_167_813_6),
            (0.3, -0.524_400_512_708_040_8),
            (0.95, 1.644_853_626_951_472_2),
            (0.975, 1.959_963_984_540_053_8),
        ];
        for (p, z) in exact {
            assert_relative_eq!(normal_quantile(p), z, max_relative = 2e-15);
        }
        assert_eq!(normal_quantile(0.5), 0.0);
        // next to the centre the quantile keeps its relative digits:
        // Phi^-1(1/2 + q) = sqrt(2 pi) q (1 + O(q^2))
        let q = 2f64.powi(-30);
        assert_relative_eq!(
            normal_quantile(0.5 + q),
            (2.0 * PI).sqrt() * q,
            max_relative = 2e-15
        );
        assert_relative_eq!(
            normal_quantile(0.5 - q),
            -(2.0 * PI).sqrt() * q,
            max_relative = 2e-15
        );
    }

    #[test]
    fn quantile_inverts_cdf() {
        for k in 1..1000 {
            let p = k as f64 / 1000.0;
            let z = normal_quantile(p);
            assert_relative_eq!(normal_cdf(z), p, max_relative = 1e-14);
        }
        for &p in &[1e-300, 1e-100, 1e-20, 1.4e-11, 1e-5, 0.075, 0.925] {
            let z = normal_quantile(p);
            assert_relative_eq!(normal_cdf(z), p, max_relative = 1e-13);
        }
        for &p in &[1e-5, 1e-3, 0.075, 0.3] {
            // 1 - p is rounded: compare with the quantile of the rounded complement
            let q = 1.0 - p;
            assert_relative_eq!(
                normal_quantile(q),
                -normal_quantile(1.0 - q),
                max_relative = 1e-12
            );
        }
    }
}
