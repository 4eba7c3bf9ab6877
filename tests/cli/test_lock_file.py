"""requirements.lock and pyproject.toml agree, and the suite runs what the lock pins
(README, "Installing"): a dependency added or moved without `make lock` fails here."""

import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.lock import LOCK, ROOT, locked, locked_lines, pinned_version

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DECLARED = [
    Requirement(text)
    for text in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["dev"]]
]
FIX = "run `make lock` (README, Installing), then `make install` and the suite"


@pytest.mark.parametrize("requirement", DECLARED, ids=str)
def test_each_dependency_in_pyproject_is_pinned_within_its_range(requirement):
    pins = locked()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"pyproject.toml names {requirement}, {LOCK.name} lacks it: {FIX}"
    version = pinned_version(name)
    assert requirement.specifier.contains(version, prereleases=True), (
        f"{LOCK.name} pins {name}=={version}, outside pyproject.toml's {requirement}: {FIX}"
    )


def test_every_line_of_the_lock_is_pinned_with_hashes():
    for requirement, hashes in locked_lines():
        assert pinned_version(requirement.name)
        assert hashes, f"{requirement} has no --hash in {LOCK.name}: {FIX}"


def test_the_lock_holds_everything_the_project_needs_installed():
    """The closure of the project's requirements (extras included), as the installed
    packages declare them, lies within the lock: pip's hash checking would refuse
    anything else, so this names what to re-lock."""
    pins = locked()
    wanted = [(requirement, ()) for requirement in DECLARED]
    seen = set()
    while wanted:
        requirement, extras = wanted.pop()
        name = canonicalize_name(requirement.name)
        if requirement.marker and not any(
            requirement.marker.evaluate({"extra": extra}) for extra in (*extras, "")
        ):
            continue
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        assert name in pins, f"{requirement} is needed but not in {LOCK.name}: {FIX}"
        for needed in metadata.requires(name) or ():
            wanted.append((Requirement(needed), tuple(requirement.extras)))


@pytest.mark.parametrize("name", sorted(locked()))
def test_each_locked_package_is_installed_at_its_pin(name):
    version = pinned_version(name)
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        pytest.fail(f"{name}=={version} is in {LOCK.name} but not installed: run `make install`")
    assert installed == version, (
        f"{name} {installed} is installed, {LOCK.name} pins {version}: run `make install` "
        f"(or, to move to {installed}, {FIX})"
    )
