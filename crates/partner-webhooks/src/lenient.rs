//! Lenient, allocation-light decoding for event payloads.
//!
//! A field of the wrong type reads as `None` instead of failing the event, and
//! is skipped without building a JSON tree. Unknown fields go to `extra`.
//! (serde's `flatten` would buffer every field first; this does not.)

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A type that can be read leniently: `Ok(None)` when the JSON value has another shape.
pub(crate) trait Lenient: Sized {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;

    /// Reads into `slot` (`None` for another shape). Structs override it to
    /// decode in place instead of moving the decoded value through every frame.
    fn lenient_into<'de, D: Deserializer<'de>>(
        d: D,
        slot: &mut Option<Self>,
    ) -> Result<(), D::Error> {
        *slot = Self::lenient(d)?;
        Ok(())
    }
}

/// A struct filled field by field, in place, from a JSON object.
pub(crate) trait FromMap: Default {
    fn fill_from_map<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
}

/// Fills `target` from a JSON object; `Ok(false)` (and the value skipped)
/// for any other shape.
pub(crate) fn fill<'de, D: Deserializer<'de>, T: FromMap>(
    d: D,
    target: &mut T,
) -> Result<bool, D::Error> {
    d.deserialize_any(FillVisitor(target))
}

/// Reads a struct leniently into `slot`, decoding in place.
pub(crate) fn fill_slot<'de, D: Deserializer<'de>, T: FromMap>(
    d: D,
    slot: &mut Option<T>,
) -> Result<(), D::Error> {
    if !fill(d, slot.insert(T::default()))? {
        *slot = None;
    }
    Ok(())
}

/// Deserializes leniently into a slot (for `next_value_seed`).
pub(crate) struct SeedInto<'a, T>(pub(crate) &'a mut Option<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for SeedInto<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        T::lenient_into(d, self.0)
    }
}

/// Deserializes an `Option<T>` leniently (for `next_value_seed`).
pub(crate) struct Seed<T>(PhantomData<T>);

impl<T> Seed<T> {
    pub(crate) fn new() -> Self {
        Seed(PhantomData)
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::lenient(d)
    }
}

/// An object key, borrowed from the input when it has no escapes.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// What a scalar-expecting visitor found.
#[derive(Default)]
enum Scalar<'de> {
    Str(Cow<'de, str>),
    Bool(bool),
    #[default]
    Other,
}

/// Visits any JSON value; keeps strings and booleans, skips everything else.
struct ScalarVisitor;

macro_rules! other {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E>(self, _: $ty) -> Result<Self::Value, E> { Ok(Self::Value::default()) })*
    };
}

/// The visit methods for shapes a visitor does not want: skip them.
macro_rules! skip_unwanted {
    (map) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Self::Value::default())
        }
    };
    (seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Self::Value::default())
        }
    };
    (scalars) => {
        other!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(Self::Value::default())
        }
    };
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    other!(visit_i64: i64, visit_u64: u64, visit_f64: f64);
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    skip_unwanted!(map);
    skip_unwanted!(seq);
}

/// Reads a string without copying it and maps it; other shapes read as `None`.
pub(crate) fn map_str<'de, D: Deserializer<'de>, T>(
    d: D,
    f: impl FnOnce(&str) -> T,
) -> Result<Option<T>, D::Error> {
    Ok(match d.deserialize_any(ScalarVisitor)? {
        Scalar::Str(s) => Some(f(&s)),
        _ => None,
    })
}

impl Lenient for String {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Scalar::Str(s) => Some(s.into_owned()),
            _ => None,
        })
    }
}

impl Lenient for bool {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Scalar::Bool(b) => Some(b),
            _ => None,
        })
    }
}

impl Lenient for Value {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        let v = <Value as serde::Deserialize>::deserialize(d)?;
        Ok(if v.is_null() { None } else { Some(v) })
    }
}

/// Fills a `T: FromMap` from an object (`true`); skips anything else (`false`).
struct FillVisitor<'a, T>(&'a mut T);

impl<'de, T: FromMap> Visitor<'de> for FillVisitor<'_, T> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        self.0.fill_from_map(map)?;
        Ok(true)
    }
    skip_unwanted!(seq);
    skip_unwanted!(scalars);
}

/// Reads an array of `T`, dropping elements of another shape; anything else is `None`.
struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for SeqVisitor<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed::<T>::new())? {
            out.extend(item);
        }
        Ok(Some(out))
    }
    skip_unwanted!(map);
    skip_unwanted!(scalars);
}

impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(SeqVisitor(PhantomData))
    }
}

/// Implements [`Lenient`] for string enums through `From<&str>`.
macro_rules! lenient_via_str {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::lenient::Lenient for $ty {
            fn lenient<'de, D: ::serde::Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                $crate::lenient::map_str(d, |s: &str| <$ty>::from(s))
            }
        })*
    };
}
pub(crate) use lenient_via_str;
