"""Tests of studio.engine.worker."""
