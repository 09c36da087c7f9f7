"""The course itself: catalogue, authoring, exercise checks and the glossary."""
