//! `Role`: the `role_id` of a membership, as a type.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::schema::{InstanceType, Metadata, Schema, SchemaObject, StringValidation};

/// The role a membership grants: one of Close's four predefined roles or a custom role.
///
/// Parsing is strict (it is what the SDK sends): the predefined slugs `admin`, `superuser`,
/// `user`, `restricteduser`, or a custom role id `role_…`. Responses keep `role_id` as a string
/// so an unknown value never fails decoding; [`crate::types::Membership::role`] parses it.
///
/// ```
/// use close_sdk::Role;
/// assert_eq!("restricteduser".parse::<Role>().unwrap(), Role::RestrictedUser);
/// assert_eq!(Role::User.to_string(), "user");
/// let custom: Role = "role_y6eLquXvRUdmwqi61tsmgCJUU7uGfxaRbDuLoONZL9p".parse().unwrap();
/// assert!(matches!(custom, Role::Custom(_)));
/// assert!("owner".parse::<Role>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// `admin`. Close's newer spec says a membership cannot be *created* with a role that grants
    /// `manage_organization` (an older page lists `admin` as valid); the SDK sends it and a
    /// refusal comes back as a 403. It can be set with an update.
    Admin,
    /// `superuser`.
    Superuser,
    /// `user`.
    User,
    /// `restricteduser`.
    RestrictedUser,
    /// A custom role, by id.
    Custom(RoleId),
}

impl Role {
    /// The four predefined roles.
    pub const PREDEFINED: [Role; 4] = [
        Role::Admin,
        Role::Superuser,
        Role::User,
        Role::RestrictedUser,
    ];

    /// The value sent to Close.
    pub fn as_str(&self) -> &str {
        match self {
            Role::Admin => "admin",
            Role::Superuser => "superuser",
            Role::User => "user",
            Role::RestrictedUser => "restricteduser",
            Role::Custom(id) => id.as_str(),
        }
    }

    /// Whether the role grants `manage_organization`, as far as the SDK can know (only `admin`).
    pub fn grants_manage_organization(&self) -> bool {
        matches!(self, Role::Admin)
    }
}

/// A custom role id (`role_` followed by letters, digits, `_` or `-`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleId(String);

impl RoleId {
    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for RoleId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .strip_prefix("role_")
            .ok_or_else(|| format!("`{s}` is not a custom role id (expected `role_…`)"))?;
        if rest.is_empty()
            || !rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("`{s}` is not a valid role id"));
        }
        Ok(RoleId(s.to_string()))
    }
}

impl fmt::Display for RoleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "" => Err("role_id must not be empty".into()),
            "admin" => Ok(Role::Admin),
            "superuser" => Ok(Role::Superuser),
            "user" => Ok(Role::User),
            "restricteduser" => Ok(Role::RestrictedUser),
            s if s.starts_with("role_") => s.parse().map(Role::Custom),
            s => Err(format!(
                "unknown role `{s}`: expected admin, superuser, user, restricteduser or a custom role id (role_…)"
            )),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<RoleId> for Role {
    fn from(id: RoleId) -> Self {
        Role::Custom(id)
    }
}

impl TryFrom<&str> for Role {
    type Error = String;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<&String> for Role {
    type Error = String;
    fn try_from(s: &String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl serde::Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The pattern every value `Role` accepts matches.
#[cfg(feature = "schemars")]
pub(crate) const ROLE_PATTERN: &str = "^(admin|superuser|user|restricteduser|role_[A-Za-z0-9_-]+)$";

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Role {
    fn schema_name() -> String {
        "RoleId".into()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> Schema {
        Schema::Object(SchemaObject {
            instance_type: Some(InstanceType::String.into()),
            metadata: Some(Box::new(Metadata {
                description: Some(
                    "One of `admin`, `superuser`, `user` or `restricteduser`, or a custom role id (`role_…`).".into(),
                ),
                ..Default::default()
            })),
            string: Some(Box::new(StringValidation {
                min_length: Some(1),
                pattern: Some(ROLE_PATTERN.into()),
                ..Default::default()
            })),
            ..Default::default()
        })
    }
}

#[cfg(any(feature = "memberships", feature = "users"))]
impl crate::types::Membership {
    /// The membership's role, or `None` when Close returned a role the SDK does not know.
    ///
    /// ```
    /// # let m: close_sdk::types::Membership = serde_json::from_str(
    /// #   r#"{"id":"memb_1","organization_id":"orga_1","user_id":"user_1","role_id":"user"}"#).unwrap();
    /// assert_eq!(m.role(), Some(close_sdk::Role::User));
    /// ```
    pub fn role(&self) -> Option<Role> {
        self.role_id.as_deref()?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_strings_and_json() {
        for s in [
            "admin",
            "superuser",
            "user",
            "restricteduser",
            "role_abc123",
            "role_a-b_c",
        ] {
            let r: Role = s.parse().unwrap();
            assert_eq!(r.to_string(), s);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), r);
        }
    }

    #[test]
    fn rejects_what_close_would_reject() {
        for s in [
            "",
            "Admin",
            "owner",
            "role_",
            "role_a b",
            "role_a,role_b",
            " user",
        ] {
            assert!(s.parse::<Role>().is_err(), "{s:?} should be rejected");
        }
        assert!(serde_json::from_str::<Role>("\"\"").is_err());
        assert!(""
            .parse::<Role>()
            .unwrap_err()
            .contains("must not be empty"));
    }
}
