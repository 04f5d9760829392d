import spacy

from pipeline.read import read_document
from pipeline.tag import tag, tagger_fingerprint
from pipeline.tag.abbreviations import abbreviations, detected_definitions
from pipeline.tag.tags import doc_tags


def test_the_configured_pipeline_has_every_component(nlp):
    assert nlp.pipe_names == ["caselit_sentences", "caselit_abbreviation_detector",
                              "caselit_abbreviations", "caselit_model_mentions", "caselit_genes",
                              "caselit_fusions", "caselit_variants", "caselit_regimens",
                              "caselit_drugs", "caselit_patients", "caselit_case_words",
                              "caselit_context"]


def test_a_saved_pipeline_loads_and_tags_the_same(nlp, tmp_path, report_text):
    nlp.to_disk(tmp_path / "tagger")
    reloaded = spacy.load(tmp_path / "tagger")
    assert reloaded.pipe_names == nlp.pipe_names
    key = lambda t: (t.type, t.start, t.end, t.normalised)  # noqa: E731
    assert sorted(map(key, doc_tags(reloaded(report_text)))) == sorted(map(key, doc_tags(nlp(report_text))))


def test_mentions_carry_sentence_page_section_and_scope(tmp_path, report_text):
    path = tmp_path / "case.txt"
    path.write_text(report_text)
    mentions = tag(read_document(path))
    variant = next(m for m in mentions if m.type == "variant" and m.normalised == "p.Gly1202Arg")
    assert variant.text == "p.Gly1202Arg" and variant.variant.gene == "ALK"
    assert variant.section == "case" and variant.in_scope and variant.page == 1
    assert variant.sentence.startswith("At progression, NGS found")
    assert report_text[variant.sentence_start:variant.sentence_end] == variant.sentence
    offset = variant.start - variant.sentence_start
    assert variant.sentence[offset:offset + len(variant.text)] == variant.text
    cited = [m for m in mentions if m.normalised == "alectinib"]
    assert cited and not cited[0].in_scope and cited[0].section == "references"
    assert [m.id for m in mentions] == [f"m{i}" for i in range(1, len(mentions) + 1)]


def test_fingerprint_is_stable_and_changes_with_the_config(tmp_path):
    assert tagger_fingerprint() == tagger_fingerprint()
    config = tmp_path / "other.cfg"
    from pipeline.tag.nlp import default_config_text

    config.write_text(default_config_text().replace(', "caselit_patients"', ""))
    assert tagger_fingerprint(config) != tagger_fingerprint()


def test_a_title_or_heading_is_never_part_of_the_next_sentence(nlp):
    doc = nlp("Crizotinib in EML4-ALK lung cancer\n\nAbstract\nWe report a case. It is rare.")
    assert [sent.text.strip() for sent in doc.sents] == [
        "Crizotinib in EML4-ALK lung cancer", "Abstract\nWe report a case.", "It is rare."]


def test_mention_evidence_stops_at_headings_and_section_edges_and_is_a_row_in_tables(tmp_path):
    path = tmp_path / "case.txt"
    path.write_text("Results\nThe EML4-ALK fusion was found\nTable 1: Cases with ALK fusions\n\n"
                    "Case\tPartner\tDrug\n1\tEML4\tcrizotinib\n2\tKIF5B\talectinib\n")
    mentions = tag(read_document(path))
    first, in_table = [m for m in mentions if m.normalised == "EML4"]
    assert first.sentence == "The EML4-ALK fusion was found"
    assert (in_table.section, in_table.sentence) == ("table", "1\tEML4\tcrizotinib")


def kept_by_scispacy(doc, matches):
    """(long start, long end, short start, short end) of the candidates scispaCy's
    filter_matches keeps from (id, start, end) bracket matches."""
    from scispacy.abbreviation import filter_matches

    inner = [(m, start + 1, end - 1) for m, start, end in matches]
    return sorted((long.start, long.end, short.start, short.end)
                  for long, short in filter_matches(inner, doc))


def bracket_matcher(nlp):
    """scispaCy's "( anything+ )" Matcher."""
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    matcher.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])
    return matcher


def test_the_bounded_bracket_search_finds_what_scispacys_matcher_keeps(nlp):
    from pipeline.tag.abbreviations import bracket_pairs

    doc = nlp.make_doc("Inflammatory myofibroblastic tumor (IMT) with an anaplastic lymphoma kinase "
                       "(ALK) fusion (EML4-ALK (variant 3), detected by next-generation sequencing "
                       "(NGS)) was treated (after ( a long pause of many many more than eight "
                       "words here ) too) with gemtuzumab ozogamicin (GO).")
    matcher = bracket_matcher(nlp)
    assert kept_by_scispacy(doc, bracket_pairs(doc)) == kept_by_scispacy(doc, matcher(doc))
    assert len(kept_by_scispacy(doc, bracket_pairs(doc))) >= 4  # IMT, ALK, NGS, GO among them
    unopened = nlp.make_doc("A text with no opening bracket: 1) ALK, 2) ROS1.")
    assert bracket_pairs(unopened) == [] and matcher(unopened) == []


def read_both_ways(nlp, text):
    """(the Doc's tokens as the detector reads them, its bracket matches, the candidates
    scispaCy's filter keeps from them as (long, short) Spans) of a text."""
    from scispacy.abbreviation import filter_matches

    from pipeline.tag.abbreviations import Tokens, bracket_pairs

    doc = nlp.make_doc(text)
    matches = [(match, start + 1, end - 1) for match, start, end in bracket_pairs(doc)]
    return Tokens.of(doc), matches, filter_matches(matches, doc)


def scispacys_long_form_start(long, short):
    from scispacy.abbreviation import find_abbreviation

    _, expected = find_abbreviation(long, short)
    return expected.start if expected is not None else None


def test_the_detector_reads_definitions_as_scispacys_rules_do(nlp):
    from pipeline.tag.abbreviations import definition_candidates, long_form_start

    text = ("Inflammatory myofibroblastic tumor (IMT) and DCA (decitabine cytarabine "
            "aclarubicin) were seen; the tyrosine  kinase inhibitor(TKI) too. A term(s) here. "
            "Overall survival (OS(1)) and (x) and next-generation sequencing (NGS) and the "
            "5-fluorouracil (5-FU) and odd ( ab ) and complete remission (CR1s).")
    tokens, matches, theirs = read_both_ways(nlp, text)
    ours = definition_candidates(tokens, matches)
    assert ours == [(long.start, long.end, short.start, short.end) for long, short in theirs]
    found = []
    for (long_start, long_end, short_start, short_end), (long, short) in zip(ours, theirs):
        first = long_form_start(tokens, long_start, long_end, short_start, short_end)
        assert first == scispacys_long_form_start(long, short)
        if first is not None:
            found.append((tokens.span_text(short_start, short_end),
                          tokens.span_text(first, long_end)))
    assert ("IMT", "Inflammatory myofibroblastic tumor") in found
    assert ("NGS", "next-generation sequencing") in found


def test_the_long_form_search_by_rfind_finds_what_scispacys_loop_finds(nlp):
    from pipeline.tag.abbreviations import char_lowered, long_form_start

    # letters found from the end, the first at a word's start ("TNFα", "ŞSA"), letters
    # whose lower case is two characters ("İ"), a final sigma, and no match at all
    text = ("Tumour necrosis factor α (TNFα) and İnterleukin İmmune Iso (İII) and the "
            "ŞUBAT sağlık aracı (ŞSA) then ΑΣΣ ΣΙΓΜΑΣ (ΑΣ) with xx-ray apo-B (XRA) and "
            "no words fit here (QQZ) and a re-use (RU) and the ab1 test (A1T).")
    tokens, _, theirs = read_both_ways(nlp, text)
    assert len(theirs) == 7
    for long, short in theirs:
        assert long_form_start(tokens, long.start, long.end, short.start, short.end) == (
            scispacys_long_form_start(long, short))
    assert char_lowered("ΣΑ İx") == "σα İx"  # one for one: no final sigma, İ kept


def test_a_paragraph_without_a_list_s_marks_is_passed_over_as_no_abbreviation_list():
    from pipeline.tag.abbreviations import may_list_abbreviations, parse_abbreviation_list

    lists = ["Abbreviations. ALK, anaplastic lymphoma kinase",
             "ALK, anaplastic lymphoma kinase; CR, complete remission",
             "ALK: anaplastic lymphoma kinase, CR: complete remission",
             "ALK = anaplastic lymphoma kinase, CR = complete remission"]
    for paragraph in lists:
        assert may_list_abbreviations(paragraph) and parse_abbreviation_list(paragraph)
    prose = "NGS, next-generation sequencing, found ALK, a kinase, and CR, a remission."
    assert not may_list_abbreviations(prose) and parse_abbreviation_list(prose) == {}


def test_the_detector_keeps_the_first_definition_of_each_short_form_only(nlp):
    doc = nlp("Anaplastic large cell lymphoma (ALCL) was diagnosed. The ALCL was ALK positive. "
              "A second look called it anaplastic lymphoma (ALCL) again.")
    # the first definition only: not the second, nor the later use
    assert detected_definitions(doc) == [("ALCL", "Anaplastic large cell lymphoma")]
    assert abbreviations(doc)["ALCL"] == "Anaplastic large cell lymphoma"


def test_sentences_read_from_token_arrays_are_spacys_sentences(nlp, report_text):
    from pipeline.tag.context import doc_sentences

    for text in (report_text, "", " ", "One.", "Crizotinib\n\nAbstract\nWe report. A case", "\n\nX"):
        doc = nlp(text)
        assert [(s.start, s.end, s.text) for s in doc_sentences(doc)] == [
            (s.start_char, s.end_char, s.text) for s in doc.sents]



ATTRIBUTES = ("lower_", "norm_", "shape_", "prefix_", "suffix_", "is_alpha", "is_digit", "is_stop",
              "like_num", "like_url", "like_email", "is_punct", "is_space", "is_currency", "lang_")
UNSEEN = "Zorvatinib 12.5 mg/m² (q3w) was given; see https://zorva.example.org, Dr. Qelt.\n\n"


def attributes(lexeme) -> list:
    return [getattr(lexeme, name) for name in ATTRIBUTES]


def test_the_tagger_computes_no_lexeme_attribute_and_splits_by_spacys_flags(nlp):
    """The sentence splitter asks a token's text whether it is punctuation or white space:
    the flags spaCy computes for the word in a vocabulary that computes every attribute."""
    from spacy.lang.lex_attrs import is_punct

    from pipeline.tag.nlp import READ_LEXEME_ATTRIBUTES

    assert set(nlp.vocab.lex_attr_getters) == set(READ_LEXEME_ATTRIBUTES) == set()
    doc, full = nlp.make_doc(UNSEEN), spacy.blank("en").vocab  # computes every attribute
    assert doc[0].text == "Zorvatinib" and doc[0].shape_ == "" and not doc[-1].is_space
    assert any(full[token.text].is_punct for token in doc) and any(
        full[token.text].is_space for token in doc)
    for token in doc:
        assert (is_punct(token.text), token.text.isspace()) == (
            full[token.text].is_punct, full[token.text].is_space)


def test_a_doc_handed_to_a_caller_has_every_lexeme_attribute(tmp_path):
    from pipeline.tag import tag_with_doc

    path = tmp_path / "case.txt"
    path.write_text(UNSEEN.replace("Zorvatinib", "Quenlatinib"))
    doc, _ = tag_with_doc(read_document(path))
    full = spacy.blank("en").vocab
    assert doc[0].text == "Quenlatinib" and doc[0].shape_ == "Xxxxx"
    for token in doc:
        assert attributes(token.lex) == attributes(full[token.text]), token.text


def test_the_tokenizer_without_its_idle_special_cases_splits_as_scispacys(nlp):
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    full = combined_rule_tokenizer(spacy.blank("en", vocab=nlp.vocab))  # every special case
    dropped = set(full.rules) - set(nlp.tokenizer.rules)
    # cases that only repeat the split are gone; those that split or normalise stay
    assert {"\n", " ", "C++", "^_^"} <= dropped
    assert {"don't", "e.g.", "Dr."} <= set(nlp.tokenizer.rules)
    texts = ["The patient (a 54-year-old man) didn't respond to C++ code ^_^.\n\n"
             "Results  \n  EGFR L858R, e.g. in Dr. Wu's  cohort;\tcan't   stop.\n",
             "Don't\nstop (i.e., at 10 mg/kg) -- o_O 'cause C++, (C++) C++.",
             "\n", "  ", " \n \t", "C++", "(^_^)"]
    for text in texts:
        expected = [(t.text, t.idx, t.whitespace_, t.norm_) for t in full(text)]
        assert [(t.text, t.idx, t.whitespace_, t.norm_) for t in nlp.tokenizer(text)] == expected


def test_places_answer_as_the_document_at_every_offset():
    from pipeline.read import text_document
    from pipeline.schema import Page, Section
    from pipeline.tag import Places

    document = text_document("Abstract\nALK.\n\nCase\nA man.\n\nTable 1\nEML4\n\nReferences\n1. X")
    text = document.text
    # sections and pages as a reader may leave them: gaps, overlaps, an empty one, out of order
    document.sections = [Section(kind="case", start=20, end=30, in_scope=True),
                         Section(kind="abstract", heading="Abstract", start=0, end=14,
                                 in_scope=True),
                         Section(kind="table", start=25, end=44, in_scope=True),
                         Section(kind="empty", start=44, end=44, in_scope=True),
                         Section(kind="references", start=46, end=len(text), in_scope=False)]
    document.pages = [Page(number=1, start=0, end=20), Page(number=2, start=22, end=len(text) - 3)]
    places = Places(document)
    for offset in range(-2, len(text) + 3):
        assert places.at(offset) == (document.section_at(offset), document.page_at(offset)), offset
    document.pages[-1] = Page(number=2, start=22, end=len(text))
    assert Places(document).at(len(text)) == (None, 2)  # the end of the text is on the last page


def test_a_sentence_s_bounds_leave_out_the_white_space_around_it():
    from pipeline.tag import stripped_bounds

    text = "A man.\n\u2003He got crizotinib. \n"
    assert stripped_bounds(text, 0, 6) == (0, 6)  # nothing to strip
    assert stripped_bounds(text, 6, len(text)) == (8, 26)  # a line break and an em space
    assert stripped_bounds(text, 3, 3) == (3, 3)


def test_a_sentence_shows_the_same_evidence_throughout_unless_a_heading_or_row_cuts_it():
    from pipeline.read import text_document
    from pipeline.schema import Section
    from pipeline.tag import evidence_within, same_within, section_bounds

    def same_evidence_throughout(document, section, sentence):
        return same_within(section_bounds(document.text, section), sentence)

    def evidence_bounds(document, section, sentence, offset):
        return evidence_within(document.text, section_bounds(document.text, section), sentence,
                               offset)

    document = text_document("Case\nA man had ALK. He got crizotinib.\nTable 1\nEML4\tALK\n")
    case = Section(kind="case", heading="Case", start=0, end=39, in_scope=True)
    table = Section(kind="table", start=39, end=len(document.text), in_scope=True)
    plain = Section(kind="case", start=0, end=39, in_scope=True)
    heading_and_first, second, row = (0, 19), (20, 38), (39, 56)
    # the heading line ends inside the first sentence: a mention after it is shown without it
    assert not same_evidence_throughout(document, case, heading_and_first)
    assert evidence_bounds(document, case, heading_and_first, 15) == (5, 19)
    assert not same_evidence_throughout(document, table, row)  # a table shows a row
    for section, sentence in ((case, second), (plain, heading_and_first), (None, second)):
        assert same_evidence_throughout(document, section, sentence)
        assert {evidence_bounds(document, section, sentence, offset)
                for offset in range(*sentence)} == {sentence}


def test_mentions_made_without_validation_are_the_validated_ones(tmp_path, report_text):
    """The tagger makes its mentions without pydantic's validation: each equals the Mention
    validated from its fields, field by field and type by type, with the same fields set,
    and serialises the same; among them mentions with a fusion, a variant, a patient and
    modifiers."""
    from pipeline.schema import Mention

    path = tmp_path / "case.txt"
    path.write_text(report_text + "\nThere was no evidence of EGFR mutation.\n")
    mentions = tag(read_document(path))
    assert all(any(getattr(m, field) for m in mentions)
               for field in ("fusion", "variant", "patient", "modifiers"))
    for made in mentions:
        validated = Mention.model_validate(dict(vars(made)))
        assert [(type(v), v) for v in vars(made).values()] == [
            (type(v), v) for v in vars(validated).values()]
        assert made.model_fields_set == validated.model_fields_set
        assert (made.__pydantic_extra__, made.__pydantic_private__) == (
            validated.__pydantic_extra__, validated.__pydantic_private__)
        assert made.model_dump_json() == validated.model_dump_json() and made == validated


def test_mentions_sharing_their_set_of_fields_keep_it_whole(tmp_path, report_text):
    """The mentions share one set of the fields they were given (all of them): assigning a
    field to one and copying one with an update leave every mention's set as it was."""
    from pipeline.schema import Mention

    path = tmp_path / "case.txt"
    path.write_text(report_text)
    first, second = tag(read_document(path))[:2]
    first.rule = "another.rule"
    copied = second.model_copy(update={"normalised": "X"})
    assert first.model_fields_set == second.model_fields_set == set(Mention.model_fields)
    assert copied.model_fields_set == set(Mention.model_fields) and copied.normalised == "X"
    assert first.rule == "another.rule" and second.rule != "another.rule"


def test_the_detector_reads_random_texts_as_scispacys_rules_do(nlp):
    """Random words and brackets, spaced or not, or no "(" at all: the bracket pairs, the
    candidates and each long form's first token (found from where the tokens start) are
    scispaCy's."""
    import random

    from pipeline.tag.abbreviations import bracket_pairs, definition_candidates, long_form_start

    matcher = bracket_matcher(nlp)
    pieces = ["(", ")", " (", ") ", "  ", " ", "-", "İ", "α", "5", "ab", "Ab", "CD", "x1",
              "tumor", "Kinase", "ALK", "of", "the", ".", ","]
    chooser = random.Random(18)
    compared = 0
    for _ in range(1000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(5, 60)))
        tokens, matches, theirs = read_both_ways(nlp, text)
        doc = nlp.make_doc(text)
        assert kept_by_scispacy(doc, bracket_pairs(doc)) == kept_by_scispacy(doc, matcher(doc))
        ours = definition_candidates(tokens, matches)
        assert ours == [(long.start, long.end, short.start, short.end) for long, short in theirs]
        for (long_start, long_end, short_start, short_end), (long, short) in zip(ours, theirs):
            assert long_form_start(tokens, long_start, long_end, short_start, short_end) == (
                scispacys_long_form_start(long, short)), text
            compared += 1
    assert compared > 200
