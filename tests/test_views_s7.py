"""Seventh session: what the views say (README "Seventh session: views").

Each test guards one fault kind found by the sixth session's breaker and new-user trial; each was seen
failing with its fix taken out (the README says how).
"""

from __future__ import annotations

from typer.testing import CliRunner

from shieldcheck.cli import app

RUN = CliRunner()
ENV = {"COLUMNS": "200"}


def _flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------- compare's caveat
def test_compare_says_its_model_caveat_once():
    # three columns printed "Model estimates from public figures (...)" three times, once per column
    args = ["compare", "turkey-alternative-2007", "turkey-alternative-2007:poland",
            "turkey-alternative-2007:speed-postol-9", "--no-thresholds"]
    out = RUN.invoke(app, args, env=ENV)
    assert out.exit_code == 0, out.output
    text = _flat(out.output)
    assert text.count("Model estimates from public figures") == 1, text[-800:]
    assert text.count("interceptors: kinematic reach, no homing") == 1
    assert "every source is in the scenario files" in text
