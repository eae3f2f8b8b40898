"""The briefing's chart images: matplotlib (Agg) with the Chinese font, as PNG bytes.

Matplotlib draws offline, needs no browser and no display, and renders the same PNG for
the DOCX and the PDF. Every chart is drawn on its own Figure (no pyplot state); drawing
is serialised by a lock because matplotlib's font cache and rcParams are process-wide.
A glyph the font lacks is an error here, never a box in the document.
"""

from __future__ import annotations

import io
import math
import threading
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

from matplotlib import patheffects  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from analytics import palette  # noqa: E402
from briefing.fonts import cjk_font  # noqa: E402
from briefing.text import BriefingError, s  # noqa: E402
from core.formatting import chinese_number, english_number  # noqa: E402
from data import geography as geo  # noqa: E402

WIDTH_IN = 6.7  # 170 mm, the text width of the page in both documents
DPI = 200
FONT_PT = 8.5
# Ink, grid and axis lines; the colours of the data (series, counties, industries, station
# levels) are the dashboard's, from analytics.palette, so a reader sees the same colours
# on paper as on the screen.
INK = "#212529"
GRID = "#dee2e6"
AXIS = "#adb5bd"
PROVINCE_FILL = "#f3f1ec"
PROVINCE_EDGE = "#a0a0a0"
SEA_LINE = "#6e6e6e"

_lock = threading.Lock()
_configured = False


@dataclass(frozen=True)
class Chart:
    png: bytes = field(repr=False)
    aspect: float  # height / width


def _configure() -> None:
    global _configured
    if _configured:
        return
    font = cjk_font()
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [font.regular.family, "DejaVu Sans"],
        "font.size": FONT_PT,
        "axes.unicode_minus": False,  # U+2212 is in the CJK font, but keep plain hyphens
        "axes.edgecolor": AXIS,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.fonttype": "none",
    })
    _configured = True


@contextmanager
def _drawing():
    """One chart at a time, with the Chinese font; a glyph the font lacks (matplotlib
    would draw a box and warn) raises BriefingError instead."""
    with _lock, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _configure()
        yield
    missing = sorted({str(w.message) for w in caught if "missing from font" in str(w.message)})
    if missing:
        raise BriefingError("missing_glyphs", value="; ".join(missing[:3]))


def _render(fig: Figure) -> Chart:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white",
                pil_kwargs={"compress_level": 3})
    w, h = fig.get_size_inches()
    return Chart(buf.getvalue(), float(h / w))


def number(value: float, lang: str) -> str:
    return chinese_number(value) if lang == "zh" else english_number(value)


def _axis_numbers(ax, axis: str, lang: str) -> None:
    fmt = FuncFormatter(lambda v, _pos: number(v, lang) if v else "0")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(MaxNLocator(6, integer=True))


def _clean(ax, grid_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(length=0)


def year_bars(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]],
              lang: str) -> Chart:
    """Grouped bars per year: one bar per series (name, colour, values), the value above
    each bar."""
    with _drawing():
        fig = Figure(figsize=(WIDTH_IN, 3.0))
        ax = fig.add_subplot()
        n = len(series)
        width = 0.8 / max(n, 1)
        top = max((v for _, _, vals in series for v in vals), default=0)
        for i, (name, colour, values) in enumerate(series):
            xs = [x - 0.4 + width * (i + 0.5) for x in range(len(labels))]
            bars = ax.bar(xs, values, width * 0.92, label=name, color=colour)
            for bar, v in zip(bars, values, strict=True):
                if v:
                    ax.text(bar.get_x() + bar.get_width() / 2, v + top * 0.015, number(v, lang),
                            ha="center", va="bottom", fontsize=FONT_PT - 1.5, color=INK)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_ylim(0, top * 1.15 if top else 1)
        _axis_numbers(ax, "y", lang)
        _clean(ax, "y")
        ax.legend(frameon=False, loc="upper left", ncols=n)
        fig.tight_layout(pad=0.4)
        return _render(fig)


def horizontal_bars(names: Sequence[str], values: Sequence[float], labels: Sequence[str],
                    lang: str, axis_label: str, highlight: Sequence[bool] | None = None,
                    colours: Sequence[str] | None = None) -> Chart:
    """One bar per name, largest on top, its label at the end of the bar. As on the
    dashboard: with `highlight`, the chosen bars stand out and the others are muted;
    `colours` gives each bar its own (an industry's colour); else the app's colour."""
    with _drawing():
        rows = len(names)
        fig = Figure(figsize=(WIDTH_IN, max(1.4, 0.2 * rows + 0.7)))
        ax = fig.add_subplot()
        ys = list(range(rows))[::-1]
        if highlight and any(highlight):
            colours = [palette.HIGHLIGHT if h else palette.MUTED for h in highlight]
        elif colours is None:
            colours = [palette.PRIMARY] * rows
        ax.barh(ys, values, 0.7, color=list(colours))
        top = max(values, default=0) or 1
        texts = [ax.text(v, y, f" {text}", va="center", ha="left", fontsize=FONT_PT - 1,
                         color=INK) for y, v, text in zip(ys, values, labels, strict=True)]
        ax.set_yticks(ys, names)
        ax.set_xlim(0, top * 1.05)
        ax.set_ylim(-0.6, rows - 0.4)
        ax.set_xlabel(axis_label)
        _axis_numbers(ax, "x", lang)
        _clean(ax, "x")
        fig.tight_layout(pad=0.4)
        _fit_labels(fig, ax, values, texts)
        return _render(fig)


def _fit_labels(fig: Figure, ax, values: Sequence[float], texts) -> None:
    """Widen the value axis so that every label after its bar stays inside the axes: a
    bar of value v ends at v / X of the axes width, its label needs w pixels more, so
    X >= v * W / (W - w) for every bar."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    axes_px = ax.get_window_extent(renderer).width
    needed = ax.get_xlim()[1]
    for v, text in zip(values, texts, strict=True):
        label_px = text.get_window_extent(renderer).width
        if label_px < axes_px * 0.9:
            needed = max(needed, v * axes_px / (axes_px - label_px) * 1.01)
    ax.set_xlim(0, needed)


# -- the station map ---------------------------------------------------------------------

# Albers equal-area conic for China: standard parallels 25°N and 47°N, central meridian
# 105°E (the usual choice for national maps of China), on the unit sphere.
_PHI1, _PHI2, _LON0 = math.radians(25), math.radians(47), 105.0
_N = (math.sin(_PHI1) + math.sin(_PHI2)) / 2
_C = math.cos(_PHI1) ** 2 + 2 * _N * math.sin(_PHI1)
_RHO0 = math.sqrt(_C) / _N


def albers(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) of a WGS84 point in the Albers projection above (unit sphere)."""
    rho = math.sqrt(_C - 2 * _N * math.sin(math.radians(lat))) / _N
    theta = _N * math.radians(lon - _LON0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


def _project(points) -> list[tuple[float, float]]:
    return [albers(lon, lat) for lon, lat in points]


@dataclass(frozen=True)
class _Geometry:
    polygons: list[list[tuple[float, float]]]
    lines: dict[str, list[list[tuple[float, float]]]]  # kind -> paths
    main_polygons: list[list[tuple[float, float]]]  # without what lies wholly in the inset
    main_lines: dict[str, list[list[tuple[float, float]]]]
    main_box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the whole map
    inset_box: tuple[float, float, float, float]  # what the inset shows
    inset_rect: tuple[float, float, float, float]  # where it sits: x, y, w, h (map units)


TAIWAN = 710000
SOUTH_EDGE = 17.5  # °N: the main frame ends just below Hainan; what lies wholly south of
# it (the South China Sea islands, most of the nine-dash line) is drawn in the inset only
INSET_SHARE = 0.29  # inset height as a share of the map's height


_geometry: _Geometry | None = None


def _bbox(points) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _load_geometry() -> _Geometry:
    """Province outlines and boundary lines, projected, and the layout of the map: the
    main frame holds every province down to Hainan (18°N), Taiwan included; the South
    China Sea islands and the nine-dash line go into an inset at the lower right, below
    Taiwan and east of Guangdong, so it hides no land. Computed once per process."""
    global _geometry
    if _geometry is not None:
        return _geometry
    rows = geo.province_polygons()
    polygons = [_project(row["polygon"]) for row in rows]
    main_polygons = [poly for row, poly in zip(rows, polygons, strict=True)
                     if max(lat for _lon, lat in row["polygon"]) >= SOUTH_EDGE]
    lines: dict[str, list] = {}
    main_lines: dict[str, list] = {}
    for row in geo.line_paths():
        projected = _project(row["path"])
        lines.setdefault(row["kind"], []).append(projected)
        if max(lat for _lon, lat in row["path"]) >= SOUTH_EDGE:
            main_lines.setdefault(row["kind"], []).append(projected)
    x0, y0, x1, y1 = _pad(_bbox(_project(
        p for row in rows for p in row["polygon"] if p[1] >= SOUTH_EDGE)), 0.02)
    sea = [p for path in lines["nine_dash_line"] for p in path]
    sea += [albers(lon, lat) for row in rows for lon, lat in row["polygon"]
            if lat < SOUTH_EDGE]
    inset_box = _pad(_bbox(sea), 0.06)
    taiwan_bottom = min(y for row, poly in zip(rows, polygons, strict=True)
                        if row["adcode"] == TAIWAN for _x, y in poly)
    height = y1 - y0
    inset_h = INSET_SHARE * height
    inset_w = inset_h * (inset_box[2] - inset_box[0]) / (inset_box[3] - inset_box[1])
    top = taiwan_bottom - 0.02 * height
    rect = (x1 - inset_w, top - inset_h, inset_w, inset_h)
    y0 = min(y0, rect[1] - 0.01 * height)
    _geometry = _Geometry(polygons, lines, main_polygons, main_lines, (x0, y0, x1, y1),
                          inset_box, rect)
    return _geometry


def _pad(box, share):
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * share, (y1 - y0) * share
    return x0 - dx, y0 - dy, x1 + dx, y1 + dy


def _draw_base(ax, polygons, lines, scale: float) -> None:
    ax.add_collection(PolyCollection(polygons, facecolors=PROVINCE_FILL,
                                     edgecolors=PROVINCE_EDGE, linewidths=0.35 * scale))
    styles = {
        "nine_dash_line": dict(colors=SEA_LINE, linewidths=1.1 * scale),
        "maritime_provincial_boundary": dict(colors=PROVINCE_EDGE, linewidths=0.35 * scale),
        "sar_boundary": dict(colors=PROVINCE_EDGE, linewidths=0.35 * scale,
                             linestyles=(0, (2, 1))),
        "undetermined_boundary": dict(colors=SEA_LINE, linewidths=0.6 * scale,
                                      linestyles=(0, (3, 2))),
    }
    for kind, paths in lines.items():
        ax.add_collection(LineCollection(paths, **styles.get(kind, styles["sar_boundary"])))
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def station_map(points: Sequence[tuple[float, float, str]], counts: dict[str, int],
                heze: tuple[float, float], lang: str) -> Chart:
    """Stations as dots by level on China, with the South China Sea islands inset."""
    with _drawing():
        g = _load_geometry()
        x0, y0, x1, y1 = g.main_box
        height = WIDTH_IN * (y1 - y0) / (x1 - x0)
        fig = Figure(figsize=(WIDTH_IN, height))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        _draw_base(ax, g.main_polygons, g.main_lines, 1.0)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        for spine in ax.spines.values():
            spine.set_visible(False)
        handles = []
        for level in ("county", "city"):  # city-level dots on top
            xy = [albers(lon, lat) for lon, lat, lv in points if lv == level]
            if not xy:  # a county filter leaves out city-level stations
                continue
            label = s("legend_level", lang, label=s(f"level_{level}", lang),
                      n=counts.get(level, 0))
            size = 26 if level == "city" else 14
            handles.append(ax.scatter([p[0] for p in xy], [p[1] for p in xy], s=size,
                                      color=palette.LEVEL_COLOURS[level], edgecolors="white",
                                      linewidths=0.5, label=label, zorder=3))
        hx, hy = albers(*heze)
        ax.scatter([hx], [hy], s=90, marker="*", color="#111111", edgecolors="white",
                   linewidths=0.6, zorder=4)
        ax.annotate(s("map_heze", lang), (hx, hy), xytext=(-5, 5), textcoords="offset points",
                    ha="right", va="bottom", fontsize=FONT_PT, fontweight="bold",
                    color="#111111", zorder=5,
                    path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        if handles:
            ax.legend(handles=handles[::-1], loc="lower left", frameon=True, framealpha=0.9,
                      edgecolor=GRID, fontsize=FONT_PT, bbox_to_anchor=(0.01, 0.02))
        # 南海诸岛: the same layers in a framed box at the lower right
        ix0, iy0, ix1, iy1 = g.inset_box
        inset = ax.inset_axes(g.inset_rect, transform=ax.transData)
        _draw_base(inset, g.polygons, g.lines, 0.7)
        inset.set_xlim(ix0, ix1)
        inset.set_ylim(iy0, iy1)
        inset.set_facecolor("white")
        for spine in inset.spines.values():
            spine.set_edgecolor(SEA_LINE)
            spine.set_linewidth(0.6)
        inset.text(0.5, 0.03, s("map_inset", lang), transform=inset.transAxes, ha="center",
                   va="bottom", fontsize=FONT_PT - 1.5, color=INK)
        return _render(fig)
