"""Test set-up shared by the whole suite: Qt runs offscreen, with no display."""

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path, monkeypatch):
    """Tests never read or write the real user's preference profile, render cache, window
    layout or documents."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
