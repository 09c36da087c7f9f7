"""Foundations every layer uses: device, seeding, threads, progress, checkpoints, argument checks."""
