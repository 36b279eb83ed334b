"""The console's import pages through the console app: a roster of copies uploaded, previewed (the dry run's
figures, its reject, the entries as mapped; nothing kept), imported (the report, the rejects file) — and
the uploads refused with the reason and nothing kept: over the size limit, not what it says, a CSV without
a column every row needs; a desk assistant may not import."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.console.import_jobs import KEPT_DAYS, ImportJob, jobs_in
from server.db.tables.imports import ImportRun
from server.services.columns import ITEM
from tests.support.console_app import console_state, form_token

URL = "/console/imports"
ITEMS_CSV = (
    "Mã vạch,Số ĐKCB,Nhan đề,Tác giả,Ký hiệu xếp giá,Giá,Nguồn bổ sung,Ngày nhập\n"
    "VV900001,ĐKCB 900,Truyện Kiều,Nguyễn Du,895.9221 NG-D,50000,mua,02/03/2024\n"
    "VV900002,ĐKCB 901,Lão Hạc,Nam Cao,895.9223 NA-C,40000,biếu tặng,2024-03-02\n"
    "VV900003,ĐKCB 902,Số đỏ,Vũ Trọng Phụng,895.9223 VU-P,45000,mua,31/02/2024\n"
).encode()
WAIT_S = 60  # the worker thread's import of three rows; a wait on its event, not a sleep


def _upload(client: TestClient, what: str, name: str, content: bytes) -> tuple[int, str, str]:
    token = form_token(client.get(URL).text)
    answer = client.post(
        URL,
        data={"csrf_token": token, "what": what},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )
    return answer.status_code, answer.headers.get("location", ""), answer.text


def _finished(app: FastAPI, location: str) -> ImportJob:
    job = jobs_in(console_state(app).settings.data_dir).get(location.rsplit("/", 1)[1])
    assert job is not None
    assert job.finished.wait(WAIT_S)
    return job


def _copies(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(ITEM)).scalar_one()


def test_upload_preview_run_and_report(
    console_app: FastAPI, console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    librarian = signed_in("librarian")
    status, location, _ = _upload(librarian, "items:default", "ban-sao.csv", ITEMS_CSV)
    assert status == 303
    job = _finished(console_app, location)
    assert job.stage == "previewed", job.error
    page = librarian.get(location).text
    assert "Lão Hạc" in page
    assert "ĐKCB 900" in page
    assert "31/02/2024" in page
    assert "is not a date" in page
    assert _copies(console_engine) == 0  # a dry run keeps nothing

    token = form_token(page)
    key = re.search(r'name="action_key" value="([^"]+)"', page)
    assert key is not None
    answer = librarian.post(
        f"{location}/run", data={"csrf_token": token, "action_key": key.group(1)}, follow_redirects=False
    )
    assert answer.status_code == 303
    job = _finished(console_app, location)
    assert job.stage == "done", job.error
    assert job.report is not None
    assert job.report.copies.created == 2
    assert [r.position for r in job.report.rejects] == [4]
    assert _copies(console_engine) == 2
    report = librarian.get(location).text
    assert 'data-stage="done"' in report
    rejects = librarian.get(f"{location}/rejects.csv")
    assert rejects.status_code == 200
    assert "is not a date" in rejects.text
    again = librarian.post(
        f"{location}/run", data={"csrf_token": token, "action_key": key.group(1)}, follow_redirects=False
    )
    assert again.status_code == 303  # the same form again: applied once
    assert _copies(console_engine) == 2
    assert job.upload.name == "ban-sao.csv"  # kept under its own name, which the history gives
    [past] = re.findall(r"<tr data-past-import>(.*?)</tr>", librarian.get(URL).text, re.S)
    assert "ban-sao.csv" in past
    assert "Xong lúc" in past


def test_the_history_of_imports_outlives_the_jobs_and_old_uploads_go(
    console_app: FastAPI, console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    librarian = signed_in("librarian")
    now = datetime.now(UTC)
    with Session(console_engine) as db:  # an import stopped part-way, by another process or before a restart
        db.add(
            ImportRun(
                digest="0" * 64,
                kind="marc",
                profile="koha",
                source_name="thu-muc-cu.mrc",
                position=1500,
                counts={"records": {"created": 1490, "rejected": 10}},
                status="running",
                started_at=now - timedelta(hours=2),
                updated_at=now - timedelta(hours=1),
            )
        )
        db.commit()
    imports_dir = console_state(console_app).settings.data_dir / "imports"
    old, recent = imports_dir / "old-job", imports_dir / "recent-job"
    for directory in (old, recent):
        (directory / "file").mkdir(parents=True)
        (directory / "file" / "cu.csv").write_text("barcode\n", encoding="utf-8")
    long_ago = (now - timedelta(days=KEPT_DAYS + 1)).timestamp()
    for path in (old / "file" / "cu.csv", old / "file", old):
        os.utime(path, (long_ago, long_ago))

    status, location, _ = _upload(librarian, "items:default", "C:\\Thư viện\\ban-sao.csv", ITEMS_CSV)
    assert status == 303
    assert not old.exists()  # untouched for longer than kept: gone with the next upload
    assert recent.exists()
    job = _finished(console_app, location)
    assert job.filename == "ban-sao.csv"  # a browser's path is not a path here
    assert job.upload.parent.parent.parent == imports_dir

    page = librarian.get(URL).text
    rows = re.findall(r"<tr data-past-import>(.*?)</tr>", page, re.S)
    assert len(rows) == 1  # the preview is a dry run: not in the history
    assert "thu-muc-cu.mrc" in rows[0]
    assert "Chưa xong" in rows[0]
    assert "1.500" in rows[0]
    assert "1.490" in rows[0]


def test_uploads_refused_with_the_reason_and_nothing_kept(
    console_app: FastAPI, console_engine: Engine, signed_in: Callable[[str], TestClient]
) -> None:
    librarian = signed_in("librarian")
    imports_dir = console_state(console_app).settings.data_dir / "imports"

    status, _, page = _upload(librarian, "marc:marc21", "catalogue.mrc", b"%PDF-1.7\n" + b"\x00" * 300)
    assert status == 422
    assert "Tệp không đúng loại đã chọn" in page

    status, _, page = _upload(
        librarian, "items:default", "items.csv", "Nhan đề,Tác giả\nTruyện Kiều,Nguyễn Du\n".encode()
    )
    assert status == 422
    assert "Tệp CSV thiếu một cột" in page
    assert "barcode" in page

    state = console_state(console_app)
    state.settings = state.settings.model_copy(update={"import_max_upload_mib": 0.001})  # 1,048 bytes
    status, _, page = _upload(librarian, "items:default", "ban-sao.csv", ITEMS_CSV * 5)
    assert status == 422
    assert "lớn hơn 0,001 MiB" in page

    assert not any(imports_dir.glob("*/file/*")) if imports_dir.exists() else True
    assert _copies(console_engine) == 0

    assistant = signed_in("assistant")
    assert assistant.get(URL).status_code == 403
