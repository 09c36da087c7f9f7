"""Data that ships with Python or an installed package: nothing here downloads anything."""
