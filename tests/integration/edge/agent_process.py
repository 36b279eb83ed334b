"""An edge runtime in a process of its own, for tests that kill it with -9. Settings come from STACKS_*.

python -m tests.integration.edge.agent_process serve            # connect, print "ready", wait
python -m tests.integration.edge.agent_process store-and-die N  # store N events, then SIGKILL itself
"""

from __future__ import annotations

import os
import signal
import sys
import time

from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext
from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings


def main(argv: list[str]) -> None:
    runtime = EdgeRuntime(EdgeSettings()).start()  # device id from STACKS_DEVICE_ID
    if argv[1] == "store-and-die":
        for n in range(int(argv[2])):
            sighting = ItemSighting(item=ItemRef(barcode=f"VV{n:06d}"), context=SeenContext.STOCKTAKE)
            runtime.emit(ItemSeen, sighting)
        # Each emit returned, so each event is on disk: die without any chance to flush or close.
        os.kill(os.getpid(), signal.SIGKILL)
    if not runtime.wait_connected(10):
        sys.exit("not connected")
    print("ready", flush=True)
    time.sleep(600)  # an agent at work until the test kills it with -9; the bound ends one left orphaned


if __name__ == "__main__":
    main(sys.argv)
