"""Test-suite settings: hide progress bars, draw plots off-screen, and block the network.

The network is blocked in this process and, through tests/offline/sitecustomize.py, in every Python
process a test starts (the repository's conftest.py does the same for nbval's kernels), so no test can pass by
downloading something.
"""

import os
from pathlib import Path

import matplotlib
import pytest
import torch

from lib.core.offline import block_network

OFFLINE_HOOK = Path(__file__).resolve().parent / "offline"

os.environ["COURSE_QUIET"] = "1"
os.environ.setdefault("COURSE_OFFLINE", "1")
if str(OFFLINE_HOOK) not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_HOOK), os.environ.get("PYTHONPATH")]))
if os.environ["COURSE_OFFLINE"] == "1":
    block_network()
matplotlib.use("Agg")


@pytest.fixture(autouse=True, scope="session")
def one_cpu_thread():
    """The unit tests' models are tiny: one CPU thread is as fast as several and does not crawl on a
    shared 2-core machine (CI). Notebooks run in their own kernels and are not affected."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
