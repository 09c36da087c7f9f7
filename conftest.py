"""Settings for every test and lesson pytest runs: progress bars hidden and the network blocked.

The environment set here is inherited by each notebook kernel nbval starts and by any process a lesson
launches (torchrun's workers): COURSE_QUIET hides progress bars; COURSE_OFFLINE=1 with tests/offline on
PYTHONPATH makes every Python process refuse non-loopback connections (lib.core.offline), so a lesson
that reached for the network would fail its run.
"""

import os
from pathlib import Path

OFFLINE_HOOK = Path(__file__).resolve().parent / "tests" / "offline"

os.environ["COURSE_QUIET"] = "1"
os.environ.setdefault("COURSE_OFFLINE", "1")
if str(OFFLINE_HOOK) not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_HOOK), os.environ.get("PYTHONPATH")]))
