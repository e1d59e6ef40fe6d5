"""Lyrics from the prompt: rhyme, form, mood, grammar, a person's own lines, and dicts.

The prompt suite (twelve genres) is composed once at 120 s; rhymes are judged with the CMU
dictionary through `pronouncing` directly, and mood with TextBlob's bundled lexicon, so
neither judge is the code under test.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pronouncing
import pytest

from studio import engine
from studio.engine import resources
from studio.engine.composing.melody import vocal_melody
from studio.engine.lyrics import grammar
from studio.engine.lyrics.plan import SUNG_KINDS, rhyme_pairs
from studio.engine.lyrics.providers import answer_lines, make_provider
from studio.engine.lyrics.stage import LyricsFitError, fit_lyrics, fit_song_lyrics, write_lyrics
from studio.engine.lyrics.words import estimate_syllables, syllable_count, words_of
from studio.engine.serialize import lyrics_from_dict, lyrics_to_dict
from tests.engine.prompt_suite import LENGTH_S, PROMPTS, SEED, suite_song, suite_songs

MOOD_GENRES = ("pop", "rock", "electronic", "hip hop", "lo-fi", "jazz", "folk", "cinematic",
               "r&b", "metal", "ambient", "country")


def texts(lyrics):
    return {section_id: section.texts for section_id, section in lyrics.items()}


def cmu_rhyme(first: str, second: str) -> bool:
    """Two different words that share a rhyming part in some CMU pronunciation."""
    parts = [{pronouncing.rhyming_part(p) for p in pronouncing.phones_for_word(w.lower())}
             for w in (first, second)]
    return first.lower() != second.lower() and bool(parts[0] & parts[1])


def test_only_sung_sections_have_lyrics():
    for composition, lyrics, _ in suite_songs():
        sung = {s.id for s in composition.sections if s.kind in SUNG_KINDS}
        assert set(lyrics) == sung, composition.context.prompt
        assert all(len(lyrics[s].lines) >= 1 for s in sung)


def test_scheme_pairs_rhyme_by_the_cmu_dictionary():
    pairs = rhymed = 0
    for _, lyrics, _ in suite_songs():
        for section in lyrics.values():
            assert len(section.scheme) == len(section.lines)
            for a, b in rhyme_pairs(section.scheme):
                pairs += 1
                rhymed += cmu_rhyme(words_of(section.lines[a].text)[-1],
                                    words_of(section.lines[b].text)[-1])
    assert pairs >= 40
    assert rhymed / pairs >= 0.9, f"{rhymed} of {pairs} rhyme"


def test_every_chorus_repeats_word_for_word_and_opens_with_the_hook():
    choruses_seen = 0
    for composition, lyrics, _ in suite_songs():
        choruses = [lyrics[s.id] for s in composition.sections if s.kind == "chorus"]
        for chorus in choruses:
            choruses_seen += 1
            assert chorus.texts == choruses[0].texts
            assert chorus.lines[0].role == "hook"
    assert choruses_seen >= 15


def test_the_hook_is_built_from_the_prompts_subject():
    for prompt, subject in (("uplifting pop song about summer nights", "summer nights"),
                            ("gentle folk song about coming home, hopeful", "coming home")):
        composition, lyrics, _ = suite_song(prompt)
        chorus = next(lyrics[s.id] for s in composition.sections if s.kind == "chorus")
        assert subject in chorus.lines[0].text.lower()


def test_a_song_without_a_chorus_has_a_refrain():
    composition, lyrics, _ = suite_song("smooth late-night jazz, romantic")
    verses = [lyrics[s.id] for s in composition.sections if s.kind == "verse"]
    assert len(verses) >= 2 and all(v.lines[-1].role == "refrain" for v in verses)
    assert len({v.lines[-1].text for v in verses}) == 1


def test_no_line_repeats_except_where_the_form_says_so():
    for composition, lyrics, _ in suite_songs():
        free: list[str] = []  # lines the form does not repeat
        for section in composition.sections:
            earlier = composition.sections[:composition.sections.index(section)]
            if section.id not in lyrics or section.kind == "chorus" and any(
                    s.kind == "chorus" for s in earlier):
                continue  # later choruses repeat the first, which is checked above
            free += [line.text.lower() for line in lyrics[section.id].lines if not line.role]
        formed = {line.text.lower() for section in lyrics.values() for line in section.lines
                  if line.role}
        assert len(formed) <= 1, "one hook line, sung as hook or refrain"
        assert len(free) == len(set(free)) and not formed & set(free), composition.title


def test_bridges_turn():
    composition, lyrics, _ = suite_song("smooth late-night jazz, romantic")
    bridge = next(lyrics[s.id] for s in composition.sections if s.kind == "bridge")
    turns = [line for line in bridge.lines
             if re.match(r"(but|maybe|perhaps|and if|if only|what if|so what if|and now|now|"
                         r"still|yet|or|though|instead)\b", line.text, re.IGNORECASE)]
    assert len(turns) == len(bridge.lines)


def _grammar_patterns() -> list[re.Pattern]:
    """Every template as a regex whose slots match any word the resources give that slot."""
    words: dict[str, set[str]] = {}
    general = resources.table("lyrics/words")["general"]
    for key, values in general.items():
        words.setdefault(key, set()).update(values)
    for row in resources.table("lyrics/themes").values():
        for key in ("spot", "thing", "sky", "now", "then"):
            words.setdefault(key, set()).update(row[key])
        words.setdefault("act_rows", set()).update(row["act"])
        words.setdefault("hook", set()).update(row["hooks"] + row["hooks_ing"])
    for row in resources.table("lyrics/moods").values():
        for key in ("adj", "feel", "abstract"):
            words.setdefault(key, set()).update(row[key])
        words.setdefault("act_rows", set()).update(row["act"])
        words.setdefault("glow_rows", set()).update(row["glow"])
    for name, count in (("act", 2), ("glow", 3)):
        rows = [r.split() for r in words.pop(f"{name}_rows")]
        for i, suffix in enumerate(("", "_past", "_s")[:count]):
            words[name + suffix] = {r[i] for r in rows}
    words["hook"] |= {"summer nights", "coming home"}
    table = grammar.templates()
    lines = [t for kind in table["lines"].values() for t in kind]
    lines += [t for kind in table["hooks"].values() if isinstance(kind, dict)
              for group in kind.values() if isinstance(group, list) for t in group]
    patterns = []
    for template in lines:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(p).replace(r"\ a\ ", r"\ an?\ ").replace("a\\ ", "an?\\ ")
                        if i % 2 == 0 else "(?:" + "|".join(map(re.escape, words[p])) + ")"
                        for i, p in enumerate(parts))
        patterns.append(re.compile(regex, re.IGNORECASE))
    return patterns


def test_every_line_is_a_sentence_of_the_grammar():
    patterns = _grammar_patterns()
    for _, lyrics, _ in suite_songs():
        for section in lyrics.values():
            for line in section.lines:
                assert any(p.fullmatch(line.text) for p in patterns), line.text
                assert line.text[0].isupper()
                assert not re.search(r"\ba [aeiou]", line.text), line.text


def test_every_resource_word_is_in_the_cmu_dictionary():
    texts = []
    for name in ("words", "themes", "moods"):
        for row in resources.table(f"lyrics/{name}").values():
            for key, value in row.items():
                if isinstance(value, list) and key != "keywords":  # keywords are never sung
                    texts += [v for v in value if isinstance(v, str)]
    unknown = {w for text in texts for w in words_of(text) if not pronouncing.phones_for_word(
        w.lower())}
    assert not unknown


def test_mood_shows_to_a_sentiment_analyser_we_did_not_write():
    from textblob import TextBlob

    brighter = 0
    for genre in MOOD_GENRES:
        scores = []
        for mood in ("uplifting", "dark"):
            composition = engine.compose(f"{mood} {genre} song about summer", SEED,
                                         length_s=LENGTH_S)
            text = "\n".join(line.text for section in write_lyrics(composition).values()
                             for line in section.lines)
            scores.append(TextBlob(text).sentiment.polarity)
        brighter += scores[0] > scores[1]
    assert brighter >= 10


def test_lyrics_come_from_the_seed_and_variation_changes_them():
    composition, lyrics, vocals = suite_song(PROMPTS[0])
    again = write_lyrics(composition)
    assert [s.texts for s in again.values()] == [s.texts for s in lyrics.values()]
    assert vocal_melody(composition, again) == vocals  # compose() stored what the stages make
    other = write_lyrics(composition, variation=1)
    assert [s.texts for s in other.values()] != [s.texts for s in lyrics.values()]


def test_a_persons_lines_are_fitted_with_dictionary_and_estimated_syllables():
    composition, _, _ = suite_song(PROMPTS[0])
    verse = next(s for s in composition.sections if s.kind == "verse")
    text = "Walking down to Zorblax bay\nThe morning sun is on my face\n\n" \
           "I never wanted you to stay\nWe left our shadows in that place\n"
    fitted = fit_lyrics(composition, verse.id, text)
    assert fitted.source == "user" and len(fitted.lines) == 4
    assert fitted.scheme == "ABAB"
    counts = [len(line.syllables) for line in fitted.lines]
    assert counts == [7, 8, 8, 8]  # "our" is one syllable, "Zorblax" an estimated two
    vocal = vocal_melody(composition, {verse.id: fitted})[verse.id]
    assert len(vocal.notes) == sum(counts)
    with pytest.raises(LyricsFitError, match="line 2"):
        fit_lyrics(composition, verse.id, "Short line\n" + "la " * 40 + "\nend")


def test_a_persons_whole_song_goes_to_its_sections():
    composition, _, _ = suite_song("driving indie rock anthem, defiant and loud")
    text = ("[Verse 1]\nWe drove all night\nWith the windows down\n\n"
            "[Chorus]\nLoud and alive\nWe never slow down\n\n"
            "[Verse 2]\nThe road was long\nThe engine sang\n")
    fitted = fit_song_lyrics(composition, text)
    kinds = {s.id: s.kind for s in composition.sections}
    verses = [fitted[i].texts for i in fitted if kinds[i] == "verse"]
    choruses = [fitted[i].texts for i in fitted if kinds[i] == "chorus"]
    assert verses == [("We drove all night", "With the windows down"),
                      ("The road was long", "The engine sang")]
    assert len(choruses) == sum(k == "chorus" for k in kinds.values())
    assert all(c == ("Loud and alive", "We never slow down") for c in choruses)


def test_syllables_of_known_and_unknown_words():
    assert [syllable_count(w) for w in ("summer", "tonight", "beautiful", "fire")] == [2, 2, 3, 1]
    assert estimate_syllables("glorbified") == 3 and estimate_syllables("stone") == 1
    assert syllable_count("Zorblaxian") >= 3


def test_lyrics_and_vocals_survive_json():
    from studio.engine.serialize import vocals_from_dict, vocals_to_dict

    _, lyrics, vocals = suite_song(PROMPTS[0])
    assert lyrics_from_dict(json.loads(json.dumps(lyrics_to_dict(lyrics)))) == lyrics
    assert vocals_from_dict(json.loads(json.dumps(vocals_to_dict(vocals)))) == vocals


# An outside lyrics service, played by a small chat-completions server on loopback.

BANK = {
    "ay": ["We danced along the bay", "The summer slipped away", "I wanted you to stay",
           "We waited for the day", "We met along the way", "The sky was turning grey"],
    "ight": ["We talked until the light", "The harbor glowed at night",
             "You held my hand so tight", "The stars were burning bright",
             "The candle burning white", "The morning felt so right"],
    "ore": ["The waves rolled to the shore", "We never asked for more",
            "We left an open door", "We danced across the floor", "The rain began to pour",
            "I heard the ocean roar"],
    "ong": ["We sang a summer song", "The road was wide and long", "I knew where I belong",
            "The wind was blowing strong"],
    "x": ["Remember how we laughed", "The radio was loud", "Your jacket on my chair",
          "A postcard from the coast", "The ferry leaving late", "We carved our names in wood",
          "The kettle on the stove", "A window full of birds"],
}


def _good_answer(ask: str) -> list[str]:
    """Lines that follow the asked plan: its count, scheme, kept lines and lines to avoid."""
    count = int(re.search(r"exactly (\d+) lines", ask)[1])
    scheme = re.search(r"Rhyme scheme (\w+)", ask)[1]
    kept = {0: re.search(r"first line is exactly: (.*)", ask),
            count - 1: re.search(r"last line is exactly: (.*)", ask)}
    avoid = set(re.search(r"reuse these lines: (.*)", ask)[1].split(" / ")) \
        if "reuse these lines" in ask else set()
    pools = {key: [line for line in lines if line.lower() not in avoid]
             for key, lines in BANK.items()}
    letters: dict[str, str] = {"X": "x"}
    lines = []
    for i, letter in enumerate(scheme):
        if kept.get(i):
            lines.append(kept[i][1])
            continue
        if letter not in letters:  # a rhyme family with lines enough for the letter
            letters[letter] = next(f for f in pools if f != "x" and f not in letters.values()
                                   and len(pools[f]) >= scheme.count(letter))
        lines.append(pools[letters[letter]].pop(0))
    return lines


def _answer(mode: str, ask: str) -> str:
    lines = _good_answer(ask)
    if mode == "short":
        lines = lines[:-1]
    elif mode == "long":
        lines = [line + " and on and on and on and on" for line in lines]
    elif mode == "norhyme":
        lines = BANK["x"][:len(lines)]
    return "Verse:\n" + "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))


SLOW_ANSWER_S = 10.0  # far longer than the timeout, so waiting for it cannot pass unseen


class _Service(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.asked.append(body)
        mode = self.path.strip("/").split("/")[0]
        if mode == "slow":
            time.sleep(SLOW_ANSWER_S)
        if mode == "error":
            self.send_error(500)
            return
        content = _answer(mode, body["messages"][-1]["content"])
        payload = b"{not json" if mode == "garbage" else json.dumps(
            {"choices": [{"message": {"content": content}}]}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the slow answer's caller stopped waiting

    def log_message(self, *args):
        pass


@pytest.fixture
def service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    server.daemon_threads = True
    server.asked = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _chat(server, mode: str, timeout_s: float = 5.0):
    return make_provider("chat", url=f"http://127.0.0.1:{server.server_port}/{mode}/v1",
                         model="tiny", timeout_s=timeout_s)


def test_a_fitting_answer_from_a_chat_service_is_used(service):
    composition, local, _ = suite_song(PROMPTS[0])
    lyrics = write_lyrics(composition, _chat(service, "good"))
    verse = next(lyrics[s.id] for s in composition.sections if s.kind == "verse")
    assert verse.source == "chat"
    assert all(line in sum(BANK.values(), []) for line in verse.texts)
    asked = service.asked[0]
    assert asked["model"] == "tiny" and asked["messages"][0]["role"] == "system"
    assert "syllables" in asked["messages"][1]["content"]
    assert verse.texts != local[verse.section_id].texts


def test_a_chat_service_keeps_the_refrain_of_a_song_without_a_chorus(service):
    composition, local, _ = suite_song("smooth late-night jazz, romantic")
    lyrics = write_lyrics(composition, _chat(service, "good"))
    assert {section.source for section in lyrics.values()} == {"chat"}
    verses = [lyrics[s.id] for s in composition.sections if s.kind == "verse"]
    refrain = next(iter(local.values())).lines[-1].text
    assert all(v.lines[-1].text == refrain and v.lines[-1].role == "refrain" for v in verses)


@pytest.mark.parametrize("mode", ["short", "long", "norhyme", "garbage", "error"])
def test_an_unfit_or_failed_answer_falls_back_to_the_local_writer(service, mode):
    composition, local, _ = suite_song(PROMPTS[0])
    messages = []
    lyrics = write_lyrics(composition, _chat(service, mode), progress=messages.append)
    assert texts(lyrics) == texts(local)
    assert any("built-in writer" in event.message for event in messages)


def test_a_slow_service_times_out_and_falls_back(service):
    composition, local, _ = suite_song(PROMPTS[0])
    started = time.monotonic()
    write_lyrics(composition, make_provider("local"))
    local_s = time.monotonic() - started  # the built-in writer's own time, on this machine now
    started = time.monotonic()
    lyrics = write_lyrics(composition, _chat(service, "slow", timeout_s=0.2))
    waited_s = time.monotonic() - started - local_s
    assert texts(lyrics) == texts(local)
    assert len(service.asked) >= 1
    assert waited_s < SLOW_ANSWER_S / 2, f"waited {waited_s:.1f} s for a 0.2 s timeout"


def test_answers_lose_their_numbers_bullets_and_headings():
    assert answer_lines('[Chorus]\n1. "Hold on"\n- Let go\n\n* Again\nVerse 2:\n') == [
        "Hold on", "Let go", "Again"]
