"""Experiment code that serves a single lesson, kept apart from the general tools."""
