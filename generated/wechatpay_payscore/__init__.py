"""A client library for accessing WeChat Pay Score for acquiring institutions"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
