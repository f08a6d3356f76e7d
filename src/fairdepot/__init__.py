"""fairdepot: one FAIR research-data catalogue behind the FAIRSCAPE, SciCat and gCat APIs."""

__version__ = "0.1.0"
