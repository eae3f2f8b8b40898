"""The manuals' pictures, taken from the running dashboard in Chromium (``make screenshots``).

    python docs/screenshots.py [--out docs/img]

Serves the demo snapshot from a data directory of its own (the developer's build/data is
only read), creates the users it signs in as, and saves one picture per page of app.py's
PAGES (so a new page gets its picture on the next run; each taken by a role that may open
it) plus the login screen, the headline cards, the sidebar filter, the briefing buttons and
an export, as docs/img/<name>.png (reduced to 256 colours, so
the repository stays small). Run it again after any change to the pages: the manuals then
show the product as it is.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import os
import re
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402  (streamlit depends on pillow)

from tests.browser_kit import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    streamlit_process,
    wait_idle,
)

VIEWPORT = {"width": 1440, "height": 900}
WALL = {"width": 1920, "height": 1080}
TIMEOUT_MS = 120_000
DRAWN = ('[data-testid="stMainBlockContainer"] h1, '
         '[data-testid="stMainBlockContainer"] [data-testid="stAlert"]')


def pages() -> list[tuple[str, str]]:
    """(slug, title key) of app.py's PAGES, read from the source."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets):
            return [(entry[2], entry[1]) for entry in ast.literal_eval(node.value)]
    raise SystemExit("app.py has no PAGES list")


def demo_store(into: Path) -> None:
    """The demo snapshot store: copied from build/data when it is there, else built."""
    source = ROOT / "build" / "data" / "snapshots"
    if (source / "CURRENT").exists():
        current = (source / "CURRENT").read_text().strip()
        into.mkdir(parents=True, mode=0o700)
        for name in ("CURRENT", "history.jsonl", f"{current}.duckdb", f"{current}.json"):
            if (source / name).exists():
                shutil.copy2(source / name, into / name)
        return
    from data.generate import build_into_store
    build_into_store(into)


def save(png: bytes, path: Path) -> None:
    """A PNG with a 256-colour palette: a tenth of the size, the same to the eye."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE) \
        .save(path, optimize=True)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{shown}  {image.width}×{image.height}  "
          f"{path.stat().st_size // 1024} KiB", flush=True)


def sign_in(page, user: str, password: str) -> bool:
    """Fill the login form if the app shows one; True if it did."""
    field = page.get_by_label("用户名")
    if not field.count():
        return False
    field.fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    field.wait_for(state="detached", timeout=TIMEOUT_MS)
    return True


def open_page(page, url: str, decks: int = 0) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_drawn(page, decks)


def open_wall(page, url: str) -> None:
    """The 大屏 has no page heading: wait for its headline figures and both maps."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".scr-panel-title", timeout=TIMEOUT_MS)
    wait_idle(page, 2, timeout_ms=TIMEOUT_MS)


def example_targets(app_db: Path) -> None:
    """A few 2020 targets (on pace, ahead and behind), so the pictures show 完成率
    under the cards, on the targets page and in the counties' ranking."""
    from targets import TargetStore

    store = TargetStore(app_db)
    for county, value in ((None, 80_000), (371721, 12_000), (371722, 10_000),
                          (371723, 4_000), (371725, 12_000)):
        store.set("returnees", 2020, value, county=county, by="cli:screenshots",
                  note="示例目标")


def wait_drawn(page, decks: int = 0) -> None:
    """The page's own heading (or a message) is drawn and the script has finished."""
    page.wait_for_selector(DRAWN, timeout=TIMEOUT_MS)
    wait_idle(page, decks, timeout_ms=TIMEOUT_MS)


def shoot(page, out: Path, name: str, locator=None, full: bool = False) -> None:
    if locator is not None:
        locator.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        save(locator.screenshot(), out / f"{name}.png")
    else:
        page.wait_for_timeout(1000)  # tables draw on a canvas after the script has finished
        save(page.screenshot(full_page=full), out / f"{name}.png")


# Who takes each picture: the first of these roles that may open the page.
USERS = {"leader": ("zhangsan", "张三"), "data_admin": ("shuju", "李四"),
         "admin": ("guanli", "王五")}


def role_for(slug: str) -> str:
    from access import roles as R

    return next(role for role in USERS if R.page(slug) in R.PERMISSIONS[role])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="截取用户手册和管理员手册的配图 / take the "
                                     "manuals' screenshots")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"需要 Debian 的 chromium / needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    from access import Access, Actor
    from tests.access_support import settings_for

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="heze-screenshots-"))
    try:
        settings = settings_for(work / "data")
        demo_store(settings.snapshots_dir)
        password = secrets.token_urlsafe(12)
        acc = Access(settings.app_db, settings=settings)
        for role, (name, display) in USERS.items():
            acc.add_user(name, role, by=Actor("cli:screenshots"), password=password,
                         display_name=display)
        example_targets(settings.app_db)
        env = {"HEZE_CONFIG": str(settings.source), "HEZE_DATA_DIR": None,
               "HEZE_SNAPSHOT": None}
        with contextlib.ExitStack() as stack:
            url = stack.enter_context(serve("app.py", env, work))
            p = stack.enter_context(sync_playwright())
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            stack.callback(browser.close)
            tabs: dict = {}

            def tab(role: str):
                """A browser context of its own per role, signed in once."""
                if role not in tabs:
                    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN",
                                                  device_scale_factor=1)
                    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"),
                                  lambda route: route.abort())
                    page = context.new_page()
                    open_page(page, url + "/")
                    try:
                        page.get_by_label("用户名").wait_for(timeout=TIMEOUT_MS)
                    except Exception:  # noqa: BLE001 - said plainly below
                        raise SystemExit("the app shows no login form") from None
                    if not tabs:
                        shoot(page, out, "login")
                    sign_in(page, USERS[role][0], password)
                    tabs[role] = page
                return tabs[role]

            for slug, _title in pages():
                page = tab(role_for(slug))
                if slug == "screen":  # the wall display is shown at its own size
                    page.set_viewport_size(WALL)
                    open_wall(page, f"{url}/screen?rotate=30")
                    shoot(page, out, slug)
                    page.set_viewport_size(VIEWPORT)
                    open_page(page, f"{url}/overview")  # the wall's timers stop here
                    continue
                decks = 2 if slug == "map" else 0
                open_page(page, f"{url}/{slug}", decks)
                shoot(page, out, slug)
            page = tab("leader")
            open_page(page, f"{url}/overview")
            cards = page.locator('[class*="st-key-cards_"]').first  # shared.cards' container
            shoot(page, out, "cards", cards)
            page.set_viewport_size({"width": VIEWPORT["width"], "height": 1500})  # all of it
            open_page(page, f"{url}/overview?county=371721&period=this_year")
            shoot(page, out, "filters", page.locator('[data-testid="stSidebar"]'))
            briefing = page.locator(".st-key-briefing_docx")
            if briefing.count():
                briefing.scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                box = briefing.bounding_box()
                side = page.locator('[data-testid="stSidebar"]').bounding_box()
                clip = {"x": side["x"], "y": max(box["y"] - 50, 0), "width": side["width"],
                        "height": box["height"] + 110}
                save(page.screenshot(clip=clip), out / "briefing.png")
            page.set_viewport_size(VIEWPORT)
            open_page(page, f"{url}/stations")
            button = page.locator('[data-testid="stDownloadButton"]').first
            if button.count():
                button.scroll_into_view_if_needed()
                page.wait_for_timeout(300)
                box = button.bounding_box()
                clip = {"x": 0, "y": max(box["y"] - 360, 0), "width": VIEWPORT["width"],
                        "height": min(box["height"] + 400, VIEWPORT["height"])}
                save(page.screenshot(clip=clip), out / "export.png")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


@contextlib.contextmanager
def serve(script: str, env: dict, work: Path):
    """A streamlit server of `script` on a free port; yields its URL once it answers."""
    port = _free_port()
    full_env = dict(os.environ)
    for key, value in env.items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    url = f"http://127.0.0.1:{port}"

    def stop(message: str) -> None:
        raise SystemExit(f"{script} did not start; see {work}\n{message}")

    with streamlit_process(
            [script, "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            full_env, work / f"{Path(script).stem}.log", f"{url}/_stcore/health",
            start_s=60, fail=stop):
        yield url


if __name__ == "__main__":
    raise SystemExit(main())
