"""Benchmark of apps.reviews.allocation; run it with `python -m bench.peer_review`."""
