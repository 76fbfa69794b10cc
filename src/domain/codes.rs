//! Stored codes as enums: a status or a kind is kept in a TEXT column as a short code
//! ("bad_debt") and shown in words ("Bad debt"). `coded!` declares one with both, the list of
//! every value (`ALL`, in the order a select list shows them), and its conversions to and from
//! both databases; a stored code the enum does not know is an error when the row is read, never
//! a silent default.

/// What every coded enum offers, for code that works on any of them (select lists, filters).
pub trait Coded: Copy + 'static {
    /// Every value, in the order a select list shows them.
    const ALL: &'static [Self];
    /// The code the database and the forms keep.
    fn code(self) -> &'static str;
    /// The code in words, for pages, e-mails and PDFs.
    fn label(self) -> &'static str;

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

/// Declares a coded enum: `coded! { /// doc \n pub enum Name { Variant = "code" => "Words", … } }`.
#[macro_export]
macro_rules! coded {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($variant:ident = $code:literal => $label:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($variant),+ }

        impl $crate::domain::codes::Coded for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }

        impl $name {
            /// Every value, in the order a select list shows them.
            pub const ALL: &'static [Self] = <Self as $crate::domain::codes::Coded>::ALL;

            pub fn code(self) -> &'static str {
                $crate::domain::codes::Coded::code(self)
            }

            pub fn label(self) -> &'static str {
                $crate::domain::codes::Coded::label(self)
            }

            pub fn parse(code: &str) -> Option<Self> {
                <Self as $crate::domain::codes::Coded>::parse(code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| serde::de::Error::custom(
                    format!("unknown {} {s:?}", stringify!($name))))
            }
        }

        $crate::domain::codes::text_sql!($name);
    };
}

/// The diesel conversions of a coded enum over a TEXT column, on both databases.
#[macro_export]
#[doc(hidden)]
macro_rules! text_sql {
    ($name:ident) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.code(),
                    out,
                )
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::sqlite::Sqlite>,
            ) -> diesel::serialize::Result {
                out.set_value(self.code());
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, $crate::db::MultiBackend> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, $crate::db::MultiBackend>,
            ) -> diesel::serialize::Result {
                out.set_value((diesel::sql_types::Text, self));
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(value)?;
                $crate::domain::codes::known::<Self>(&s)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>
            for $name
        {
            fn from_sql(
                value: diesel::sqlite::SqliteValue<'_, '_, '_>,
            ) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::sqlite::Sqlite,
                >>::from_sql(value)?;
                $crate::domain::codes::known::<Self>(&s)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, $crate::db::MultiBackend>
            for $name
        {
            fn from_sql(
                value: <$crate::db::MultiBackend as diesel::backend::Backend>::RawValue<'_>,
            ) -> diesel::deserialize::Result<Self> {
                value.from_sql::<Self, diesel::sql_types::Text>()
            }
        }
    };
}

pub use crate::text_sql;

/// A stored code read back: the value, or an error naming the enum and the code.
pub fn known<T: Coded>(code: &str) -> diesel::deserialize::Result<T> {
    T::parse(code).ok_or_else(|| {
        format!(
            "unknown stored code {code:?} for {}",
            std::any::type_name::<T>()
        )
        .into()
    })
}
