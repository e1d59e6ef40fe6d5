"""The phrases of refine in words: how each phrase of resources/refine.toml turns one clause,
with the sections and lanes it names, into steps (operations with their arguments).

A reader raises ValueError, with a message for the person, when the clause asks for
something this song cannot do ("verse 9" of a song with two verses, sparser theremin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from studio.engine import resources, theory
from studio.engine.composing.prompt import TEMPO_RANGE_BPM
from studio.engine.edit import vocabulary
from studio.engine.model import Composition, Key, Mood


@dataclass(frozen=True)
class Step:
    """One operation an instruction asks for: `operation` names a function of
    studio.engine.edit.operations, called with the song, `args` and `kwargs`. A clause that was
    not understood is a step whose operation is None and whose description says why."""

    clause: str
    description: str
    operation: str | None = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict, hash=False)


@dataclass
class Said:
    """One clause as read: the phrase's match and table row, the sections and lanes named."""

    song: Composition
    clause: str
    match: re.Match
    row: dict
    mentions: list[re.Match]
    lanes: list[str]

    def sections(self) -> list[int]:
        """The sections named, in song order; every section when none is named."""
        if not self.mentions:
            return [s.id for s in self.song.sections]
        named = {sid for mention in self.mentions for sid in _resolve(self.song, mention)}
        return [s.id for s in self.song.sections if s.id in named]

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(vocabulary.section_kind(m["kind"]) for m in self.mentions))

    def song_lanes(self) -> list[str]:
        """The lanes named, each one the song has."""
        if not self.lanes:
            raise ValueError("name a lane: " + ", ".join(self.song.lanes))
        for lane in self.lanes:
            if lane not in self.song.lanes:
                raise ValueError(f"the song has no {lane} (lanes: {', '.join(self.song.lanes)})")
        return self.lanes

    def whole_song(self, what: str) -> None:
        if self.mentions or self.lanes:
            raise ValueError(f"{what} is one for the whole song: name no section or lane")

    def step(self, description: str, operation: str, *args, **kwargs) -> Step:
        return Step(self.clause, description, operation, args, kwargs)


def _resolve(song: Composition, mention: re.Match) -> list[int]:
    """The ids of the sections one mention names: all of its kind, or the nth in song order."""
    kind = vocabulary.section_kind(mention["kind"])
    same = [s.id for s in song.sections if s.kind == kind]
    if not same:
        raise ValueError(f"the song has no {kind}")
    said = mention["ordinal"] or mention["number"]
    if said is None:
        return same
    index = vocabulary.section_number(said)
    if index == -1:
        return same[-1:]
    if not 1 <= index <= len(same):
        raise ValueError(f"the song has {len(same)} {kind} section(s), not {index}")
    return [same[index - 1]]


def label(song: Composition, section_id: int) -> str:
    """'chorus 2': a section named by kind and its number among sections of that kind."""
    kind = next(s.kind for s in song.sections if s.id == section_id)
    same = [s.id for s in song.sections if s.kind == kind]
    return f"{kind} {same.index(section_id) + 1}" if len(same) > 1 else kind


def _tempo(song: Composition, said: Said) -> list[Step]:
    said.whole_song("the tempo")
    now, (low, high) = song.context.tempo_bpm, TEMPO_RANGE_BPM
    if said.match["bpm"]:
        tempo_bpm = float(said.match["bpm"])
        if not low <= tempo_bpm <= high:
            raise ValueError(f"{tempo_bpm:g} bpm is out of range: choose {low:g} to {high:g}")
    else:
        amount = said.row["amounts"].get(re.sub(r"\s+", " ", said.match["amount"] or ""), 1.0)
        step = said.row["step"] * amount
        up = said.match["direction"].startswith(tuple(said.row["faster"]))
        tempo_bpm = min(high, max(low, float(round(now * (1 + step if up else 1 - step)))))
    if tempo_bpm == now:
        raise ValueError(f"the song is already at {now:g} bpm")
    return [said.step(f"Tempo {now:g} to {tempo_bpm:g} bpm", "change_tempo", tempo_bpm)]


def _key(song: Composition, said: Said) -> list[Step]:
    said.whole_song("the key")
    accidental = {"": "", "#": "#", "b": "b", "sharp": "#", "flat": "b"}[
        (said.match["accidental"] or "").strip()]
    tonic = said.match["tonic"].upper() + accidental
    theory.pitch_class(tonic)  # raises for a tonic no key has
    mode = said.match["mode"] or ("minor" if said.match["m"] else "major")
    return _new_key(song, said, Key(tonic, vocabulary.modes()[mode]))


def _mode(song: Composition, said: Said) -> list[Step]:
    said.whole_song("the key")
    return _new_key(song, said, Key(song.context.key.tonic,
                                    vocabulary.modes()[said.match["mode"]]))


def _new_key(song: Composition, said: Said, key: Key) -> list[Step]:
    if key == song.context.key:
        raise ValueError(f"the song is already in {key.name}")
    return [said.step(f"Key {song.context.key.name} to {key.name}", "change_key", key)]


def _energy(song: Composition, said: Said) -> list[Step]:
    if said.lanes:
        raise ValueError("energy belongs to whole sections: for one lane say busier or sparser")
    word = said.match["direction"] or said.match["word"]
    return _energy_steps(song, said, said.row["delta"] * (1 if word in said.row["more"] else -1))


def _energy_steps(song: Composition, said: Said, delta: float) -> list[Step]:
    more = "More" if delta > 0 else "Less"
    return [said.step(f"{more} energy in {label(song, sid)} ({delta:+g})", "shape_section", sid,
                      energy_delta=delta) for sid in said.sections()]


def _density(song: Composition, said: Said) -> list[Step]:
    lanes = said.song_lanes()
    thinner = re.sub(r"\s+", " ", said.match["direction"]) in said.row["thinner"]
    factor = said.row["sparser"] if thinner else said.row["busier"]
    word = "Sparser" if thinner else "Busier"
    # Only the named lanes regenerate: the section's other parts keep every note.
    return [said.step(f"{word} {' and '.join(lanes)} in {label(song, sid)} (x{factor:g})",
                      "shape_section", sid, density=dict.fromkeys(lanes, factor), lanes=lanes)
            for sid in said.sections()]


def _half_time(song: Composition, said: Said, feel: str = "half-time") -> list[Step]:
    lanes = [lane for lane in said.row["lanes"] if lane in song.lanes]
    if set(said.lanes) - set(lanes) or not lanes:
        raise ValueError("the feel is carried by the drums and bass")
    targets = [s for s in song.sections if s.id in said.sections() and s.feel != feel]
    if not targets:
        raise ValueError("already " + (feel or "in the normal feel") + " there")
    name = feel.capitalize() or "Normal feel for"
    return [said.step(f"{name} {' and '.join(lanes)} in {label(song, s.id)}", "shape_section",
                      s.id, feel=feel, lanes=lanes) for s in targets]


def _normal_feel(song: Composition, said: Said) -> list[Step]:
    return _half_time(song, replace(said, row=vocabulary.phrases()["half_time"][1]), feel="")


def _add(song: Composition, said: Said) -> list[Step]:
    if said.lanes:
        return [_add_lane(song, said, lane) for lane in said.lanes]
    if said.mentions:
        return [said.step(f"Add a {kind}", "extend", kind) for kind in said.kinds()]
    lanes = ", ".join(resources.table("lanes"))
    raise ValueError(f"name an instrument ({lanes}) or a section to add")


def _add_lane(song: Composition, said: Said, lane: str) -> Step:
    if lane in song.lanes:
        raise ValueError(f"the song already has {lane}")
    if lane == "drums":
        # operations.add_lane makes a pitched lane; a drum kit needs the genre's drum lane.
        raise ValueError("drums come with a song's genre and cannot be added later")
    genre = song.context.primary_genre
    chosen = {**resources.genre(genre)["lanes"], **song.context.programs}
    program = chosen.get(lane, resources.table("lanes")[lane].get("program"))
    if program is None:
        raise ValueError(f"no instrument is set for {lane} in a {genre} song")
    return said.step(f"Add {lane}", "add_lane", lane, program)


def _regenerate(song: Composition, said: Said) -> list[Step]:
    if said.lanes:
        lanes = said.song_lanes()
        return [said.step(f"New {lane} in {label(song, sid)}", "vary_lane", sid, lane)
                for sid in said.sections() for lane in lanes]
    if not said.mentions:
        raise ValueError("name the section or the lane to regenerate")
    return [said.step(f"Regenerate {label(song, sid)}", "regenerate_section", sid)
            for sid in said.sections()]


def _lyrics(song: Composition, said: Said) -> list[Step]:
    """New words for the sections named (every sung one when none is): a chorus once, since
    every chorus sings the same words."""
    if "vocal" not in song.lanes:
        raise ValueError("the song has no vocal lane: add vocals first")
    if any(lane != "vocal" for lane in said.lanes):
        raise ValueError("lyrics belong to the vocal lane")
    sung = [sid for sid in said.sections() if sid in song.lyrics]
    if not sung:
        raise ValueError("no section named here has lyrics")
    steps, seen = [], set()
    for sid in sung:
        words = song.lyrics[sid].texts
        if words in seen:
            continue
        seen.add(words)
        steps.append(said.step(f"New lyrics for {label(song, sid)}", "regenerate_lyrics", sid))
    return steps


def _mute(song: Composition, said: Said, mute: bool = True) -> list[Step]:
    """A lane named is muted, a mix change that keeps its notes (so nothing is lost and "bring
    back" restores it); a section named without a lane is deleted."""
    if said.lanes and said.mentions:
        raise ValueError("a lane is muted for the whole song, not in one section")
    if said.lanes:
        verb = "Mute" if mute else "Unmute"
        return [said.step(f"{verb} {lane} (a mix change: its notes are kept)", "set_lane_mix",
                          lane, mute=mute) for lane in said.song_lanes()]
    if said.mentions and mute:
        return [said.step(f"Delete {label(song, sid)}", "delete_section", sid)
                for sid in said.sections()]
    raise ValueError("name a lane: " + ", ".join(song.lanes))


def _unmute(song: Composition, said: Said) -> list[Step]:
    return _mute(song, said, mute=False)


def _mood(song: Composition, said: Said) -> list[Step]:
    base, row = vocabulary.mood_word(said.match["word"])
    less = said.match["direction"] == "less"
    if said.lanes:
        raise ValueError("a mood belongs to sections or the whole song, not one lane")
    if said.mentions:
        return _section_mood(song, said, row, -1 if less else 1)
    modifiers = resources.table("moods")["modifiers"]
    scale = modifiers["negate"] if less else modifiers["intensify"]
    old = song.context.mood
    mood = _toward(old, row, scale, vocabulary.words()["mood"]["share"])
    return [said.step(f"Mood {'away from' if less else 'toward'} {base} (valence "
                      f"{old.valence:+.2f} to {mood.valence:+.2f}, arousal {old.arousal:+.2f} "
                      f"to {mood.arousal:+.2f})", "change_style", mood=mood)]


def _section_mood(song: Composition, said: Said, row: dict, sign: int) -> list[Step]:
    """A mood word for named sections: darker or brighter chords when the word is more about
    valence, else more or less energy (a section has no mood of its own)."""
    if abs(row["arousal"]) > abs(row["valence"]):
        delta = vocabulary.phrases()["energy"][1]["delta"]
        return _energy_steps(song, said, delta * sign * (1 if row["arousal"] > 0 else -1))
    offset = vocabulary.words()["mood"]["section_offset"] * sign * (1 if row["valence"] > 0
                                                                     else -1)
    word = "Brighter" if offset > 0 else "Darker"
    return [said.step(f"{word} {label(song, sid)}", "shape_section", sid,
                      valence_offset=offset) for sid in said.sections()]


def _toward(mood: Mood, row: dict, scale: float, share: float) -> Mood:
    """The mood moved `share` of the way toward a word's mood, scaled (intensified or
    negated); a negated word's tag is dropped, any other's put first."""
    def move(now: float, axis: str) -> float:
        target = max(-1.0, min(1.0, row[axis] * scale))
        return round(now + share * (target - now), 4)

    others = tuple(tag for tag in mood.tags if tag != row["tag"])
    tags = others if scale < 0 else (row["tag"], *others)
    return Mood(move(mood.valence, "valence"), move(mood.arousal, "arousal"), tags or mood.tags)


READERS = {
    "tempo": _tempo, "key": _key, "mode": _mode, "energy": _energy, "density": _density,
    "normal_feel": _normal_feel, "half_time": _half_time, "add": _add,
    "lyrics": _lyrics, "regenerate": _regenerate, "unmute": _unmute, "mute": _mute, "mood": _mood,
}
