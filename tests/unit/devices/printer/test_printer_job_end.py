"""End-of-job answers can be told from the real-time status answers that arrive on the same line."""

from __future__ import annotations

from devices.printer import escpos
from devices.printer.job_end import PROCESS_IDS, job_end_request, process_id
from devices.printer.profiles import JobEnd
from devices.printer.status import is_status_byte


def test_process_ids_are_distinct_and_never_look_like_a_status_byte() -> None:
    ids = {process_id(n) for n in range(PROCESS_IDS)}
    assert len(ids) == PROCESS_IDS
    for pid in ids:
        assert not any(is_status_byte(b) for b in escpos.process_id_answer(pid))
    assert process_id(PROCESS_IDS + 5) == process_id(5)


def test_the_process_id_answer_is_recognised_only_whole() -> None:
    end = job_end_request(JobEnd.PROCESS_ID, 7)
    assert end is not None
    answer = escpos.process_id_answer(process_id(7))
    assert end.request == escpos.process_id_request(process_id(7))
    assert end.answered(b"\xff" + answer)
    assert not end.answered(answer[:-1])
    assert not end.answered(escpos.process_id_answer(process_id(8)))


def test_the_paper_sensor_answer_is_not_a_status_byte() -> None:
    end = job_end_request(JobEnd.PAPER_SENSOR, 1)
    assert end is not None
    assert end.answered(b"\x00")
    assert end.answered(b"\x0c")  # paper end
    assert not any(end.answered(bytes((b,))) for b in range(256) if is_status_byte(b))
    assert job_end_request(JobEnd.NONE, 1) is None
