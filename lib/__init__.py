"""The shared code of the large-models course (大模型课程).

Lessons build each idea in the open, then import the same thing from here, checked equal.
Importing `lib` does nothing but define names: no globals are changed, nothing is downloaded.
"""

__version__ = "0.2.0"
