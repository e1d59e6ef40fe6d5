"""Any text at all, as a prompt, gives a song's context within the studio's limits or a
PromptError naming what cannot be: never another exception. Random Unicode, and random
mixtures of the phrases the reader understands (values it must refuse among them)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.engine import limits
from studio.engine.composing.context import build_context
from studio.engine.composing.prompt import PromptError, read_prompt
from studio.engine.model import CompositionContext

PHRASES = (
    "120 bpm", "400 bpm", "0 bpm", "tempo 39", "bpm", "at 240 beats per minute", "in H major",
    "in C# minor", "key of e", "in Bb dorian", "a minor", "7/8", "3/4", "12/8", "6/8 time",
    "2 minutes", "20 hours", "0:05", "3:30", "one and a half minutes", "ninety seconds",
    "no drums", "no drums no bass no keys no pad no lead no vocal", "instrumental",
    "with a fiddle", "808s", "jazz", "dream pop", "a touch of reggae", "sad", "euphoric",
    "١٢٠ bpm", "１２０ bpm", "½ minute", "\x00", "\u200b", "🎸", "\n\n", "-", ":", ".",
)
WORDS = st.one_of(st.text(max_size=12), st.sampled_from(PHRASES))


def context_or_prompt_error(text: str, seed: int) -> CompositionContext | None:
    try:
        return build_context(read_prompt(text), seed)
    except PromptError as error:
        assert str(error)  # names what cannot be
        return None


def within_limits(context: CompositionContext) -> None:
    low, high = limits.TEMPO_RANGE_BPM
    assert low <= context.tempo_bpm <= high
    assert (context.meter.numerator, context.meter.denominator) in limits.SUPPORTED_METERS
    assert 1 <= context.length_bars <= limits.SONG_BARS_MAX
    assert context.lanes and abs(sum(context.genre_blend.values()) - 1.0) < 1e-6


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), seed=st.integers(0, 2**31 - 1))
def test_any_unicode_text_gives_a_context_or_a_prompt_error(text, seed):
    context = context_or_prompt_error(text, seed)
    if context is not None:
        within_limits(context)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(WORDS, max_size=8), seed=st.integers(0, 2**31 - 1))
def test_mixtures_of_understood_phrases_give_a_context_or_a_prompt_error(words, seed):
    context = context_or_prompt_error(" ".join(words), seed)
    if context is not None:
        within_limits(context)
