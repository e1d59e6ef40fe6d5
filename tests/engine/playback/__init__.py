"""Tests of studio.engine.playback."""
