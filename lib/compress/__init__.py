"""Making trained models smaller: quantization and distillation."""
