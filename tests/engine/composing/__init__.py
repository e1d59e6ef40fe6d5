"""Tests of studio.engine.composing."""
