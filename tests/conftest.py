"""Test-suite settings: hide progress bars (also in nbval's kernels) and draw plots off-screen."""

import os

import matplotlib

# Set before nbval starts any kernel, so kernels inherit it: lib's progress bars stay hidden.
os.environ["COURSE_QUIET"] = "1"
matplotlib.use("Agg")
