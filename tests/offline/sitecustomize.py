"""Started by every Python process the test suite launches (PYTHONPATH has this folder first).

With COURSE_OFFLINE=1 it blocks the network for Python code (lib.core.offline), so every notebook
kernel under nbval, and every worker a lesson starts, proves that the lesson runs offline.
"""

import os

if os.environ.get("COURSE_OFFLINE") == "1":
    from lib.core.offline import block_network

    block_network()
