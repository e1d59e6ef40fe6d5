"""Tests of the engine, a folder per package; songs.py, contexts.py and prompt_suite.py make
what they test."""
