from pipeline.assemble.entities import by_type, merge_fusions, of_type, unique
from pipeline.schema import Fusion, Mention


def fusion(name, **details):
    five, three = name.split("::")
    return Fusion(name=name, five_prime=five, three_prime=three, **details)


def test_mentions_of_one_fusion_merge_their_details():
    merged = merge_fusions([
        fusion("TPM3::ALK"),
        fusion("TPM3::ALK", five_prime_exon=8, three_prime_exon=20),
        fusion("TPM3::ALK", five_prime_transcript="NM_152263"),
        fusion("ETV6::NTRK3"),
        fusion("TPM3::ALK", three_prime_breakpoint="c.3173-500"),
    ])
    assert merged == [
        fusion("TPM3::ALK", five_prime_exon=8, three_prime_exon=20,
               five_prime_transcript="NM_152263", three_prime_breakpoint="c.3173-500"),
        fusion("ETV6::NTRK3")]


def test_different_exons_are_different_forms_of_a_fusion():
    merged = merge_fusions([
        fusion("EML4::ALK", five_prime_exon=13, three_prime_exon=20),
        fusion("EML4::ALK"),
        fusion("EML4::ALK", five_prime_exon=6, three_prime_exon=20),
        fusion("EML4::ALK", five_prime_exon=13, three_prime_exon=20),
    ])
    assert [(f.name, f.five_prime_exon) for f in merged] == [("EML4::ALK", 13), ("EML4::ALK", 6)]


def test_an_unresolved_partner_stays_unresolved():
    merged = merge_fusions([fusion("TGF::ALK", unresolved=True),
                            fusion("TGF::ALK", five_prime_exon=3, unresolved=True)])
    assert merged == [fusion("TGF::ALK", five_prime_exon=3, unresolved=True)]


def test_unique_keeps_the_first_of_equal_items_in_their_order():
    first, again = "alectinib", "".join(["alec", "tinib"])
    kept = unique(["crizotinib", first, "crizotinib", again])
    assert kept == ["crizotinib", "alectinib"] and kept[1] is first
    assert unique(["ALK", "alk", "RET"], key=str.lower) == ["ALK", "RET"]


def mention(number, kind, normalised, in_scope=True):
    sentence = "ALK and RET fusions responded to crizotinib."
    return Mention(id=f"m{number}", type=kind, text=normalised or "it", start=number, end=number + 1,
                   in_scope=in_scope, sentence=sentence, sentence_start=0,
                   sentence_end=len(sentence), normalised=normalised, rule="test")


def test_mentions_by_type_are_each_types_own_in_their_order():
    mentions = [mention(1, "gene", "ALK"), mention(2, "drug", "crizotinib"),
                mention(3, "gene", None), mention(4, "gene", "ROS1", in_scope=False),
                mention(5, "gene", "RET")]
    kinds = by_type(mentions)
    assert {kind: [m.id for m in found] for kind, found in kinds.items()} == {
        "gene": ["m1", "m5"], "drug": ["m2"]}  # no normal form or out of scope: none
    assert all(found == of_type(mentions, kind) for kind, found in kinds.items())
