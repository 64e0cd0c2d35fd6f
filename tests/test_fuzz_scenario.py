"""Fuzz scenario files: a mutated YAML file is a result or an `InputError` naming the file, never another
exception, a hang or a NaN in an engageable row; through the CLI, exit 0 or exit 2 with one line.

Mutations of examples/minimal-scenario.yaml: a scalar replaced by a YAML 1.1 surprise, a huge or
non-finite number, an alias, a tag or junk; a line deleted, duplicated or re-indented; bytes inserted.
Bounded for `make test` (about 30 s); a long run: ``SHIELDCHECK_FUZZ_EXAMPLES=3000 SHIELDCHECK_FUZZ_RANDOM=1
pytest tests/test_fuzz_scenario.py``.
"""

import math
import os
import re
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from shieldcheck.cli import app
from shieldcheck.engagement import engage_scenario
from shieldcheck.errors import InputError
from shieldcheck.scenario import build, load_scenario

EXAMPLES = int(os.environ.get("SHIELDCHECK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SHIELDCHECK_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
BASE = (Path(__file__).parents[1] / "examples" / "minimal-scenario.yaml").read_text(encoding="utf-8")
LINES = BASE.splitlines()
SCALAR = re.compile(r"(?<=: )[^{}\[\],\n#]+|(?<=\{)[^{}\[\],\n:]+(?=[,}])|(?<=\[)[^\[\],\n]+(?=[\],])")
TOKENS = st.one_of(
    st.sampled_from(
        [
            "010",
            "044",
            "1:30",
            "1.5e3",
            "no",
            "off",
            "yes",
            "~",
            "null",
            "",
            ".nan",
            ".inf",
            "-.inf",
            "1e400",
            "-1",
            "0",
            "-0.0",
            "2e-320",
            "9" * 40,
            "0x1F",
            "0o17",
            "true",
            "[]",
            "{}",
            "[a, b]",
            "*nope",
            "&a 5",
            "!!python/object:os.system x",
            "!!int abc",
            "!!binary AAAA",
            "'unterminated",
            '"\\x00"',
            "a" * 400,
            "<script>alert(1)</script>",
            "../../etc/passwd",
            "tehran",
            "berlin",
            "sphere",
            "wgs84",
            "min-energy",
            "apogee",
            "{value: 5}",
            "{value: -5, source: x}",
            "{source: x}",
            "2007-08-30",
        ]
    ),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(min_value=-(2**66), max_value=2**66).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@st.composite
def mutated(draw):
    text = BASE
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["scalar", "scalar", "scalar", "drop", "dup", "indent", "insert"]))
        lines = text.splitlines()
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "scalar":
            spans = [m.span() for m in SCALAR.finditer(text)]
            a, b = spans[draw(st.integers(0, len(spans) - 1))]
            text = text[:a] + draw(TOKENS) + text[b:]
        elif kind == "drop" and lines:
            text = "\n".join(lines[:i] + lines[i + 1 :]) + "\n"
        elif kind == "dup" and lines:
            text = "\n".join(lines[: i + 1] + lines[i:]) + "\n"
        elif kind == "indent" and lines:
            lines[i] = " " * draw(st.integers(0, 6)) + lines[i].lstrip()
            text = "\n".join(lines) + "\n"
        else:
            at = draw(st.integers(0, len(text)))
            text = (
                text[:at]
                + draw(st.sampled_from(["[", "]", "{", "}", ":", "- ", "\t", "&x ", "*x", "#", "'"]))
                + text[at:]
            )
    return text


def _finite_in_ok_rows(rows):
    for r in rows:
        d = r.to_dict()
        if d.get("engageable"):
            for k, v in d.items():
                assert not (isinstance(v, float) and math.isnan(v) and k in ("window_s", "window_start_s")), (
                    k,
                    d,
                )


@FUZZ
@given(text=mutated())
def test_mutated_scenario_file_api(text, tmp_path_factory):
    p = tmp_path_factory.mktemp("fz") / "fz.yaml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    t0 = time.monotonic()
    try:
        model = load_scenario(p)
        for variant in [None, *model.variants]:
            _finite_in_ok_rows(engage_scenario(build(model, variant=variant)))
    except InputError as exc:
        msg = str(exc)
        assert "fz.yaml" in msg or "scenario" in msg or "--set" in msg, msg
        assert "\n" not in msg.strip() or msg.count("\n") < 15, msg
    assert time.monotonic() - t0 < 60


@FUZZ
@given(text=mutated())
def test_mutated_scenario_file_cli(text, tmp_path_factory):
    p = tmp_path_factory.mktemp("fzc") / "fz.yaml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    r = CliRunner().invoke(app, ["engage", str(p), "--all-variants", "--json"])
    assert "Traceback" not in r.output, r.output[-2000:]
    assert r.exit_code in (0, 2), (r.exit_code, r.output[-2000:], repr(r.exception))
    if r.exit_code == 2:
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr[-2000:]


@settings(max_examples=min(EXAMPLES, 20), deadline=None, derandomize=True, database=None)
@given(junk=st.binary(min_size=1, max_size=200))
def test_binary_junk_is_a_clear_error(junk, tmp_path_factory):
    p = tmp_path_factory.mktemp("bin") / "junk.yaml"
    p.write_bytes(junk)
    try:
        load_scenario(p)
    except InputError as exc:
        assert "junk.yaml" in str(exc)
