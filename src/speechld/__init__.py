"""speechld: the plenary speeches of the Nordic Council as Linked Open Data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("speechld")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
