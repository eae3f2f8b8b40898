"""A dashboard started as the service starts it (``python -m ops.serve`` with a settings
file), and a bare websocket client that speaks just enough of Streamlit's protocol to open
a page with the headers, source address and Origin an attacker chooses."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser_kit import _free_port, make_users, server_process

ROOT = Path(__file__).resolve().parent.parent.parent
START_S = 60


@dataclass
class Served:
    url: str
    data_dir: Path
    log: Path

    def access(self, **kw):
        from access.service import Access
        from core.settings import load

        return Access(self.data_dir / "app.db", settings=load(self.data_dir.parent / "heze.toml"),
                      **kw)


def _toml(sections: Mapping[str, Mapping[str, object]]) -> str:
    from core.settings import toml_value

    out = []
    for section, values in sections.items():
        out.append(f"[{section}]")
        out += [f"{key} = {toml_value(value)}" for key, value in values.items()]
    return "\n".join(out) + "\n"


@contextlib.contextmanager
def serving(folder: Path, settings: Mapping[str, Mapping[str, object]] | None = None,
            snapshot: Path | None = None) -> Iterator[Served]:
    """`python -m ops.serve` with a settings file in `folder` (a free port, its own data
    directory with a user per role, plus `settings`); yields once /_stcore/health answers,
    stops the server afterwards."""
    port = _free_port()
    data_dir = folder / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    make_users(data_dir)
    sections: dict[str, dict[str, object]] = {"server": {"port": port},
                                             "data": {"dir": str(data_dir)}}
    for section, values in (settings or {}).items():
        sections.setdefault(section, {}).update(values)
    config = folder / "heze.toml"
    config.write_text(_toml(sections), encoding="utf-8")
    env = dict(os.environ, HEZE_CONFIG=str(config))
    env.pop("HEZE_DATA_DIR", None)
    env.pop("FORWARDED_ALLOW_IPS", None)  # as on a machine where nobody set it
    if snapshot is not None:
        env["HEZE_SNAPSHOT"] = str(snapshot)
    log = folder / "serve.log"
    url = f"http://127.0.0.1:{port}"
    with server_process(["-m", "ops.serve"], env, log, f"{url}/_stcore/health",
                        start_s=START_S):
        yield Served(url, data_dir, log)


@dataclass
class Page:
    """What one script run showed: every text, markdown, alert and caption body."""

    texts: list[str] = field(default_factory=list)
    status: int | None = None

    def shows(self, text: str) -> bool:
        return any(text in t for t in self.texts)


class Refused(Exception):
    """The server refused the websocket handshake (its HTTP status)."""

    def __init__(self, status: int):
        super().__init__(f"websocket refused with HTTP {status}")
        self.status = status


async def _open(url: str, headers: Mapping[str, str], origin: str | None,
                source: str | None, page: str) -> Page:
    ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
    extra = {"local_addr": (source, 0)} if source else {}
    try:
        ws = await websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None,
                                      open_timeout=60, ping_interval=None,
                                      additional_headers=dict(headers),
                                      origin=origin, **extra)
    except websockets.exceptions.InvalidStatus as exc:
        raise Refused(exc.response.status_code) from None
    try:
        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        seen = Page()
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                what = element.WhichOneof("type")
                if what in ("text", "markdown", "alert", "heading"):
                    seen.texts.append(getattr(element, what).body)
            elif kind == "script_finished" and \
                    fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                seen.status = fwd.script_finished
                return seen
    finally:
        await ws.close()


def open_page(url: str, headers: Mapping[str, str] | None = None, *, origin: str | None = None,
              source: str | None = None, page: str = "") -> Page:
    """Open the app's websocket from `source` (a local address such as 127.0.0.2; the
    default 127.0.0.1) with `headers` and `origin`, run the page once and return what it
    showed; raises Refused if the handshake is refused."""
    return run_async(_open(url, headers or {}, origin, source, page))


def run_async(coroutine):
    """Run `coroutine` to its end in a thread of its own: the browser tests' Playwright
    keeps an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
