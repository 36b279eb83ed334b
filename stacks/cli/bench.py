"""`stacks bench …` — benchmarks that print their figures, with a baseline measured in the same run.

Each benchmark module exposes `run(...) -> dict`; this module only parses options and prints.
"""

from __future__ import annotations

from typing import Annotated

import typer

from stacks.cli.output import print_figures

bench_app = typer.Typer(
    help="Benchmarks: each prints its figures and a baseline measured in the same run.",
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


@bench_app.command("console")
def bench_console(
    *,
    as_json: JsonFlag = False,
    scans: Annotated[
        int, typer.Option(min=1, max=400, help="Scans (and page loads) timed in each desk measurement.")
    ] = 100,
    clients: Annotated[
        int, typer.Option(min=1, max=500, help="Dashboards connected to the live stream.")
    ] = 50,
    rate: Annotated[float, typer.Option(min=1, help="Device events published per second.")] = 200.0,
    seconds: Annotated[float, typer.Option(min=1, help="How long the events flow.")] = 20.0,
    database_url: Annotated[
        str | None,
        typer.Option(help="Database to use (default: a new SQLite file in a temporary directory)."),
    ] = None,
) -> None:
    """Desk checkout through the console (500 loans or none), the desk page, live fan-out to dashboards."""
    from stacks.bench import console

    figures = console.run(
        scans=scans,
        clients=clients,
        rate=rate,
        seconds=seconds,
        database_url=database_url,
        show_progress=not as_json,
    )
    print_figures(figures, as_json)


@bench_app.command("devices")
def bench_devices(
    as_json: JsonFlag = False,
    seconds: Annotated[float, typer.Option(help="Seconds spent on each measurement.")] = 2.0,
    tags: Annotated[int, typer.Option(help="Tags in the simulated field for inventory cycles.")] = 30,
) -> None:
    """Frame build+parse, tag-data decodes and inventory cycles against the simulated reader."""
    from stacks.bench import devices

    print_figures(devices.run(seconds=seconds, tags=tags, show_progress=not as_json), as_json)


@bench_app.command("printer")
def bench_printer(
    as_json: JsonFlag = False,
    seconds: Annotated[float, typer.Option(help="Seconds spent printing to each simulated model.")] = 2.0,
) -> None:
    """A kiosk receipt on each printer model: bytes, time on the line, encoding, prints over a pty."""
    from stacks.bench import printer

    print_figures(printer.run(seconds=seconds), as_json)


@bench_app.command("gate")
def bench_gate(
    as_json: JsonFlag = False,
    passages: Annotated[
        int, typer.Option(min=1, help="Secured books walked through the gate, one by one.")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the pauses between passages.")] = 1,
    console_passages: Annotated[
        int,
        typer.Option(min=0, help="Alarms timed from the gate to a console's alarm desk (0: none)."),
    ] = 200,
) -> None:
    """Tag in the field → alarm output command at the reader, through the real driver on a pty; alarm at
    the gate → on a connected console's alarm desk, through the broker and the server."""
    from stacks.bench import gate

    figures = gate.run(
        passages=passages, seed=seed, show_progress=not as_json, console_passages=console_passages
    )
    print_figures(figures, as_json)


@bench_app.command("ingest")
def bench_ingest(
    events: Annotated[int, typer.Option(min=1, help="Events to push through.")] = 20000,
    chunk: Annotated[int, typer.Option(min=1, help="Events per emit_many call (a handheld's sweep).")] = 500,
    database_url: Annotated[
        str | None,
        typer.Option(help="Database to use (default: a new SQLite file in a temporary directory)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Edge outbox → broker → server commit, events/s, against raw paho through the same broker."""
    from stacks.bench import ingest

    print_figures(
        ingest.run(events=events, chunk=chunk, database_url=database_url, show_progress=not as_json), as_json
    )


@bench_app.command("kiosk")
def bench_kiosk(
    *,
    kiosks: Annotated[
        int, typer.Option(min=1, max=90, help="Simulated kiosks serving patrons at once.")
    ] = 20,
    seconds: Annotated[float, typer.Option(min=1, help="How long the kiosks serve patrons.")] = 30.0,
    think_ms: Annotated[
        int, typer.Option(min=0, help="Simulated patrons' mean pause between actions.")
    ] = 500,
    stacks: Annotated[
        int, typer.Option(min=1, help="Stacks of ten books timed at the pad, alone and among 20 kiosks.")
    ] = 12,
    offline_rounds: Annotated[
        int,
        typer.Option(min=0, help="Times the network is cut under a kiosk (server, then broker); 0: none."),
    ] = 3,
    replay_transactions: Annotated[
        int,
        typer.Option(min=0, help="Offline transactions from 5 kiosks applied (the target: 10,000); 0: none."),
    ] = 10_000,
    as_json: JsonFlag = False,
) -> None:
    """A stack of books and sign-ins at the kiosk agent, checkout round trips under load, a 500-loan patron
    against a patron with none, the switch to offline and the replay of offline transactions."""
    from stacks.bench import kiosk

    figures = kiosk.run(
        kiosks=kiosks,
        duration_s=seconds,
        think_ms=think_ms,
        show_progress=not as_json,
        stacks=stacks,
        offline_rounds=offline_rounds,
        replay_transactions=replay_transactions,
    )
    print_figures(figures, as_json)


@bench_app.command("stocktake")
def bench_stocktake(
    *,
    reads: Annotated[int, typer.Option(min=1, help="Tag reads a handheld sends, in batches.")] = 200_000,
    baseline_events: Annotated[
        int, typer.Option(min=1, help="Sighting events of the ingest baseline, one read each.")
    ] = 20_000,
    reconcile_items: Annotated[
        list[int] | None,
        typer.Option(help="Scope sizes reconciled by the domain (repeat; default 100k, 300k, 1M)."),
    ] = None,
    handheld_tags: Annotated[
        int, typer.Option(min=1, help="Alerting tags put in the handheld's field, network down.")
    ] = 200,
    close_items: Annotated[
        list[int] | None,
        typer.Option(help="Library sizes the server's close is timed at (repeat; default 100k)."),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(help="Database to use (default: a new SQLite file in a temporary directory)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Tag reads through broker and server against the ingest baseline; reconciling 100k, 300k, 1M items;
    tag in the field → alert on the handheld, network down."""
    from stacks.bench import stocktake

    sizes = tuple(reconcile_items) if reconcile_items else stocktake.RECONCILE_SIZES
    figures = stocktake.run(
        reads=reads,
        baseline_events=baseline_events,
        reconcile_sizes=sizes,
        handheld_tags=handheld_tags,
        close_sizes=tuple(close_items) if close_items else stocktake.CLOSE_SIZES,
        database_url=database_url,
        show_progress=not as_json,
    )
    print_figures(figures, as_json)


@bench_app.command("collection")
def bench_collection(
    *,
    items: Annotated[
        int, typer.Option(min=1, help="Copies of the seeded library the weeding list is read from.")
    ] = 100_000,
    domain_items: Annotated[
        int, typer.Option(min=0, help="Copies of the synthetic collection for the pure rules (0: none).")
    ] = 1_000_000,
    database_url: Annotated[
        str | None,
        typer.Option(help="A library seeded before, measured instead of seeding one (--items is ignored)."),
    ] = None,
    today: Annotated[
        str | None, typer.Option(help="The day that library was seeded for (YYYY-MM-DD); default today.")
    ] = None,
    tick_items: Annotated[
        int | None,
        typer.Option(min=1, help="Copies of the library the nightly tick runs over (default ITEMS)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Weeding candidates from a seeded database of ITEMS copies (evidence read and judged); the pure rules
    (candidates, nightly tick, figures) over a synthetic collection. `weeding_1m_seconds` only when a
    million copies were read from the database. The nightly tick over a library of TICK_ITEMS copies, 2.5 %
    of them missing or lost (`tick_1m_seconds` at a million)."""
    from datetime import date

    from stacks.bench import collection

    day = date.fromisoformat(today) if today else None
    figures = collection.run(
        items=items, domain_items=domain_items, database_url=database_url, today=day, tick_items=tick_items
    )
    print_figures(figures, as_json)


@bench_app.command("catalogue")
def bench_catalogue(
    *,
    marc_records: Annotated[
        int, typer.Option(min=0, help="Generated MARC 21 records imported with their copies (0: skip).")
    ] = 100_000,
    search_records: Annotated[
        int, typer.Option(min=0, help="Generated records the catalogue search runs over (0: skip).")
    ] = 1_000_000,
    rounds: Annotated[int, typer.Option(min=1, help="Timed runs of each typical query.")] = 5,
    postgresql_url: Annotated[
        str | None,
        typer.Option(help="An empty PostgreSQL database for the search (else a throwaway cluster)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The MARC 21 import end to end into SQLite (`marc_records_per_s`, peak RSS; `marc_100k_peak_rss_mib`
    at 100,000 records; pymarc alone as the baseline), and the catalogue search over SEARCH_RECORDS records
    on SQLite and PostgreSQL (`search_p95_ms_sqlite`, `search_p95_ms_postgresql`; the older substring search
    as the baseline)."""
    from stacks.bench import catalogue_marc, catalogue_search

    figures: dict[str, object] = {}
    if marc_records:
        figures.update(catalogue_marc.measure(marc_records))
    if search_records:
        figures.update(catalogue_search.run(search_records, postgresql_url, rounds))
    print_figures(figures, as_json)


def register(root: typer.Typer) -> None:
    root.add_typer(bench_app, name="bench")
