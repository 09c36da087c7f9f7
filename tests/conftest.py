"""Test-suite settings: hide progress bars (also in nbval's kernels) and draw plots off-screen."""

import os

import matplotlib
import pytest
import torch

# Set before nbval starts any kernel, so kernels inherit it: lib's progress bars stay hidden.
os.environ["COURSE_QUIET"] = "1"
matplotlib.use("Agg")


@pytest.fixture(autouse=True, scope="session")
def one_cpu_thread():
    """The unit tests' models are tiny: one CPU thread is as fast as several and does not crawl on a
    shared 2-core machine (CI). Notebooks run in their own kernels and are not affected."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
