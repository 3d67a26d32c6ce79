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
//! Phi^-1(p)   = Acklam's rational approximation (|rel. error| < 1.15e-9), then one
//!               Halley step on Phi(z) - p (full double precision)
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
/// Acklam's rational approximation refined by one Halley step, which brings
/// it to full double precision.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let x = if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (-p).ln_1p()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // one Halley step on f(x) = Phi(x) - p, computed on the side of the
    // smaller tail so that p close to 1 keeps its digits
    let e = if x <= 0.0 {
        normal_cdf(x) - p
    } else {
        (1.0 - p) - 0.5 * libm::erfc(x * FRAC_1_SQRT_2)
    };
    let u = e * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
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
        assert_relative_eq!(
            normal_quantile(0.975),
            1.959_963_984_540_054,
            epsilon = 1e-15
        );
        assert_relative_eq!(
            normal_quantile(0.95),
            1.644_853_626_951_472_2,
            epsilon = 1e-15
        );
        assert_relative_eq!(normal_quantile(0.5), 0.0, epsilon = 1e-16);
        assert_relative_eq!(
            normal_quantile(0.001),
            -3.090_232_306_167_813_5,
            epsilon = 1e-14
        );
        assert_relative_eq!(
            normal_quantile(1e-10),
            -6.361_340_902_404_056,
            epsilon = 1e-13
        );
    }

    #[test]
    fn quantile_inverts_cdf() {
        for k in 1..1000 {
            let p = k as f64 / 1000.0;
            let z = normal_quantile(p);
            assert_relative_eq!(normal_cdf(z), p, max_relative = 1e-14);
        }
        for &p in &[1e-300, 1e-100, 1e-20, 1e-5, 0.02425, 0.97575] {
            let z = normal_quantile(p);
            assert_relative_eq!(normal_cdf(z), p, max_relative = 1e-13);
        }
        for &p in &[1e-5, 1e-3, 0.02425, 0.3] {
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
