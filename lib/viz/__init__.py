"""Plots and widgets; every widget wraps a plain, tested function."""
