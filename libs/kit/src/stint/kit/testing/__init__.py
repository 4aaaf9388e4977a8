"""Test support shared by every service's tests: real-infrastructure fixtures and polling.

Registered as a pytest plugin by the root conftest.py. Nothing here fakes Kafka or MongoDB.
"""
