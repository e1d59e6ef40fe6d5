"""Tests of studio.engine.edit."""
