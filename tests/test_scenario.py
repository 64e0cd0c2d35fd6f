"""Tests for the typed scenario layer and the built-in European third-site scenario."""

import copy
import importlib.util
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from shieldcheck.errors import InputError
from shieldcheck.scenario import (
    BuiltScenario,
    Quantity,
    ScenarioModel,
    apply_sets,
    build,
    list_scenarios,
    load_scenario,
    scenario_schema,
)

FLAGSHIP = "european-third-site-2007"
SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"


def _flagship_dict() -> dict:
    text = resources.files("shieldcheck.scenarios").joinpath(f"{FLAGSHIP}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@pytest.fixture(scope="module")
def model() -> ScenarioModel:
    return load_scenario(FLAGSHIP)


def _assumption(built: BuiltScenario, path: str):
    found = [a for a in built.assumptions if a.path == path]
    assert len(found) == 1, path
    return found[0]


def _write(tmp_path: Path, data: dict, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------ built-in


def test_list_scenarios_includes_flagship():
    names = dict(list_scenarios())
    assert FLAGSHIP in names
    assert "European third site" in names[FLAGSHIP]


def test_flagship_loads_and_names_match_file(model):
    assert model.name == FLAGSHIP
    assert model.filename == f"{FLAGSHIP}.yaml"
    assert model.interceptor_types["gbi-2stage"].burnout_speed_km_s.value == 6.3
    assert [s.name for s in model.interceptor_sites] == ["redzikowo"]
    assert model.interceptor_sites[0].inventory.value == 10


@pytest.mark.parametrize("variant", [None, *load_scenario(FLAGSHIP).variants])
def test_flagship_builds_for_every_variant(model, variant):
    built = build(model, variant=variant)
    assert built.variant == variant
    assert len(built.architecture.sites) == 1
    assert [r.name for r in built.architecture.radars] == ["brdy-xband", "kurecik-fbx", "fylingdales-uewr"]
    assert [e.name for e in built.architecture.early_warning] == ["dsp-sbirs"]
    # 3 launch areas x 13 European capitals + 3 x 3 East Coast cities + 5 ICBM fields x 2 cities
    assert len(built.threats) == 39 + 9 + 10
    assert {t.group for t in built.threats} == {"iran-europe", "iran-us-east-coast", "russia-us"}
    assert re.fullmatch(r"[0-9a-f]{64}", built.scenario_hash)


def test_flagship_threats_are_reachable_by_their_missiles(model):
    built = build(model)
    by_group = {}
    for case in built.threats:
        by_group.setdefault(case.group, case)
    for case in by_group.values():
        traj = case.trajectory(built.architecture.earth, built.architecture.rotation)
        assert traj.status == "ok", (case.group, traj.reason)


def test_every_flagship_number_has_a_source(model):
    for a in build(model).assumptions:
        assert a.source.strip(), a.path
        assert a.origin in ("scenario", "catalog"), a.path  # nothing falls back to a silent default


def test_every_number_in_flagship_file_is_sourced():
    """Walk the raw YAML: every number sits in a {value, source} mapping with a non-empty source."""

    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node and isinstance(node["value"], (int, float)):
                assert isinstance(node.get("source"), str) and node["source"].strip(), path
                return
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}.{i}")
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            pytest.fail(f"bare number without a source at {path}: {node!r}")

    walk(_flagship_dict(), "")


def test_estimates_are_marked(model):
    sources = [a.source for a in build(model).assumptions]
    assert any(s.startswith("estimate:") for s in sources)
    for s in sources:
        if "estimate" in s.split(":")[0]:
            assert s.startswith("estimate"), s


# ------------------------------------------------------------------------------------------------ variants


SPEED_VARIANTS = {
    "speed-mda-slides": (5.4, "SpaceNews, Aug 2007"),
    "speed-mda": (6.3, "AFP, Aug 2007"),
    "speed-postol-8": (8.0, "T. Postol, AAAS seminar Aug 2007 (via SpaceNews, AFP)"),
    "speed-postol-9": (9.0, "T. Postol, AAAS seminar Aug 2007 (via SpaceNews, AFP)"),
}


@pytest.mark.parametrize(("variant", "expected"), SPEED_VARIANTS.items())
def test_speed_variants_change_exactly_the_speed(model, variant, expected):
    value, source = expected
    base = {a.path: a for a in build(model).assumptions}
    built = build(model, variant=variant)
    assert built.architecture.sites[0].interceptor.burnout_speed_km_s == value
    changed = {
        a.path for a in built.assumptions if (a.value, a.source) != (base[a.path].value, base[a.path].source)
    }
    assert changed <= {SPEED}
    a = _assumption(built, SPEED)
    assert a.origin == f"variant {variant}"
    assert source in a.source


def test_radar_variants(model):
    low = build(model, variant="fbx-lewis-postol-2012")
    ranges = {r.name: r.max_range_km for r in low.architecture.radars}
    assert ranges == {"brdy-xband": 2000.0, "kurecik-fbx": 1000.0, "fylingdales-uewr": 4800.0}
    assert _assumption(low, "radars.kurecik-fbx.max_range_km").source.startswith("estimate:")
    nrc = build(model, variant="fbx-nrc-2012")
    assert {r.name: r.max_range_km for r in nrc.architecture.radars}["kurecik-fbx"] == 1500.0
    assert "NRC 2012" in _assumption(nrc, "radars.kurecik-fbx.max_range_km").source
    emr = build(model, variant="emr-oreilly-2007")
    assert "O'Reilly" in _assumption(emr, "radars.brdy-xband.max_range_km").source


def test_unknown_variant_lists_the_variants(model):
    with pytest.raises(InputError, match=r"variant 'speed-10' is not defined.*variants: speed-mda-slides, "):
        build(model, variant="speed-10")


# ------------------------------------------------------------------------------------------------ --set


def test_set_nested_named_item_marks_the_number(model):
    built = build(model, sets=["radars.brdy-xband.max_range_km=3000"])
    assert {r.name: r.max_range_km for r in built.architecture.radars}["brdy-xband"] == 3000.0
    a = _assumption(built, "radars.brdy-xband.max_range_km")
    assert (a.value, a.source, a.origin, a.unit) == (3000.0, "--set", "--set", "km")
    # the model itself is untouched
    assert model.radars[0].max_range_km.value == 2000.0


def test_set_by_index_and_into_value(model):
    built = build(model, sets=["radars.1.max_range_km=1200", "timeline.decision_s.value=90"])
    assert {r.name: r.max_range_km for r in built.architecture.radars}["kurecik-fbx"] == 1200.0
    assert built.architecture.timeline.decision_s == 90.0
    assert _assumption(built, "timeline.decision_s").origin == "--set"


def test_set_replaces_sourced_number_and_lists(model):
    m = apply_sets(model, [f"{SPEED}=7.1", "threats.iran-europe.targets=[berlin, paris]"])
    assert m.interceptor_types["gbi-2stage"].burnout_speed_km_s == Quantity(value=7.1, source="--set")
    assert m.threats[0].targets == ["berlin", "paris"]
    assert len(build(m).threats) == 3 * 2 + 9 + 10


def test_set_after_variant_wins(model):
    built = build(model, variant="speed-postol-9", sets=[f"{SPEED}=7.0"])
    assert built.architecture.sites[0].interceptor.burnout_speed_km_s == 7.0
    assert _assumption(built, SPEED).origin == "--set"


def test_apply_sets_on_a_dict_returns_a_dict():
    data = _flagship_dict()
    out = apply_sets(data, ["timeline.kill_assessment_s=10"])
    assert out["timeline"]["kill_assessment_s"] == {"value": 10, "source": "--set"}
    assert data["timeline"]["kill_assessment_s"]["value"] == 60  # input not modified


def test_hash_stable_and_sensitive(model):
    h0 = build(model).scenario_hash
    assert build(load_scenario(FLAGSHIP)).scenario_hash == h0
    assert build(model, variant="speed-mda").scenario_hash == h0  # same value, same source: same input
    assert build(model, variant="speed-postol-8").scenario_hash != h0
    assert build(model, sets=["timeline.decision_s=61"]).scenario_hash != h0
    assert (
        build(model, sets=["timeline.decision_s=61"]).scenario_hash
        == build(model, sets=["timeline.decision_s=61"]).scenario_hash
    )


def test_bad_set_path_lists_valid_keys(model):
    with pytest.raises(InputError) as exc:
        build(model, sets=["radars.brdy-xband.max_rnge_km=3000"])
    text = str(exc.value)
    assert text.startswith(f"{FLAGSHIP}.yaml: --set radars.brdy-xband.max_rnge_km: unknown key 'max_rnge_km'")
    assert "did you mean 'max_range_km'?" in text
    assert "valid keys: name, label, place, altitude_km, max_range_km" in text
    with pytest.raises(
        InputError, match=r"unknown key 'brdyx' under radars .*valid keys: brdy-xband, kurecik-fbx"
    ):
        build(model, sets=["radars.brdyx.max_range_km=3000"])
    with pytest.raises(InputError, match=r"unknown key 'nope' at the top level"):
        apply_sets(model, ["nope=1"])
    with pytest.raises(InputError, match=r"--set 'timeline': must be PATH=VALUE"):
        apply_sets(model, ["timeline"])


def test_non_numeric_set_value(model):
    with pytest.raises(InputError) as exc:
        build(model, sets=["timeline.decision_s=soon"])
    assert str(exc.value) == f"{FLAGSHIP}.yaml: --set timeline.decision_s: must be a number, got 'soon'"


def test_set_value_breaking_a_rule_names_the_override(model):
    with pytest.raises(InputError) as exc:
        build(model, sets=["timeline.decision_s=-1"])
    assert str(exc.value) == (
        f"{FLAGSHIP}.yaml: timeline.decision_s: must be within [0, 86400], got -1.0 (value from --set)"
    )


# ------------------------------------------------------------------------------------------------ schema


def test_schema_has_the_top_level_keys():
    schema = scenario_schema()
    assert schema["type"] == "object"
    for key in (
        "name",
        "title",
        "question",
        "earth",
        "rotation",
        "places",
        "interceptor_types",
        "interceptor_sites",
        "radars",
        "early_warning",
        "timeline",
        "threats",
        "variants",
    ):
        assert key in schema["properties"], key
    assert schema["additionalProperties"] is False


@pytest.mark.skipif(
    importlib.util.find_spec("jsonschema") is None,
    reason="jsonschema is not installed in this environment; the structural test above still runs",
)
def test_schema_validates_the_flagship():  # pragma: no cover - depends on an optional package
    import jsonschema

    jsonschema.validate(_flagship_dict(), scenario_schema())


# ------------------------------------------------------------------------------------------------ bad files


def _expect(tmp_path, mutate, expected: str):
    data = _flagship_dict()
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    assert str(exc.value).splitlines()[0] == expected, str(exc.value)


def test_typo_field(tmp_path):
    def mutate(d):
        t = d["interceptor_types"]["gbi-2stage"]
        t["burnout_sped_km_s"] = t.pop("burnout_speed_km_s")

    _expect(
        tmp_path,
        mutate,
        "bad.yaml: interceptor_types.gbi-2stage.burnout_sped_km_s: unknown field "
        "(did you mean 'burnout_speed_km_s'?)",
    )


def test_missing_required_field(tmp_path):
    _expect(
        tmp_path, lambda d: d["radars"][0].pop("place"), "bad.yaml: radars.brdy-xband.place: field required"
    )


def test_negative_delay(tmp_path):
    _expect(
        tmp_path,
        lambda d: d["timeline"].__setitem__("decision_s", -1),
        "bad.yaml: timeline.decision_s: must be within [0, 86400], got -1.0",
    )
    _expect(
        tmp_path,
        lambda d: d["early_warning"][0].__setitem__("detection_delay_s", {"value": -30, "source": "x"}),
        "bad.yaml: early_warning.dsp-sbirs.detection_delay_s: must be within [0, 3600], got -30.0",
    )


def test_out_of_range_number(tmp_path):
    _expect(
        tmp_path,
        lambda d: d["interceptor_types"]["gbi-2stage"].__setitem__(
            "burn_time_s", {"value": -5, "source": "x"}
        ),
        "bad.yaml: interceptor_types.gbi-2stage.burn_time_s: must be within [0, 1000], got -5.0",
    )
    _expect(
        tmp_path,
        lambda d: d["radars"][1].__setitem__("max_range_km", 60000),
        "bad.yaml: radars.kurecik-fbx.max_range_km: must be within (0, 50000], got 60000.0",
    )


def test_unknown_place(tmp_path):
    def mutate(d):
        d["threats"][0]["targets"][0] = "berln"

    data = _flagship_dict()
    mutate(data)
    with pytest.raises(InputError) as exc:
        load_scenario(_write(tmp_path, data))
    text = str(exc.value)
    assert text.startswith("bad.yaml: threats.iran-europe.targets.0: unknown place 'berln'")
    assert "did you mean 'berlin'" in text


def test_unknown_interceptor_type(tmp_path):
    _expect(
        tmp_path,
        lambda d: d["interceptor_sites"][0].__setitem__("interceptor", "gbi-2stag"),
        "bad.yaml: interceptor_sites.redzikowo.interceptor: unknown interceptor type 'gbi-2stag'; "
        "did you mean 'gbi-2stage'?",
    )


def test_unknown_missile(tmp_path):
    data = _flagship_dict()
    data["threats"][2]["missile"] = "icbm-sold"
    with pytest.raises(
        InputError,
        match=r"^bad\.yaml: threats\.russia-us\.missile: unknown missile class 'icbm-sold'; "
        r"did you mean 'icbm-solid'",
    ):
        load_scenario(_write(tmp_path, data))


def test_duplicate_names(tmp_path):
    _expect(
        tmp_path,
        lambda d: d["radars"].append(copy.deepcopy(d["radars"][0])),
        "bad.yaml: radars.3.name: duplicate name 'brdy-xband' (already used by radars.0); "
        "names must be unique",
    )


def test_empty_threats(tmp_path):
    _expect(
        tmp_path,
        lambda d: d.__setitem__("threats", []),
        "bad.yaml: threats: must not be empty (at least 1 item needed)",
    )


def test_number_of_the_wrong_type(tmp_path):
    _expect(
        tmp_path,
        lambda d: d["radars"][0].__setitem__("max_range_km", "far"),
        "bad.yaml: radars.brdy-xband.max_range_km: must be a number or a mapping "
        "{value: <number>, source: '<citation>'}, got 'far'",
    )


def test_shape_needs_its_parameter(tmp_path):
    _expect(
        tmp_path,
        lambda d: d["threats"][0].__setitem__("shape", "apogee"),
        "bad.yaml: threats.iran-europe.apogee_km: field required for shape 'apogee'",
    )


def test_bad_variant_is_caught_at_load(tmp_path):
    def mutate(d):
        d["variants"]["speed-mda"]["set"] = {SPEED: 30}

    _expect(
        tmp_path,
        mutate,
        "bad.yaml: interceptor_types.gbi-2stage.burnout_speed_km_s: must be within (0, 15], got 30.0 "
        "(value from variant speed-mda)",
    )


def test_plain_numbers_and_own_places(tmp_path):
    data = {
        "name": "tiny",
        "title": "Tiny",
        "question": "Does a plain-number file work?",
        "places": [{"name": "my-site", "latitude_deg": 54.0, "longitude_deg": 18.0, "source": "test"}],
        "interceptor_types": {
            "fast": {"burnout_speed_km_s": 7, "burn_time_s": 100, "burnout_altitude_km": 150}
        },
        "interceptor_sites": [{"name": "a", "place": "my-site", "interceptor": "fast", "inventory": 4}],
        "radars": [{"name": "r", "place": "54.5,18.5", "max_range_km": 1500}],
        "threats": [{"name": "g", "launch": "tehran", "targets": ["berlin"], "missile": "irbm-3700"}],
    }
    built = build(load_scenario(_write(tmp_path, data, "tiny.yaml")))
    site = built.architecture.sites[0]
    assert (site.latitude_deg, site.inventory, site.interceptor.burnout_speed_km_s) == (54.0, 4, 7.0)
    assert _assumption(built, "timeline.decision_s").origin == "default"
    assert _assumption(built, "places.my-site.latitude_deg").source == "test"
    assert _assumption(built, "catalog.places.54.5,18.5.latitude_deg").origin == "coordinates"
    assert len(built.threats) == 1


def test_unknown_builtin_and_unreadable_path(tmp_path):
    with pytest.raises(InputError, match=r"scenario 'european' is not built in"):
        load_scenario("european")
    with pytest.raises(InputError, match=r"cannot read the scenario file"):
        load_scenario(tmp_path / "missing.yaml")


def test_example_scenario_in_the_readme_runs():
    # examples/minimal-scenario.yaml is the README's "write your own" starting point: it must stay valid.
    from pathlib import Path

    from shieldcheck.engagement import engage_scenario

    path = Path(__file__).resolve().parents[1] / "examples" / "minimal-scenario.yaml"
    model = load_scenario(str(path))
    for variant in (None, "faster"):
        rows = engage_scenario(build(model, variant=variant))
        assert len(rows) == 2 and all(r.engageable for r in rows)


@pytest.mark.parametrize("bad", [None, 5])
def test_load_scenario_of_the_wrong_type_is_an_input_error(bad):
    # build_study(None) / build_study(5) raised TypeError from os.fspath
    from shieldcheck import build_study

    with pytest.raises(InputError, match="scenario must be a built-in name or a YAML path"):
        build_study(bad)


def test_launch_and_target_compared_as_points_not_name_keys(tmp_path):
    # breaker, session 5: '10,179.9' and '10,-179.9' (22 km apart, across the date line) share the name key
    # '10-179-9', so the group was refused as "also a launch place"; so were '40,20' -> '-40,-20'
    data = _flagship_dict()
    data["threats"] = [{"name": "odd", "launch": ["10,179.9", "40,20"], "targets": ["10,-179.9", "-40,-20"],
                        "missile": "icbm-solid"}]
    load_scenario(_write(tmp_path, data, "ok.yaml"))
    data["threats"][0]["targets"] = ["10,-179.9", "10.0,179.90"]  # the same point as 10,179.9
    with pytest.raises(InputError, match=r"targets\.1: '10.0,179.90' is also a launch place"):
        load_scenario(_write(tmp_path, data))
