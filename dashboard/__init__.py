"""The coordinator's dashboard: one static, self-contained HTML page built from the analytics marts.

The page computes nothing. Every number on it is a value of a mart column (formatted for reading);
the build only selects rows, and compares values with the dashboard's alert thresholds.
"""
