"""Where a case report speaks of its patients: its sentences and what each one does.

A report presents its case ("Here we report two patients..."; the title), tells it
("She received alectinib... Scans showed a partial response."), and around that states
what is known ("BRAF mutations occur in 50% of melanomas") or what others reported. The
story is told in case sections, paragraph by paragraph; in an abstract or an untitled
body it runs from the sentence that introduces the patient, through the sentences that
tell what happened (past tense, or words of the patient), to the authors' conclusion.
Who each part speaks of is :mod:`pipeline.assemble.patients`. Rules are data:
``resources/story_rules.yaml``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.screens import Screened
from pipeline.assemble.spans import split_at
from pipeline.resources import check_keys, check_str_list, check_type, load_resource, words_pattern
from pipeline.schema import Document, Mention

FILE = "story_rules.yaml"
# Roles of a sentence: it frames the case (title, "we report..."), tells it in detail (a
# case section), tells it in sum (an abstract when a case section tells it in detail), or
# is none of the patient's.
FRAMING, DETAIL, SUMMARY, BACKGROUND = "framing", "detail", "summary", "background"
# The title, and lines like it ("Response to X in two patients with ..."): they name what
# the report is about, and nothing of when.
TITLE = "title"
CASE_KINDS = frozenset({"case"})
UNTITLED_KINDS = frozenset({"front_matter", "results"})
# Parts of a document whose sentences never speak of the patient's course.
SKIPPED_KINDS = frozenset({"table", "figure_legends", "abbreviations", "keywords"})
SENTENCE_END = Screened(re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[\d])|\n\s*\n"))
# In front matter, a line with no end mark before a capitalised one ends there (a title
# above its citation line); elsewhere hard-wrapped lines go on.
LINE_END = Screened(re.compile(r"(?<![.!?,;:\s])[ \t]*\n(?=[A-Z])"))
LINE_KINDS = frozenset({"front_matter", "title", None})
CASE_WORD = re.compile(r"\bcases?\b", re.IGNORECASE)
FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|been|be)\b", re.IGNORECASE)  # no title's
INTRODUCING_RULES = frozenset({"patient.age_phrase", "patient.aged", "patient.sex_phrase",
                               "patient.group", "patient.person", "patient.header"})


@dataclass(frozen=True)
class StoryRules:
    concluding: Screened
    framing_sections: frozenset[str]
    telling_sections: frozenset[str]
    discussion_opener: Screened
    story_words: Screened
    background_words: Screened
    comment_clause: Screened
    patient_words: Screened
    series_all: Screened
    series_count: Screened
    series_one: Screened
    series_other: Screened
    series_ordinal: Screened
    series_numbered: Screened
    ordinals: dict[str, int]
    count_words: dict[str, int]
    citing: Screened
    own_finding: Screened
    own_patient: Screened
    screening: Screened
    findings_header: Screened
    literature_header: Screened
    notation: Screened
    skipped_labels: Screened
    broad_disease_heads: frozenset[str]
    tumour_words: Screened
    metastasis_words: Screened
    imaging_words: Screened
    not_primary_sites: frozenset[str]
    pronouns: tuple[tuple[str, Screened], ...]
    kin: dict[str, dict[str, str]]  # a relative's kin noun -> by the other's sex, theirs
    # one scan of a sentence for what several patterns ask together
    frames: Screened  # presenting the case (asked only here) or concluding
    of_patient: Screened  # a word of the patient, or of some of a series

    @classmethod
    def from_dict(cls, data: dict) -> "StoryRules":
        patterns = ["citing", "own_finding", "own_patient", "rearrangement_notation", "screening",
                    "findings_header", "literature_header",
                    "skipped_labels", "comment_clause"]
        lists = ["presenting", "concluding", "framing_sections", "telling_sections", "discussion_openers",
                 "story_words", "background_words", "patient_words", "broad_disease_heads",
                 "tumour_words", "metastasis_words", "imaging_words", "not_primary_sites"]
        check_keys(data, file=FILE, where="top level",
                   required=[*patterns, *lists, "series", "ordinals", "count_words", "pronouns",
                             "kin"])
        kin = check_type(data["kin"], dict, file=FILE, where="top level", key="kin",
                         description="a mapping of kin noun to the other's noun by sex")
        pronouns = check_keys(data["pronouns"], file=FILE, where="pronouns",
                              required=["male", "female"])
        values = {key: check_str_list(data[key], file=FILE, where="top level", key=key)
                  for key in lists}
        single = {key: blind(check_type(data[key], str, file=FILE, where="top level", key=key,
                                        description="a pattern"))
                  for key in patterns}
        series = check_keys(data["series"], file=FILE, where="series",
                            required=["all", "count", "one", "other", "ordinal", "numbered"])
        series_all = "|".join(check_str_list(series["all"], file=FILE, where="series", key="all"))
        series_single = {key: blind(check_type(series[key], str, file=FILE, where="series",
                                               key=key, description="a pattern"))
                         for key in ("count", "one", "other", "ordinal", "numbered")}
        presenting, concluding = (blind("|".join(values[key]))
                                  for key in ("presenting", "concluding"))
        patient_words, series_all = whole_words(values["patient_words"]), blind(series_all)
        numbers = {key: {str(k).lower(): check_type(v, int, file=FILE, where=key, key=str(k),
                                                    description="a whole number")
                         for k, v in check_type(data[key], dict, file=FILE, where="top level",
                                                key=key, description="a mapping").items()}
                   for key in ("ordinals", "count_words")}
        return cls(
            concluding=concluding,
            framing_sections=frozenset(values["framing_sections"]),
            telling_sections=frozenset(values["telling_sections"]),
            discussion_opener=blind("|".join(values["discussion_openers"])),
            story_words=Screened(words_pattern(values["story_words"])),
            background_words=phrase_pattern(values["background_words"]),
            comment_clause=single["comment_clause"],
            patient_words=patient_words, series_all=series_all,
            series_count=series_single["count"], series_one=series_single["one"],
            series_other=series_single["other"], series_ordinal=series_single["ordinal"],
            series_numbered=series_single["numbered"],
            ordinals=numbers["ordinals"], count_words=numbers["count_words"],
            citing=single["citing"], own_finding=single["own_finding"],
            own_patient=single["own_patient"], screening=single["screening"],
            findings_header=single["findings_header"],
            literature_header=single["literature_header"],
            notation=single["rearrangement_notation"],
            skipped_labels=single["skipped_labels"],
            broad_disease_heads=frozenset(values["broad_disease_heads"]),
            tumour_words=Screened(words_pattern(values["tumour_words"])),
            metastasis_words=Screened(words_pattern(values["metastasis_words"])),
            imaging_words=Screened(words_pattern(values["imaging_words"])),
            not_primary_sites=frozenset(values["not_primary_sites"]),
            pronouns=tuple((sex, whole_words(check_str_list(pronouns[sex], file=FILE,
                                                            where="pronouns", key=sex)))
                           for sex in ("male", "female")),
            kin={str(noun).lower(): {str(sex): str(other).lower() for sex, other in check_type(
                     by_sex, dict, file=FILE, where="kin", key=str(noun),
                     description="a mapping of sex to kin noun").items()}
                 for noun, by_sex in kin.items()},
            frames=any_of(presenting, concluding),
            of_patient=any_of(patient_words, series_all, series_single["one"],
                              series_single["ordinal"], series_single["numbered"]))

    def series_number(self, match: re.Match) -> int:
        """The patient a series numbering names: "the second patient", "Case 2",
        "Patient B" (2)."""
        ordinal, number = match.group("ordinal"), match.group("number") or ""
        if ordinal:
            return self.ordinals.get(ordinal.lower(), 0)
        return int(number) if number.isdigit() else ord(number) - ord("A") + 1 if number else 0

    @staticmethod
    def series_numbers(match: re.Match) -> frozenset[int]:
        """The patients a numbering of several names: "Patients 1 and 2" (1, 2), "Cases 1-3"
        (1, 2, 3)."""
        numbers = match.group("numbers")
        found = {int(n) for n in re.findall(r"\d", numbers)}
        for low, high in re.findall(r"(\d)\s*(?:-|–|to)\s*(\d)", numbers):
            found.update(range(int(low), int(high) + 1))
        return frozenset(found)


def blind(pattern: str) -> Screened:
    """A case-blind pattern of the rules, searched in sentences by its screen."""
    return Screened(re.compile(pattern, re.IGNORECASE))


def any_of(*patterns: Screened) -> Screened:
    """One case-blind pattern matching where any of ``patterns`` does."""
    return blind("|".join(f"(?:{p.pattern.pattern})" for p in patterns))


def whole_words(words: list[str]) -> Screened:
    """Words bounded by non-word characters either side ("her", never the "HER" of HER2)."""
    return blind(rf"\b(?:{'|'.join(map(re.escape, words))})\b")


def phrase_pattern(phrases: list[str]) -> Screened:
    """Whole words and phrases, and punctuation ("%") as printed."""
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return blind(rf"(?:(?<![A-Za-z])(?:{alternation})(?![A-Za-z]))")


@lru_cache(maxsize=1)
def story_rules() -> StoryRules:
    return StoryRules.from_dict(load_resource(FILE))


@dataclass
class Sentence:
    start: int
    end: int
    section: str | None
    section_start: int = -1  # where its section starts (tells two sections of a kind apart)
    mentions: list[Mention] = field(default_factory=list)
    role: str = BACKGROUND

    def holds(self, mention: Mention) -> bool:
        return self.start <= mention.start < self.end


@dataclass(frozen=True)
class Passage:
    """A stretch of text that speaks of some of the patients, in one role."""

    start: int
    end: int
    role: str
    patients: frozenset[int]


# ------------------------------------------------------------------ sentences


def document_sentences(document: Document, mentions: list[Mention]) -> list[Sentence]:
    """The in-scope sentences of the text, outside tables, legends, keywords and
    abbreviation lists: the tagger's sentences where a mention sits, and the text between
    them split at sentence ends. Text the reader put in no section is read as well."""
    text = document.text
    rules = story_rules()
    known = sorted({(m.sentence_start, m.sentence_end) for m in mentions})
    sentences: list[Sentence] = []
    for kind, part_start, end in parts_of(document):
        if kind in SKIPPED_KINDS:
            continue
        start = part_start
        inside = known[bisect.bisect_left(known, (start,)):bisect.bisect_left(known, (end,))]
        spans = []
        for a, b in inside:
            if a < start:
                continue
            spans += split_at(SENTENCE_END, text, start, a)
            spans.append((a, min(b, end)))
            start = min(b, end)
        spans += split_at(SENTENCE_END, text, start, end)
        if kind in LINE_KINDS:
            spans = [piece for a, b in spans for piece in split_at(LINE_END, text, a, b)]
        sentences += [Sentence(a, a + len(text[a:b].rstrip()), kind, part_start)
                      for a, b in spans if not rules.skipped_labels.match(text, a)]
    by_start = sorted(sentences, key=lambda s: s.start)
    starts = [s.start for s in by_start]
    for mention in mentions:
        index = bisect.bisect_right(starts, mention.start) - 1
        if index >= 0 and by_start[index].holds(mention):
            by_start[index].mentions.append(mention)
    return by_start


def parts_of(document: Document) -> list[tuple[str | None, int, int]]:
    """The in-scope stretches of text as (section kind, start, end), a section's heading
    line left out (but for one that numbers the case of a series, "Case 2": it says whom
    the section speaks of), and text outside every section as kind None."""
    text = document.text
    numbering = story_rules().series_ordinal
    parts, position = [], 0
    for section in sorted(document.sections, key=lambda s: s.start):
        if section.start > position:
            parts.append((None, position, section.start))
        position = max(position, section.end)
        if not section.in_scope:
            continue
        start = section.start
        if section.heading and not numbering.match(section.heading):
            line_end = text.find("\n", section.start, section.end)
            start = section.end if line_end == -1 else line_end + 1
        parts.append((section.kind, start, section.end))
    if position < len(text):
        parts.append((None, position, len(text)))
    return [(kind, start, end) for kind, start, end in parts if text[start:end].strip()]


# --------------------------------------------------------------------- roles


def introducing(mention: Mention) -> bool:
    return (mention.type == "patient" and mention.in_scope and mention.patient is not None
            and mention.rule in INTRODUCING_RULES and not mention.modifiers)


def is_framing(text: str, sentence: Sentence, rules: StoryRules) -> bool:
    return (sentence.section in rules.framing_sections
            or rules.frames.search(text, sentence.start, sentence.end) is not None)


def concludes(text: str, sentence: Sentence, rules: StoryRules) -> bool:
    return rules.concluding.search(text, sentence.start, sentence.end) is not None


def title_line(text: str, sentence: Sentence) -> bool:
    """A document printed with no title section opens on its title: a line of its own in
    the front matter that names a disease ("Response to X in patients with RET
    fusion-positive lung adenocarcinomas.")."""
    return (sentence.section == "front_matter" and "\n" not in text[sentence.start:sentence.end]
            and sentence.end - sentence.start <= 250
            and not FINITE_VERB.search(text, sentence.start, sentence.end)
            and any(m.type == "disease" for m in sentence.mentions))


def tells(text: str, sentence: Sentence, rules: StoryRules) -> bool:
    """A sentence of the story: it speaks of the patient, or tells in the past tense what
    happened without the words of what is generally known (but for a comment on it:
    "..., which is ongoing after 20 months")."""
    if rules.citing.search(text, sentence.start, sentence.end):
        return False
    if tells_of_patient(text, sentence, rules):
        return True  # "he", "the patient", "all three patients", "one patient", "a third case"
    if rules.story_words.search(text, sentence.start, sentence.end) is None:
        return False
    comments = [m.span() for m in rules.comment_clause.finditer(text, sentence.start, sentence.end)]
    return not any(not any(a <= word.start() < b for a, b in comments) for word in
                   rules.background_words.finditer(text, sentence.start, sentence.end))


def tells_of_patient(text: str, sentence: Sentence, rules: StoryRules) -> bool:
    return rules.of_patient.search(text, sentence.start, sentence.end) is not None


def paragraphs_of(text: str, sentences: list[Sentence]) -> list[list[Sentence]]:
    """Sentences grouped by paragraph (a blank line, or a new section, between them)."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        if groups and groups[-1][-1].section == sentence.section \
                and not re.search(r"\n\s*\n", text[groups[-1][-1].end:sentence.start]):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    return groups


def opens_story(mention: Mention, kinds: frozenset[str]) -> bool:
    """A descriptor that opens the story of a case section ("A patient with..."), or of
    an untitled body, where only an age or a sex tells it from a title ("Response to X
    in a patient with...")."""
    if not introducing(mention) or mention.patient.count is not None:
        return False
    return kinds is CASE_KINDS or mention.patient.age_years is not None or bool(mention.patient.sex)


def detail_sentences(text: str, sentences: list[Sentence], rules: StoryRules) -> list[Sentence]:
    """The story told paragraph by paragraph: the case sections (or, with none, the
    untitled body) from the paragraph that introduces the patient on, while paragraphs
    speak of the patient (a word of it, or its descriptor); in a section, one paragraph
    without a word of the patient is a gap, two end the story there (the authors turned
    to the literature), and so does a paragraph opening the discussion ("Here, we
    demonstrate..."). Case sections that never describe the patient (an abstract or a
    header line did: "Patient: Female, 63") tell from their first paragraph that speaks
    of it ("The patient had been diagnosed...")."""

    def speaks(paragraph: list[Sentence]) -> bool:
        return any(rules.patient_words.search(text, s.start, s.end)
                   or any(opens_story(m, kinds) for m in s.mentions) for s in paragraph)

    for kinds in (CASE_KINDS, UNTITLED_KINDS):
        candidates = paragraphs_of(text, [s for s in sentences if s.section in kinds])
        opening = next((n for n, paragraph in enumerate(candidates)
                        if any(opens_story(m, kinds) for s in paragraph for m in s.mentions)),
                       None)
        if opening is None and kinds is CASE_KINDS:
            opening = next((n for n, paragraph in enumerate(candidates) if speaks(paragraph)), None)
        if opening is not None:
            break
    else:
        return []

    first = candidates[opening]
    start = next((n for n, s in enumerate(first) if any(opens_story(m, kinds) for m in s.mentions)),
                 0)
    if start and rules.series_ordinal.match(text, first[start - 1].start) \
            and not text[first[start - 1].start:first[start - 1].end].strip(" :.\n").count(" ") > 1:
        start -= 1  # the heading that numbers the case ("Case 1") opens its story
    candidates = [first[start:]] + candidates[opening + 1:]
    story: list[list[Sentence]] = []
    gap, section, ended = 0, None, False
    for number, paragraph in enumerate(candidates):
        if paragraph[0].section_start != section:  # a new section: its own story goes on
            section, gap, ended = paragraph[0].section_start, 0, not (number == 0 or speaks(paragraph))
        if ended or (number and rules.discussion_opener.match(text, paragraph[0].start)):
            ended = True
            continue
        if number == 0 or speaks(paragraph):
            story.append(paragraph)
            gap = 0
            continue
        gap += 1
        if gap == 2:
            ended = True
            continue
        story.append(paragraph)
    while len(story) > 1 and not speaks(story[-1]):
        story.pop()  # a gap at the end is no part of the story
    told = [s for paragraph in story for s in paragraph]
    if kinds is UNTITLED_KINDS:  # a body with no case heading holds background too
        told = [s for n, s in enumerate(told) if n == 0 or tells(text, s, rules)]
    return told


def assign_roles(text: str, sentences: list[Sentence]) -> None:
    """Each sentence's role: the case sections' story is the detail; elsewhere, from the
    sentence that introduces the patients, the sentences that tell are the story (its
    summary when a case section tells it in detail); framing sentences present the case.
    Where only the title introduces the patient ("Crizotinib in a 12-year-old boy
    with..."), the story starts after it."""
    rules = story_rules()
    detail = {id(s) for s in detail_sentences(text, sentences, rules)}
    started = read_roles(text, sentences, detail, rules, start_after_title=False)
    if not any(s.role in (DETAIL, SUMMARY) for s in sentences) and started is False:
        read_roles(text, sentences, detail, rules, start_after_title=True)


def read_roles(text: str, sentences: list[Sentence], detail: set[int], rules: StoryRules,
               start_after_title: bool) -> bool:
    """Give each sentence its role; whether a sentence other than the title started the
    story."""
    started = False
    titled = any(s.section == "title" for s in sentences)
    for sentence in sentences:
        sentence.role = BACKGROUND
        if id(sentence) in detail:
            sentence.role = FRAMING if concludes(text, sentence, rules) else DETAIL
            started = True
            continue
        framing = is_framing(text, sentence, rules)  # after: the story's sentences need none
        if sentence.section == "title" or (
                not started and not framing and not tells(text, sentence, rules)
                and (any(introducing(m) for m in sentence.mentions)
                     or (not titled and title_line(text, sentence)))):
            sentence.role = TITLE
            titled = titled or sentence.section != "title"
            started = started or (start_after_title
                                  and any(introducing(m) for m in sentence.mentions))
            continue
        if not started and (framing or any(introducing(m) for m in sentence.mentions)):
            started = True
        if framing:
            sentence.role = FRAMING
        elif started and sentence.section in rules.telling_sections \
                and tells(text, sentence, rules):
            sentence.role = SUMMARY if detail else DETAIL
    return started
