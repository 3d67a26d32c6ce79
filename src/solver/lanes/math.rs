//! Arithmetic on [`LANES`] independent values at once (one per market solved
//! in lock-step), and the elementary functions the model needs written so
//! that every lane takes the same instructions: `exp` and `expm1` from one
//! range reduction, and `ln` with a compensation term (which gives `log1p`).
//!
//! ```text
//! exp:  z = k ln2 + r, |r| <= ln2/2,  expm1(r) = r + r^2 (1/2! + r (1/3! + ... + r/13!))
//!       exp(z) = 2^k + 2^k expm1(r),  expm1(z) = 2^k expm1(r) + (2^k - 1)
//! ln:   u = 2^k m, m in [sqrt(1/2), sqrt(2)),  f = m - 1,  s = f / (2 + f)
//!       ln(1 + f) = f - (f^2/2 - s (f^2/2 + R)),  R = sum_{i>=1} 2 s^(2i) / (2i + 1)
//!       ln(u + c) ~ k ln2 + ln(1 + f) + c / u
//! ```
//! The polynomials are truncated Taylor series whose first omitted term is
//! below 1e-17 relative on the reduced range, evaluated with separate
//! multiplications and additions (no fused multiply-add, so the bits do not
//! depend on the instruction set the crate is compiled for): about one ulp,
//! checked against the standard library in the tests below. Arguments out of
//! the range these markets can reach (`|z| > 700`, `u` not positive and
//! finite) give NaN, which makes the lane's solve fail over to the one-market
//! solver rather than return a rounded-off value.
//!
//! Every operation is a loop over the lanes with no dependence between them,
//! which the compiler turns into vector instructions; no lane's value ever
//! depends on another lane's.

use std::ops::{Add, BitAnd, BitOr, Div, Mul, Neg, Not, Sub};

use wide::{f64x8, u64x8};

/// Number of markets solved in lock-step.
pub(crate) const LANES: usize = 8;

/// One value per lane.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct V(f64x8);

/// One flag per lane (all bits of the lane set, or none).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct M(f64x8);

macro_rules! binary {
    ($tr:ident, $f:ident) => {
        impl $tr for V {
            type Output = V;
            #[inline(always)]
            fn $f(self, o: V) -> V {
                V(self.0.$f(o.0))
            }
        }
    };
}
binary!(Add, add);
binary!(Sub, sub);
binary!(Mul, mul);
binary!(Div, div);

impl Neg for V {
    type Output = V;
    #[inline(always)]
    fn neg(self) -> V {
        V(-self.0)
    }
}

impl V {
    /// The same value in every lane.
    #[inline(always)]
    pub(crate) fn splat(x: f64) -> V {
        V(f64x8::splat(x))
    }

    /// Lane `l`'s value.
    #[inline(always)]
    pub(crate) fn lane(&self, l: usize) -> f64 {
        self.0.as_array()[l]
    }

    /// Sets lane `l`'s value.
    #[inline(always)]
    pub(crate) fn set_lane(&mut self, l: usize, x: f64) {
        self.0.as_mut_array()[l] = x;
    }

    /// `a` where the flag is set, `b` elsewhere.
    #[inline(always)]
    pub(crate) fn select(m: M, a: V, b: V) -> V {
        V(m.0.select(a.0, b.0))
    }

    /// Lane-wise absolute value.
    #[inline(always)]
    pub(crate) fn abs(self) -> V {
        V(self.0.abs())
    }

    /// Lane-wise maximum (as `f64::max`: a NaN operand gives the other).
    #[inline(always)]
    pub(crate) fn max(self, o: V) -> V {
        V(self.0.max(o.0))
    }

    /// Each lane's flag `self < o`.
    #[inline(always)]
    pub(crate) fn lt(self, o: V) -> M {
        M(self.0.simd_lt(o.0))
    }

    /// Each lane's flag `self <= o`.
    #[inline(always)]
    pub(crate) fn le(self, o: V) -> M {
        M(self.0.simd_le(o.0))
    }

    /// Each lane's flag `self == o`.
    #[inline(always)]
    pub(crate) fn eq(self, o: V) -> M {
        M(self.0.simd_eq(o.0))
    }

    /// Each lane's flag `self != o` (set for NaN).
    #[inline(always)]
    pub(crate) fn ne(self, o: V) -> M {
        M(self.0.simd_ne(o.0))
    }

    /// Each lane's flag: finite.
    #[inline(always)]
    pub(crate) fn is_finite(self) -> M {
        M(self.0.is_finite())
    }

    /// Each lane's flag: not a number.
    #[inline(always)]
    pub(crate) fn is_nan(self) -> M {
        M(self.0.is_nan())
    }

    #[inline(always)]
    fn bits(self) -> u64x8 {
        self.0.to_bits()
    }

    #[inline(always)]
    fn from_bits(b: u64x8) -> V {
        V(f64x8::from_bits(b))
    }
}

impl M {
    /// Every flag clear.
    pub(crate) const NONE: M = M(f64x8::ZERO);

    /// Some flag set.
    #[inline(always)]
    pub(crate) fn any(self) -> bool {
        self.0.any()
    }

    /// Lane `l`'s flag.
    #[inline(always)]
    pub(crate) fn lane(&self, l: usize) -> bool {
        self.0.as_array()[l].to_bits() != 0
    }

    /// Sets lane `l`'s flag.
    #[inline(always)]
    pub(crate) fn set_lane(&mut self, l: usize, on: bool) {
        self.0.as_mut_array()[l] = f64::from_bits(if on { u64::MAX } else { 0 });
    }
}

impl BitAnd for M {
    type Output = M;
    #[inline(always)]
    fn bitand(self, o: M) -> M {
        M(self.0 & o.0)
    }
}

impl BitOr for M {
    type Output = M;
    #[inline(always)]
    fn bitor(self, o: M) -> M {
        M(self.0 | o.0)
    }
}

impl Not for M {
    type Output = M;
    #[inline(always)]
    fn not(self) -> M {
        M(self.0 ^ f64x8::from_bits(u64x8::splat(u64::MAX)))
    }
}

/// `ln 2` split so that `k * LN2_HI` is exact for `|k| < 2^11`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// `1.5 * 2^52`: adding it rounds a value below 2^51 in size to an integer
/// held in the low bits.
const ROUNDER: f64 = 6_755_399_441_055_744.0;
/// Largest `|z|` taken by [`exp_expm1`].
const EXP_MAX: f64 = 700.0;

/// `1/n!` for n = 2..=13, highest first (the Horner order).
const EXPM1_C: [f64; 12] = [
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
    0.5,
];

/// `2/(2i+1)` for i = 1..=11, highest first.
const LN_C: [f64; 11] = [
    2.0 / 23.0,
    2.0 / 21.0,
    2.0 / 19.0,
    2.0 / 17.0,
    2.0 / 15.0,
    2.0 / 13.0,
    2.0 / 11.0,
    2.0 / 9.0,
    2.0 / 7.0,
    2.0 / 5.0,
    2.0 / 3.0,
];

/// `(exp(z), expm1(z))` lane by lane, the same instructions for every
/// argument; NaN for `|z| > 700` or NaN `z`.
#[inline(always)]
pub(crate) fn exp_expm1(z: V) -> (V, V) {
    let ok = z.abs().le(V::splat(EXP_MAX));
    let z = V::select(ok, z, V::default());
    let t = z * V::splat(LOG2_E) + V::splat(ROUNDER);
    let kf = t - V::splat(ROUNDER);
    // k in the low bits of t, as an offset of the rounder's bits; 2^k from it
    // (wrapping integer arithmetic on the bits)
    let k = t.bits() - u64x8::splat(ROUNDER.to_bits());
    let two = V::from_bits((k + u64x8::splat(1023)).unbounded_shl_scalar(52));
    let r = (z - kf * V::splat(LN2_HI)) - kf * V::splat(LN2_LO);
    let mut p = V::splat(EXPM1_C[0]);
    for &c in &EXPM1_C[1..] {
        p = p * r + V::splat(c);
    }
    let em1 = r + r * r * p;
    let e = two + two * em1;
    let m1 = two * em1 + (two - V::splat(1.0));
    let nan = V::splat(f64::NAN);
    (V::select(ok, e, nan), V::select(ok, m1, nan))
}

/// `exp(z)` lane by lane.
#[inline(always)]
pub(crate) fn exp(z: V) -> V {
    exp_expm1(z).0
}

/// `ln(u) + c/u` lane by lane: `ln(u + c)` to first order in a small
/// correction `c`; NaN unless `u` is positive, normal and finite.
#[inline(always)]
fn ln(u: V, c: V) -> V {
    let ok = V::splat(f64::MIN_POSITIVE).le(u) & u.lt(V::splat(f64::INFINITY));
    let one = V::splat(1.0);
    let u = V::select(ok, u, one);
    let ub = u.bits();
    // the exponent as a float without an integer conversion: the biased
    // exponent added to the rounder's bits (exact), the bias taken off after
    let kb = u64x8::splat(ROUNDER.to_bits()) + ub.unbounded_shr_scalar(52);
    let mut kf = V::from_bits(kb) - V::splat(ROUNDER + 1023.0);
    let mb = (ub & u64x8::splat(0x000f_ffff_ffff_ffff)) | u64x8::splat(0x3ff0_0000_0000_0000);
    let mut m = V::from_bits(mb);
    let high = V::splat(std::f64::consts::SQRT_2).lt(m);
    m = V::select(high, m * V::splat(0.5), m);
    kf = V::select(high, kf + one, kf);
    let f = m - one;
    let s = f / (V::splat(2.0) + f);
    let z = s * s;
    let mut r = V::splat(LN_C[0]);
    for &k in &LN_C[1..] {
        r = r * z + V::splat(k);
    }
    let r = r * z;
    let hfsq = V::splat(0.5) * f * f;
    let l = kf * V::splat(LN2_HI) - ((hfsq - (s * (hfsq + r) + kf * V::splat(LN2_LO))) - f) + c / u;
    V::select(ok, l, V::splat(f64::NAN))
}

/// `ln(S)` of a CES sum given as `sum_m1 = S - 1` (exact for small changes)
/// and `direct = S`: `log1p(sum_m1)` where `|sum_m1| < 0.5`, `ln(direct)`
/// elsewhere, lane by lane.
#[inline(always)]
pub(crate) fn ces_log(sum_m1: V, direct: V) -> V {
    let near = sum_m1.abs().lt(V::splat(0.5));
    let u1 = V::splat(1.0) + sum_m1;
    let c1 = sum_m1 - (u1 - V::splat(1.0));
    ln(
        V::select(near, u1, direct),
        V::select(near, c1, V::default()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place.
    fn ulps(a: f64, b: f64) -> f64 {
        if a == b {
            return 0.0;
        }
        let scale = f64::EPSILON * b.abs().max(f64::MIN_POSITIVE);
        (a - b).abs() / scale
    }

    fn points() -> Vec<f64> {
        // deterministic spread over the range the markets reach, and around 0
        let mut v = vec![
            0.0, -0.0, 1e-300, -1e-300, 1e-17, -1e-17, 0.5, -0.5, 1.0, -1.0,
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 11) as f64 / (1u64 << 53) as f64;
            let span = [1e-8, 1e-3, 0.4, 3.0, 40.0, 690.0][i % 6];
            v.push((2.0 * u - 1.0) * span);
        }
        v
    }

    #[test]
    fn exp_and_expm1_are_within_two_ulps_of_the_standard_library() {
        let mut worst = (0.0f64, 0.0f64);
        for z in points() {
            let (e, m1) = exp_expm1(V::splat(z));
            worst.0 = worst.0.max(ulps(e.lane(0), z.exp()));
            worst.1 = worst.1.max(ulps(m1.lane(0), z.exp_m1()));
            assert_eq!(exp(V::splat(z)).lane(3), e.lane(3));
        }
        assert!(worst.0 <= 2.0 && worst.1 <= 2.0, "{worst:?}");
    }

    #[test]
    fn exp_is_exact_at_zero_and_refuses_what_it_cannot_reach() {
        let (e, m1) = exp_expm1(V::splat(0.0));
        assert_eq!((e.lane(0), m1.lane(0)), (1.0, 0.0));
        for z in [700.5, -700.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let (e, m1) = exp_expm1(V::splat(z));
            assert!(e.lane(0).is_nan() && m1.lane(0).is_nan(), "{z}");
        }
        // the largest argument taken still gives a finite, right value
        let (e, _) = exp_expm1(V::splat(700.0));
        assert!(ulps(e.lane(0), 700f64.exp()) <= 2.0);
    }

    #[test]
    fn ces_log_is_log1p_near_one_and_ln_far_from_it() {
        let mut worst = 0.0f64;
        for x in points() {
            let x = x.clamp(-0.999_999, 1e6);
            let s = 1.0 + x;
            let got = ces_log(V::splat(x), V::splat(s)).lane(5);
            let want = if x.abs() < 0.5 { x.ln_1p() } else { s.ln() };
            worst = worst.max(ulps(got, want));
        }
        assert!(worst <= 2.0, "{worst}");
        assert_eq!(ces_log(V::splat(0.0), V::splat(1.0)).lane(0), 0.0);
        for bad in [0.0, -1.0, f64::INFINITY, f64::NAN, 1e-310] {
            assert!(
                ces_log(V::splat(0.9), V::splat(bad)).lane(0).is_nan(),
                "{bad}"
            );
        }
    }

    #[test]
    fn lanes_do_not_mix() {
        let values = [0.1, -2.0, 3.0, 0.0, 701.0, -0.3, 5.0, -7.5];
        let mut z = V::default();
        for (l, &v) in values.iter().enumerate() {
            z.set_lane(l, v);
        }
        let (e, m1) = exp_expm1(z);
        let lnz = ces_log(z, z.abs());
        for (l, &v) in values.iter().enumerate() {
            let (e1, m11) = exp_expm1(V::splat(v));
            assert_eq!(e.lane(l).to_bits(), e1.lane(0).to_bits());
            assert_eq!(m1.lane(l).to_bits(), m11.lane(0).to_bits());
            let l1 = ces_log(V::splat(v), V::splat(v.abs()));
            assert_eq!(lnz.lane(l).to_bits(), l1.lane(0).to_bits());
        }
    }
}
