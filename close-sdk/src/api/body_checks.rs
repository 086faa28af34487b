//! The hand-written calls' input checks, applied to the generated request bodies: a body sent
//! through a handle (`client.leads().create(body)`) is checked as `create_lead` checks it, so
//! nothing is sent that the SDK knows is invalid, whichever way it is sent.

use std::any::Any;

use crate::Error;

/// Checks `body` (a generated request body) when the SDK has a rule for its type, before anything
/// is sent: the refusal is [`Error::InvalidRequest`] naming the field
/// (`contacts[0].phones[1]: …`). Bodies of other types pass unchanged.
#[allow(unused_variables)] // a build with none of the checked resources
pub(crate) fn check_body(body: &dyn Any) -> Result<(), Error> {
    #[cfg(feature = "leads")]
    {
        if let Some(lead) = body.downcast_ref::<crate::types::CreateLead>() {
            return super::leads::check_new_lead(lead);
        }
        if let Some(update) = body.downcast_ref::<crate::types::UpdateLead>() {
            return super::leads::check_update(update);
        }
    }
    #[cfg(feature = "contacts")]
    {
        if let Some(contact) = body.downcast_ref::<crate::types::CreateContact>() {
            return super::contacts::check_new_contact("contacts_create", "", contact);
        }
        if let Some(update) = body.downcast_ref::<crate::types::UpdateContact>() {
            return super::contacts::check_contact_update(update);
        }
    }
    #[cfg(feature = "activities")]
    {
        if let Some(email) = body.downcast_ref::<crate::types::CreateEmailActivity>() {
            return super::activities::check_new_email(email);
        }
        if let Some(update) = body.downcast_ref::<crate::types::UpdateEmailActivity>() {
            return super::activities::check_email_update(update);
        }
        if let Some(call) = body.downcast_ref::<crate::types::CreateCallActivity>() {
            return super::activities::check_new_call(call);
        }
        if let Some(sms) = body.downcast_ref::<crate::types::CreateSmsActivity>() {
            return super::activities::check_new_sms(sms);
        }
    }
    #[cfg(feature = "organizations")]
    if let Some(update) = body.downcast_ref::<crate::types::UpdateOrganization>() {
        return super::organizations::check_update(update);
    }
    #[cfg(feature = "roles")]
    {
        if let Some(role) = body.downcast_ref::<crate::types::CreateRole>() {
            return super::roles::check_new_role(role);
        }
        if let Some(update) = body.downcast_ref::<crate::types::UpdateRole>() {
            return super::roles::check_role_update(update);
        }
    }
    Ok(())
}
