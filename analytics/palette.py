"""One colour per category, the same on every chart whatever the filter: a county, an
industry, a project stage or a station level always keeps its colour.

Colours are assigned by code from fixed lists, never by position in a filtered result.
"""

from __future__ import annotations

# 11 counties: 9 districts and counties and the two zones (adcode order).
COUNTY_COLOURS = {
    371702: "#1f77b4", 371703: "#ff7f0e", 371721: "#2ca02c", 371722: "#d62728",
    371723: "#9467bd", 371724: "#8c564b", 371725: "#e377c2", 371726: "#7f7f7f",
    371728: "#bcbd22", 371771: "#17becf", 371772: "#393b79",
}
# 22 industries of the "231" system and the local specialities.
INDUSTRY_COLOURS = {
    "biomed": "#1f77b4", "chemicals": "#aec7e8", "agrifood": "#ff7f0e", "machinery": "#ffbb78",
    "logistics": "#2ca02c", "materials": "#98df8a", "it": "#d62728", "services": "#ff9896",
    "costume": "#9467bd", "wood": "#c5b0d5", "ecommerce": "#8c564b", "painting": "#c49c94",
    "hair": "#e377c2", "wicker": "#f7b6d2", "knitwear": "#7f7f7f", "peony": "#c7c7c7",
    "wool": "#bcbd22", "livestock": "#dbdb8d", "catering": "#17becf", "planting": "#9edae5",
    "construction": "#393b79", "tourism": "#637939",
}
# Project stages in pipeline order, light to dark: a project moves right and darkens.
STAGE_ORDER = ("negotiating", "signed", "building", "operating")
STAGE_COLOURS = {"negotiating": "#c6dbef", "signed": "#6baed6", "building": "#2171b5",
                 "operating": "#08306b"}
LEVEL_COLOURS = {"city": "#e63946", "county": "#1d4ed8"}
INDICATOR_COLOURS = {"returnees": "#b22222", "entities": "#f4a261", "jobs": "#2a9d8f",
                     "big_projects": "#264653", "big_investment": "#264653"}
RECOMMENDED_COLOURS = {"station": "#b22222", "other": "#d9d9d9"}
PRIMARY = "#b22222"       # the theme's colour: a single series
MUTED = "#c9cdd3"         # counties not chosen, beside the chosen ones
HIGHLIGHT = "#b22222"     # the chosen counties
PARTIAL_OPACITY = 0.45    # a period the data covers only in part


def colour(dim: str, code) -> str:
    table = {"county": COUNTY_COLOURS, "industry": INDUSTRY_COLOURS, "stage": STAGE_COLOURS,
             "level": LEVEL_COLOURS, "indicator": INDICATOR_COLOURS}[dim]
    try:
        return table[code]
    except KeyError:
        return PRIMARY if dim == "indicator" else MUTED


def colour_map(dim: str, codes, labels) -> dict[str, str]:
    """Plotly's color_discrete_map for the labels a chart shows, keyed by their codes."""
    return {label: colour(dim, code) for code, label in zip(codes, labels, strict=True)}

HEAT = [[0.0, "#fff5f0"], [0.15, "#fcbba1"], [0.45, "#fb6a4a"], [0.75, "#cb181d"],
        [1.0, "#67000d"]]  # a sequential scale for counts, white to dark red
