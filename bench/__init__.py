"""wagate benchmarks (issue 7): ``python -m bench [--quick] [--scenario NAME ...] [--out DIR]``."""
