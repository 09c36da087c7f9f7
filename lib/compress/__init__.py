"""Making trained models smaller: pruning, quantization and distillation, and measuring what they save."""
