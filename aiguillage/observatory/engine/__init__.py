"""Load, compute, classify, explain: the observatory's engine (pure Python + polars)."""
