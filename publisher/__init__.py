"""nida: publish joint statements of civil-society organizations as Linked Open Data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nida-lod")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
