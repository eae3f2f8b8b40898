"""Attacks performed against a running dashboard: each test is one attack that once got through."""
