//! Builder setters: the `with_*` methods that take a value by `self`, store
//! it in one field and hand the value back, written once for every builder
//! in the crate. Setters that check their argument stay hand-written.

/// Writes builder setters `pub fn with_x(mut self, arg: T) -> Self`.
///
/// Each entry is the setter's doc comment, its signature without `self`, the
/// field it sets and, when the argument is not stored as given, the
/// expression stored:
///
/// ```text
/// setters! {
///     /// Sets the seed of every random number.
///     with_seed(seed: u64) -> seed;
///     /// Only sector `code` (`"*"`: every sector).
///     with_sector(code: &str) -> sector = Selector::parse(code);
/// }
/// ```
macro_rules! setters {
    ($(
        $(#[$doc:meta])*
        $name:ident($arg:ident: $ty:ty) -> $field:ident $(= $value:expr)?;
    )*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, $arg: $ty) -> Self {
            self.$field = setters!(@value $arg $(, $value)?);
            self
        }
    )*};
    (@value $arg:ident) => { $arg };
    (@value $arg:ident, $value:expr) => { $value };
}
