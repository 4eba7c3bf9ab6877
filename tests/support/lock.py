"""The lock file (requirements.lock, written by `make lock`): what every machine installs."""

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"

_CONTINUED = re.compile(r"\\\n\s*")
_HASH = re.compile(r"\s--hash=(\S+)")


def locked_lines() -> list[tuple[Requirement, list[str]]]:
    """Each pinned requirement with its hashes. pip's own reader is internal to pip, so
    the lines are joined here and each requirement is read by `packaging`."""
    text = _CONTINUED.sub(" ", LOCK.read_text())
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            found.append((Requirement(_HASH.sub("", line).strip()), _HASH.findall(line)))
    return found


def locked() -> dict[str, Requirement]:
    """The lock's requirements by canonical name."""
    return {canonicalize_name(requirement.name): requirement for requirement, _ in locked_lines()}


def pinned_version(name: str) -> str:
    """The version the lock pins for `name`."""
    (specifier,) = locked()[canonicalize_name(name)].specifier
    assert specifier.operator == "==", f"{name} is not pinned with == in {LOCK.name}"
    return specifier.version
