"""The tagging station's agent through the real FEIG driver on the simulated pad (a pty), answered by the
server's own handlers on a real database: a blank tag is written, read back by the tag decoder and secured,
and the item holds it; a foreign tag, a tag of another data model, a tag holding another of our items, a
UID the server knows as another item's, an empty pad, two tags and an order that came too late are each
refused with the reason, the tag left as it was."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.tagging import TagRefusal, TagWriteOrder
from devices.feig import get_profile
from devices.rfid import SecuritySettings, TagService
from devices.sim.feig_pty import simulated_reader
from devices.sim.field import Field, VirtualTag, make_uid
from devices.sim.gate_tags import FOREIGN_ISIL
from devices.tagdata import TagStatus, decode_tag
from devices.tagdata.settings import TagDataSettings
from edge.station.agent import StationAgent
from server.db.tables import Device, Item
from server.ingest.handlers import build_registry
from server.services import tagging
from server.settings import ServerSettings
from stacks.bench.tagging import ServerRequester
from tests.support import factories as make
from tests.support.context import circulation_context
from tests.support.databases import migrated

STATION = "station-01"


@dataclass
class Station:
    agent: StationAgent
    field: Field
    engine: Engine
    security: SecuritySettings
    isil: str

    def order(self, barcode: str, *, retag: bool = False, late: bool = False) -> TagWriteOrder:
        with Session(self.engine, expire_on_commit=False) as session:
            request = tagging.order(
                session, barcode=barcode, device_id=STATION, staff="lan", now=datetime.now(UTC), retag=retag
            )
            session.commit()
        order = tagging.order_message(request, barcode)
        if late:
            order = order.model_copy(update={"expires_at": datetime.now(UTC) - timedelta(seconds=1)})
        return order

    def item(self, barcode: str) -> Item:
        with Session(self.engine) as session:
            found = session.get(Item, _item_id(session, barcode))
            assert found is not None
            return found

    def on_pad(self, *tags: VirtualTag) -> None:
        self.field.clear()
        self.field.add(*tags)


def _item_id(session: Session, barcode: str) -> int:
    return tagging._item(session, barcode).id or 0


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory, sqlite_url_module: str) -> Iterator[Station]:
    settings = ServerSettings(data_dir=tmp_path_factory.mktemp("server"), _env_file=None)
    registry = build_registry(settings, circulation_context(settings))
    security, tag_data = SecuritySettings.from_toml(), TagDataSettings.from_toml()
    field = Field()
    link = tmp_path_factory.mktemp("pad") / "ttyPAD"
    with (
        migrated(sqlite_url_module) as engine,
        simulated_reader(field, get_profile("cpr"), link=link) as (_, reader),
    ):
        with Session(engine) as session:
            session.add(Device(device_id=STATION, device_kind="station"))
            for barcode in ("VV100001", "VV100002", "VV100003", "VV100004"):
                make.item(session, barcode=barcode, tag_uid=None)
            make.item(session, barcode="VV200001", tag_uid=make_uid(0xB0B).hex().upper())
            session.commit()
        agent = StationAgent(
            ServerRequester(engine, registry, STATION), TagService(reader, security, tag_data), pad_wait_s=0.2
        )
        yield Station(agent, field, engine, security, str(tag_data.isil))


@pytest.fixture(scope="module")
def sqlite_url_module(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'stacks.db'}"


def test_a_blank_tag_is_written_read_back_by_the_decoder_secured_and_bound(station: Station) -> None:
    blank = VirtualTag.blank(make_uid(0x101))
    station.on_pad(blank)
    report = station.agent.handle(station.order("VV100001"))
    assert report.written, report.detail
    assert (report.uid, report.secured) == (blank.uid_hex, True)
    reading = decode_tag(bytes(blank.memory), own_isil=station.isil)
    assert (reading.status, reading.item_id, reading.owner_isil) == (TagStatus.OK, "VV100001", station.isil)
    assert blank.afi == station.security.afi_secured
    item = station.item("VV100001")
    assert item.tag_uid == blank.uid_hex
    assert item.tagged_at is not None
    print(f"station round (order received → written, verified, secured, reported): {report.took_ms} ms")


@pytest.mark.parametrize(
    ("tag", "refusal", "holder"),
    [
        (
            VirtualTag.library_item(make_uid(0x201), "31234", isil=FOREIGN_ISIL),
            TagRefusal.FOREIGN_TAG,
            "31234",
        ),
        (
            VirtualTag.library_item(make_uid(0x202), "VV100004", isil="VN-VNULIC"),
            TagRefusal.OTHER_ITEM,
            "VV100004",
        ),
        (
            VirtualTag(uid=make_uid(0x203), memory=bytearray(b"\x04\x11" + bytes(62))),
            TagRefusal.UNKNOWN_DATA,
            None,
        ),
        (VirtualTag.blank(make_uid(0xB0B)), TagRefusal.TAG_IN_USE, "VV200001"),
    ],
    ids=["another library", "another of our items", "another data model", "a UID another item has"],
)
def test_a_tag_not_free_for_the_item_is_refused_and_left_alone(
    station: Station, tag: VirtualTag, refusal: TagRefusal, holder: str | None
) -> None:
    before = bytes(tag.memory)
    station.on_pad(tag)
    report = station.agent.handle(station.order("VV100002"))
    assert (report.written, report.refusal, report.holder) == (False, refusal, holder)
    assert bytes(tag.memory) == before
    assert station.item("VV100002").tag_uid is None


def test_an_empty_pad_two_tags_and_a_late_order_are_refused(station: Station) -> None:
    refused_before = station.agent.counters().refused
    station.on_pad()
    assert station.agent.handle(station.order("VV100003")).refusal is TagRefusal.NO_TAG
    station.on_pad(VirtualTag.blank(make_uid(0x301)), VirtualTag.blank(make_uid(0x302)))
    assert station.agent.handle(station.order("VV100003")).refusal is TagRefusal.SEVERAL_TAGS
    station.on_pad(VirtualTag.blank(make_uid(0x303)))
    late = station.agent.handle(station.order("VV100003", late=True))
    assert late.refusal is TagRefusal.EXPIRED
    assert station.field.tags()[0].memory == bytearray(len(station.field.tags()[0].memory))
    assert station.agent.counters().refused == refused_before + 3
