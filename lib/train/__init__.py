"""The course's one training engine (``loop.train``, ``engine.fit``) and the pieces it is built from."""
