"""Tests of studio.engine.singing."""
