//! API stability: every type name `openapi/renames.yaml` replaced keeps compiling, as a
//! deprecated alias of its new name, at the paths it had (`close_sdk::types::X` and its
//! resource's module). A rename whose alias is missing, or points at another type, fails to
//! compile here.
#![allow(deprecated)]

use close_sdk::types;

/// Compiles only when `A` and `B` are the same type.
fn same<A, B>()
where
    A: Same<B>,
{
}

trait Same<T> {}
impl<T> Same<T> for T {}

#[test]
fn every_old_type_name_is_an_alias_of_its_new_name() {
    same::<types::NoteActivity, types::ActivityBase>();
    same::<close_sdk::activities::NoteActivity, close_sdk::activities::ActivityBase>();
    same::<types::NoteActivityList, types::ActivityBaseList>();
    same::<close_sdk::activities::NoteActivityList, close_sdk::activities::ActivityBaseList>();
    same::<types::CreateEmailActivityAttachmentsItem, types::CreateEmailActivityAttachmentsItems>();
    same::<
        close_sdk::activities::CreateEmailActivityAttachmentsItem,
        close_sdk::activities::CreateEmailActivityAttachmentsItems,
    >();
    same::<types::CreateEmailActivityOpensItem, types::CreateEmailActivityOpensItems>();
    same::<
        close_sdk::activities::CreateEmailActivityOpensItem,
        close_sdk::activities::CreateEmailActivityOpensItems,
    >();
    same::<types::CreateNoteActivityAttachmentsItem, types::CreateNoteActivityAttachmentsItems>();
    same::<
        close_sdk::activities::CreateNoteActivityAttachmentsItem,
        close_sdk::activities::CreateNoteActivityAttachmentsItems,
    >();
    same::<types::CreateSmsActivityAttachmentsItem, types::CreateSmsActivityAttachmentsItems>();
    same::<
        close_sdk::activities::CreateSmsActivityAttachmentsItem,
        close_sdk::activities::CreateSmsActivityAttachmentsItems,
    >();
    same::<
        types::CreateSmsActivityAttachmentsItemContentType,
        types::CreateSmsActivityAttachmentsItemsContentType,
    >();
    same::<
        close_sdk::activities::CreateSmsActivityAttachmentsItemContentType,
        close_sdk::activities::CreateSmsActivityAttachmentsItemsContentType,
    >();
    same::<
        types::UnknownCreateSmsActivityAttachmentsItemContentType,
        types::UnknownCreateSmsActivityAttachmentsItemsContentType,
    >();
    same::<
        close_sdk::activities::UnknownCreateSmsActivityAttachmentsItemContentType,
        close_sdk::activities::UnknownCreateSmsActivityAttachmentsItemsContentType,
    >();
    same::<
        types::UnknownUpdateSmsActivityAttachmentsItemContentType,
        types::UnknownUpdateSmsActivityAttachmentsItemsContentType,
    >();
    same::<
        close_sdk::activities::UnknownUpdateSmsActivityAttachmentsItemContentType,
        close_sdk::activities::UnknownUpdateSmsActivityAttachmentsItemsContentType,
    >();
    same::<types::UpdateEmailActivityAttachmentsItem, types::UpdateEmailActivityAttachmentsItems>();
    same::<
        close_sdk::activities::UpdateEmailActivityAttachmentsItem,
        close_sdk::activities::UpdateEmailActivityAttachmentsItems,
    >();
    same::<types::UpdateEmailActivityOpensItem, types::UpdateEmailActivityOpensItems>();
    same::<
        close_sdk::activities::UpdateEmailActivityOpensItem,
        close_sdk::activities::UpdateEmailActivityOpensItems,
    >();
    same::<types::UpdateNoteActivityAttachmentsItem, types::UpdateNoteActivityAttachmentsItems>();
    same::<
        close_sdk::activities::UpdateNoteActivityAttachmentsItem,
        close_sdk::activities::UpdateNoteActivityAttachmentsItems,
    >();
    same::<types::UpdateSmsActivityAttachmentsItem, types::UpdateSmsActivityAttachmentsItems>();
    same::<
        close_sdk::activities::UpdateSmsActivityAttachmentsItem,
        close_sdk::activities::UpdateSmsActivityAttachmentsItems,
    >();
    same::<
        types::UpdateSmsActivityAttachmentsItemContentType,
        types::UpdateSmsActivityAttachmentsItemsContentType,
    >();
    same::<
        close_sdk::activities::UpdateSmsActivityAttachmentsItemContentType,
        close_sdk::activities::UpdateSmsActivityAttachmentsItemsContentType,
    >();
    same::<types::UpdateComment, types::UpdateCommentThreads>();
    same::<close_sdk::comments::UpdateComment, close_sdk::comments::UpdateCommentThreads>();
    same::<types::AddGroupMember, types::CreateGroupMember>();
    same::<close_sdk::groups::AddGroupMember, close_sdk::groups::CreateGroupMember>();
    same::<types::BulkUpdateMemberships, types::MembershipBulkUpdate>();
    same::<
        close_sdk::memberships::BulkUpdateMemberships,
        close_sdk::memberships::MembershipBulkUpdate,
    >();
    same::<types::BulkUpdateMembershipsParams, types::MembershipBulkUpdateParams>();
    same::<
        close_sdk::memberships::BulkUpdateMembershipsParams,
        close_sdk::memberships::MembershipBulkUpdateParams,
    >();
    same::<types::BulkUpdateMembershipsParamsIdIn, types::MembershipBulkUpdateParamsIdIn>();
    same::<
        close_sdk::memberships::BulkUpdateMembershipsParamsIdIn,
        close_sdk::memberships::MembershipBulkUpdateParamsIdIn,
    >();
    same::<types::BulkUpdateMembershipsResult, types::MembershipBulkUpdateResult>();
    same::<
        close_sdk::memberships::BulkUpdateMembershipsResult,
        close_sdk::memberships::MembershipBulkUpdateResult,
    >();
    same::<types::UpdateMembership, types::MembershipUpdate>();
    same::<close_sdk::memberships::UpdateMembership, close_sdk::memberships::MembershipUpdate>();
    same::<types::UpdateOrganization, types::OrganizationUpdate>();
    same::<
        close_sdk::organizations::UpdateOrganization,
        close_sdk::organizations::OrganizationUpdate,
    >();
    same::<types::CreatePhoneNumber, types::CreatePhoneNumberRequest>();
    same::<
        close_sdk::phone_numbers::CreatePhoneNumber,
        close_sdk::phone_numbers::CreatePhoneNumberRequest,
    >();
    same::<types::CreatePhoneNumberCarrierType, types::CreatePhoneNumberRequestCarrierType>();
    same::<
        close_sdk::phone_numbers::CreatePhoneNumberCarrierType,
        close_sdk::phone_numbers::CreatePhoneNumberRequestCarrierType,
    >();
    same::<
        types::UnknownCreatePhoneNumberCarrierType,
        types::UnknownCreatePhoneNumberRequestCarrierType,
    >();
    same::<
        close_sdk::phone_numbers::UnknownCreatePhoneNumberCarrierType,
        close_sdk::phone_numbers::UnknownCreatePhoneNumberRequestCarrierType,
    >();
    same::<types::CreateRole, types::RoleCreate>();
    same::<close_sdk::roles::CreateRole, close_sdk::roles::RoleCreate>();
    same::<types::UpdateRole, types::RoleUpdate>();
    same::<close_sdk::roles::UpdateRole, close_sdk::roles::RoleUpdate>();
    same::<types::SmartView, types::SavedSearch>();
    same::<close_sdk::smart_views::SmartView, close_sdk::smart_views::SavedSearch>();
    same::<types::SmartViewList, types::SavedSearchList>();
    same::<close_sdk::smart_views::SmartViewList, close_sdk::smart_views::SavedSearchList>();
    same::<types::SmartViewType, types::SavedSearchType>();
    same::<close_sdk::smart_views::SmartViewType, close_sdk::smart_views::SavedSearchType>();
    same::<types::SharingSettings, types::SharingSettingsEmbeddedResponse>();
    same::<
        close_sdk::smart_views::SharingSettings,
        close_sdk::smart_views::SharingSettingsEmbeddedResponse,
    >();
    same::<types::UnknownSmartViewType, types::UnknownSavedSearchType>();
    same::<
        close_sdk::smart_views::UnknownSmartViewType,
        close_sdk::smart_views::UnknownSavedSearchType,
    >();
    same::<types::BulkUpdateTasks, types::BulkUpdateNotifications>();
    same::<close_sdk::tasks::BulkUpdateTasks, close_sdk::tasks::BulkUpdateNotifications>();
    same::<types::UpdateTask, types::UpdateNotification>();
    same::<close_sdk::tasks::UpdateTask, close_sdk::tasks::UpdateNotification>();
}

#[test]
fn old_names_build_and_decode_values() {
    let update = types::UpdateNotification {
        is_complete: close_sdk::Patch::Set(true),
        ..Default::default()
    };
    let typed: types::UpdateTask = update;
    assert_eq!(serde_json::to_value(&typed).unwrap()["is_complete"], true);
    let view: types::SavedSearch =
        serde_json::from_value(serde_json::json!({"id": "save_1", "type": "lead"})).unwrap();
    assert_eq!(view.type_, Some(types::SavedSearchType::Lead));
}
