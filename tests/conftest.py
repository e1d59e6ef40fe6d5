"""Test set-up shared by the whole suite: Qt runs offscreen, with no display; a JACK server
with its dummy driver stands in for a sound card."""

import os
import shutil

import pytest

from tests.jack_device import jack_device

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path, monkeypatch):
    """Tests never read or write the real user's preference profile, render cache, window
    layout, documents or logs."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(scope="session")
def jack():
    """A JACK server with its dummy driver: a paced 48 kHz device with no hardware."""
    if shutil.which("jackd") is None:
        pytest.fail("jackd is not installed: scripts/setup.sh installs jackd2")
    with jack_device(f"studio-test-{os.getpid()}") as device:
        yield device


def pytest_sessionfinish(session, exitstatus):
    """Shut Qt down while Python still stands: PySide6 objects left to the interpreter's
    final collection can crash it on the way out."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        app.shutdown()
