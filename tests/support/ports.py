"""Free loopback ports for servers the tests start."""

from stacks.ports import free_port

__all__ = ["free_port"]
