"""A small library for kiosk tests: the seed manifest the simulated patrons believe in, and the circulation
double that answers for the server, built from the same patrons and items."""

from __future__ import annotations

from contract.replies import ReplyBase
from edge.kiosk.session import KioskSession
from edge.sim.kiosk_patrons import KioskBehaviour, KioskSimulator
from edge.sim.manifest import Manifest, ManifestItem, ManifestPatron
from edge.sim.world import SimulatedWorld
from tests.support.circulation_double import CirculationDouble, DeskPatron
from tests.support.direct_requester import DirectRequester

# Patrons who never mistype and never bring odd books, without pauses: each visit does what a test says.
QUICK = KioskBehaviour(think_s=0, wrong_pin_rate=0, odd_item_rate=0)


def library(
    *, patrons: int = 3, items: int = 12, max_loans: int = 5, statuses: dict[str, str] | None = None
) -> tuple[Manifest, CirculationDouble]:
    """`patrons` cards SV2100000… (PIN 1000+n) and `items` tagged books VV000000…, available unless
    `statuses` says otherwise."""
    manifest = Manifest(
        patrons=[ManifestPatron(card_number=f"SV21{n:05d}", pin=f"{1000 + n}") for n in range(patrons)],
        items=[
            ManifestItem(
                barcode=f"VV{n:06d}",
                tag_uid=f"E0040150{n:08X}",
                status=(statuses or {}).get(f"VV{n:06d}", "available"),
            )
            for n in range(items)
        ],
    )
    desk = CirculationDouble(
        patrons={p.card_number: DeskPatron(pin=p.pin, max_loans=max_loans) for p in manifest.patrons},
        items={i.barcode: i.status for i in manifest.items},
        tags={i.tag_uid: i.barcode for i in manifest.items if i.tag_uid},
    )
    return manifest, desk


def kiosk(
    manifest: Manifest, desk: CirculationDouble, behaviour: KioskBehaviour = QUICK, seed: int = 7
) -> tuple[KioskSimulator, DirectRequester]:
    """Simulated patrons at a kiosk whose requests the double answers in-process."""
    requester = DirectRequester(desk)
    return KioskSimulator(KioskSession(requester), SimulatedWorld(manifest), behaviour, seed=seed), requester


def deliver_late(simulator: KioskSimulator, reply: ReplyBase) -> None:
    """What the runtime's late-reply handler does for this kiosk."""
    simulator.session.requests.on_late_reply(reply)
