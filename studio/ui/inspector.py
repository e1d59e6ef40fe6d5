"""The inspector's text: the song's context (key, tempo, meter, genre blend, mood, and where
its style came from: named, guessed from the prompt's meaning and how surely, or the
default) and, for the selected section, its chords as names and roman numerals with a line
on its role."""

from __future__ import annotations

from html import escape

from studio.engine.composing.meaning import style_line
from studio.engine.model import Composition

ROLES = {"intro": "sets the scene before the voice comes in",
         "verse": "tells the story over the song's home chords",
         "pre-chorus": "lifts toward the chorus and leans on the dominant",
         "chorus": "carries the hook; the song's loudest, most repeated part",
         "bridge": "turns away from the home chords before the last chorus",
         "drop": "the peak of the energy curve",
         "breakdown": "strips the song back before it builds again",
         "outro": "lets the song come to rest on the tonic"}


def inspector_text(song: Composition | None, selected: int | None) -> str:
    """Rich text for the inspector panel."""
    if song is None:
        return "No song yet."
    context = song.context
    blend = ", ".join(f"{g} {w:.0%}" for g, w in sorted(context.genre_blend.items(),
                                                          key=lambda i: -i[1]))
    text = (f"<b>{song.title}</b><br>{context.key.name}, {context.tempo_bpm:g} bpm, "
            f"{context.meter}<br>{blend}<br>"
            f"{escape(style_line(context.genre_blend, context.understood, context.prompt))}"
            f"<br>mood: {', '.join(context.mood.tags) or '—'} "
            f"(valence {context.mood.valence:+.2f}, arousal {context.mood.arousal:+.2f})")
    section = next((s for s in song.sections if s.id == selected), None)
    if section is not None:
        chords = " ".join(f"{context.key.chord_name(c)} ({c.numeral})" for c in section.chords)
        text += (f"<hr><b>{section.kind}</b>, {section.bars} bars, energy "
                 f"{section.energy:.2f}<br>{chords}<br><i>{ROLES.get(section.kind, '')}</i>")
        if section.id in song.lyrics:
            text += "<br><br>" + "<br>".join(song.lyrics[section.id].texts)
    return text
