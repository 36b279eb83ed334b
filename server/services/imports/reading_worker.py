"""A large MARC file read in a process of its own while this one writes: decoding and mapping the records
(pymarc's work, the profile's) is more than half of an import's processor time, and writing the rest, so
on a machine with two cores the two overlap instead of taking turns.

The worker sends batches of entries (position, RecordIn or Rejected) through a bounded queue — at most a
few batches ahead, so memory stays flat — with the bytes it has read, then None at the end; an exception
it raises is sent instead and raised again here. The file was checked (its format told by its first
bytes) before the worker starts, so a file that is not MARC is still refused before anything is written.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from server.collection_config.marc_profiles import marc_profile
from server.domain.catalogue.shapes import PatronIn, RecordIn, Rejected
from server.services.imports.collector import fewer_collections
from server.services.imports.marc_files import marc_entries

WORKER_FROM_BYTES = 8 << 20  # smaller files are read in this process: starting a worker costs a second
_AHEAD = 4  # batches the worker may be ahead of the writer
_WAIT_S = 1.0

Batch = list[tuple[int, RecordIn | PatronIn | Rejected]]


def read_batches(
    *, path: Path, profile: str, file_format: str | None, config_dir: Path, batch_size: int, out: Any
) -> None:
    """The worker: the file's entries, `batch_size` at a time, onto `out`."""
    try:
        chosen = marc_profile(config_dir, profile)
        with fewer_collections(), path.open("rb") as stream:
            batch: Batch = []
            for entry in marc_entries(stream, chosen, file_format):
                batch.append(entry)
                if len(batch) >= batch_size:
                    out.put((batch, stream.tell()))
                    batch = []
            if batch:
                out.put((batch, stream.tell()))
        out.put(None)
    except BaseException as exc:  # sent to the writer, which raises it
        out.put(exc)


class BatchesFromWorker:
    """`with BatchesFromWorker(…) as batches: for batch, bytes_read in batches: …`"""

    def __init__(self, path: Path, profile: str, file_format: str | None, config_dir: Path, batch_size: int):
        context = multiprocessing.get_context("spawn")  # never fork a process holding database connections
        self.queue: Any = context.Queue(maxsize=_AHEAD)
        self.process = context.Process(
            target=read_batches,
            kwargs={
                "path": path,
                "profile": profile,
                "file_format": file_format,
                "config_dir": config_dir,
                "batch_size": batch_size,
                "out": self.queue,
            },
            name="stacks-import-reader",
            daemon=True,
        )

    def __enter__(self) -> BatchesFromWorker:
        self.process.start()
        return self

    def __iter__(self) -> Iterator[tuple[Batch, int]]:
        while True:
            try:
                item = self.queue.get(timeout=_WAIT_S)
            except queue.Empty:
                if not self.process.is_alive():
                    raise RuntimeError(
                        f"the import's reading process ended ({self.process.exitcode})"
                    ) from None
                continue
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.queue.close()
        self.queue.join_thread()
