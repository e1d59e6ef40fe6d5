"""Tests of the window (studio.ui), run offscreen."""
