"""From-scratch references that lessons rebuild and check against PyTorch."""
