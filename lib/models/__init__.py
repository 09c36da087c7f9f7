"""Models the course builds and trains, one architecture per module, and what reads them (attention maps, sampling)."""
