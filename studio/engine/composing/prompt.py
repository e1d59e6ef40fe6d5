"""Prompt reading: what a short text prompt says explicitly about the song it asks for.

read_prompt() reads tempo, length, meter, key, lanes to leave out, genres and mood words, in
that order. Each phrase it understands is blanked out of the text, so "2 min" is never read
as a key and "dream pop" never as pop. What the prompt leaves open stays None (or empty) for
the context stage to fill. A value no song can have (400 bpm, H major, 7/8) is a PromptError
whose message names it. Styles come from resources/styles.toml, mood words from moods.toml.
Instruments ("with a fiddle", "808s") are read by instruments.py, just before the genres.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from studio.engine import resources
from studio.engine.composing.instruments import InstrumentRequest, read_instruments
from studio.engine.limits import LENGTH_RANGE_S as LENGTH_RANGE_S
from studio.engine.limits import SUPPORTED_METERS as SUPPORTED_METERS
from studio.engine.limits import TEMPO_RANGE_BPM as TEMPO_RANGE_BPM
from studio.engine.model import Meter

# A genre named first leads the blend; one joined on ("with", "and", "meets") follows it, and
# one brought in lightly ("a touch of") only colours it.
HEAD_WEIGHT, JOINED_WEIGHT, LIGHT_WEIGHT = 1.0, 0.55, 0.25

_GAP = "\x00"  # stands in for a read phrase; not a space, so no pattern can match across it
_WORDS = resources.table("prompt_words")
_NUMBER_WORDS: dict[str, float] = _WORDS["numbers"]
_MODE_NAMES: dict[str, str] = _WORDS["modes"]
_METER_WORDS = {word: tuple(meter) for word, meter in _WORDS["meters"].items()}
_LANE_WORDS: dict[str, str] = _WORDS["lanes"]
_FILLER = frozenset(_WORDS["filler"]["words"].split())
_UNIT_S = {"sec": 1.0, "min": 60.0, "h": 3600.0}


def _alternation(words) -> str:
    """A regex alternation of words, longest first; a space or hyphen matches either."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.sub(r"\\[ -]", r"[\\s-]?", re.escape(w)) for w in ordered)


def _squash(phrase: str) -> str:
    return re.sub(r"[\s-]+", "", phrase)


_NUM = r"\d+(?:\.\d+)?"
_NUMBER_BY_SQUASHED = {_squash(word): float(n) for word, n in _NUMBER_WORDS.items()}
_HALF = r"\s+and\s+a\s+half"
_TEMPO_RES = (
    re.compile(rf"(?<![\w.])(?P<n>{_NUM})\s*-?\s*(?:bpm|b\.p\.m\.?|beats?\s+(?:per|a|an|/)\s+"
               r"min(?:ute)?)(?!\w)"),
    re.compile(rf"\b(?:tempo|bpm)\s*(?:of\s+|at\s+|is\s+|=\s*|:\s*)?(?P<n>{_NUM})(?:\s*bpm)?\b"),
)
_CLOCK_RE = re.compile(r"(?<![\w:.])(?P<m>\d{1,2}):(?P<s>[0-5]\d)(?![\w:])")
_LENGTH_RE = re.compile(
    rf"(?<![\w.])(?P<n>{_NUM}|{_alternation(_NUMBER_WORDS)})(?P<half>{_HALF})?\s*-?\s*"
    rf"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)(?!\w)\.?(?P<half_after>{_HALF})?"
    r"(?:,?\s*(?:and\s+)?(?P<extra>\d{1,2})\s*(?:seconds?|secs?|s)(?!\w))?"
)
_METER_RE = re.compile(r"(?<![\w/.])(?P<num>\d{1,2})\s*/\s*(?P<den>\d{1,2})(?![\w/])")
_METER_WORD_RE = re.compile(rf"\b(?P<word>{_alternation(_METER_WORDS)})(?:es|ing)?\b")
_FULL_MODES = _alternation(m for m in _MODE_NAMES if m not in ("maj", "min"))
_KEY_RE = re.compile(
    r"(?P<pre>\b(?:in|key\s+of|in\s+the\s+key\s+of)\s+)?\b(?P<letter>[a-z])"
    r"(?P<acc>#|b(?=m?(?![\w#]))|[\s-]?sharp\b|[\s-]?flat\b)?"
    rf"(?:(?P<m>m)|[\s-]+(?P<mode>{_alternation(_MODE_NAMES)}))?(?![\w#])"
)
_KEY_WORD_RE = re.compile(r"[\s-]+(?:key|mode|tonality|scale)\b")
_MODE_ONLY_RE = re.compile(
    rf"\b(?:in\s+)?(?:(?:a|an|the)\s+)?(?P<a>{_FULL_MODES})[\s-]+(?:key|mode|tonality|scale)\b"
    rf"|\bin\s+(?P<b>{_FULL_MODES})\b|\b(?P<c>dorian|phrygian|lydian|mixolydian)\b"
)
_LANES = _alternation(_LANE_WORDS)
_LANE_BY_SQUASHED = {_squash(word): lane for word, lane in _LANE_WORDS.items()}
_LANE_RE = re.compile(rf"(?<![\w-])(?:{_LANES})")  # no end check: "drum" in "drumless"
_EXCLUDE_RES = (
    re.compile(rf"\b(?:no|without|minus|w/o|skip)\s+(?:(?:the|any|a)\s+)?(?:{_LANES})"
               rf"(?:\s*(?:,|and|or|nor|&)\s*(?:(?:the|any|a)\s+)?(?:{_LANES}))*(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:{_LANES})[\s-]?(?:less|free)\b"),
)
_INSTRUMENTAL_RE = re.compile(r"\binstrumental\b")  # a song without a voice
_LIGHT = (r"(?:(?:(?:with\s+)?(?:just\s+)?an?\s+)?(?:touch|hint|bit|dash|sprinkle|splash|tinge"
          r"|pinch|trace|little\s+bit)\s+of\s+|(?:a\s+)?little\s+|(?:slightly|subtle|light)\s+)")
_SHARE = r"(?P<{}>\d{{1,3}}(?:\.\d+)?)\s*(?:%|percent)"
_WORD_RE = re.compile(r"[\w#&'][\w#&'+.-]*")


class PromptError(ValueError):
    """A prompt asked for something no song can have; the message names the value."""


@dataclass(frozen=True)
class PromptReading:
    """What a prompt said explicitly; None or empty wherever it said nothing."""

    text: str = ""
    tempo_bpm: float | None = None
    tonic: str | None = None
    mode: str | None = None
    meter: Meter | None = None
    length_s: float | None = None
    genre_blend: dict[str, float] = field(default_factory=dict, hash=False)
    valence: float | None = None
    arousal: float | None = None
    mood_tags: tuple[str, ...] = ()
    excluded_lanes: frozenset[str] = frozenset()
    instruments: tuple[InstrumentRequest, ...] = ()
    ignored_words: tuple[str, ...] = ()
    # The styles a prompt that named none was understood as, by meaning, with how near each
    # is (cosine similarity, 0..1); read_prompt() leaves it empty (see composing.meaning).
    understood: tuple[tuple[str, float], ...] = ()


class _Scan:
    """The prompt in lower case, with each phrase blanked out once it has been read."""

    def __init__(self, text: str) -> None:
        # Character for character, so a match's span also points into the original casing.
        self.original = text.translate(str.maketrans("♯♭–—‐’", "#b---'"))
        self.text = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.original)

    def take(self, pattern: re.Pattern) -> list[re.Match]:
        matches = list(pattern.finditer(self.text))
        for match in matches:
            self.blank(match)
        return matches

    def blank(self, match: re.Match) -> None:
        start, end = match.span()
        self.text = self.text[:start] + _GAP * (end - start) + self.text[end:]


def read_prompt(text: str) -> PromptReading:
    """Read a prompt; an empty one is valid and says nothing. Raises PromptError."""
    scan = _Scan(text or "")
    tempo_bpm, length_s, meter = _read_tempo(scan), _read_length(scan), _read_meter(scan)
    # a word that names a meter may also name a style ("waltz", "jazz waltz"): the style is
    # read, and the meter it says still holds
    meter_words = [(m.start(), _METER_WORDS[m["word"]]) for m in _METER_WORD_RE.finditer(scan.text)]
    tonic, mode = _read_key(scan)
    excluded = _read_exclusions(scan)
    instruments = read_instruments(scan, protected=_genre_words()[1])
    blend = _read_genres(scan)
    scan.take(_METER_WORD_RE)
    if meter is None and meter_words:
        meter = Meter(*_first(meter_words))
    valence, arousal, tags = _read_mood(scan)
    return PromptReading(
        text=text or "", tempo_bpm=tempo_bpm, tonic=tonic, mode=mode, meter=meter,
        length_s=length_s, genre_blend=blend, valence=valence, arousal=arousal, mood_tags=tags,
        excluded_lanes=excluded, instruments=instruments, ignored_words=_leftover_words(scan),
    )


def parse_seconds(text: str) -> float:
    """'M:SS' or plain seconds, as seconds; a ValueError naming the text otherwise."""
    try:
        if ":" in text:
            minutes, seconds = text.split(":")
            return int(minutes) * 60 + float(seconds)
        return float(text)
    except ValueError:
        raise ValueError(f"length '{text}' is not M:SS or seconds") from None


def check_length_s(length_s: float, said: str | None = None) -> float:
    """A song length in seconds, or a PromptError naming it when no song can be that long."""
    if not LENGTH_RANGE_S[0] <= length_s <= LENGTH_RANGE_S[1]:
        said = said or f"{length_s:g} s"
        raise PromptError(f"Length {said} is out of range: choose 20 seconds to 15 minutes.")
    return float(length_s)


def _first(found: list[tuple[int, object]]):
    """The value said first, by its place in the prompt."""
    return min(found, key=lambda item: item[0])[1] if found else None


def _read_tempo(scan: _Scan) -> float | None:
    found = [(m.start(), float(m["n"])) for pattern in _TEMPO_RES for m in scan.take(pattern)]
    for _, tempo_bpm in found:
        if not TEMPO_RANGE_BPM[0] <= tempo_bpm <= TEMPO_RANGE_BPM[1]:
            raise PromptError(f"Tempo {tempo_bpm:g} bpm is out of range: choose 40 to 240 bpm.")
    return _first(found)


def _read_length(scan: _Scan) -> float | None:
    found = [(m.start(), int(m["m"]) * 60.0 + int(m["s"]), m) for m in scan.take(_CLOCK_RE)]
    for match in scan.take(_LENGTH_RE):
        said = match["n"]
        count = float(said) if said[0].isdigit() else _NUMBER_BY_SQUASHED[_squash(said)]
        count += 0.5 if match["half"] or match["half_after"] else 0.0
        unit_s = next(v for k, v in _UNIT_S.items() if match["unit"].startswith(k))
        found.append((match.start(), count * unit_s + float(match["extra"] or 0), match))
    for _, length_s, match in found:
        check_length_s(length_s, scan.original[match.start():match.end()].strip())
    return _first([item[:2] for item in found])


def _read_meter(scan: _Scan) -> Meter | None:
    found = []
    for match in scan.take(_METER_RE):
        pair = (int(match["num"]), int(match["den"]))
        if pair not in SUPPORTED_METERS:
            raise PromptError(f"{pair[0]}/{pair[1]} is not a supported meter: choose 2/4, 3/4, "
                              "4/4, 5/4, 6/8 or 12/8.")
        found.append((match.start(), pair))
    pair = _first(found)
    return Meter(*pair) if pair else None


def _read_key(scan: _Scan) -> tuple[str | None, str | None]:
    """Tonic and mode; a tonic without a mode is major ("in C"), a mode alone has no tonic."""
    found = []
    for match in list(_KEY_RE.finditer(scan.text)):
        key = _key_from(match, scan)
        if key is not None:
            found.append((match.start(), key))
            scan.blank(match)
    for match in scan.take(_MODE_ONLY_RE):
        found.append((match.start(), (None, _MODE_NAMES[match["a"] or match["b"] or match["c"]])))
    return _first(found) or (None, None)


def _key_from(match: re.Match, scan: _Scan) -> tuple[str, str] | None:
    """The key one match names, or None when its letter is only a word ("a", "I", "am")."""
    letter, pre, acc, mode = match["letter"], match["pre"], match["acc"], match["mode"]
    lower = scan.original[match.start("letter")].islower()
    if mode is None and match["m"] is None:
        # "in C", "key of e": a bare letter is a key only where it cannot be a word
        if pre is None or letter not in "abcdefg" or (lower and not acc and "key" not in pre):
            return None
        return _tonic(letter, acc), "major"
    word_like = pre is None and (lower or letter == "i")
    if word_like and (letter not in "abcdefg" or match["m"] or letter == "a" and not acc):
        return None  # "a minor song", "am", "I major": words, not keys
    at_start = not scan.text[:match.start()].strip(" " + _GAP)
    if letter == "a" and not acc and mode and _KEY_WORD_RE.match(scan.text, match.end()):
        if lower or (pre is None and at_start):
            return None  # "a minor key": an article and a mode, which _MODE_ONLY_RE reads
    if letter not in "abcdefg":
        said = scan.original[match.start("letter"):match.end()]
        raise PromptError(f"'{said}' is not a key: note names are A to G, with # or b.")
    return _tonic(letter, acc), _MODE_NAMES[mode or "minor"]


def _tonic(letter: str, acc: str | None) -> str:
    sign = (acc or "").strip(" -")
    return letter.upper() + {"": "", "#": "#", "sharp": "#", "b": "b", "flat": "b"}[sign]


def _read_exclusions(scan: _Scan) -> frozenset[str]:
    lanes = set()
    for pattern in _EXCLUDE_RES:
        for match in scan.take(pattern):
            lanes.update(_LANE_BY_SQUASHED[_squash(w)] for w in _LANE_RE.findall(match[0]))
    if scan.take(_INSTRUMENTAL_RE):
        lanes.add("vocal")
    return frozenset(lanes)


@cache
def _genre_words() -> tuple[dict[str, str], re.Pattern]:
    """Squashed alias -> genre, and the pattern that finds a genre with its share or lightness."""
    rows = resources.genres()
    aliases = {_squash(alias): name for name, row in rows.items() for alias in row["aliases"]}
    names = _alternation(alias for row in rows.values() for alias in row["aliases"])
    pattern = re.compile(  # a share said after the genre counts only when none came before
        rf"(?:{_SHARE.format('share')}\s*(?:of\s+)?|(?P<light>{_LIGHT}))?"
        rf"(?<![\w&])(?P<genre>{names})(?![\w&])(?(share)|(?:\s*\(?\s*"
        rf"{_SHARE.format('share_after')}\s*\)?|[\s-]+(?P<light_after>tinged|influenced|"
        r"inflected|flavou?red)\b)?)"
    )
    return aliases, pattern


def _read_genres(scan: _Scan) -> dict[str, float]:
    aliases, pattern = _genre_words()
    mentions = []
    for match in scan.take(pattern):
        share = match["share"] or match["share_after"]
        if share is not None and float(share) > 100:
            raise PromptError(f"{float(share):g}% is not a share of a blend: shares run from "
                              "0 to 100%.")
        light = bool(match["light"] or match["light_after"])
        mentions.append((aliases[_squash(match["genre"])],
                         None if share is None else float(share) / 100, light))
    return _blend(mentions)


def _blend(mentions: list[tuple[str, float | None, bool]]) -> dict[str, float]:
    """Weights summing to 1: explicit shares as said, the rest by each genre's role."""
    weights, head_taken = [], False
    for _, _, light in mentions:
        weights.append(LIGHT_WEIGHT if light else JOINED_WEIGHT if head_taken else HEAD_WEIGHT)
        head_taken = head_taken or not light
    said = [share for _, share, _ in mentions if share is not None]
    if said:
        # Unstated genres share what the percentages leave (a little even when nothing is).
        rest = max(1.0 - sum(said), 0.1)
        free = sum(w for (_, share, _), w in zip(mentions, weights, strict=True) if share is None)
        weights = [rest * w / free if share is None else share
                   for (_, share, _), w in zip(mentions, weights, strict=True)]
    blend: dict[str, float] = {}
    for (genre, _, _), weight in zip(mentions, weights, strict=True):
        blend[genre] = max(blend.get(genre, 0.0), weight)
    total = sum(blend.values())
    return {g: w / total for g, w in blend.items() if w > 0} if total > 0 else {}


@cache
def _mood_words() -> tuple[dict, re.Pattern]:
    table = resources.table("moods")
    mods = table["modifiers"]
    pattern = re.compile(
        rf"(?P<neg>\b(?:{_alternation(mods['negators'])})\s+(?:(?:too|that|so|very)\s+)?)?"
        rf"(?P<more>(?:\b(?:{_alternation(mods['intensifiers'])})\s+)*)"
        rf"(?<![\w-])(?P<word>{_alternation(table['words'])})(?![\w-])"
    )
    return {_squash(w): row for w, row in table["words"].items()}, pattern


def _read_mood(scan: _Scan) -> tuple[float | None, float | None, tuple[str, ...]]:
    """Mean valence and arousal of the mood words, and their tags (negated words add none)."""
    words, pattern = _mood_words()
    mods = resources.table("moods")["modifiers"]
    points, tags = [], []
    for match in scan.take(pattern):
        row = words[_squash(match["word"])]
        scale = mods["negate"] if match["neg"] else mods["intensify"] if match["more"] else 1.0
        points.append([max(-1.0, min(1.0, row[axis] * scale)) for axis in ("valence", "arousal")])
        if not match["neg"] and row["tag"] not in tags:
            tags.append(row["tag"])
    if not points:
        return None, None, ()
    valence, arousal = (round(sum(axis) / len(points), 4) for axis in zip(*points, strict=True))
    return valence, arousal, tuple(tags)


def _leftover_words(scan: _Scan) -> tuple[str, ...]:
    words = []
    for raw in _WORD_RE.findall(scan.text):
        word = raw.strip(".-'")
        if re.search(r"[^\W_]", word) and word not in _FILLER and word not in words:
            words.append(word)
    return tuple(words)
