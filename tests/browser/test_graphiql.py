"""GraphiQL at /graphql, bundled from npm: it works with every outside host unreachable
(the browser of these tests resolves nothing but 127.0.0.1)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.ui import shot, sign_in
from tests.support.operations import client_operation
from tests.support.people import ADA

pytestmark = pytest.mark.browser


def run(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Execute query")).click()


def test_graphiql_runs_the_signed_in_persons_queries(new_page, shared_server):
    page = new_page()
    sign_in(page, shared_server, ADA)

    page.goto(f"{shared_server.url}/graphql")  # the same tab: the token comes along

    editor = page.get_by_role("region", name="Operation Editor")
    expect(editor.get_by_role("textbox")).to_be_attached()
    expect(editor).to_contain_text("query Dashboard")
    expect(page.get_by_role("region", name="Headers")).to_contain_text('"Authorization": "Bearer')
    run(page)
    result = page.get_by_role("region", name="Result Window")
    expect(result).to_contain_text(f'"email": "{ADA}"')
    expect(result).to_contain_text('"now": "2026-11-15T12:00:00Z"')
    shot(page, "graphiql")


def test_graphiql_runs_what_is_typed_without_a_token(new_page, shared_server):
    page = new_page()
    page.goto(f"{shared_server.url}/graphql")
    editor = page.get_by_role("region", name="Operation Editor").get_by_role("code")
    expect(editor).to_contain_text("query Dashboard")

    editor.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text("{ plans { code } now }")
    page.keyboard.press("ControlOrMeta+Shift+End")  # a brace the editor closed by itself
    page.keyboard.press("Delete")
    expect(page.get_by_role("tab", name="Dashboard")).to_have_count(0)  # GraphiQL read it
    run(page)

    result = page.get_by_role("region", name="Result Window")
    expect(result).to_contain_text('"now": "2026-11-15T12:00:00Z"')
    expect(result).to_contain_text('"code": "OMNICHANNEL"')


def test_graphiql_subscribes_to_the_accounts_live_updates(new_page, server):
    dashboard = server.gql(client_operation("Dashboard"), as_user=ADA)
    account = dashboard["viewer"]["memberships"][0]["account"]
    page = new_page()
    sign_in(page, server, ADA)
    page.goto(f"{server.url}/graphql")  # the token comes along, and goes in connection_init
    editor = page.get_by_role("region", name="Operation Editor").get_by_role("code")
    expect(editor).to_contain_text("query Dashboard")
    editor.click()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.insert_text(
        f'subscription Live {{ accountEvents(accountId: "{account["id"]}") '
        "{ kind subscription { quantity } } }"
    )
    page.keyboard.press("ControlOrMeta+Shift+End")
    page.keyboard.press("Delete")
    expect(page.get_by_role("tab", name="Live")).to_be_visible()
    run(page)
    page.wait_for_timeout(1000)  # the stream is registered

    change = {"input": {"subscriptionId": account["subscriptions"][0]["id"], "quantity": 4}}
    server.gql(client_operation("UpdateQuantity"), change, as_user=ADA)

    result = page.get_by_role("region", name="Result Window")
    expect(result).to_contain_text('"kind": "QUANTITY_CHANGED"')
    expect(result).to_contain_text('"quantity": 4')
    shot(page, "graphiql-subscription")
