"""Data files shipped with the cleaning core (see NOTICE for sources and licences)."""
