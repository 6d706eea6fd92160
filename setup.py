"""Packages of the distribution; everything else is in pyproject.toml.

The specs (``openapi/``) and fixtures (``fixtures/``) stay at the checkout's top, where people
edit them, and ship inside the package as ``mockserver/openapi`` and ``mockserver/fixtures_data``,
so an installed mock serves from any folder (``mockserver/config.py`` finds either).
pyproject.toml's ``packages.find`` cannot map packages from other folders; this can. Data-only
folders are listed as (namespace) packages, as setuptools wants every folder that ships files.
"""

from setuptools import find_namespace_packages, setup

DATA_PACKAGES = {"mockserver.openapi": "openapi", "mockserver.fixtures_data": "fixtures"}


def packages(where: str, prefix: str) -> list[str]:
    found = find_namespace_packages(where, exclude=["*__pycache__*"])
    return [prefix, *(f"{prefix}.{name}" for name in found)]


setup(
    packages=[
        *packages("mockserver", "mockserver"),
        *(name for package, folder in DATA_PACKAGES.items() for name in packages(folder, package)),
    ],
    package_dir=DATA_PACKAGES,
)
