"""Benchmarks beside their floors (issue 16): `python -m tests.benchmarks [--quick]`.

Kept out of the normal test run: no module here is named `test_*`, so pytest never
collects them; they build big databases and take minutes.
"""
