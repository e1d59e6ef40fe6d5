"""Tests of studio.engine.export."""
