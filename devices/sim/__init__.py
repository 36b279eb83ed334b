"""Simulated devices that speak the same bytes as the real ones, served on pseudo-terminals.

`PtyEndpoint` (in `devices.sim.pty`) is the generic serial endpoint every simulator is built on.
"""

from devices.sim.pty import ByteHandler, PtyEndpoint

__all__ = ["ByteHandler", "PtyEndpoint"]
