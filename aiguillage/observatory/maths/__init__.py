"""Network maths on polars frames, per group of key columns (territory, period…). No Django."""
