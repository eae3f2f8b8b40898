"""A light client of Streamlit's websocket protocol: one simulated user without a browser.

It opens ``<base>/_stcore/stream``, asks for a script run the way the browser does (a
``BackMsg.rerun_script`` with the page, the query string and the widget states), and reads
the ``ForwardMsg`` stream until ``script_finished``. Widgets are found in the deltas by
their user key (``county``, ``industry`` …), so a filter change sends what the browser sends
when a multiselect changes: every widget's state, with the changed one's new labels.

Used by the load test (bench.loadtest) and the multi-worker checks (bench.cluster).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id


@dataclass
class Run:
    """What one script run cost the client: time to script_finished, bytes received."""

    seconds: float
    bytes: int
    messages: int
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # markdown/caption bodies, for checks
    status: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == ForwardMsg.FINISHED_SUCCESSFULLY and not self.exceptions


@dataclass
class Widget:
    id: str
    kind: str
    options: list[str]
    state: WidgetState | None = None


def _page_cookie(url: str, timeout: float) -> str:
    """The cookies the app's page sets, as a Cookie header value."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


class Session:
    """One browser tab's worth of protocol."""

    def __init__(self, base_url: str, timeout: float = 120.0, cookie: str = ""):
        self.base_url = base_url.rstrip("/")
        self.url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.timeout = timeout
        self.login_cookie = cookie  # e.g. heze_session=… (bench.login)
        self.cookie = ""
        self.ws = None
        self.page_hash = ""
        self.widgets: dict[str, Widget] = {}  # by user key
        self.session_id: str | None = None

    async def open(self, page: str = "") -> Run:
        """Connect and run the app (its default page, or `page` by its url path)."""
        # First the page itself, as a browser loads it: a proxy in front may set a cookie
        # that keeps this tab on one server process (deploy/nginx), sent back below.
        self.cookie = await asyncio.to_thread(_page_cookie, self.base_url + "/",
                                              self.timeout)
        cookies = "; ".join(c for c in (self.cookie, self.login_cookie) if c)
        headers = {"Cookie": cookies} if cookies else None
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"],
                                           max_size=None, open_timeout=self.timeout,
                                           ping_interval=None, additional_headers=headers)
        return await self.rerun(page_name=page)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def find(self, name: str) -> str | None:
        """The user key of the widget for filter `name` (``county``; the app may key it
        per language, ``w_county_zh``)."""
        for key in self.widgets:
            if key == name or key.startswith(f"w_{name}_"):
                return key
        return None

    async def set_multiselect(self, key: str, labels: list[str]) -> Run:
        """Choose `labels` in the multiselect with user key `key` (or the filter named so),
        as a user would."""
        widget = self.widgets[key if key in self.widgets else self.find(key)]
        state = WidgetState(id=widget.id)
        state.string_array_value.data[:] = labels
        widget.state = state
        return await self.rerun()

    async def rerun(self, page_name: str = "") -> Run:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = ""
        client.page_script_hash = self.page_hash
        client.page_name = page_name
        for widget in self.widgets.values():
            if widget.state is not None:
                client.widget_states.widgets.append(widget.state)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await asyncio.wait_for(self._read_run(started), self.timeout)

    async def _read_run(self, started: float) -> Run:
        run = Run(0.0, 0, 0)
        while True:
            data = await self.ws.recv()
            run.bytes += len(data)
            run.messages += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
                self.page_hash = fwd.new_session.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                pass
            elif kind == "delta":
                self._note_delta(fwd, run)
            elif kind == "script_finished":
                run.status = fwd.script_finished
                if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    run.seconds = time.perf_counter() - started
                    return run

    def _note_delta(self, fwd: ForwardMsg, run: Run) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(element.exception.message)
        elif kind in ("markdown", "alert"):
            body = element.markdown.body if kind == "markdown" else element.alert.body
            run.texts.append(body)
        elif kind == "multiselect":
            proto = element.multiselect
            key = user_key_from_element_id(proto.id)
            if key:
                known = self.widgets.get(key)
                self.widgets[key] = Widget(proto.id, kind, list(proto.options),
                                           known.state if known else None)
