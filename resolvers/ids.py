"""Opaque global ids: clients never parse them, so a malformed one is simply unknown."""

from strawberry.relay import GlobalID

UPCOMING_PREFIX = "upcoming-"


# Ids are 32-bit integer keys on every database; a larger number names nothing.
MAX_DATABASE_ID = 2**31 - 1


def encode(type_name: str, key: object) -> str:
    """The global id of the `type_name` whose key is `key`, as the schema answers it."""
    return str(GlobalID(type_name, str(key)))


def decode(value: str, type_name: str) -> int | None:
    """The database id inside a global id of `type_name`, or None if it is not one."""
    return database_id(decode_any(value, type_name))


def database_id(node_id: str | None) -> int | None:
    if node_id is None or not node_id.isascii() or not node_id.isdigit():
        return None
    number = int(node_id)
    return number if 1 <= number <= MAX_DATABASE_ID else None


def decode_any(value: str, type_name: str) -> str | None:
    try:
        global_id = GlobalID.from_id(value)
    except Exception:  # noqa: BLE001 - any undecodable id is unknown
        return None
    return global_id.node_id if global_id.type_name == type_name else None


def type_name_of(value: str) -> str | None:
    try:
        return GlobalID.from_id(value).type_name
    except Exception:  # noqa: BLE001
        return None
