//! Tolerances of the comparison between the library and the reference.

/// Relative tolerance of model vs reference (the acceptance bar).
pub const REL: f64 = 1e-9;

/// `|a - b| <= rel * max(|a|, |b|) + abs`.
pub fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + abs
}

/// Panics with `what` and both values unless [`close`].
#[track_caller]
pub fn assert_close(a: f64, b: f64, rel: f64, abs: f64, what: &str) {
    assert!(
        close(a, b, rel, abs),
        "{what}: {a:e} vs {b:e} (diff {:e}, rel {rel:e}, abs {abs:e})",
        (a - b).abs()
    );
}

/// Absolute floor for comparing changes in a sector whose flows total `scale`:
/// the model stops at a scaled residual of 1e-12, which leaves prices right
/// to about 1e-11; quantities that are small differences of large levels
/// (a consumer surplus of 1e-3 of expenditure) carry that error times the level.
pub fn abs_floor(scale: f64) -> f64 {
    1e-11 * scale.max(1.0)
}
