"""Query.viewer: the signed-in user and their memberships with roles (SPEC §5, §8)."""

import pytest

from tests.support.operations import VIEWER
from tests.support.people import ADA, GUS, MAX


def memberships(viewer) -> set[tuple[str, str]]:
    return {(m["account"]["name"], m["role"]) for m in viewer["memberships"]}


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        (ADA, {("Acme Support", "ADMIN"), ("Acme Labs", "ADMIN")}),
        (MAX, {("Acme Support", "MEMBER")}),
        (GUS, {("Globex", "ADMIN")}),
    ],
)
async def test_viewer_lists_the_users_memberships_with_roles(api, email, expected):
    viewer = (await api.data(VIEWER, as_user=email))["viewer"]

    assert viewer["email"] == email
    assert viewer["name"]
    assert memberships(viewer) == expected
    assert len(viewer["memberships"]) == len(expected)


async def test_members_of_one_account_see_the_same_account_id(api):
    ada = (await api.data(VIEWER, as_user=ADA))["viewer"]
    max_ = (await api.data(VIEWER, as_user=MAX))["viewer"]

    ada_ids = {m["account"]["name"]: m["account"]["id"] for m in ada["memberships"]}
    [max_membership] = max_["memberships"]
    assert max_membership["account"]["id"] == ada_ids["Acme Support"]
    assert ada_ids["Acme Support"] != ada_ids["Acme Labs"]
