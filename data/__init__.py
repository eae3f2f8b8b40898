"""Schema, reference data, the synthetic generator and the loaders of the five databases."""
