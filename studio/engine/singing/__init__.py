"""The singing voice: the vocal lane sings the lyrics on the vocal melody.

espeak-ng (espeak.py) speaks each line and times its phonemes; units.py splits them into the
line's syllables; world.py analyses the speech with WORLD; singer.py re-times it onto the
notes (consonants as spoken, vowels held), re-pitches it and synthesises it; score.py says
what each line sings; voice_synth.py renders a section of the vocal lane like LaneSynth
does for the other lanes. presets.py reads resources/voices.toml, profile.py makes a voice
profile from a person's recording.

Only a process that renders imports voice_synth, singer, world or espeak (they load the
native libraries); score and presets are plain model logic.
"""
