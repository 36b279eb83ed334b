"""The demo's stock-take: a session over the whole classification (call numbers 000–999), created and opened
through the REST API as the demo's librarian, for the simulated handheld to join. A demo started again on the
same data finds the session it opened before, still open, and uses it."""

from __future__ import annotations

import httpx

DEMO_SESSION = "Kiểm kê thử / Demo stock-take"
SCOPE = {"call_ranges": [["000", "999"]]}


def open_demo_session(base_url: str, username: str, password: str) -> int:
    """The demo session's number, created and opened unless an open one is there already."""
    api = f"{base_url}/api/v1"
    with httpx.Client(timeout=30) as client:
        login = client.post(f"{api}/login/access-token", data={"username": username, "password": password})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        sessions = client.get(f"{api}/stocktake/sessions", headers=headers)
        sessions.raise_for_status()
        for found in sessions.json():
            if found["name"] == DEMO_SESSION and found["state"] == "open":
                return int(found["id"])
        created = client.post(
            f"{api}/stocktake/sessions", headers=headers, json={"name": DEMO_SESSION, "scope": SCOPE}
        )
        created.raise_for_status()
        session_id = int(created.json()["id"])
        client.post(f"{api}/stocktake/sessions/{session_id}/open", headers=headers).raise_for_status()
        return session_id
