//! `open_enum!`: string enums that never fail to decode.
//!
//! 360dialog documents several value sets only partly (or not at all), so every
//! such field is an *open* enum: the known values as variants, plus
//! `Unknown(String)` holding whatever else the server sent, verbatim. Encoding
//! writes back exactly the string that was decoded.

/// Declares an open string enum with `as_str`, `Display`, `From<&str>` and
/// lenient serde support.
///
/// ```
/// partner_webhooks::open_enum! {
///     /// Colour of a thing.
///     pub enum Colour {
///         /// Red.
///         Red => "red",
///         /// Blue.
///         Blue => "blue",
///     }
/// }
/// assert_eq!(Colour::from("red"), Colour::Red);
/// assert_eq!(Colour::from("teal"), Colour::Unknown("teal".into()));
/// assert_eq!(Colour::from("teal").as_str(), "teal");
/// let c: Colour = serde_json::from_str("\"blue\"").unwrap();
/// assert_eq!(c, Colour::Blue);
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept verbatim.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every known wire value.
            pub const KNOWN: &'static [&'static str] = &[$($wire),+];

            /// The wire value, exactly as received.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}
