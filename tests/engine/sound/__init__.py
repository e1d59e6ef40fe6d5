"""Tests of studio.engine.sound."""
