"""Tests of studio.engine.lyrics."""
