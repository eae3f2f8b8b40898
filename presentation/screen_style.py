"""The wall display's CSS (dark, no Streamlit chrome, large type, a 1920×1080 canvas scaled
to the window) and its two browser scripts (the clock, the fit). Plain strings."""

from __future__ import annotations

import json

from presentation.screen import (
    ACCENT,
    BG,
    CLOCK_PX,
    DESIGN_HEIGHT,
    DESIGN_WIDTH,
    DOWN,
    FONT,
    GAP_X,
    GRID,
    INSET_HEIGHT,
    INSET_WIDTH,
    LABEL_PX,
    LINE_CSS,
    MUTED,
    PAD_X,
    PANEL,
    PANEL_TITLE_PX,
    STYLE_KEY,
    TEXT,
    TITLE_PX,
    UNIT_PX,
    UP,
    VALUE_PX,
    WEEKDAYS_ZH,
)


def style() -> str:
    """The page's CSS: dark, no sidebar or Streamlit chrome, large type. Injected by this
    page only, so the other pages keep theirs."""
    return f"""<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], #MainMenu, footer
    {{ display: none !important; }}
/* Alerts drawn above the page by the app (the demo banner): the screen shows its own tag. */
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
    > [data-testid="stElementContainer"]:has(> [data-testid="stAlert"]) {{ display: none; }}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ background: {BG}; }}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ gap: 0; }}
[data-testid="stMain"] {{ margin-left: 0 !important; overflow: hidden !important; }}
html, body {{ overflow: hidden !important; }}
/* The design canvas, scaled to the window by fit_script(); letterboxed in the background. */
[data-testid="stMainBlockContainer"] {{ position: fixed !important; left: 0; top: 0;
    width: {DESIGN_WIDTH}px !important; min-width: {DESIGN_WIDTH}px;
    max-width: {DESIGN_WIDTH}px !important; height: {DESIGN_HEIGHT}px; overflow: hidden;
    box-sizing: border-box; padding: 14px {PAD_X}px 0 {PAD_X}px !important;
    transform-origin: 0 0; transform: translate(var(--heze-screen-x, 0px),
    var(--heze-screen-y, 0px)) scale(var(--heze-screen-scale, 1)); }}
.st-key-{STYLE_KEY}, .st-key-{STYLE_KEY} * {{ font-family: {FONT}; }}
.st-key-{STYLE_KEY} [data-testid="stVerticalBlock"] {{ gap: 10px; }}
.st-key-{STYLE_KEY} [data-testid="stHorizontalBlock"] {{ gap: {GAP_X}px;
    flex-wrap: nowrap !important; }}
/* The canvas is 1920 wide whatever the window: columns never stack as on a phone. */
.st-key-{STYLE_KEY} [data-testid="stColumn"] {{ min-width: 0 !important; }}
/* A fragment rerun must not fade the old content (no flicker). */
.st-key-{STYLE_KEY} [data-stale="true"], .st-key-{STYLE_KEY} .stale-element
    {{ opacity: 1 !important; transition: none !important; }}
.scr-top {{ display: flex; align-items: baseline; justify-content: space-between;
    color: {TEXT}; border-bottom: 2px solid {GRID}; padding-bottom: 4px; }}
.scr-line {{ display: flex; justify-content: space-between; gap: 24px; margin-top: 4px; }}
.scr-top, .scr-line {{ line-height: 1.3; }}
.scr-title {{ font-size: {TITLE_PX}px; font-weight: 700; letter-spacing: 2px; }}
.scr-sub {{ font-size: {LABEL_PX}px; color: {ACCENT}; margin-left: 18px; font-weight: 600; }}
.scr-tag {{ font-size: {LABEL_PX}px; color: {BG}; background: {ACCENT}; border-radius: 6px;
    padding: 2px 10px; margin-left: 14px; vertical-align: middle; }}
.scr-meta {{ font-size: {LABEL_PX}px; color: {MUTED}; }}
.scr-clock {{ font-size: {CLOCK_PX}px; font-variant-numeric: tabular-nums; color: {TEXT}; }}
.scr-notice {{ font-size: {LABEL_PX}px; color: {ACCENT}; }}
.scr-cards {{ display: flex; gap: 10px; margin-top: 10px; }}
.scr-card {{ flex: 1 1 auto; min-width: min-content; background: {PANEL};
    border: 1px solid {GRID}; border-radius: 10px; padding: 8px 12px 10px 12px; }}
.scr-label {{ font-size: {LABEL_PX}px; color: {MUTED}; line-height: 1.3; }}
.scr-value {{ color: {ACCENT}; line-height: 1.1; display: flex; flex-wrap: wrap;
    align-items: baseline; column-gap: 4px; }}
.scr-num {{ font-size: {VALUE_PX}px; font-weight: 700; font-variant-numeric: tabular-nums;
    white-space: nowrap; }}
.scr-unit {{ font-size: {UNIT_PX}px; white-space: nowrap; }}
.scr-delta {{ font-size: {LABEL_PX}px; }}
/* English words are longer than the Chinese: seven equal cards, a smaller type, so the
   strip keeps the Chinese strip's height and the panels below keep their room. */
.scr-cards.en .scr-card {{ flex: 1 1 0; }}
.scr-cards.en .scr-label, .scr-cards.en .scr-delta {{ font-size: {LABEL_PX - 4}px;
    line-height: 1.25; }}
/* …and the number and unit small enough to stay on one line ("54.16B yuan", "104K
   businesses"): a wrapped unit grew the strip 18 px and pushed the map's legend off. */
.scr-cards.en .scr-card {{ padding-left: 8px; padding-right: 8px; }}
.scr-cards.en .scr-value {{ column-gap: 3px; }}
.scr-cards.en .scr-num {{ font-size: {VALUE_PX - 18}px; }}
.scr-cards.en .scr-unit {{ font-size: {UNIT_PX - 10}px; }}
.scr-delta.up {{ color: {UP}; }} .scr-delta.down {{ color: {DOWN}; }}
.scr-delta.flat {{ color: {MUTED}; }}
.scr-goalbox {{ height: 46px; }}
.scr-goal {{ font-size: {LABEL_PX}px; color: {TEXT}; white-space: nowrap; line-height: 1.3; }}
.scr-bar {{ height: 8px; background: {GRID}; border-radius: 4px; overflow: hidden;
    margin-top: 4px; }}
.scr-bar > i {{ display: block; height: 100%; background: {ACCENT}; }}
.scr-panel-title {{ display: flex; justify-content: space-between; align-items: baseline;
    color: {TEXT}; font-size: {PANEL_TITLE_PX}px; font-weight: 600; gap: 8px;
    border-left: 6px solid {ACCENT}; padding-left: 12px; white-space: nowrap; }}
.scr-panel-title > span:first-child {{ overflow: hidden; text-overflow: ellipsis;
    min-width: 0; }}
.scr-dots {{ font-size: {LABEL_PX}px; color: {MUTED}; letter-spacing: 4px; flex: none; }}
.scr-dots b {{ color: {ACCENT}; }}
.scr-caption {{ font-size: {LABEL_PX}px; color: {MUTED}; }}
.scr-status {{ font-size: {LABEL_PX}px; color: {MUTED}; text-align: right; }}
.st-key-{STYLE_KEY} [data-testid="stDeckGlJsonChart"] {{ background: {BG}; }}
.st-key-screen_inset {{ width: {INSET_WIDTH + 4}px !important; margin-left: auto;
    margin-right: 6px; margin-top: -{INSET_HEIGHT + 10 + 10}px; border: 2px solid {LINE_CSS};
    z-index: 2; background: {BG}; }}
</style>"""


def clock_script(lang: str) -> str:
    """Ticks the clock in the browser every second (Beijing time), so the server is not
    asked for it; the interval is started once per page, however often this is drawn.
    No "<" followed by a letter or digit may appear in it: the HTML sanitizer drops such a
    script as possible markup (so "n>9", not "n<10")."""
    weekdays = json.dumps(list(WEEKDAYS_ZH), ensure_ascii=False)
    zh = "true" if lang == "zh" else "false"
    return ("<script>(function(){if(window.__hezeScreenClock){return;}"
            "var zh=" + zh + ",wd=" + weekdays + ";"
            "function pad(n){return (n>9?'':'0')+n;}"
            "function tick(){var el=document.getElementById('heze-screen-clock');"
            "if(!el){return;}var d=new Date(Date.now()+8*3600*1000);"
            "var y=d.getUTCFullYear(),m=d.getUTCMonth()+1,day=d.getUTCDate(),"
            "w=(d.getUTCDay()+6)%7,t=pad(d.getUTCHours())+':'+pad(d.getUTCMinutes())+':'"
            "+pad(d.getUTCSeconds());"
            "el.textContent=zh?(y+'年'+m+'月'+day+'日 星期'+wd[w]+' '+t)"
            ":(y+'-'+pad(m)+'-'+pad(day)+' '+t);}"
            "tick();window.__hezeScreenClock=setInterval(tick,1000);})();</script>")


def fit_script() -> str:
    """Scales the 1920×1080 canvas to the window, whole and centred (the same rule as
    clock_script for what the sanitizer keeps).

    Charts size themselves by what getBoundingClientRect says, which is the scaled size:
    drawn at that size and then scaled, they would shrink twice. Inside the canvas it
    answers in the canvas's own (design) pixels instead; elsewhere, and on any other page,
    as before."""
    return ("<script>(function(){if(window.__hezeScreenFit){return;}"
            "var box='[data-testid=\"stMainBlockContainer\"]',mark='.st-key-" + STYLE_KEY + "';"
            "function fit(){var w=window.innerWidth,h=window.innerHeight,"
            f"s=Math.min(w/{DESIGN_WIDTH},h/{DESIGN_HEIGHT}),r=document.documentElement.style;"
            "window.__hezeScreenScale=s;r.setProperty('--heze-screen-scale',s);"
            f"r.setProperty('--heze-screen-x',((w-{DESIGN_WIDTH}*s)/2)+'px');"
            f"r.setProperty('--heze-screen-y',((h-{DESIGN_HEIGHT}*s)/2)+'px');}}"
            "var measure=Element.prototype.getBoundingClientRect;"
            "Element.prototype.getBoundingClientRect=function(){var b=measure.call(this),"
            "s=window.__hezeScreenScale||1,c=document.querySelector(box);"
            "if(s===1||!c||c===this||!c.contains(this)||!c.querySelector(mark)){return b;}"
            "return new DOMRect(b.x,b.y,b.width/s,b.height/s);};"
            "fit();window.addEventListener('resize',fit);window.__hezeScreenFit=fit;})();"
            "</script>")
