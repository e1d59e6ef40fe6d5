"""Test set-up shared by the whole suite: Qt runs offscreen, with no display; a JACK server
with its dummy driver stands in for a sound card."""

import os
import shutil
import subprocess
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
JACK_RATE, JACK_BLOCK = 48000, 512


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path, monkeypatch):
    """Tests never read or write the real user's preference profile, render cache, window
    layout or documents."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="session")
def jack():
    """A JACK server with its dummy driver: a paced 48 kHz device with no hardware."""
    import sounddevice

    from studio.engine.playback import output_devices

    if shutil.which("jackd") is None:
        pytest.fail("jackd is not installed: scripts/setup.sh installs jackd2")
    name = f"studio-test-{os.getpid()}"
    os.environ["JACK_DEFAULT_SERVER"] = name
    os.environ["JACK_NO_AUDIO_RESERVATION"] = "1"
    server = subprocess.Popen(["jackd", "-n", name, "-d", "dummy", "-r", str(JACK_RATE), "-p",
                               str(JACK_BLOCK)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            sounddevice._terminate()
            sounddevice._initialize()
            if output_devices():
                break
            time.sleep(0.1)
        else:
            pytest.fail("the JACK dummy server did not come up")
        yield next(d for d in output_devices() if "JACK" in d.host_api)
    finally:
        sounddevice._terminate()  # before the server goes: PortAudio's JACK client aborts after
        server.terminate()
        server.wait(10)
        sounddevice._initialize()


def pytest_sessionfinish(session, exitstatus):
    """Shut Qt down while Python still stands: PySide6 objects left to the interpreter's
    final collection can crash it on the way out."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.processEvents()
        app.shutdown()
