"""SCIM 2.0: tokens, the request shapes Okta and Microsoft Entra send, deprovisioning, group ->
role mapping, filters and paging, tenant isolation, SCIM errors."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from nexatron.store.tables import audit_events

from .scim_helpers import (
    ENTERPRISE,
    ERROR,
    GROUP_SCHEMA,
    MEDIA,
    PATCH,
    USER_SCHEMA,
    entra_user,
    okta_user,
    scim_for,
    tag,
)

pytestmark = pytest.mark.anyio


def q(filter_: str) -> str:
    return quote(filter_, safe="")


async def test_token_shown_once_works_only_on_scim_and_stops_when_revoked(harness) -> None:
    admin = harness.tenant.admin
    scim = await scim_for(harness, harness.tenant)
    listed = (await harness.as_(admin, "GET", "/api/v1/scim/tokens")).json()["data"]
    assert [t["id"] for t in listed] == [scim.token_id]
    assert "token" not in listed[0] and scim.token not in str(listed)

    r = await scim.call("GET", "/ServiceProviderConfig")
    assert r.status_code == 200 and r.headers["content-type"].startswith(MEDIA)
    assert r.json()["patch"]["supported"] is True

    # a SCIM token is refused by the product API, an API key by the SCIM API
    me = await harness.client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {scim.token}"}
    )
    assert me.status_code == 403 and "SCIM" in me.json()["detail"]
    r = await harness.client.get("/scim/v2/Users", headers=admin.headers)
    assert r.status_code == 403 and r.json()["schemas"] == [ERROR] and r.json()["status"] == "403"
    r = await harness.client.get("/scim/v2/Users")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["content-type"].startswith(MEDIA) and r.json()["schemas"] == [ERROR]

    r = await harness.as_(admin, "DELETE", f"/api/v1/scim/tokens/{scim.token_id}")
    assert r.status_code == 204
    r = await scim.call("GET", "/Users")
    assert r.status_code == 401 and r.json()["detail"] == "Revoked SCIM token."
    listed = (await harness.as_(admin, "GET", "/api/v1/scim/tokens")).json()["data"]
    assert listed[0]["revoked_at"] is not None and listed[0]["last_used_at"] is not None


async def test_only_admins_manage_scim(harness) -> None:
    for actor in (harness.tenant.analyst, harness.tenant.viewer):
        for method, url, body in (
            ("GET", "/api/v1/scim/tokens", None),
            ("POST", "/api/v1/scim/tokens", {}),
            ("GET", "/api/v1/scim/role-mapping", None),
            ("PUT", "/api/v1/scim/role-mapping", {"group_roles": {"x": "admin"}}),
        ):
            r = await harness.as_(actor, method, url, json=body)
            assert r.status_code == 403, (actor.role, method, url, r.text)


async def test_okta_lookup_create_deactivate_and_group_push(harness) -> None:
    scim = await scim_for(harness, harness.tenant)
    email = f"okta-{tag()}@example.com"
    # Okta looks the user up first, one result at most
    by_name = q(f'userName eq "{email}"')
    r = await scim.call("GET", f"/Users?filter={by_name}&startIndex=1&count=1")
    assert r.status_code == 200
    assert r.json()["totalResults"] == 0 and "Resources" not in r.json()

    r = await scim.call("POST", "/Users", json=okta_user(email))
    assert r.status_code == 201, r.text
    user = r.json()
    assert r.headers["location"].endswith(f"/scim/v2/Users/{user['id']}")
    assert user["userName"] == email and user["active"] is True and "password" not in user
    assert user["meta"]["resourceType"] == "User"

    by_name = q(f'userName eq "{email.upper()}"')
    r = await scim.call("GET", f"/Users?filter={by_name}&startIndex=1&count=1")
    assert [u["id"] for u in r.json()["Resources"]] == [user["id"]]  # userName is caseless

    # the user exists in the product, as a viewer (no group grants more)
    product = await harness.as_(harness.tenant.admin, "GET", f"/api/v1/users/{user['id']}")
    assert product.json()["email"] == email and product.json()["role"] == "viewer"

    # group push: create, add a member, remove it with a filtered path
    r = await scim.call(
        "POST",
        "/Groups",
        json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": f"Okta Group {tag()}",
            "members": [],
        },
    )
    assert r.status_code == 201, r.text
    group = r.json()
    add = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "add", "path": "members", "value": [{"value": user["id"], "display": email}]}
        ],
    }
    r = await scim.call("PATCH", f"/Groups/{group['id']}", json=add)
    assert r.status_code == 200, r.text
    assert [m["value"] for m in r.json()["members"]] == [user["id"]]
    shown = (await scim.call("GET", f"/Users/{user['id']}")).json()
    assert [g["value"] for g in shown["groups"]] == [group["id"]]
    remove = {
        "schemas": [PATCH],
        "Operations": [{"op": "remove", "path": f'members[value eq "{user["id"]}"]'}],
    }
    r = await scim.call("PATCH", f"/Groups/{group['id']}", json=remove)
    assert r.status_code == 200 and "members" not in r.json()

    # Okta deactivates with a path-less replace
    deactivate = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": False}}]}
    r = await scim.call("PATCH", f"/Users/{user['id']}", json=deactivate)
    assert r.status_code == 200 and r.json()["active"] is False
    product = await harness.as_(harness.tenant.admin, "GET", f"/api/v1/users/{user['id']}")
    assert product.json()["disabled"] is True


async def test_entra_shapes(harness) -> None:
    scim = await scim_for(harness, harness.tenant)
    email = f"entra-{tag()}@example.com"
    r = await scim.call("POST", "/Users", json=entra_user(email))
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"] == (
        "Analytics"
    )
    # Entra capitalises op and sends booleans as strings
    ops = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Replace", "path": "displayName", "value": "Renamed Person"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": f"new-{email}"},
            {"op": "Add", "path": "name.givenName", "value": "Given"},
        ],
    }
    r = await scim.call("PATCH", f"/Users/{user['id']}", json=ops)
    assert r.status_code == 200, r.text
    assert r.json()["displayName"] == "Renamed Person"
    product = await harness.as_(harness.tenant.admin, "GET", f"/api/v1/users/{user['id']}")
    assert product.json()["email"] == f"new-{email}" and product.json()["name"] == "Renamed Person"

    off = {
        "schemas": [PATCH],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
    }
    r = await scim.call("PATCH", f"/Users/{user['id']}", json=off)
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    product = await harness.as_(harness.tenant.admin, "GET", f"/api/v1/users/{user['id']}")
    assert product.json()["disabled"] is True
    on = {"schemas": [PATCH], "Operations": [{"op": "Replace", "path": "active", "value": "True"}]}
    r = await scim.call("PATCH", f"/Users/{user['id']}", json=on)
    assert r.json()["active"] is True

    # Entra's group membership removal carries the member in `value`
    group = (
        await scim.call(
            "POST",
            "/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": f"Entra Group {tag()}",
                "externalId": tag(),
                "members": [{"value": user["id"]}],
            },
        )
    ).json()
    assert [m["value"] for m in group["members"]] == [user["id"]]
    r = await scim.call(
        "PATCH",
        f"/Groups/{group['id']}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "Remove", "path": "members", "value": [{"value": user["id"]}]}],
        },
    )
    assert r.status_code == 200, r.text
    assert "members" not in r.json()
    by_name = q('displayName eq "' + group["displayName"] + '"')
    r = await scim.call("GET", f"/Groups?filter={by_name}&excludedAttributes=members")
    found = r.json()["Resources"]
    assert [g["id"] for g in found] == [group["id"]] and "members" not in found[0]


async def _local_user_signed_in(harness) -> tuple[dict, dict, dict]:
    """A user made through /api/v1/users, logged in, holding an API key."""
    t = tag()
    body = {"email": f"local-{t}@example.com", "password": f"password-{t}", "role": "analyst"}
    user = (await harness.as_(harness.tenant.admin, "POST", "/api/v1/users", json=body)).json()
    login = await harness.client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    tokens = login.json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    key = (await harness.client.post("/api/v1/api-keys", headers=bearer, json={})).json()
    return (
        user,
        body,
        {
            "bearer": bearer,
            "key": {"Authorization": f"Bearer {key['key']}"},
            "refresh": tokens["refresh_token"],
        },
    )


@pytest.mark.parametrize("how", ["deactivate", "delete"])
async def test_deprovisioning_ends_sessions_and_keys_at_once(harness, how) -> None:
    scim = await scim_for(harness, harness.tenant)
    user, body, creds = await _local_user_signed_in(harness)
    for headers in (creds["bearer"], creds["key"]):
        assert (await harness.client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    # the IdP finds the existing user by its email
    by_name = q('userName eq "' + body["email"] + '"')
    found = (await scim.call("GET", f"/Users?filter={by_name}")).json()
    assert [u["id"] for u in found["Resources"]] == [user["id"]]

    if how == "deactivate":
        r = await scim.call(
            "PATCH",
            f"/Users/{user['id']}",
            json={
                "schemas": [PATCH],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
        )
        assert r.status_code == 200
    else:
        r = await scim.call("DELETE", f"/Users/{user['id']}")
        assert r.status_code == 204
        gone = await scim.call("GET", f"/Users/{user['id']}")
        assert gone.status_code == 404 and gone.json()["schemas"] == [ERROR]

    for headers in (creds["bearer"], creds["key"]):
        assert (await harness.client.get("/api/v1/auth/me", headers=headers)).status_code == 401
    r = await harness.client.post("/api/v1/auth/refresh", json={"refresh_token": creds["refresh"]})
    assert r.status_code == 401
    r = await harness.client.post(
        "/api/v1/auth/login", json={"email": body["email"], "password": body["password"]}
    )
    assert r.status_code == 401
    keys = (await harness.as_(harness.tenant.admin, "GET", "/api/v1/api-keys")).json()["data"]
    assert all(k["revoked_at"] for k in keys if k["created_by"] == user["id"])
    product = await harness.as_(harness.tenant.admin, "GET", f"/api/v1/users/{user['id']}")
    assert product.json()["disabled"] is True
    # the audit log names the SCIM client and the user, in the tenant's chain
    with harness.services.db.connect() as conn:
        rows = conn.execute(
            select(audit_events).where(audit_events.c.target_id == user["id"])
        ).all()
    action = "scim.user.deactivate" if how == "deactivate" else "scim.user.delete"
    [event] = [r for r in rows if r.action == action]
    assert (event.actor_type, event.actor_id) == ("scim", scim.token_id)
    assert event.tenant_id == harness.tenant.id and event.outcome == "success"


async def test_groups_grant_roles_through_the_mapping(harness) -> None:
    admin = harness.tenant.admin
    scim = await scim_for(harness, harness.tenant)
    r = await harness.as_(
        admin,
        "PUT",
        "/api/v1/scim/role-mapping",
        json={
            "group_roles": {"Nexatron Admins": "admin", "Nexatron Analysts": "analyst"},
            "default_role": "viewer",
        },
    )
    assert r.status_code == 200, r.text
    with harness.services.db.connect() as conn:
        start = conn.execute(
            select(func.max(audit_events.c.seq)).where(
                audit_events.c.tenant_id == harness.tenant.id
            )
        ).scalar()
    user = (await scim.call("POST", "/Users", json=okta_user(f"r-{tag()}@example.com"))).json()

    async def role() -> str:
        got = await harness.as_(admin, "GET", f"/api/v1/users/{user['id']}")
        return str(got.json()["role"])

    assert await role() == "viewer"
    admins = (
        await scim.call(
            "POST",
            "/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "nexatron admins",
                "members": [{"value": user["id"]}],
            },
        )
    ).json()
    assert await role() == "admin"  # display names match caselessly
    analysts = (
        await scim.call(
            "POST",
            "/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": "Nexatron Analysts",
                "members": [{"value": user["id"]}],
            },
        )
    ).json()
    assert await role() == "admin"  # the highest role wins
    r = await scim.call("DELETE", f"/Groups/{admins['id']}")
    assert r.status_code == 204
    assert await role() == "analyst"
    await scim.call(
        "PATCH",
        f"/Groups/{analysts['id']}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "replace", "path": "displayName", "value": "Someone Else"}],
        },
    )
    assert await role() == "viewer"  # renamed out of the mapping
    await harness.as_(
        admin,
        "PUT",
        "/api/v1/scim/role-mapping",
        json={"group_roles": {"someone else": "analyst"}, "default_role": "viewer"},
    )
    assert await role() == "analyst"  # a new mapping applies at once
    # users made outside SCIM keep their role whatever their groups
    await scim.call(
        "PATCH",
        f"/Groups/{analysts['id']}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": admin.user_id}]}],
        },
    )
    me = await harness.as_(admin, "GET", "/api/v1/auth/me")
    assert me.json()["role"] == "admin"
    # every change is a `user.role_change` by whoever caused it, written with its cause
    with harness.services.db.connect() as conn:
        logged = conn.execute(
            select(audit_events)
            .where(audit_events.c.tenant_id == harness.tenant.id, audit_events.c.seq > start)
            .order_by(audit_events.c.seq)
        ).all()
    changes = [e for e in logged if e.action == "user.role_change"]
    scim_actor, admin_actor = ("scim", scim.token_id), ("user", admin.user_id)
    assert [(e.actor_type, e.actor_id, e.reason) for e in changes] == [
        (*scim_actor, "viewer -> admin (SCIM groups)"),
        (*scim_actor, "admin -> analyst (SCIM groups)"),
        (*scim_actor, "analyst -> viewer (SCIM groups)"),
        (*admin_actor, "viewer -> analyst (SCIM role mapping)"),
    ]
    assert {(e.target_type, e.target_id, e.target_name) for e in changes} == {
        ("user", user["id"], user["userName"])
    }
    assert all(e.changed_fields == ["role"] for e in changes)
    causes = [
        "scim.group.create",
        "scim.group.delete",
        "scim.group.patch",
        "scim.role_mapping.update",
    ]
    for change, cause in zip(changes, causes, strict=True):
        same_request = [e for e in logged if e.request_id == change.request_id]
        others = {"user.role_change", "scim.token.use"}  # a token's use: once a minute
        [caused_by] = [e for e in same_request if e.action not in others]
        assert caused_by.action == cause and caused_by.seq == change.seq + 1


async def test_a_member_removed_by_a_renaming_patch_loses_the_role(harness) -> None:
    admin = harness.tenant.admin
    scim = await scim_for(harness, harness.tenant)
    name = "Granting " + tag()
    body = {"group_roles": {name: "admin"}, "default_role": "viewer"}
    assert (await harness.as_(admin, "PUT", "/api/v1/scim/role-mapping", json=body)).is_success
    user = (await scim.call("POST", "/Users", json=okta_user(f"rn-{tag()}@example.com"))).json()
    group = await scim.call(
        "POST",
        "/Groups",
        json={"schemas": [GROUP_SCHEMA], "displayName": name, "members": [{"value": user["id"]}]},
    )
    product = f"/api/v1/users/{user['id']}"
    assert (await harness.as_(admin, "GET", product)).json()["role"] == "admin"
    both = [
        {"op": "replace", "path": "displayName", "value": "Not Granting " + tag()},
        {"op": "remove", "path": f'members[value eq "{user["id"]}"]'},
    ]
    r = await scim.call(
        "PATCH", f"/Groups/{group.json()['id']}", json={"schemas": [PATCH], "Operations": both}
    )
    assert r.status_code == 200 and "members" not in r.json()
    assert (await harness.as_(admin, "GET", product)).json()["role"] == "viewer"


async def test_changes_are_audited_with_the_names_of_the_changed_attributes(harness) -> None:
    scim = await scim_for(harness, harness.tenant)
    canary = "canary-pw-" + tag()
    email = f"fields-{tag()}@example.com"
    user = (await scim.call("POST", "/Users", json=entra_user(email))).json()
    replaced = {
        **entra_user(email),
        "externalId": user["externalId"],
        "name": {"formatted": "Ada Lovelace", "familyName": "familyName", "givenName": "Ada"},
        ENTERPRISE: {"department": "Finance", "employeeNumber": user[ENTERPRISE]["employeeNumber"]},
        "password": canary,  # write-only: never stored, so never a change
    }
    r = await scim.call("PUT", f"/Users/{user['id']}", json=replaced)
    assert r.status_code == 200, r.text

    def op(operation: str, path: str | None, value: object = None) -> dict:
        one: dict = {"op": operation, **({"path": path} if path else {})}
        if value is not None:
            one["value"] = value
        return {"schemas": [PATCH], "Operations": [one]}

    for body in (
        op("replace", "displayName", "Ada L."),
        op("replace", "displayName", "Ada L."),  # no change: no names
        op("replace", None, {"active": False, "password": canary}),
    ):
        r = await scim.call("PATCH", f"/Users/{user['id']}", json=body)
        assert r.status_code == 200, r.text
    group = await scim.call(
        "POST", "/Groups", json={"schemas": [GROUP_SCHEMA], "displayName": "Fields " + tag()}
    )
    group_id = group.json()["id"]
    for body in (
        op("add", "members", [{"value": user["id"]}]),
        op("replace", "displayName", "Renamed " + tag()),
    ):
        r = await scim.call("PATCH", f"/Groups/{group_id}", json=body)
        assert r.status_code == 200, r.text
    r = await scim.call(
        "PUT",
        f"/Groups/{group_id}",
        json={"schemas": [GROUP_SCHEMA], "displayName": "Put " + tag(), "externalId": "g-1"},
    )
    assert r.status_code == 200, r.text

    with harness.services.db.connect() as conn:
        logged = conn.execute(
            select(audit_events)
            .where(audit_events.c.target_id.in_([user["id"], group_id]))
            .order_by(audit_events.c.seq)
        ).all()
    assert [(e.action, e.changed_fields) for e in logged] == [
        ("scim.user.create", None),
        ("scim.user.replace", ["enterprise.department", "name.formatted", "name.givenName"]),
        ("scim.user.patch", ["displayName"]),
        ("scim.user.patch", None),
        ("scim.user.deactivate", ["active"]),
        ("scim.group.create", None),
        ("scim.group.patch", ["members"]),
        ("scim.group.patch", ["displayName"]),
        ("scim.group.replace", ["displayName", "externalId", "members"]),
    ]
    assert not [e for e in logged if canary in repr(tuple(e))]


async def test_filters_paging_and_attributes(harness) -> None:
    scim = await scim_for(harness, harness.tenant)
    t = tag()
    made = []
    for n, (given, active) in enumerate((("Ann", True), ("Bob", False), ("Cid", True))):
        body = okta_user(f"{given.lower()}-{t}@corp{n}.example.com", given=given)
        body["active"] = active
        body["externalId"] = f"ext-{t}-{n}"
        r = await scim.call("POST", "/Users", json=body)
        assert r.status_code == 201, r.text
        made.append(r.json())
    ids = [u["id"] for u in made]
    second = made[1]["meta"]["lastModified"]
    cases = {
        f'userName sw "ann-{t}"': [ids[0]],
        f'userName co "-{t}@corp" and active eq false': [ids[1]],
        f'emails.value ew "corp2.example.com" and userName co "{t}"': [ids[2]],
        f'externalId eq "ext-{t}-1"': [ids[1]],
        f'externalId sw "ext-{t}" and not (displayName eq "Ann Jensen")': [ids[1], ids[2]],
        f'externalId sw "ext-{t}" and (active eq false or displayName eq "Cid Jensen")': [
            ids[1],
            ids[2],
        ],
        f'externalId sw "ext-{t}" and userName ne "ann-{t}@corp0.example.com"': [ids[1], ids[2]],
        f'externalId pr and userName co "{t}"': ids,
        f'meta.lastModified ge "{second}" and userName co "{t}"': ids[1:],
        f'meta.lastModified lt "{second}" and userName co "{t}"': ids[:1],
    }
    for expression, expected in cases.items():
        r = await scim.call("GET", f"/Users?filter={q(expression)}")
        assert r.status_code == 200, (expression, r.text)
        got = [u["id"] for u in r.json().get("Resources", [])]
        assert got == expected, expression

    mine = q(f'userName co "{t}"')
    r = await scim.call("GET", f"/Users?filter={mine}&startIndex=2&count=1")
    page = r.json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert [u["id"] for u in page["Resources"]] == [ids[1]]
    r = await scim.call("GET", f"/Users/{ids[0]}?attributes=userName")
    assert set(r.json()) == {"schemas", "id", "userName"}
    r = await scim.call("GET", f"/Users/{ids[0]}?excludedAttributes=emails,name")
    assert "emails" not in r.json() and "name" not in r.json() and r.json()["userName"]
    r = await scim.call(
        "POST",
        "/Users/.search",
        json={
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": f'userName co "{t}"',
            "sortBy": "userName",
            "sortOrder": "descending",
            "attributes": ["userName"],
        },
    )
    assert [u["id"] for u in r.json()["Resources"]] == ids[::-1]

    r = await scim.call("GET", f"/Users?filter={q('userName eq')}")
    assert r.status_code == 400 and r.json()["scimType"] == "invalidFilter"
    assert r.json()["schemas"] == [ERROR]


async def test_scim_errors(harness) -> None:
    scim = await scim_for(harness, harness.tenant)
    email = f"dup-{tag()}@example.com"
    assert (await scim.call("POST", "/Users", json=okta_user(email))).status_code == 201
    r = await scim.call("POST", "/Users", json=okta_user(email.upper()))
    assert r.status_code == 409 and r.json()["scimType"] == "uniqueness"
    # an email of a user made outside SCIM is that user's userName
    local = {"email": f"local-{tag()}@example.com", "password": "password-1234", "role": "viewer"}
    await harness.as_(harness.tenant.admin, "POST", "/api/v1/users", json=local)
    r = await scim.call("POST", "/Users", json=okta_user(local["email"]))
    assert r.status_code == 409 and r.json()["scimType"] == "uniqueness"
    r = await scim.call("POST", "/Users", content=b"{not json", headers={"Content-Type": MEDIA})
    assert r.status_code == 400 and r.json()["schemas"] == [ERROR]
    r = await scim.call("POST", "/Users", json={"schemas": [USER_SCHEMA]})
    assert r.status_code == 400 and r.json()["status"] == "400"
    r = await scim.call("GET", "/Users/usr_doesnotexist")
    assert r.status_code == 404 and r.json()["schemas"] == [ERROR]
    r = await scim.call("GET", "/Nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith(MEDIA)
    r = await scim.call(
        "PATCH",
        "/Users/usr_x",
        json={"schemas": [PATCH], "Operations": [{"op": "jump", "path": "active", "value": False}]},
    )
    assert r.status_code in {400, 404}


async def test_tenant_isolation(harness) -> None:
    mine = await scim_for(harness, harness.tenant)
    theirs = await scim_for(harness, harness.other)
    user = (await mine.call("POST", "/Users", json=okta_user(f"iso-{tag()}@example.com"))).json()
    group = (
        await mine.call(
            "POST",
            "/Groups",
            json={
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": f"Iso {tag()}",
            },
        )
    ).json()
    for method, path, body in (
        ("GET", f"/Users/{user['id']}", None),
        ("PUT", f"/Users/{user['id']}", okta_user("hijack@example.com")),
        (
            "PATCH",
            f"/Users/{user['id']}",
            {
                "schemas": [PATCH],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
        ),
        ("DELETE", f"/Users/{user['id']}", None),
        ("GET", f"/Groups/{group['id']}", None),
        ("DELETE", f"/Groups/{group['id']}", None),
    ):
        kwargs = {"json": body} if body else {}
        r = await theirs.call(method, path, **kwargs)
        assert r.status_code == 404, (method, path, r.text)
    listed = (await theirs.call("GET", "/Users")).json()
    assert user["id"] not in str(listed) and harness.tenant.admin.email not in str(listed)
    r = await theirs.call(
        "POST",
        "/Groups",
        json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "steal",
            "members": [{"value": user["id"]}],
        },
    )
    assert r.status_code == 400 and r.json()["scimType"] == "invalidValue"
    still = (await mine.call("GET", f"/Users/{user['id']}")).json()
    assert still["active"] is True
