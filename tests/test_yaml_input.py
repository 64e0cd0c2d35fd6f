"""YAML input files and --set values: the YAML 1.2 core schema, bounds, and one-line errors.

Expected values come from the YAML 1.2.2 specification (section 10.3, Example 10.9 "Core Tag
Resolution", https://yaml.org/spec/1.2.2/#103-core-schema) and from ruamel.yaml, an independent YAML 1.2
implementation used here as a test-only oracle.
"""

import math
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shieldcheck import _yaml
from shieldcheck._yaml import MAX_BYTES, MAX_DEPTH, load_yaml
from shieldcheck.errors import InputError
from shieldcheck.scenario import apply_sets, build, load_scenario

FLAGSHIP = "european-third-site-2007"


def test_core_schema_example_10_9_of_the_yaml_1_2_2_spec():
    # YAML 1.2.2, Example 10.9 "Core Tag Resolution", values as the spec lists them
    text = (
        "A null: null\nAlso a null: # Empty\nNot a null: ''\n"
        "Booleans: [ true, True, false, FALSE ]\n"
        "Integers: [ 0, 0o7, 0x3A, -19 ]\n"
        "Floats: [ 0., -0.0, .5, +12e03, -2E+05 ]\n"
        "Also floats: [ .inf, -.Inf, +.INF, .NAN ]\n"
    )
    d = load_yaml(text, "spec.yaml")
    assert d["A null"] is None and d["Also a null"] is None and d["Not a null"] == ""
    assert d["Booleans"] == [True, True, False, False]
    assert d["Integers"] == [0, 7, 58, -19] and all(type(v) is int for v in d["Integers"])
    assert d["Floats"] == [0.0, -0.0, 0.5, 12000.0, -200000.0]
    inf, ninf, pinf, nan = d["Also floats"]
    assert inf == math.inf and ninf == -math.inf and pinf == math.inf and math.isnan(nan)


def test_yaml_1_1_surprises_read_as_typed():
    # the cases: PyYAML's YAML 1.1 reads 8, 36, 90, a string, False
    text = "a: 010\nb: 044\nc: 1:30\nd: 1.5e3\ne: no\nf: off\ng: yes\nh: 2007-08-30\ni: 0b101\n"
    d = load_yaml(text, "x.yaml")
    assert d == {"a": 10, "b": 44, "c": "1:30", "d": 1500.0, "e": "no", "f": "off", "g": "yes",
                 "h": "2007-08-30", "i": "0b101"}  # binary integers are YAML 1.1 only (1.2.2 spec, 10.3.2)


# ruamel.yaml departs from the core schema in four ways (it keeps YAML 1.1 habits): it reads underscores in
# numbers, signs before 0x/0o, binary 0b integers, and refuses '.5e3'-style floats; skip those forms.
_RUAMEL_DEVIATIONS = re.compile(r"_|^[-+]0[xo]|^[-+]?0b|^[-+]?\.[0-9]+[eE]")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.eE+-:oxXabfINn~", min_size=1, max_size=7))
def test_plain_scalars_agree_with_ruamel_yaml_1_2(text):
    from ruamel.yaml import YAML

    if _RUAMEL_DEVIATIONS.search(text):
        return
    try:
        expected = YAML(typ="safe", pure=True).load(f"v: {text}")["v"]
    except Exception:
        expected = InputError
    try:
        got = load_yaml(f"v: {text}", "x.yaml")["v"]
    except InputError:
        got = InputError
    if isinstance(expected, float) and math.isnan(expected):
        assert isinstance(got, float) and math.isnan(got)
    else:
        assert got == expected and type(got) is type(expected), text


def _minimal_text():
    from pathlib import Path

    return (Path(__file__).parents[1] / "examples" / "minimal-scenario.yaml").read_text("utf-8")


def _write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_scenario_numbers_mean_what_was_typed(tmp_path):
    text = _minimal_text().replace("inventory: 24", "inventory: 010")
    text = text.replace("max_range_km: 1500", "max_range_km: 1.5e3")
    built = build(load_scenario(_write(tmp_path, text)))
    assert built.architecture.sites[0].inventory == 10  # YAML 1.1 reads 8
    assert built.architecture.radars[0].max_range_km == 1500.0  # YAML 1.1 reads the text '1.5e3'


def test_scenario_sexagesimal_is_rejected_with_its_field(tmp_path):
    text = _minimal_text().replace("decision_s: 60", "decision_s: 1:30")
    with pytest.raises(InputError, match=r"s\.yaml: timeline\.decision_s.*'1:30'"):
        load_scenario(_write(tmp_path, text))


def test_set_values_use_the_core_schema():
    m = load_scenario(FLAGSHIP)
    assert apply_sets(m, ["timeline.decision_s=1.5e2"]).timeline.decision_s.value == 150.0
    assert apply_sets(m, ["timeline.decision_s=010"]).timeline.decision_s.value == 10.0
    with pytest.raises(InputError, match=r"timeline\.decision_s: must be a number, got '1:30'"):
        apply_sets(m, ["timeline.decision_s=1:30"])
    with pytest.raises(InputError, match=r"must be a number, got 'nan'"):
        apply_sets(m, ["timeline.decision_s=nan"])


def test_a_place_named_no_is_text_not_false():
    m = load_scenario(FLAGSHIP)
    with pytest.raises(InputError) as err:
        apply_sets(m, ["threats.iran-europe.targets=[no]"])
    assert "'no'" in str(err.value) and "False" not in str(err.value)


# ---------------------------------------------------------------- bounds (issue 9, kind 11, file side)
def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    text = "variants:\n  v:\n    set:\n" + "\n".join("      " + x for x in lines) + "\n"
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"x\.yaml: line \d+, column \d+: more than 500,000 values once"):
        load_yaml(text, "x.yaml")
    assert time.perf_counter() - t0 < 2.0


def test_recursive_alias_is_refused():
    with pytest.raises(InputError, match="recursive alias"):
        load_yaml("a: &x [1, *x]\n", "x.yaml")


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(InputError, match=f"x.yaml: line 1, column 65: lists and mappings nest deeper than "
                                         f"{MAX_DEPTH} levels"):
        load_yaml("[" * 100 + "]" * 100, "x.yaml")
    with pytest.raises(InputError, match="nest deeper than|maximum nesting depth"):  # libyaml stops at 1000
        load_yaml("[" * 5000 + "]" * 5000, "x.yaml")
    assert load_yaml("[" * 10 + "]" * 10, "x.yaml") == [[[[[[[[[[]]]]]]]]]]


def test_huge_file_is_refused_before_parsing(tmp_path):
    p = tmp_path / "big.yaml"
    p.write_text("# " + "x" * (MAX_BYTES + 10) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"big\.yaml: the scenario file is larger than the 2,097,152-byte"):
        load_scenario(p)
    assert time.perf_counter() - t0 < 1.0


def test_non_utf8_file_is_a_clear_error(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("name: k\u00fcrecik\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.yaml: the scenario file is not UTF-8 text \(byte 0xfc at "
                                         r"offset 7\); save it as UTF-8"):
        load_scenario(p)


def test_yaml_syntax_error_is_one_line(tmp_path):
    p = _write(tmp_path, "name: x\nplaces: [a, b\n")
    with pytest.raises(InputError) as err:
        load_scenario(p)
    text = str(err.value)
    assert "\n" not in text and text.startswith("s.yaml: not valid YAML: line 3, column 1:")


def test_explicit_tags_on_bad_values_and_python_objects():
    for text in ("a: !!int abc", "a: !!float x", "a: !!bool yes", "a: !!python/object:os.system x",
                 "a: !!binary AAAA", "? [1]\n: 2", "a: 1" + "0" * 5000):
        with pytest.raises(InputError, match=r"x\.yaml: not valid YAML"):
            load_yaml(text, "x.yaml")


def test_duplicate_key_is_refused():
    with pytest.raises(InputError, match=r"found the key 'a' twice"):
        load_yaml("a: 1\na: 2\n", "x.yaml")


def test_over_long_scenario_name_is_a_clear_error():
    for name in ("a" * 300, "b" * 300 + ".yaml"):
        with pytest.raises(InputError, match=r"\.\.\.: cannot read the scenario file: File name too long$"):
            load_scenario(name)


def test_module_keeps_pyyaml_c_parser_when_available():
    import yaml

    assert (_yaml._Parser is not None) == bool(getattr(yaml, "__with_libyaml__", False))
