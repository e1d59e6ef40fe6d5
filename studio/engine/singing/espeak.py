"""Speech with phoneme timing from espeak-ng (the library and data shipped by espeakng-loader).

The library keeps global state, so it is initialised once per process and every call holds
one lock. `speak` returns the speech of one text as float32 samples with its phonemes: their
names, the sample each starts at, whether it is a vowel, and the word it belongs to.

The same words come out as the same samples in every process, whatever was said before:
espeak-ng's random jitter and breath noise are seeded from the words before each text, and
its pitch flutter and roughness, which walk on through every utterance and are never
rewound, are turned off in every voice (see _steady_data). WORLD sings the pitch afresh, so
neither is missed.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import tempfile
import threading
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import platformdirs

from studio.engine import locations

_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: the callback gets every buffer in turn
_PHONEME_EVENTS = 0x0001  # espeakINITIALIZE_PHONEME_EVENTS
_PHONEME_IPA = 0x0002  # phoneme events name phonemes in IPA
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: an error returns instead of exiting
_CHARS_UTF8 = 1
_EVENT_END, _EVENT_WORD, _EVENT_PHONEME = 0, 1, 7
_RATE, _PITCH, _RANGE = 1, 3, 4  # espeakRATE, espeakPITCH, espeakRANGE
STEADY = "steady"  # the variant of a voice named without one: steady, nothing else
_STEADY_LINES = "flutter 0\nroughness 0\n"

# IPA letters of vowels (and the syllabic mark): a phoneme holding one is a syllable nucleus
_VOWELS = set("aeiouyæɑɒɐɔəɘɚɛɜɝɞɪʊʌʏøœɶɤɯɨʉ") | {"\u0329"}


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p),
                ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint),
                ("text_position", ctypes.c_int), ("length", ctypes.c_int),
                ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EventId)]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                             ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Phoneme:
    """One phoneme of spoken text: IPA name, first sample, vowel or not, word index."""

    name: str
    start: int
    vowel: bool
    word: int


@dataclass(frozen=True)
class Speech:
    """Spoken text: mono float32 samples, their rate and the phonemes with their timing."""

    audio: np.ndarray
    sample_rate: int
    phonemes: tuple[Phoneme, ...]

    def end(self, index: int) -> int:
        """Where phoneme `index` ends: the next one's start, or the audio's end."""
        if index + 1 < len(self.phonemes):
            return self.phonemes[index + 1].start
        return len(self.audio)


def is_vowel(ipa: str) -> bool:
    return any(ch in _VOWELS for ch in ipa)


class _Engine:
    """The process's espeak-ng, initialised once; `speak` is safe from any thread."""

    def __init__(self) -> None:
        self.lib = ctypes.cdll.LoadLibrary(str(locations.package_file(
            "espeakng_loader", "libespeak-ng.so")))
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint,
                                          ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
                                          ctypes.c_void_p, ctypes.c_void_p]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lock = threading.Lock()
        self.lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        data = locations.package_file("espeakng_loader", "espeak-ng-data")
        path = str(_steady_data(data)).encode()
        self.sample_rate = self.lib.espeak_Initialize(
            _SYNCHRONOUS, 0, path, _PHONEME_EVENTS | _PHONEME_IPA | _DONT_EXIT)
        if self.sample_rate <= 0:
            raise RuntimeError("espeak-ng could not be initialised from its shipped data")
        self._chunks: list[np.ndarray] = []
        self._events: list[tuple[int, int, int, str]] = []
        self._callback = _CALLBACK(self._on_audio)  # kept alive as long as the engine
        self.lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav, count, events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _EVENT_END:
            event = events[index]
            name = event.id.string.decode("utf-8", "replace") \
                if event.type == _EVENT_PHONEME else ""
            self._events.append((event.type, event.audio_position, event.text_position, name))
            index += 1
        return 0

    def speak(self, text: str, voice: str, rate_wpm: int, pitch: int) -> Speech:
        with self.lock:
            named = voice if "+" in voice else f"{voice}+{STEADY}"
            if self.lib.espeak_SetVoiceByName(named.encode()) != 0:
                raise ValueError(f"espeak-ng has no voice '{voice}'")
            self.lib.espeak_SetParameter(_RATE, rate_wpm, 0)
            self.lib.espeak_SetParameter(_PITCH, pitch, 0)
            self.lib.espeak_SetParameter(_RANGE, 0, 0)  # a monotone is easiest to re-pitch
            self._chunks, self._events = [], []
            data = text.encode() + b"\0"
            # espeak-ng seeds its noise from the clock when it starts
            seed = zlib.crc32(b"%s %d %d " % (voice.encode(), rate_wpm, pitch) + data)
            self.lib.espeak_ng_SetRandSeed(seed)
            self.lib.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
            self.lib.espeak_Synchronize()
            chunks, events = self._chunks, self._events
        audio = (np.concatenate(chunks) if chunks else np.zeros(0, np.int16)).astype(np.float32)
        audio = _trimmed(audio / 32768.0, self.sample_rate)
        return Speech(audio, self.sample_rate,
                      _phonemes(text, events, self.sample_rate, len(audio)))


def _steady_data(shipped: Path, cache: Path | None = None) -> Path:
    """espeak-ng's data as shipped, but for its voice variants, each made steady (no pitch
    flutter, no roughness; and a STEADY variant that is only that). It is made once, in the
    user's cache under a hash of the shipped data's place and variants: links to the shipped
    files, and the variants (a few lines each) written out. Processes that make it at once
    each make their own and keep whichever is in place first."""
    variants = {entry.name: entry.read_text(encoding="utf-8", errors="replace")
                for entry in sorted((shipped / "voices" / "!v").iterdir())}
    variants = {name: text.rstrip("\n") + "\n" + _STEADY_LINES for name, text in variants.items()}
    variants[STEADY] = f"language variant\nname {STEADY}\n{_STEADY_LINES}"
    key = hashlib.blake2b(repr((str(shipped.resolve()), variants)).encode(),
                          digest_size=8).hexdigest()
    home = cache or Path(platformdirs.user_cache_dir("ensemble-studio")) / "espeak-ng"
    made = home / key
    if made.is_dir():
        return made / "espeak-ng-data"
    home.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=home))
    data = building / "espeak-ng-data"
    (data / "voices" / "!v").mkdir(parents=True)
    for entry in shipped.iterdir():
        if entry.name != "voices":
            os.symlink(entry.resolve(), data / entry.name)
    for entry in (shipped / "voices").iterdir():
        if entry.name != "!v":
            os.symlink(entry.resolve(), data / "voices" / entry.name)
    for name, text in variants.items():
        (data / "voices" / "!v" / name).write_text(text, encoding="utf-8")
    try:
        building.rename(made)
    except OSError:  # another process put its own in place first
        shutil.rmtree(building, ignore_errors=True)
    return made / "espeak-ng-data"


def _trimmed(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """The speech without the silence after its last sound (the last phoneme ends there)."""
    loud = np.flatnonzero(np.abs(audio) > 0.01 * max(1e-9, float(np.abs(audio).max())))
    end = int(loud[-1]) + round(0.01 * sample_rate) if loud.size else 0
    return audio[: min(len(audio), end)]


def _phonemes(text: str, events: list[tuple[int, int, int, str]], sample_rate: int,
              length: int) -> tuple[Phoneme, ...]:
    """Phoneme events as Phonemes, each tagged with the index of the word it belongs to."""
    word_starts = _word_starts(text)
    word = -1
    result = []
    for kind, position_ms, text_position, name in events:
        if kind == _EVENT_WORD:
            # text positions count characters from 1
            word = max(0, sum(1 for s in word_starts if s <= text_position - 1) - 1)
        elif kind == _EVENT_PHONEME and name.strip() and word >= 0:
            start = min(length, round(position_ms * sample_rate / 1000))
            result.append(Phoneme(name, start, is_vowel(name), word))
    return tuple(result)


def _word_starts(text: str) -> list[int]:
    starts, previous = [], " "
    for index, ch in enumerate(text):
        if not ch.isspace() and previous.isspace():
            starts.append(index)
        previous = ch
    return starts


@cache
def engine() -> _Engine:
    """The process's one espeak-ng (a library with global state cannot have two)."""
    return _Engine()


def speak(text: str, voice: str = "en-us", rate_wpm: int = 150, pitch: int = 50) -> Speech:
    """The speech of `text` with its phonemes' timing."""
    return engine().speak(text, voice, rate_wpm, pitch)
