"""The studio's settings: output device, playback rate and latency, the loudness target of new
songs, how large the render cache may grow and the projects opened last, kept as a small JSON
file in the user's config folder."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from studio.engine.serialize import write_json

FORMAT_VERSION = 1

RECENT_KEPT = 8
PLAYBACK_RATES_HZ = (44100, 48000)
PLAYBACK_LATENCIES = ("low", "normal", "safe")  # as studio.engine.playback.server's LATENCIES
RENDER_CACHE_GB = 2.0
RENDER_CACHE_RANGE_GB = (0.5, 200.0)


@dataclass
class StudioSettings:
    """What the person chose in the settings dialog, and the projects opened last (newest
    first). `output_device` is a device name (indices change when devices come and go);
    None is the system's default. `loudness_target` names a target (streaming, club,
    broadcast) that new songs are mastered to. `latency` is the playback's block size: "low",
    "normal" or "safe" (the default: no gaps on a busy 2-core machine). `render_cache_gb` caps
    the rendered audio kept in the user's cache folder, which the window and the `studio`
    command share (a 3-minute song takes about 1 GB)."""

    output_device: str | None = None
    sample_rate_hz: int = 48000
    loudness_target: str = "streaming"
    latency: str = "safe"
    render_cache_gb: float = RENDER_CACHE_GB
    recent_projects: list[str] = field(default_factory=list)

    def remember(self, project: str | Path) -> None:
        """Put a project first among the recent ones."""
        path = str(Path(project).resolve())
        self.recent_projects = [path] + [p for p in self.recent_projects if p != path]
        del self.recent_projects[RECENT_KEPT:]

    @property
    def render_cache_bytes(self) -> int:
        return int(self.render_cache_gb * 1024**3)


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("ensemble-studio")) / "settings.json"


def load_settings(path: Path | None = None) -> StudioSettings:
    """The saved settings; the defaults when there are none or they cannot be read."""
    try:
        data = json.loads((path or settings_path()).read_text())
        settings = StudioSettings(
            output_device=None if data.get("output_device") is None
            else str(data["output_device"]),
            sample_rate_hz=int(data.get("sample_rate_hz", 48000)),
            loudness_target=str(data.get("loudness_target", "streaming")),
            latency=str(data.get("latency", "safe")),
            render_cache_gb=float(data.get("render_cache_gb", RENDER_CACHE_GB)),
            recent_projects=[str(p) for p in data.get("recent_projects", [])])
    except (OSError, ValueError, TypeError, AttributeError):
        return StudioSettings()
    if settings.sample_rate_hz not in PLAYBACK_RATES_HZ:
        settings.sample_rate_hz = 48000
    if settings.latency not in PLAYBACK_LATENCIES:
        settings.latency = "safe"
    low, high = RENDER_CACHE_RANGE_GB
    if not low <= settings.render_cache_gb <= high:  # also NaN
        settings.render_cache_gb = RENDER_CACHE_GB
    return settings


def save_settings(settings: StudioSettings, path: Path | None = None) -> None:
    write_json(path or settings_path(), {"format": FORMAT_VERSION, **asdict(settings)})
