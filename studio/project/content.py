"""Content addressing: a composition as components stored once by hash, and a manifest.

Each component (title, context, mastering and bus settings, each section, each lane, each
part, each sung section's lyrics with their alignment to the vocal notes) is canonical JSON,
compressed, keyed by a hash of its bytes; a version is a manifest of those
hashes, so a part that did not change between versions is stored once. Parts write their
notes as rows of numbers, which keeps a version of a three-minute song to a few kilobytes.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass

from studio.engine.model import Composition, Note, Part
from studio.engine.serialize import (
    context_from_dict,
    context_to_dict,
    lane_from_dict,
    mix_settings_from_dict,
    plain,
    section_from_dict,
    section_lyrics_from_dict,
    section_lyrics_to_dict,
)

FORMAT = 1  # of the component encoding below; part of every manifest
# The most a component may hold once decompressed: a part at the limits' densest (64 notes a
# beat over 64 bars of 6 beats, 30 bytes a note) is under 1 MB, a manifest of 1800 sections
# with 8 lanes about 1 MB. A larger one is refused before it fills memory.
COMPONENT_BYTES_MAX = 16 * 1024 * 1024


@dataclass(frozen=True)
class Component:
    kind: str
    hash: str
    data: bytes  # compressed canonical JSON


def component(kind: str, value) -> Component:
    raw = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return Component(kind, hashlib.blake2b(raw, digest_size=16).hexdigest(), zlib.compress(raw, 6))


class TooLarge(ValueError):
    """A component larger than COMPONENT_BYTES_MAX: the studio writes none so large."""


def decode(data: bytes):
    """A component's value; TooLarge when it would be larger than COMPONENT_BYTES_MAX."""
    inflater = zlib.decompressobj()
    raw = inflater.decompress(data, COMPONENT_BYTES_MAX)
    if inflater.unconsumed_tail:
        raise TooLarge(f"a part of it holds more than {COMPONENT_BYTES_MAX // 2**20} MB, where "
                       f"the studio writes at most {COMPONENT_BYTES_MAX // 2**20} MB")
    return json.loads(raw)


class Encoder:
    """Turns compositions into components, remembering parts it has already hashed."""

    def __init__(self) -> None:
        self._parts: dict[int, tuple[Part, Component]] = {}

    def components(self, composition: Composition) -> tuple[dict, list[Component]]:
        """The manifest of a composition and every component it names."""
        made: list[Component] = [
            component("title", composition.title),
            component("context", context_to_dict(composition.context)),
            component("master", {"mastering": plain(composition.mastering),
                                 "buses": plain(composition.buses)}),
        ]
        sections = [component("section", plain(s)) for s in composition.sections]
        lanes = [component("lane", plain(lane)) for lane in composition.lanes.values()]
        parts = {f"{sid}|{lane}": self._part(p) for (sid, lane), p in composition.parts.items()}
        lyrics = {str(sid): component("lyrics", section_lyrics_to_dict(words))
                  for sid, words in composition.lyrics.items()}
        made += sections + lanes + list(parts.values()) + list(lyrics.values())
        manifest = {
            "format": FORMAT, "title": made[0].hash, "context": made[1].hash,
            "master": made[2].hash,
            "sections": [[s.id, c.hash] for s, c in zip(composition.sections, sections,
                                                        strict=True)],
            "lanes": [[name, c.hash] for name, c in zip(composition.lanes, lanes, strict=True)],
            "parts": {key: c.hash for key, c in parts.items()},
            "lyrics": {sid: c.hash for sid, c in lyrics.items()},
        }
        return manifest, made

    def _part(self, part: Part) -> Component:
        known = self._parts.get(id(part))
        if known is not None and known[0] is part:
            return known[1]
        notes = [[n.pitch, n.start_beats, n.duration_beats, n.velocity, int(n.chromatic)]
                 for n in part.notes]
        made = component("part", {"lane": part.lane, "section_id": part.section_id,
                                  "variation": part.variation, "locked": part.locked,
                                  "notes": notes})
        if len(self._parts) > 5000:
            self._parts.clear()
        self._parts[id(part)] = (part, made)
        return made


def composition_from(manifest: dict, blobs: dict[str, bytes]) -> Composition:
    """The composition a manifest names, from its components' stored bytes."""
    def load(hash_):
        return decode(blobs[hash_])

    composition = Composition(
        title=load(manifest["title"]),
        context=context_from_dict(load(manifest["context"])),
        sections=[section_from_dict(load(h)) for _, h in manifest["sections"]],
        lanes={name: lane_from_dict(load(h)) for name, h in manifest["lanes"]},
        **mix_settings_from_dict(load(manifest["master"])),
    )
    for key, hash_ in manifest["parts"].items():
        section_id, lane = key.split("|", 1)
        data = load(hash_)
        notes = tuple(Note(p, s, d, v, bool(c)) for p, s, d, v, c in data["notes"])
        composition.parts[(int(section_id), lane)] = Part(
            data["lane"], data["section_id"], notes, data["variation"], data["locked"])
    # a manifest written before songs had words has no lyrics
    composition.lyrics = {int(sid): section_lyrics_from_dict(load(h))
                          for sid, h in manifest.get("lyrics", {}).items()}
    return composition


def manifest_hashes(manifest: dict) -> list[str]:
    """Every component hash a manifest names."""
    return ([manifest["title"], manifest["context"], manifest["master"]]
            + [h for _, h in manifest["sections"]] + [h for _, h in manifest["lanes"]]
            + list(manifest["parts"].values()) + list(manifest.get("lyrics", {}).values()))
