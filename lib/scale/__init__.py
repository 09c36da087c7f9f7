"""Arithmetic of scale: parameter counts, memory, compute, scaling laws and serving cost."""
