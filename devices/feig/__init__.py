"""FEIG OBID ISO-Host protocol: CRC, frames, resynchronising parser, commands, profiles and the driver."""

from devices.feig.driver import FeigReader, TagInfo
from devices.feig.iso15693 import InventoryTag, uid_from_hex, uid_hex
from devices.feig.link import ReaderCounters
from devices.feig.outputs import Output, OutputAction
from devices.feig.profiles import ReaderProfile, get_profile, load_profiles

__all__ = [
    "FeigReader",
    "InventoryTag",
    "Output",
    "OutputAction",
    "ReaderCounters",
    "ReaderProfile",
    "TagInfo",
    "get_profile",
    "load_profiles",
    "uid_from_hex",
    "uid_hex",
]
