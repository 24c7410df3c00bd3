"""The SCIM models this server serves and the tolerance it applies to what clients send."""

from __future__ import annotations

from scim2_models import EnterpriseUser, Group, ScimPolicy, User

UserModel = User[EnterpriseUser]
GroupModel = Group

# Microsoft Entra sends attributes outside the core schemas, `remove` operations with a `value`,
# and `replace` on a filtered path that matches nothing yet (expecting the entry to be created).
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)
