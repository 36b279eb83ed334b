"""The device layer's error root. Agents catch `DeviceError` and keep running.

Modules add their own subclasses next to the code that raises them (for example the FEIG reader status
errors live with the FEIG protocol); every one of them derives from a class here.
"""

from __future__ import annotations


class DeviceError(Exception):
    """Root of every error raised by the device layer."""


class TransportError(DeviceError):
    """The byte link to a device failed: port missing, unplugged, or refused."""


class FrameError(DeviceError):
    """Bytes received from a device do not form a valid frame."""


class DeviceTimeoutError(DeviceError):
    """A device did not answer in time (FEIG readers stay silent on a frame they reject)."""


class ReaderStatusError(DeviceError):
    """A reader answered with a non-OK status."""


class TagDataError(DeviceError):
    """Tag data cannot be encoded as asked (decoding never raises: it returns a classified result)."""


class BarcodeError(DeviceError):
    """A barcode cannot be decoded or rendered as asked."""
