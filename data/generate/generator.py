"""The generator: the parts of the synthetic snapshot drawn in a fixed order from one random
stream, so a seed gives the same snapshot every time."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from data.generate.activities import Activities
from data.generate.businesses import Businesses
from data.generate.common import AS_OF
from data.generate.people import People
from data.generate.projects import Projects
from data.generate.stations import Stations


class Generator(Stations, People, Businesses, Projects, Activities):
    def run(self) -> dict[str, pd.DataFrame]:
        self.reference_tables()
        self.stations()
        self.parks()
        self.returnees()
        self.outside_people()
        self.entities()
        self.projects()
        self.activities()
        built_at = datetime.now().replace(microsecond=0)
        self.tables["snapshot"] = pd.DataFrame([{
            "snapshot_id": f"synthetic-{self.seed}-x{self.scale}-{built_at:%Y%m%d%H%M%S}",
            "built_at": built_at,
            "as_of": AS_OF,
            "source": "synthetic",
            "seed": self.seed,
            "scale": self.scale,
        }])
        return self.tables
