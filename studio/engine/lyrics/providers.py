"""Lyric text providers: the built-in writer, and an OpenAI-compatible chat endpoint.

A provider turns a SectionRequest into lines. Whatever an outside service answers is checked
by check_fit() before use (line count, syllables per line, rhyme scheme, lines it had to
keep, a rhythm that puts stressed syllables on strong beats); lyrics.write_lyrics() falls
back to the built-in writer when it does not fit, fails or is too slow. HTTP goes through
urllib, so the engine needs no client library.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from studio.engine.lyrics import local
from studio.engine.lyrics.plan import SectionRequest, rhyme_pairs
from studio.engine.lyrics.rhythm import fit_rhythm
from studio.engine.lyrics.story import Beat, tell
from studio.engine.lyrics.words import line_stresses, line_syllables, lines_rhyme

SYLLABLE_TOLERANCE = 1
MIN_ON_STRONG = 0.8
_BULLET_RE = re.compile(r"^\s*(?:\d+[.):]|[-*•])\s*")
_HEADING_RE = re.compile(r"^\s*(?:\[.*\]|\(.*\)|(?:verse|chorus|bridge|pre-chorus)\b.*:)\s*$",
                         re.IGNORECASE)


class ProviderError(Exception):
    """A provider could not answer: the message says why, for the person to read."""


class LyricsProvider(Protocol):
    name: str

    def write_section(self, request: SectionRequest) -> list[str]: ...


@dataclass
class LocalProvider:
    """The built-in phrase-grammar writer: offline, seeded, always fits its plan."""

    name: str = "local"

    def write_section(self, request: SectionRequest) -> list[str]:
        return local.write_section(request)


@dataclass
class ChatProvider:
    """An OpenAI-compatible chat completions endpoint at a URL the person sets (a local
    Ollama server, for one). `url` may be the full endpoint or a base ending in /v1."""

    url: str
    model: str = "llama3"
    timeout_s: float = 30.0
    api_key: str = ""
    name: str = "chat"

    def write_section(self, request: SectionRequest) -> list[str]:
        body = json.dumps({"model": self.model, "messages": chat_messages(request),
                           "temperature": 0.8, "stream": False}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        call = urllib.request.Request(endpoint(self.url), data=body, headers=headers,
                                      method="POST")
        try:
            with urllib.request.urlopen(call, timeout=self.timeout_s) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise ProviderError(f"the lyrics service answered HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ProviderError(f"the lyrics service did not answer ({reason})") from error
        except ValueError as error:
            raise ProviderError("the lyrics service's answer was not JSON") from error
        try:
            content = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as error:
            raise ProviderError("the lyrics service's answer held no message") from error
        return answer_lines(str(content))


PROVIDER_KINDS = {"local": LocalProvider, "chat": ChatProvider}


def make_provider(kind: str = "local", **settings) -> LyricsProvider:
    """A provider by kind ("local" or "chat") with its settings (url, model, timeout_s...)."""
    if kind not in PROVIDER_KINDS:
        raise ValueError(f"no lyrics provider '{kind}': choose {', '.join(PROVIDER_KINDS)}")
    return PROVIDER_KINDS[kind](**settings)


def endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def chat_messages(request: SectionRequest) -> list[dict[str, str]]:
    """The request as chat messages: the song's context and the section's syllable plan."""
    plan = request.plan
    low, high = plan.syllables
    rules = [
        f"Write the {plan.kind} of a song: exactly {len(plan.slots)} lines.",
        f"Song prompt: {request.prompt or '(none)'}. Theme: {request.hook}.",
        f"Mood: {', '.join(request.mood_tags) or 'neutral'} (valence {request.valence:+.2f}, "
        f"arousal {request.arousal:+.2f}); genre: {request.genre}.",
        f"Every line has {low} to {high} syllables; stressed syllables fall on the beat.",
        f"Rhyme scheme {plan.scheme}: lines with the same letter rhyme, X lines need not.",
    ]
    told = tell(Beat(request.beat, request.scene)) if request.beat else ""
    if told:
        rules.append(told)
    if request.first_line:
        rules.append(f"The first line is exactly: {request.first_line}")
    if request.last_line:
        rules.append(f"The last line is exactly: {request.last_line}")
    if request.avoid:
        rules.append("Do not reuse these lines: " + " / ".join(sorted(request.avoid)))
    system = ("You write song lyrics. Answer with the lyric lines only, one per line: no "
              "title, no section names, no numbering, no quotation marks.")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(rules)}]


def answer_lines(content: str) -> list[str]:
    """The lyric lines of an answer, without bullets, numbers, quotes or section headings."""
    lines = []
    for raw in content.splitlines():
        line = _BULLET_RE.sub("", raw).strip().strip("\"'“”")
        if line and not _HEADING_RE.match(line):
            lines.append(line)
    return lines


def check_fit(lines: list[str], request: SectionRequest) -> list[str]:
    """What keeps lines from fitting the request's plan; empty when they fit."""
    plan = request.plan
    if len(lines) != len(plan.slots):
        return [f"{len(lines)} lines where {len(plan.slots)} were asked for"]
    problems = []
    if request.first_line and lines[0] != request.first_line:
        problems.append("the first line is not the hook line")
    if request.last_line and lines[-1] != request.last_line:
        problems.append("the last line is not the refrain")
    low, high = plan.syllables[0] - SYLLABLE_TOLERANCE, plan.syllables[1] + SYLLABLE_TOLERANCE
    for number, line in enumerate(lines, 1):
        count = line_syllables(line)
        if not low <= count <= high:
            problems.append(f"line {number} has {count} syllables, not {low} to {high}")
    for first, second in rhyme_pairs(plan.scheme):
        if not lines_rhyme(lines[first], lines[second]):
            problems.append(f"lines {first + 1} and {second + 1} do not rhyme")
    problems += _singing_problems(lines, request)
    return problems


def _singing_problems(lines: list[str], request: SectionRequest) -> list[str]:
    problems, shares = [], []
    seen = {line.lower() for line in request.avoid}
    kept = {request.first_line.lower(), request.last_line.lower()} - {""}
    for number, (line, slot) in enumerate(zip(lines, request.plan.slots, strict=True), 1):
        if line.lower() in seen and line.lower() not in kept:
            problems.append(f"line {number} repeats an earlier line")
        seen.add(line.lower())
        rhythm = fit_rhythm(line_stresses(line), slot, request.plan.meter)
        if rhythm is None:
            problems.append(f"line {number} does not fit its bars")
        else:
            shares.append(rhythm.on_strong)
    if shares and sum(shares) / len(shares) < MIN_ON_STRONG:
        problems.append("too many stressed syllables fall off the strong beats")
    return problems
