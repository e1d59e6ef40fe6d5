"""The band-pass that shapes a breath's noise, made with numpy alone.

scipy.signal (butter, lfilter) would do it in two calls, but loading it takes about 1.7 s,
longer than singing a verse: the singer runs in a process of its own beside the SoundFont
lanes, and that second would come before its first line. The filter is scipy's: a 2nd-order
Butterworth band-pass by the bilinear transform (the same coefficients, to 1e-15), applied
through its impulse response, which is below 1e-30 of its start by RESPONSE_SAMPLES at every
rate the singer uses (to 48 kHz), so the output is lfilter's to float rounding.
"""

from __future__ import annotations

from functools import cache

import numpy as np

RESPONSE_SAMPLES = 1024


@cache
def band_coefficients(low_hz: float, high_hz: float, sample_rate: int) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """(b, a) of a 2nd-order Butterworth band-pass: scipy.signal.butter(2, band, "band")."""
    warped = 4.0 * np.tan(np.pi * np.array([low_hz, high_hz]) / sample_rate)  # fs = 2
    width, centre = warped[1] - warped[0], np.sqrt(warped[0] * warped[1])
    low_pass = np.exp(1j * np.pi * np.array([3.0, 5.0]) / 4.0) * width / 2.0  # its poles
    spread = np.sqrt(low_pass ** 2 - centre ** 2)
    poles = np.concatenate([low_pass + spread, low_pass - spread])
    gain = width ** 2 * np.real(16.0 / np.prod(4.0 - poles))
    b = gain * np.poly([1.0, 1.0, -1.0, -1.0])  # two zeros at DC, two at Nyquist
    a = np.real(np.poly((4.0 + poles) / (4.0 - poles)))
    return b, a


@cache
def band_response(low_hz: float, high_hz: float, sample_rate: int) -> np.ndarray:
    """The band-pass's first RESPONSE_SAMPLES of impulse response."""
    b, a = band_coefficients(low_hz, high_hz, sample_rate)
    response = np.zeros(RESPONSE_SAMPLES)
    order = len(a) - 1
    for n in range(RESPONSE_SAMPLES):
        value = b[n] if n <= order else 0.0
        for k in range(1, min(n, order) + 1):
            value -= a[k] * response[n - k]
        response[n] = value
    return response


def band_pass(signal: np.ndarray, low_hz: float, high_hz: float,
              sample_rate: int) -> np.ndarray:
    """A 1-D signal through the band-pass, from rest: scipy.signal.lfilter(b, a, signal)."""
    return np.convolve(signal, band_response(low_hz, high_hz, sample_rate))[:len(signal)]
