"""The SCIM models this server serves and the tolerance it applies to what clients send."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from scim2_models import Context, EnterpriseUser, Group, PatchOp, Resource, ScimPolicy, User

UserModel = User[EnterpriseUser]
GroupModel = Group

# Microsoft Entra sends attributes outside the core schemas, `remove` operations with a `value`,
# and `replace` on a filtered path that matches nothing yet (expecting the entry to be created).
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

R = TypeVar("R", bound=Resource[Any])


def parse(model: type[R], payload: Mapping[str, Any], context: Context) -> R:
    """A request body as `model` (creation or replacement), under the tolerance policy."""
    return model.model_validate(payload, scim_ctx=context, scim_policy=POLICY)


def patched(model: type[R], before: R, payload: Mapping[str, Any]) -> R:
    """A copy of `before` with the PatchOp request in `payload` applied (`before` is kept, to
    compare with)."""
    patch = PatchOp[model].model_validate(  # type: ignore[valid-type]
        payload, scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=POLICY
    )
    after = before.model_copy(deep=True)
    patch.patch(after, scim_policy=POLICY)
    return after
