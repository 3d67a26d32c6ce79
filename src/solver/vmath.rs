//! `exp`, `expm1` and `ln` over arrays of independent arguments, written
//! branch-free so that the compiler runs several arguments at once in SIMD
//! lanes (two with the baseline x86-64 target's SSE2).
//!
//! ```text
//! exp:   x = k ln2 + r,  k = round(x / ln2) (k = 0 when |x| < ln2),  |r| <= ln2
//!        expm1(r) = r + r^2 (1/2! + r/3! + ... + r^15/17!)     (Taylor, error < 1e-19)
//!        exp(x)   = 2^k1 2^k2 (1 + expm1(r)),   k1 + k2 = k     (no overflow in 2^k1, 2^k2)
//!        expm1(x) = expm1(r)                      k = 0
//!                 = 2^k expm1(r) + (2^k - 1)      0 < |k| <= 56
//!                 = exp(x) - 1                    k > 56 (and -1 + tiny for k < -56)
//! ln:    u = 2^e m,  m in [sqrt(2)/2, sqrt(2)),  f = m - 1,  s = f / (2 + f)
//!        ln m = f - (f^2/2 - s (f^2/2 + R(s^2)))                  (fdlibm's minimax R)
//!        ln(1 + x) = ln u + (x - (u - 1)) / u,   u = 1 + x rounded   (|x| < 1/2)
//! ```
//! Every value is accurate to about one ulp (two in the worst case), so
//! results move from those of the C library's functions only in their last
//! digits. No fused multiply-add is used: the scalar remainder of a loop and
//! the SIMD lanes compute every value with the same IEEE operations and give
//! the same bits, whatever the split of a batch into lanes.

const LN2: f64 = std::f64::consts::LN_2;
const LN2_HI: f64 = 0.693_147_180_369_123_8;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
/// `1.5 * 2^52`: adding it rounds a value below 2^51 in magnitude to an
/// integer, held in the low bits of the sum's representation.
const SHIFT: f64 = 6_755_399_441_055_744.0;

/// Taylor coefficients `1/17!, 1/16!, ..., 1/2!` (highest first).
const EXPM1_TAYLOR: [f64; 16] = [
    1.0 / 355_687_428_096_000.0,
    1.0 / 20_922_789_888_000.0,
    1.0 / 1_307_674_368_000.0,
    1.0 / 87_178_291_200.0,
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    1.0 / 2.0,
];

/// fdlibm's `log` coefficients `Lg1 .. Lg7`.
const LG: [f64; 7] = [
    0.666_666_666_666_673_5,
    0.399_999_999_994_094_2,
    0.285_714_287_436_623_9,
    0.222_221_984_321_497_84,
    0.181_835_721_616_180_5,
    0.153_138_376_992_093_73,
    0.147_981_986_051_165_86,
];

/// `2^k` for an integer-valued `k` in `[-1022, 1023]`.
#[inline(always)]
fn pow2(k: f64) -> f64 {
    let bits = (k + SHIFT)
        .to_bits()
        .wrapping_sub(SHIFT.to_bits())
        .wrapping_add(1023);
    f64::from_bits(bits << 52)
}

/// `(expm1(x), exp(x))`.
#[inline(always)]
fn exp_pair(x: f64) -> (f64, f64) {
    // NaN stays NaN through the clamp and the polynomial
    let x = x.clamp(-746.0, 710.0);
    let k = if x.abs() < LN2 {
        0.0
    } else {
        (x * std::f64::consts::LOG2_E + SHIFT) - SHIFT
    };
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let mut p = EXPM1_TAYLOR[0];
    for &c in &EXPM1_TAYLOR[1..] {
        p = p * r + c;
    }
    let em = r + (r * r) * p;
    let k1 = (k * 0.5 + SHIFT) - SHIFT;
    let w = (1.0 + em) * pow2(k1) * pow2(k - k1);
    let s = pow2(k.clamp(-60.0, 60.0));
    let e = if k == 0.0 {
        em
    } else if k > 56.0 {
        w - 1.0
    } else {
        s * em + (s - 1.0)
    };
    (e, w)
}

/// `ln(u) + c` for `c` a small correction (0 for a plain logarithm).
#[inline(always)]
fn ln_plus(u: f64, c: f64) -> f64 {
    let tiny = u < f64::MIN_POSITIVE;
    let v = if tiny {
        u * 18_014_398_509_481_984.0
    } else {
        u
    }; // 2^54
    let bits = v.to_bits();
    let biased = f64::from_bits(SHIFT.to_bits() | (bits >> 52)) - SHIFT;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    let high = m > std::f64::consts::SQRT_2;
    let m = if high { m * 0.5 } else { m };
    let e = biased - 1023.0 + if high { 1.0 } else { 0.0 } - if tiny { 54.0 } else { 0.0 };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let hfsq = 0.5 * f * f;
    let r = e * LN2_HI - ((hfsq - (s * (hfsq + (t2 + t1)) + (e * LN2_LO + c))) - f);
    let r = if u == f64::INFINITY { u } else { r };
    let r = if u == 0.0 { f64::NEG_INFINITY } else { r };
    if u >= 0.0 { r } else { f64::NAN }
}

/// `ln S` of a positive sum `S` given as `sum_m1 = S - 1` and `direct = S`:
/// `ln_1p(sum_m1)` where `|sum_m1| < 1/2` (its digits are exact for small
/// changes), `ln(direct)` elsewhere.
#[inline(always)]
fn ces_log_one(sum_m1: f64, direct: f64) -> f64 {
    let small = sum_m1.abs() < 0.5;
    let u1 = 1.0 + sum_m1;
    let c = (sum_m1 - (u1 - 1.0)) / u1;
    // selects, not branches: one logarithm, and the loop stays in SIMD lanes
    let u = if small { u1 } else { direct };
    ln_plus(u, if small { c } else { 0.0 })
}

/// `expm1[i] = expm1(x[i])` and `exp[i] = exp(x[i])` over the common length.
pub(crate) fn exp_expm1(x: &[f64], expm1: &mut [f64], exp: &mut [f64]) {
    for ((&v, e), w) in x.iter().zip(expm1.iter_mut()).zip(exp.iter_mut()) {
        (*e, *w) = exp_pair(v);
    }
}

/// `x[i] = exp(x[i])` in place.
pub(crate) fn exp_in_place(x: &mut [f64]) {
    for v in x.iter_mut() {
        *v = exp_pair(*v).1;
    }
}

/// `out[i] = ln S_i` of CES sums given as `sum_m1[i] = S_i - 1` and
/// `direct[i] = S_i`: `ln_1p(sum_m1)` where `|sum_m1| < 1/2`, `ln(direct)`
/// elsewhere (where `S` may be far below 1 and `1 + sum_m1` has lost its digits).
pub(crate) fn ces_log(sum_m1: &[f64], direct: &[f64], out: &mut [f64]) {
    for ((&a, &d), o) in sum_m1.iter().zip(direct).zip(out.iter_mut()) {
        *o = ces_log_one(a, d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units of the last place.
    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        let scale = b.abs().max(f64::MIN_POSITIVE);
        (a - b).abs() / (scale * f64::EPSILON)
    }

    fn grid() -> Vec<f64> {
        let mut xs = vec![0.0, -0.0, 1e-300, -1e-300, 1e-17, -1e-17, 1e-9, -1e-9];
        let mut v = 1e-12;
        while v < 800.0 {
            for s in [1.0, -1.0] {
                for f in [1.0, 1.37, 2.9, 5.3, 7.77] {
                    xs.push(s * v * f);
                }
            }
            v *= 1.9;
        }
        for i in -2000..=2000 {
            xs.push(f64::from(i) * 0.003_7);
        }
        for x in [
            LN2,
            -LN2,
            0.5 * LN2,
            -0.5 * LN2,
            709.78,
            709.79,
            -708.4,
            -745.0,
        ] {
            xs.push(x);
            xs.push(x.next_up());
            xs.push(x.next_down());
        }
        xs
    }

    #[test]
    fn exp_and_expm1_are_within_two_ulps_of_the_library() {
        let xs = grid();
        let mut e = vec![0.0; xs.len()];
        let mut w = vec![0.0; xs.len()];
        exp_expm1(&xs, &mut e, &mut w);
        let mut scalar = xs.clone();
        exp_in_place(&mut scalar);
        for (i, &x) in xs.iter().enumerate() {
            let (want_e, want_w) = (x.exp_m1(), x.exp());
            assert_eq!(
                w[i].to_bits(),
                scalar[i].to_bits(),
                "exp({x}) differs by path"
            );
            if want_w.is_finite() && want_w >= f64::MIN_POSITIVE {
                assert!(
                    ulps(w[i], want_w) <= 2.0,
                    "exp({x}) = {} not {want_w}",
                    w[i]
                );
            } else if want_w == f64::INFINITY {
                assert_eq!(w[i], f64::INFINITY, "exp({x})");
            } else {
                assert!((w[i] - want_w).abs() <= 4.0 * f64::MIN_POSITIVE * f64::EPSILON);
            }
            if want_e.is_finite() {
                assert!(
                    ulps(e[i], want_e) <= 2.0,
                    "expm1({x}) = {} not {want_e}",
                    e[i]
                );
            } else {
                assert_eq!(e[i], want_e, "expm1({x})");
            }
        }
        assert_eq!(exp_pair(0.0), (0.0, 1.0));
        assert!(exp_pair(f64::NAN).0.is_nan() && exp_pair(f64::NAN).1.is_nan());
        assert_eq!(exp_pair(f64::INFINITY), (f64::INFINITY, f64::INFINITY));
        assert_eq!(exp_pair(f64::NEG_INFINITY), (-1.0, 0.0));
    }

    #[test]
    fn ces_log_is_within_two_ulps_of_the_library() {
        let xs = grid();
        let m1: Vec<f64> = xs.iter().map(|x| x.clamp(-0.499, 10.0)).collect();
        let direct: Vec<f64> = m1.iter().map(|x| 1.0 + x).collect();
        let mut out = vec![0.0; xs.len()];
        ces_log(&m1, &direct, &mut out);
        for i in 0..xs.len() {
            let want = if m1[i].abs() < 0.5 {
                m1[i].ln_1p()
            } else {
                direct[i].ln()
            };
            assert!(
                ulps(out[i], want) <= 2.0,
                "ln_1p({}) = {} not {want}",
                m1[i],
                out[i]
            );
        }
        // far from 1 the direct sum is used, over the whole range of doubles
        let us = [
            1e-310,
            5e-324,
            f64::MIN_POSITIVE,
            1e-200,
            0.3,
            0.7072,
            1.5,
            2.0,
            1e300,
            f64::MAX,
        ];
        let big = vec![-0.9; us.len()];
        let mut out = vec![0.0; us.len()];
        ces_log(&big, &us, &mut out);
        for (u, o) in us.iter().zip(&out) {
            assert!(ulps(*o, u.ln()) <= 2.0, "ln({u}) = {o} not {}", u.ln());
        }
        let specials = [0.0, -1.0, f64::INFINITY, f64::NAN];
        let mut out = vec![0.0; 4];
        ces_log(&[-0.9; 4], &specials, &mut out);
        assert_eq!(out[0], f64::NEG_INFINITY);
        assert!(out[1].is_nan());
        assert_eq!(out[2], f64::INFINITY);
        assert!(out[3].is_nan());
    }
}
