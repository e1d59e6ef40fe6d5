"""Speech with phoneme timing from Flite (CMU's small speech synthesiser, Debian's libflite1).

Its clustergen voices (slt, rms, awb) say words far more plainly than espeak-ng's formant
synthesis, and a speech recogniser makes out more of the sung lines made from them (see
scripts/intelligibility.py). `speak` returns the same Speech as espeak.speak: float32 samples
and the phonemes (CMU phone names, the sample each starts at, vowel or not, the word index).

The library keeps global state (its voices), so it is loaded once per process and every call
holds one lock. Its voices draw noise from the C library's rand(), which is seeded from the
text before each call: the same text comes out as the same samples every time.
"""

from __future__ import annotations

import ctypes
import threading
import zlib
from functools import cache

import numpy as np

from studio.engine import locations
from studio.engine.singing.espeak import Phoneme, Speech

LIBRARY = "libflite.so.1"
VOICES = {  # name -> (library, register function)
    "slt": ("libflite_cmu_us_slt.so.1", "register_cmu_us_slt"),
    "rms": ("libflite_cmu_us_rms.so.1", "register_cmu_us_rms"),
    "awb": ("libflite_cmu_us_awb.so.1", "register_cmu_us_awb"),
    "kal16": ("libflite_cmu_us_kal16.so.1", "register_cmu_us_kal16"),
}
# the voices' own languages and lexicon, which their libraries need loaded first
_LANGUAGE = ("libflite_usenglish.so.1", "libflite_cmulex.so.1")
# CMU phones that are syllable nuclei
VOWELS = frozenset("aa ae ah ao aw ax axr ay eh er ey ih ix iy ow oy uh uw".split())
NORMAL_WPM = 170  # about the rate Flite's voices speak at a duration stretch of 1
# Flite's voices put most of their energy in the fundamental; the speech is pre-emphasised
# (x[n] - k x[n-1], as speech analysis usually is) so that the formants stand out of its
# spectral envelope as in espeak-ng's speech, and a voice's measured profile means the same
PRE_EMPHASIS = 0.97
PAUSE = "pau"


class _Wave(ctypes.Structure):
    _fields_ = [("type", ctypes.c_char_p), ("sample_rate", ctypes.c_int),
                ("num_samples", ctypes.c_int), ("num_channels", ctypes.c_int),
                ("samples", ctypes.POINTER(ctypes.c_short))]


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("features", ctypes.c_void_p)]


class _Flite:
    def __init__(self) -> None:
        try:
            self.lib = ctypes.CDLL(locations.system_library(LIBRARY), mode=ctypes.RTLD_GLOBAL)
            for name in _LANGUAGE:
                ctypes.CDLL(locations.system_library(name), mode=ctypes.RTLD_GLOBAL)
        except OSError as error:
            raise RuntimeError(f"Flite is not installed ({error}); scripts/setup.sh installs "
                               "libflite1") from error
        lib = self.lib
        lib.flite_init.restype = ctypes.c_int
        lib.flite_synth_text.restype = ctypes.c_void_p
        lib.flite_synth_text.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
        lib.utt_wave.restype = ctypes.POINTER(_Wave)
        lib.utt_wave.argtypes = [ctypes.c_void_p]
        lib.utt_relation.restype = ctypes.c_void_p
        lib.utt_relation.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.relation_head.restype = ctypes.c_void_p
        lib.relation_head.argtypes = [ctypes.c_void_p]
        lib.item_next.restype = ctypes.c_void_p
        lib.item_next.argtypes = [ctypes.c_void_p]
        lib.item_feat_string.restype = ctypes.c_char_p
        lib.item_feat_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.item_feat_float.restype = ctypes.c_float
        lib.item_feat_float.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.path_to_item.restype = ctypes.c_void_p
        lib.path_to_item.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.feat_set_float.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_float]
        lib.delete_utterance.argtypes = [ctypes.c_void_p]
        lib.flite_init()
        self.libc = ctypes.CDLL(None)
        self.libc.srand.argtypes = [ctypes.c_uint]
        self.voices: dict[str, ctypes.POINTER(_Voice)] = {}
        self.lock = threading.Lock()

    def voice(self, name: str):
        if name not in self.voices:
            if name not in VOICES:
                raise ValueError(f"Flite has no voice '{name}' (it has {', '.join(VOICES)})")
            library, register = VOICES[name]
            loaded = ctypes.CDLL(locations.system_library(library), mode=ctypes.RTLD_GLOBAL)
            function = getattr(loaded, register)
            function.restype = ctypes.POINTER(_Voice)
            function.argtypes = [ctypes.c_char_p]
            self.voices[name] = function(None)
        return self.voices[name]

    def speak(self, text: str, voice: str, rate_wpm: int) -> Speech:
        with self.lock:
            chosen = self.voice(voice)
            self.lib.feat_set_float(chosen.contents.features, b"duration_stretch",
                                    NORMAL_WPM / rate_wpm)
            self.libc.srand(zlib.crc32(f"{voice} {rate_wpm} {text}".encode()))
            utterance = self.lib.flite_synth_text(text.encode(), ctypes.cast(chosen,
                                                                            ctypes.c_void_p))
            if not utterance:
                raise ValueError(f"Flite could not say '{text}'")
            try:
                wave = self.lib.utt_wave(utterance).contents
                audio = np.ctypeslib.as_array(wave.samples, (wave.num_samples,)).astype(
                    np.float32) / 32768.0
                phonemes, end = self._phonemes(utterance, wave.sample_rate, len(audio))
                audio = audio[:end]
                audio[1:] -= np.float32(PRE_EMPHASIS) * audio[:-1].copy()
                return Speech(audio, wave.sample_rate, phonemes)
            finally:
                self.lib.delete_utterance(utterance)

    def _phonemes(self, utterance, sample_rate: int,
                  length: int) -> tuple[tuple[Phoneme, ...], int]:
        """The utterance's segments (pauses left out) with the index of their word, and
        where the last of them ends (the pause after it is left out of the speech)."""
        lib = self.lib
        result, start, index, last_word, spoken_end = [], 0, -1, None, 0
        item = lib.relation_head(lib.utt_relation(utterance, b"Segment"))
        while item:
            name = lib.item_feat_string(item, b"name").decode()
            end = min(length, round(lib.item_feat_float(item, b"end") * sample_rate))
            # the word's item in the syllable structure: the same for each of its segments
            word = lib.path_to_item(item, b"R:SylStructure.parent.parent")
            if name != PAUSE and word:
                if word != last_word:
                    index, last_word = index + 1, word
                result.append(Phoneme(name, start, name in VOWELS, index))
                spoken_end = end
            start = end
            item = lib.item_next(item)
        return tuple(result), spoken_end


@cache
def engine() -> _Flite:
    """The process's one Flite."""
    return _Flite()


def speak(text: str, voice: str = "slt", rate_wpm: int = 150) -> Speech:
    """The speech of `text` with its phonemes' timing, said by Flite's `voice`."""
    return engine().speak(text, voice, rate_wpm)
