"""Models the course builds and trains: each module holds one architecture."""
