"""View models: what a page or the wall display shows, built below the UI from the services
(analytics, targets) and the indicator registry, in plain Python (no streamlit). The web
layer (pages/) reads its widgets, asks for a view model here and draws it once.

    kpi.kpi_card(key, comparison, lang, as_of)   # one headline card, everything it shows
    tables.display_frame(df, columns, lang)      # a table's shown frame and column widths
    charts.bars(..., lang=lang)                  # plotly figures as plain dictionaries
    screen.*                                     # the 大屏's panels and headline strip
    map_layers.*                                 # the map's pydeck layers and view
"""
