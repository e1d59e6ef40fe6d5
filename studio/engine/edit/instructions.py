"""Refine in words: an instruction such as "more energy in the chorus and sparser drums in
verse 2" becomes the iteration operations that do it, applied in order.

The instruction is split into clauses. The first phrase of resources/refine.toml that matches
a clause reads it; besides its phrase a clause may only name sections ("chorus 2", "the
second verse"; "the chorus" is every chorus) and lanes ("drums"). plan() says what would be
done, refine() does it. A clause with a word nothing accounts for is reported back whole in
`not_understood`, never half done and never dropped in silence.

    result = refine(song, "darker bridge, half-time in the chorus")
    project.commit(result.composition, result.message, "refine")
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from studio.engine.edit import instrument_phrases, operations, phrases, vocabulary
from studio.engine.edit.operations import Change
from studio.engine.edit.phrases import Said, Step
from studio.engine.model import Composition, Lane, Section

__all__ = ["RefineResult", "Step", "plan", "refine"]

_OPERATIONS = {name: operations.OPERATIONS[name] for name in (
    "regenerate_section", "vary_lane", "extend", "delete_section", "change_tempo", "change_key",
    "change_style", "add_lane", "shape_section", "set_lane_mix", "regenerate_lyrics",
    "set_lane_program", "set_drum_kit")}
READERS = {**phrases.READERS, **instrument_phrases.READERS}


@dataclass
class RefineResult:
    """The song after an instruction, the changes applied in order (each with its step's
    description as message) and the parts of the instruction that were not acted on."""

    composition: Composition
    changes: list[Change] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "; ".join(change.message for change in self.changes)

    @property
    def change(self) -> Change | None:
        """Every change applied as one, for one version; None when nothing was applied."""
        if not self.changes:
            return None
        return Change("refine", self.message, frozenset().union(*(c.stale for c in self.changes)),
                      any(c.all_audio for c in self.changes))


def plan(composition: Composition, text: str) -> list[Step]:
    """What refine() would do with `text`, step by step, without generating anything. Each
    clause is read against the song as the clauses before it leave it ("add strings, then
    busier strings in the chorus")."""
    steps: list[Step] = []
    view = composition
    for clause in vocabulary.clauses(text):
        said, after = _read(view, clause), view
        try:
            for step in said:
                after = _preview(after, step)
        except ValueError as error:  # deleting every section, say: the clause is not begun
            said, after = [Step(clause, f"{clause} ({error})")], view
        steps += said
        view = after
    return steps


def refine(composition: Composition, text: str) -> RefineResult:
    """Apply an instruction in words, clause by clause, in order."""
    result = RefineResult(composition)
    for step in plan(composition, text):
        if step.operation is None:
            result.not_understood.append(step.description)
            continue
        try:
            song, change = _OPERATIONS[step.operation](result.composition, *step.args,
                                                       **step.kwargs)
        except ValueError as error:
            result.not_understood.append(f"{step.clause} ({error})")
            continue
        result.composition = song
        result.changes.append(replace(change, message=step.description))
    return result


def _read(song: Composition, clause: str) -> list[Step]:
    """The steps of one clause: its first matching phrase, with the sections and lanes it
    names; one not-understood step when no phrase matches or a word is left over."""
    for name, (pattern, row) in vocabulary.phrases().items():
        match = pattern.search(clause)
        if match is None:
            continue
        rest = vocabulary.blank(clause, *match.span())
        mentions, rest = vocabulary.take(vocabulary.section_pattern(), rest)
        found, rest = vocabulary.take(vocabulary.lane_pattern(), rest)
        unknown = vocabulary.leftover(rest)
        if unknown:
            return [Step(clause, f"{clause} (not understood: {' '.join(unknown)})")]
        lanes = list(dict.fromkeys(vocabulary.lane_of(m[0]) for m in found))
        try:
            return READERS[name](song, Said(song, clause, match, row, mentions, lanes))
        except ValueError as error:
            return [Step(clause, f"{clause} ({error})")]
    return [Step(clause, clause)]


def _preview(song: Composition, step: Step) -> Composition:
    """The song as a step leaves its facts (tempo, key, mood, lanes, sections) without
    generating notes: what the clauses after it are read against."""
    operation, args, kwargs = step.operation, step.args, step.kwargs
    if operation is None:
        return song
    if operation in ("change_tempo", "set_lane_mix", "delete_section", "set_lane_program",
                     "set_drum_kit"):
        return _OPERATIONS[operation](song, *args, **kwargs)[0]  # cheap: no notes are made
    view = copy.copy(song)
    if operation == "change_key":
        view.context = replace(song.context, key=args[0])
    elif operation == "change_style":
        view.context = replace(song.context, mood=kwargs["mood"])
    elif operation == "add_lane":
        view.lanes = {**song.lanes, args[0]: Lane(args[0], args[1])}
    elif operation == "extend":  # where operations.extend puts it, with the id it gives
        kinds = [s.kind for s in song.sections]
        at = kinds.index("outro") if "outro" in kinds else len(kinds)
        new = Section(max(s.id for s in song.sections) + 1, args[0], 4, 0.0)
        view.sections = [*song.sections[:at], new, *song.sections[at:]]
    elif operation == "shape_section":
        said = {k: v for k, v in kwargs.items() if k in ("feel", "valence_offset")}
        view.sections = [replace(s, **said) if s.id == args[0] else s for s in song.sections]
    return view
