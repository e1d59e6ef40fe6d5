"""Tests of the project file (studio.project)."""
