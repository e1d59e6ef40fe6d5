"""The lane mixer: rendered lanes into output blocks, with gains, position, seek and loop.

The song plays from what the renderer made: each lane after its insert effects (before its
fader) and the two bus returns. render(out) mixes them block by block with their current
gains, so a fader, pan, mute or solo change is heard in the next block. Everything the audio
callback touches is prepared outside it and handed over by replacing one reference (Python
assigns a reference atomically): the gains, the audio (new audio arrives as new arrays, and
the first block after it crossfades from the old ones), a seek, a loop. render() allocates
no buffers and takes no locks.

Positions are samples. A seek lands exactly: the next block starts at the requested sample.
A loop [start, end) wraps inside a block, without a repeated or dropped sample.

For meters the mixer keeps the peak of each lane after its gain, and of the output, as a
running maximum in `peaks` (an array made beforehand: in the audio process it lies in the
shared status block, where the window reads and resets it).

This module needs numpy alone: the audio process imports it and little else.
"""

from __future__ import annotations

import numpy as np

MAX_BLOCK = 8192  # the largest block a device may ask for at once
METERED = 64  # lanes with a peak meter; the output's peak is kept after them


class Mixer:
    """Lanes, gains, position and loop, mixed a block at a time.

    render(out) fills an (frames, 2) float32 block and advances; it is what the audio
    callback calls, and what tests call to read the output sample by sample.
    """

    def __init__(self, sample_rate: int, peaks: np.ndarray | None = None) -> None:
        self.sample_rate = sample_rate
        self.position = 0  # the next sample to play
        self.playing = False
        self.loop: tuple[int, int] | None = None
        self.peaks = peaks if peaks is not None else np.zeros(METERED + 1, np.float32)
        self._audio: list[np.ndarray] = []
        self._gains: np.ndarray = np.zeros((0, 2, 1), np.float32)
        self._incoming: tuple[list[np.ndarray], np.ndarray] | None = None
        self._seek: int | None = None
        self._length = 0
        self._buffer = np.zeros((2, MAX_BLOCK), np.float32)
        self._other = np.zeros((2, MAX_BLOCK), np.float32)
        self._scratch = np.zeros((2, MAX_BLOCK), np.float32)
        self._ramp = np.zeros(MAX_BLOCK, np.float32)
        self._steps = np.arange(MAX_BLOCK, dtype=np.float32)

    # -- what the rest of the process calls (any thread) --------------------------------------

    def load(self, audio: list[np.ndarray], gains: np.ndarray, crossfade: bool = True) -> None:
        """Audio to play, (2, samples) float32 arrays of one length (lanes, then returns), and
        their gains, (count, 2, 1). While playing, the next block crossfades from the audio
        before."""
        lengths = {a.shape[1] for a in audio}
        if len(lengths) > 1:
            raise ValueError(f"playback needs stems of one length, got {sorted(lengths)}")
        if gains.shape != (len(audio), 2, 1):
            raise ValueError(f"{len(audio)} stems need gains shaped ({len(audio)}, 2, 1), "
                             f"not {gains.shape}")
        if crossfade and self.playing and self._audio:
            self._incoming = (audio, gains)
        else:
            self._audio, self._gains = audio, gains
            self._length = lengths.pop() if lengths else 0

    def set_gains(self, gains: np.ndarray) -> None:
        """New gains for the audio playing now: heard from the next block."""
        if gains.shape != self._gains.shape:
            raise ValueError(f"gains shaped {gains.shape} for audio shaped {self._gains.shape}")
        self._gains = gains

    def seek(self, sample: int) -> None:
        self._seek = max(0, int(sample))
        if not self.playing:
            self.position = self._seek

    def set_loop(self, start: int | None, end: int | None = None) -> None:
        """Loop samples [start, end); None to stop looping."""
        if start is None:
            self.loop = None
            return
        if not 0 <= start < end:
            raise ValueError(f"a loop runs from a sample to a later one, not {start}..{end}")
        self.loop = (int(start), int(end))

    @property
    def length(self) -> int:
        return self._length

    @property
    def settled(self) -> bool:
        """No audio is waiting to crossfade in: the arrays loaded before are let go of."""
        return self._incoming is None

    # -- the audio thread ----------------------------------------------------------------------

    def render(self, out: np.ndarray) -> None:
        """Fill `out` (frames, 2) with the next block and advance the position."""
        frames = out.shape[0]
        if not self.playing:
            out.fill(0.0)
            return
        if self._seek is not None:
            self.position, self._seek = self._seek, None
        block = self._buffer[:, :frames]
        incoming = self._incoming
        start = self.position
        self.position = self._fill(block, self._audio, self._gains, start, meter=True)
        if incoming is not None:
            self._incoming = None
            audio, gains = incoming
            other = self._other[:, :frames]
            self._fill(other, audio, gains, start, meter=False)
            ramp = self._ramp[:frames]
            np.divide(self._steps[:frames], np.float32(frames), out=ramp)
            other -= block
            other *= ramp
            block += other
            self._audio, self._gains = audio, gains
            self._length = audio[0].shape[1] if audio else 0
        level = max(block.max(), -block.min()) if frames else 0.0
        if level > self.peaks[METERED]:
            self.peaks[METERED] = level
        out[:] = block.T

    def _fill(self, block: np.ndarray, audio: list[np.ndarray], gains: np.ndarray,
              position: int, meter: bool) -> int:
        """Mix from `position` into `block`, wrapping at the loop's end (a position past the
        loop plays on); the next position. Past the song's end the block is silent and
        playback stops. With `meter`, each lane's peak after its gain is kept."""
        frames = block.shape[1]
        block.fill(0.0)
        filled = 0
        length = audio[0].shape[1] if audio else 0
        while filled < frames:
            loop = self.loop
            end = loop[1] if loop is not None and position < loop[1] else length
            take = min(frames - filled, end - position)
            if take <= 0:  # the song's end
                self.playing = False
                break
            target = block[:, filled:filled + take]
            scratch = self._scratch[:, :take]
            peaks = self.peaks
            for index, (lane, gain) in enumerate(zip(audio, gains, strict=True)):
                np.multiply(lane[:, position:position + take], gain, out=scratch)
                target += scratch
                if meter and index < METERED:
                    level = max(scratch.max(), -scratch.min())
                    if level > peaks[index]:
                        peaks[index] = level
            position += take
            filled += take
            if loop is not None and position == loop[1]:
                position = loop[0]  # wrap inside the block: the loop's first sample is next
        return position
