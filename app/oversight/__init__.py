"""Managers' oversight: dashboard figures, access-log review, anomaly alerts, reports."""
