"""Relay connections over a page of a newest-first listing."""

from collections.abc import Callable

from strawberry import relay

from resolvers import cursors
from services.queries import Listing, Page


def connection_of(
    connection: type, listing: Listing, page: Page, after: str | None, present: Callable
):
    edges = [
        relay.Edge(cursor=cursors.encode(listing, item), node=present(item)) for item in page.items
    ]
    return connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
