"""Figures from sweep tables: heatmaps, feasibility boundaries and line plots (matplotlib, Agg).

Every function takes the table of :func:`shieldcheck.sweep.load` (a ``pyarrow.Table``) or a mapping of
column name to array, filters it with ``where``, aggregates one value per cell of the swept inputs, and
returns a ``matplotlib.figure.Figure`` (built without pyplot, so nothing global changes and no display is
needed; ``fig.savefig("x.png")`` renders with Agg), titled with the scenario (its ``scenario`` column) and
"model estimates" (not "kinematic": a sweep table does not record how its threats were flown, and a
staged group may be among them). Axis labels carry units read from the column name
(``_km_s`` km/s, ``_s`` s, ``_km`` km, ``_deg`` deg, ``_m2`` m²).

``value`` is any numeric column, or ``"engageable_fraction"``: the share of engagement rows in the cell
that are engageable.

``where`` keeps rows whose columns equal the given values, e.g. ``{"threat": "russia-us"}`` or
``{"site": "redzikowo", "target": ["washington", "new-york"]}``; a callable taking the column mapping and
returning a boolean mask also works.

>>> t = {"a.speed_km_s": [6.0, 6.0, 8.0, 8.0], "b.decision_s": [30, 90, 30, 90],
...      "window_s": [0.0, 0.0, 120.0, 60.0], "engageable": [False, False, True, True]}
>>> fig = heatmap(t, "a.speed_km_s", "b.decision_s", value="window_s")
>>> fig.axes[0].get_xlabel()
'Speed, a (km/s)'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from shieldcheck.errors import InputError

__all__ = ["feasibility_boundary", "heatmap", "line_plot"]

_UNITS = (("_km_s", "km/s"), ("_m2", "m²"), ("_deg", "deg"), ("_km", "km"), ("_s", "s"), ("_w", "W"))
_VALUE_LABELS = {
    "window_s": "Intercept window (s)",
    "p_no_leak": "P(no leak)",
    "engageable_fraction": "Engageable fraction",
    "pk": "P_k per engagement",
    "expected_leakers": "Expected leakers",
    "interceptors_expended": "Interceptors expended",
    "time_to_decide_s": "Time to decide (s)",
    "shots": "Shot opportunities",
}
# "engageable" (a bool) averages to a fraction too: ".0f" printed 0.6 of the routes as "1"
_PROBABILITIES = {"p_no_leak", "engageable_fraction", "engageable", "pk", "p_sys"}
_AGGS: dict[str, Callable[[np.ndarray], float]] = {
    "mean": np.mean,
    "min": np.min,
    "max": np.max,
    "median": np.median,
}


def label(column: str) -> str:
    """An axis label with its unit, from a column name or a dotted input path.

    >>> label("interceptor_types.gbi-2stage.burnout_speed_km_s")
    'Burnout speed, gbi-2stage (km/s)'
    >>> label("window_s")
    'Intercept window (s)'
    """
    if column in _VALUE_LABELS:
        return _VALUE_LABELS[column]
    parts = column.split(".")
    name, unit = parts[-1], ""
    for suffix, u in _UNITS:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], u
            break
    text = name.replace("_", " ").strip().capitalize()
    if len(parts) >= 2:
        text += f", {parts[-2]}"
    return f"{text} ({unit})" if unit else text


def _columns(table: Any) -> dict[str, np.ndarray]:
    if hasattr(table, "column_names") and hasattr(table, "column"):  # a pyarrow Table
        return {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names}
    if isinstance(table, Mapping):
        return {k: np.asarray(v) for k, v in table.items()}
    raise InputError(f"table must be a pyarrow.Table or a mapping of columns, got {type(table).__name__}")


def _need(cols: Mapping[str, np.ndarray], name: str, what: str) -> np.ndarray:
    if name not in cols:
        inputs = [c for c in cols if "." in c]
        hint = f"; swept inputs: {', '.join(inputs)}" if inputs else ""
        raise InputError(f"{what} {name!r} is not a column of the table{hint}")
    return cols[name]


def _select(cols: dict[str, np.ndarray], where) -> dict[str, np.ndarray]:
    if where is None:
        return cols
    n = len(next(iter(cols.values())))
    if callable(where):
        mask = np.asarray(where(cols), dtype=bool)
    else:
        mask = np.ones(n, dtype=bool)
        for k, v in where.items():
            col = _need(cols, k, "where")
            allowed = list(v) if isinstance(v, (list, tuple, set, frozenset)) else [v]
            mask &= np.isin(col, allowed)
    if not mask.any():
        raise InputError(f"where={where!r} keeps no rows")
    return {k: c[mask] for k, c in cols.items()}


def _values(cols: Mapping[str, np.ndarray], value: str) -> np.ndarray:
    if value == "engageable_fraction":
        return _need(cols, "engageable", "column").astype(float)
    col = _need(cols, value, "value")
    try:
        return np.asarray(col, dtype=float)  # None (a null) becomes NaN
    except (TypeError, ValueError):
        raise InputError(f"value {value!r} is not a numeric column") from None


def _agg(agg: str) -> Callable[[np.ndarray], float]:
    if agg not in _AGGS:
        raise InputError(f"agg must be one of {', '.join(_AGGS)}, got {agg!r}")
    return _AGGS[agg]


def _numeric(cols: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    col = _need(cols, name, "input")
    try:
        return np.asarray(col, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name!r} must be a numeric column to be an axis") from None


def _grid(x: np.ndarray, y: np.ndarray, v: np.ndarray, agg: str):
    """Unique sorted x and y, and Z[j, i] = agg of v over rows at (x_i, y_j) (NaN rows ignored)."""
    f = _agg(agg)
    xs, xi = np.unique(x, return_inverse=True)
    ys, yi = np.unique(y, return_inverse=True)
    z = np.full((ys.size, xs.size), np.nan)
    counts = np.zeros((ys.size, xs.size), dtype=int)
    order = np.lexsort((xi, yi))
    keys = yi[order] * xs.size + xi[order]
    starts = np.flatnonzero(np.r_[True, np.diff(keys) != 0])
    for s, e in zip(starts, np.r_[starts[1:], keys.size], strict=True):
        j, i = divmod(int(keys[s]), xs.size)
        vals = v[order[s:e]]
        vals = vals[np.isfinite(vals)]
        counts[j, i] = e - s
        if vals.size:
            z[j, i] = f(vals)
    return xs, ys, z, counts


def _edges(c: np.ndarray) -> np.ndarray:
    if c.size == 1:
        half = 0.5 if c[0] == 0 else abs(c[0]) * 0.05
        return np.array([c[0] - half, c[0] + half])
    mid = (c[1:] + c[:-1]) / 2
    return np.r_[c[0] - (mid[0] - c[0]), mid, c[-1] + (c[-1] - mid[-1])]


def _figure(ax):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    return fig, fig.add_subplot()


def _title(ax, title: str, cols: Mapping[str, np.ndarray]) -> None:
    """The figure's title, and under it what every figure says: the scenario (the sweep rows' ``scenario``
    column, when the table has one) and that the numbers are model estimates."""
    names = sorted({str(v) for v in cols["scenario"]}) if "scenario" in cols else []
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    what = ", ".join(names[:3]) + more + ": " if names else ""
    ax.set_title(f"{title}\n{what}model estimates, not measurements", fontsize=10)


def _style(ax) -> None:
    ax.tick_params(direction="out", labelsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _annotate(ax, xs, ys, z, fmt: str) -> None:
    if xs.size * ys.size > 144:
        return
    finite = z[np.isfinite(z)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for j, yv in enumerate(ys):
        for i, xv in enumerate(xs):
            if np.isfinite(z[j, i]):
                color = "white" if z[j, i] < mid else "black"
                ax.text(xv, yv, format(z[j, i], fmt), ha="center", va="center", fontsize=8, color=color)


def heatmap(
    table,
    x_path: str,
    y_path: str,
    value: str = "window_s",
    agg: str = "mean",
    where=None,
    *,
    ax=None,
    cmap: str = "viridis",
    title: str | None = None,
    annotate: bool = True,
) -> Figure:
    """A value over two swept inputs: one cell per grid point, aggregated over the rows in it.

    Parameters
    ----------
    table : pyarrow.Table or mapping
    x_path, y_path : str
        Input columns (dotted paths) for the axes.
    value : str
        ``"window_s"``, ``"p_no_leak"``, ``"engageable_fraction"`` or any numeric column.
    agg : {"mean", "min", "max", "median"}
        How the rows of a cell (threats × sites × draws) combine; NaN rows are ignored.
    where : mapping or callable, optional
        Row filter (see the module docstring).
    ax : matplotlib Axes, optional
        Draw into it instead of a new figure.
    cmap, title, annotate : optional
        Colour map; a title (default: what was aggregated); write cell values when the grid is small.

    Returns
    -------
    matplotlib.figure.Figure
    """
    cols = _select(_columns(table), where)
    x, y, v = _numeric(cols, x_path), _numeric(cols, y_path), _values(cols, value)
    xs, ys, z, counts = _grid(x, y, v, agg)
    fig, ax = _figure(ax)
    prob = value in _PROBABILITIES
    mesh = ax.pcolormesh(
        _edges(xs),
        _edges(ys),
        np.ma.masked_invalid(z),
        cmap=cmap,
        shading="flat",
        vmin=0.0 if prob else None,
        vmax=1.0 if prob else None,
    )
    if annotate:
        _annotate(ax, xs, ys, z, ".2f" if prob else ".0f")
    fig.colorbar(mesh, ax=ax, label=f"{label(value)}, {agg}")
    ax.set_xlabel(label(x_path))
    ax.set_ylabel(label(y_path))
    per_cell = int(np.median(counts[counts > 0])) if (counts > 0).any() else 0
    _title(ax, title or f"{label(value)}: {agg} over {per_cell} rows per cell", cols)
    _style(ax)
    return fig


def feasibility_boundary(
    table,
    x_path: str,
    y_path: str,
    *,
    level: float = 0.5,
    min_window_s: float = 0.0,
    where=None,
    ax=None,
    title: str | None = None,
) -> Figure:
    """Where engagements become possible over two inputs: the shaded feasible fraction and its contour.

    A row is feasible when it is engageable and its intercept window exceeds ``min_window_s``. Each
    cell shows the fraction of its rows that are feasible; the black line is the contour at ``level``
    (default 0.5: half of the engagements possible), drawn only where the fraction crosses it inside the
    swept range (a note says so otherwise).

    Parameters
    ----------
    table : pyarrow.Table or mapping
    x_path, y_path : str
    level : float
        Fraction in (0, 1) at which to draw the boundary.
    min_window_s : float
        Shortest intercept window counted as feasible (s).
    where, ax, title : optional
        As for :func:`heatmap`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not 0.0 < level < 1.0:
        raise InputError(f"level must be within (0, 1), got {level!r}")
    cols = _select(_columns(table), where)
    x, y = _numeric(cols, x_path), _numeric(cols, y_path)
    eng = _need(cols, "engageable", "column").astype(bool)
    win = np.nan_to_num(_values(cols, "window_s"), nan=0.0)
    feasible = (eng & (win > min_window_s)).astype(float)
    xs, ys, z, _ = _grid(x, y, feasible, "mean")
    fig, ax = _figure(ax)
    mesh = ax.pcolormesh(
        _edges(xs), _edges(ys), np.ma.masked_invalid(z), cmap="RdYlGn", vmin=0.0, vmax=1.0, shading="flat"
    )
    fig.colorbar(mesh, ax=ax, label="Fraction of engagements possible")
    finite = z[np.isfinite(z)]
    crosses = finite.size and finite.min() < level < finite.max()
    if xs.size >= 2 and ys.size >= 2 and crosses:
        cs = ax.contour(xs, ys, np.ma.masked_invalid(z), levels=[level], colors="black", linewidths=2.0)
        ax.clabel(cs, fmt={level: f"{level:.0%} possible"}, fontsize=8)
    else:
        where_text = "above" if finite.size and finite.min() >= level else "below"
        note = (
            "grid too small for a contour"
            if xs.size < 2 or ys.size < 2
            else f"fraction {where_text} {level:.0%} everywhere in the swept range"
        )
        ax.text(0.02, 0.98, note, transform=ax.transAxes, va="top", fontsize=8)
    ax.set_xlabel(label(x_path))
    ax.set_ylabel(label(y_path))
    extra = f", window > {min_window_s:g} s" if min_window_s > 0 else ""
    _title(ax, title or f"Feasibility boundary (engageable{extra}; line at {level:.0%})", cols)
    _style(ax)
    return fig


def line_plot(
    table,
    x_path: str,
    value: str = "window_s",
    group_by: str | None = "threat",
    agg: str = "mean",
    where=None,
    *,
    ax=None,
    title: str | None = None,
) -> Figure:
    """A value against one swept input, one line per group (e.g. per threat group or per target).

    Parameters
    ----------
    table : pyarrow.Table or mapping
    x_path : str
    value : str
        As for :func:`heatmap`.
    group_by : str or None
        Column whose values give one line each; None for a single line.
    agg : {"mean", "min", "max", "median"}
        How rows at the same x (other inputs, threats, draws) combine.
    where, ax, title : optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    f = _agg(agg)
    cols = _select(_columns(table), where)
    x, v = _numeric(cols, x_path), _values(cols, value)
    groups = [None] if group_by is None else sorted(set(_need(cols, group_by, "group_by").tolist()), key=str)
    fig, ax = _figure(ax)
    for g in groups:
        m = np.ones(x.size, dtype=bool) if g is None else (cols[group_by] == g)
        xs = np.unique(x[m])
        ys = []
        for xv in xs:
            vals = v[m & (x == xv)]
            vals = vals[np.isfinite(vals)]
            ys.append(f(vals) if vals.size else np.nan)
        ax.plot(xs, ys, marker="o", markersize=3.5, linewidth=1.5, label=None if g is None else str(g))
    ax.set_xlabel(label(x_path))
    ax.set_ylabel(f"{label(value)}, {agg}")
    if value in _PROBABILITIES:
        ax.set_ylim(-0.02, 1.02)
    if group_by is not None:
        ax.legend(title=group_by, fontsize=8, title_fontsize=8, frameon=False)
    ax.grid(True, linewidth=0.4, alpha=0.5)
    _title(ax, title or f"{label(value)} vs {label(x_path)}", cols)
    _style(ax)
    return fig
