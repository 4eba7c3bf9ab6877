"""Fragments in the order their summaries can be computed: each after those it spreads.

The document checks (depth, aliases, cost) summarise each fragment once, from the
summaries of the fragments it spreads, so a fragment spread a million times over costs
one visit, and a chain of them uses no recursion. Validation reports unknown fragments
and cycles; here a spread of either simply adds nothing.
"""

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

# Counts that grow with each spread (aliases, cost) stop here: well past any limit, and
# still exact as a JSON number.
CEILING = 10**15


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def spreads_in(selection_set: SelectionSetNode | None) -> Iterator[str]:
    """The names of the fragments spread anywhere inside a selection set."""
    pending = [selection_set] if selection_set is not None else []
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                yield selection.name.value
            elif (
                isinstance(selection, (FieldNode, InlineFragmentNode))
                and selection.selection_set is not None
            ):
                pending.append(selection.selection_set)


def dependency_order(fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Fragment names, each after every fragment it spreads (cycles broken anywhere)."""
    spreads = {name: list(spreads_in(f.selection_set)) for name, f in fragments.items()}
    ordered: list[str] = []
    done: set[str] = set()
    for root in fragments:
        if root in done:
            continue
        done.add(root)
        path = [(root, iter(spreads[root]))]
        while path:
            name, pending = path[-1]
            for spread in pending:
                if spread in fragments and spread not in done:
                    done.add(spread)
                    path.append((spread, iter(spreads[spread])))
                    break
            else:
                path.pop()
                ordered.append(name)
    return ordered
