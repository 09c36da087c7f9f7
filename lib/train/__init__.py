"""The course's one training engine and the optimizers and metrics it uses."""
