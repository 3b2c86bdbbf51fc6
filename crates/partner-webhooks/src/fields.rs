//! Read access to a decoded payload's fields by their JSON name, so the event
//! accessors (`channel_id`, `status`, `phone_number`, ...) read the typed
//! payload instead of building the body's JSON tree.

use serde_json::{Map, Value};

/// A JSON object, typed or not: its string fields and nested objects by name.
pub(crate) trait Fields {
    /// The field `key` when it is a string.
    fn str_field(&self, key: &str) -> Option<&str>;
    /// The field `key` when it is an object.
    fn object_field(&self, key: &str) -> Option<&dyn Fields>;
}

/// What one field's value offers to [`Fields`]: a string, an object, or neither.
pub(crate) trait FieldValue {
    fn as_str_field(&self) -> Option<&str> {
        None
    }
    fn as_object_field(&self) -> Option<&dyn Fields> {
        None
    }
}

impl FieldValue for String {
    fn as_str_field(&self) -> Option<&str> {
        Some(self)
    }
}

impl FieldValue for bool {}

impl<T> FieldValue for Vec<T> {}

impl FieldValue for Value {
    fn as_str_field(&self) -> Option<&str> {
        self.as_str()
    }
    fn as_object_field(&self) -> Option<&dyn Fields> {
        self.as_object().map(|m| m as &dyn Fields)
    }
}

impl Fields for Map<String, Value> {
    fn str_field(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
    fn object_field(&self, key: &str) -> Option<&dyn Fields> {
        self.get(key).and_then(FieldValue::as_object_field)
    }
}

/// Open enums read as the string that was sent (`as_str`).
macro_rules! str_field_values {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::fields::FieldValue for $ty {
            fn as_str_field(&self) -> Option<&str> {
                Some(self.as_str())
            }
        })*
    };
}
pub(crate) use str_field_values;
