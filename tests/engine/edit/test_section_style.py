"""One section played with another style's groove: its drums, bass and keys follow that
style's usual groove; the rest of the song, its words and its style stay."""

from __future__ import annotations

import pytest

from studio import engine
from studio.engine.composing.grooves import groove_names_for
from studio.engine.edit.operations import shape_section


def test_a_section_takes_another_styles_groove():
    song = engine.compose("folk song about rivers", 3, length_s=40)
    chorus = next(s for s in song.sections if s.kind == "chorus")  # its drums play
    after, change = shape_section(song, chorus.id, style="reggae")
    shaped = next(s for s in after.sections if s.id == chorus.id)
    assert shaped.groove == groove_names_for("reggae", song.context.meter)[0] != chorus.groove
    assert change.message.startswith("Play chorus") and "reggae groove" in change.message
    assert {lane for _, lane in change.stale} <= {"drums", "bass", "keys"}
    assert (chorus.id, "drums") in change.stale
    assert after.parts[(chorus.id, "drums")].notes != song.parts[(chorus.id, "drums")].notes
    assert after.context == song.context and after.lyrics == song.lyrics
    assert all(after.parts[key] == song.parts[key] for key in song.parts
               if key[0] != chorus.id or key[1] not in ("drums", "bass", "keys"))
    with pytest.raises(ValueError, match="unknown genre"):
        shape_section(song, chorus.id, style="polka-metal")
