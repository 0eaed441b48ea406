"""Helpers that tests import: factories, the booking cast, PDF reading, private servers.

Fixtures stay in conftest.py files; anything a test module imports by name lives here.
"""
