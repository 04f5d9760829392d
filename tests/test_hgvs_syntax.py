import pytest

from pipeline.hgvs_syntax import is_normal_hgvs, normalise_protein_change


@pytest.mark.parametrize("printed, normal", [
    ("G1202R", "p.Gly1202Arg"),
    ("p.G1202R", "p.Gly1202Arg"),
    ("p.(Gly1202Arg)", "p.Gly1202Arg"),
    ("p.Q61*", "p.Gln61Ter"),
    ("p.W161X", "p.Trp161Ter"),
    ("p.Arg97Profs*23", "p.Arg97ProfsTer23"),
    ("p.R1275stop", "p.Arg1275Ter"),
    ("p.(Glu746_Ala750del)", "p.Glu746_Ala750del"),
])
def test_protein_changes_are_normalised_to_three_letter_form(printed, normal):
    assert normalise_protein_change(printed) == normal
    assert is_normal_hgvs(normal)


@pytest.mark.parametrize("change", ["c.3604G>A", "g.716751G>C", "c.88+1G>T", "c.-14G>C",
                                    "c.2235_2249del", "p.Met1?", "p.Gly161Ter"])
def test_normal_forms_are_accepted(change):
    assert is_normal_hgvs(change)


@pytest.mark.parametrize("change", ["p.G1202R", "p.(Gly1202Arg)", "p.Gly161*", "G1202R",
                                    "c.413-2055", "ALK:c.3604G>A", "p.Gly1202Arg "])
def test_printed_forms_breakpoints_and_prefixes_are_not_normal_forms(change):
    assert not is_normal_hgvs(change)
