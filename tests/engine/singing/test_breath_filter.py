"""The breath's band-pass made with numpy is scipy.signal's: the same coefficients, and the
same output as lfilter, at every rate the singer or a test uses."""

import numpy as np
import pytest
from scipy import signal

from studio.engine.singing.breath_filter import band_coefficients, band_pass


@pytest.mark.parametrize("rate", [16000, 22050, 44100, 48000])
def test_the_band_pass_is_scipys_butterworth(rate):
    b, a = band_coefficients(900.0, 5000.0, rate)
    want_b, want_a = signal.butter(2, [900.0 / (rate / 2), 5000.0 / (rate / 2)], "band")
    np.testing.assert_allclose(b, want_b, rtol=0, atol=1e-14)
    np.testing.assert_allclose(a, want_a, rtol=0, atol=1e-14)
    noise = np.random.default_rng(rate).standard_normal(int(0.3 * rate))
    made = band_pass(noise, 900.0, 5000.0, rate)
    assert made.shape == noise.shape
    np.testing.assert_allclose(made, signal.lfilter(want_b, want_a, noise), rtol=0, atol=1e-12)


def test_the_band_pass_keeps_its_band_and_cuts_outside_it():
    rate = 22050
    t = np.arange(rate) / rate
    gains = {hz: np.sqrt(np.mean(band_pass(np.sin(2 * np.pi * hz * t), 900.0, 5000.0,
                                           rate)[rate // 2:] ** 2)) * np.sqrt(2)
             for hz in (100.0, 2100.0, 10000.0)}
    assert gains[2100.0] == pytest.approx(1.0, abs=0.02)
    assert gains[100.0] < 0.05 and gains[10000.0] < 0.2
