"""What a song the studio makes can hold: every limit in one table.

Each limit is what the studio itself can produce, from a prompt, the generators or a
person's edits (which are refused beyond it). A project file is checked against the same
limits when a version is read (song_check), so a file holding anything else (a 2,000,000-bar
verse, a tempo of 0) was not made by the studio and is refused before anything renders it.
"""

from __future__ import annotations

# -- what a prompt may ask for -------------------------------------------------------------
TEMPO_RANGE_BPM = (40.0, 240.0)
LENGTH_RANGE_S = (20.0, 900.0)
SUPPORTED_METERS = ((2, 4), (3, 4), (4, 4), (5, 4), (6, 8), (12, 8))

# -- the arrangement -------------------------------------------------------------------------
SECTION_BARS_RANGE = (1, 64)  # the arranger writes 2 to 16; a person may resize to 1..64
# The most bars a song may have: the longest song a prompt may ask for at the fastest tempo
# in the meter with the shortest bar (15 minutes at 240 bpm in 2/4 is 1800 bars). Adding or
# resizing sections stops there too.
SONG_BARS_MAX = round(LENGTH_RANGE_S[1] * TEMPO_RANGE_BPM[1] / 60.0
                      / min(n * 4.0 / d for n, d in SUPPORTED_METERS))
ENERGY_RANGE = (0.0, 1.0)
MOOD_RANGE = (-1.0, 1.0)  # valence and arousal

# -- notes -------------------------------------------------------------------------------------
PITCH_RANGE = (0, 127)  # MIDI note numbers
VELOCITY_RANGE = (1, 127)
# The busiest part a generator writes is a drum part of about 12 notes a beat (sixteenths on
# several drums); a person's piano roll may write up to this many.
NOTES_PER_BEAT_MAX = 64
# A note starts inside its section and may ring past its end by at most a bar (a last hit).
NOTE_OVERHANG_BARS = 1

# -- lanes, mix and master -------------------------------------------------------------------
PROGRAM_RANGE = (0, 127)  # General MIDI programs (and drum kits)
GAIN_RANGE_DB = (-60.0, 12.0)  # the mixer's faders go from -40 to +6 dB
PAN_RANGE = (-1.0, 1.0)
FX_RANGES = {"low_cut_hz": (0.0, 2000.0), "low_shelf_db": (-24.0, 24.0),
             "high_shelf_db": (-24.0, 24.0), "comp_threshold_db": (-60.0, 0.0),
             "comp_ratio": (1.0, 20.0), "reverb_send": (0.0, 1.0), "delay_send": (0.0, 1.0)}
BUS_RANGES = {"reverb_room": (0.0, 1.0), "reverb_damping": (0.0, 1.0),
              "reverb_width": (0.0, 1.0), "delay_beats": (0.125, 4.0),
              "delay_feedback": (0.0, 0.95)}
LOUDNESS_RANGE = (-30.0, -6.0)  # LUFS a master may be asked for
CEILING_RANGE_DBTP = (-6.0, 0.0)

# -- the voice ---------------------------------------------------------------------------------
# How far a voice's (or one note's) vibrato, glide and breath may go from the preset's (1),
# and how far it may move toward a profile.
VOICE_RANGES = {"vibrato": (0.0, 3.0), "portamento": (0.0, 4.0), "breath": (0.0, 2.0),
                "profile_amount": (0.0, 1.0)}
# What a person's voice profile can measure: pitch (Hz), first formant and spectral centroid
# of speech analysed at 16 kHz (so below 8 kHz), breathiness 0..1.
PROFILE_RANGES = {"f0_median_hz": (40.0, 1600.0), "f0_low_hz": (40.0, 1600.0),
                  "f0_high_hz": (40.0, 1600.0), "formant_hz": (50.0, 8000.0),
                  "centroid_hz": (50.0, 8000.0), "breathiness": (0.0, 1.0)}

# -- words -------------------------------------------------------------------------------------
LINES_PER_BAR = 2  # a section of n bars has room for 2n sung lines
LYRIC_LINE_CHARS = 200  # the writer's lines are under 40 characters; a person's, up to this

# -- recordings kept in a project --------------------------------------------------------------
RECORDING_RANGE_S = (10.0, 600.0)  # a voice profile is made from 10 s to 10 minutes
RECORDING_RATE_RANGE_HZ = (8000, 192000)
RECORDING_CHANNELS_MAX = 8
