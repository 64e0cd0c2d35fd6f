"""Figures for engagements: altitude profiles, kill-chain timelines and speed-sensitivity curves.

Matplotlib's object API (no pyplot state, no display needed). Units in every axis label.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure

from shieldcheck import earth as _earth

__all__ = ["profile_figure", "timeline_figure", "sensitivity_figure", "png_bytes"]

_THREAT_COLOR = "#c62828"
_INTERCEPTOR_COLOR = "#1f5fa8"


def png_bytes(fig: Figure, dpi: float = 130.0) -> bytes:
    """Render a figure to PNG bytes (white background, tight bounding box)."""
    buf = io.BytesIO()
    fig.savefig(buf, dpi=dpi, format="png", bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _downrange_km(lat0, lon0, lat, lon, earth):
    d, _, _ = _earth.geodesic_inverse(lat0, lon0, lat, lon, earth=earth)
    return np.asarray(d)


def profile_figure(
    samples,
    title: str,
    interceptor: dict | None = None,
    intercept_s: float | None = None,
    earth: str = "wgs84",
) -> Figure:
    """Altitude against ground distance from the threat's launch point, threat and interceptor.

    ``samples`` is a `shieldcheck.threats.TrajectorySamples`; ``interceptor`` a dict from
    `shieldcheck.engagement.interceptor_path` (its ground points are measured from the same launch point,
    so both curves share the axis).
    """
    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.add_subplot(1, 1, 1)
    lat0, lon0 = samples.latitude_deg[0], samples.longitude_deg[0]
    x = _downrange_km(lat0, lon0, samples.latitude_deg, samples.longitude_deg, earth)
    boost = samples.phase == "boost"
    ax.plot(x, samples.altitude_km, color=_THREAT_COLOR, lw=1.8, label="threat (coast)")
    if np.any(boost):
        ax.plot(
            x[boost],
            samples.altitude_km[boost],
            color=_THREAT_COLOR,
            lw=1.8,
            ls=":",
            label="threat boost (illustrative)",
        )
    if interceptor is not None:
        xi = _downrange_km(lat0, lon0, interceptor["latitude_deg"], interceptor["longitude_deg"], earth)
        ax.plot(xi, interceptor["altitude_km"], color=_INTERCEPTOR_COLOR, lw=1.8, label="interceptor")
        ax.plot(
            xi[-1],
            interceptor["altitude_km"][-1],
            marker="*",
            ms=13,
            color="#f9a825",
            mec="black",
            mew=0.6,
            ls="none",
            label=f"first intercept ({intercept_s:,.0f} s)" if intercept_s else "intercept",
        )
    ax.set_xlabel("ground distance from the threat's launch point (km)")
    ax.set_ylabel("altitude (km)")
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper right", frameon=False)
    fig.tight_layout()
    return fig


def timeline_figure(rows: list, labels: list[str], title: str) -> Figure:
    """The kill chain against time after the threat's launch, one lane per engagement row.

    Each lane shows early warning, radar detection, track, fire decision and earliest launch as markers,
    the latest launch that still intercepts, and the intercept window as a bar (or the reason there is
    none). ``rows`` are `EngagementResult` objects.
    """
    fig = Figure(figsize=(8.0, 0.75 + 0.62 * len(rows)))
    ax = fig.add_subplot(1, 1, 1)
    events = [
        ("early_warning_s", "early warning", "o", "#6d4c41"),
        ("radar_detection_s", "radar detection", "s", "#455a64"),
        ("track_s", "track", "D", "#00838f"),
        ("fire_decision_s", "fire decision", "^", "#6a1b9a"),
        ("earliest_launch_s", "earliest launch", ">", _INTERCEPTOR_COLOR),
        ("latest_launch_s", "latest launch", "<", "#ef6c00"),
    ]
    seen = set()
    for k, r in enumerate(rows):
        y = len(rows) - 1 - k
        end = r.threat_flight_time_s  # NaN for a threat that does not fly to this target
        flies = end is not None and np.isfinite(end)
        if flies:
            ax.plot([0, end], [y, y], color="#bdbdbd", lw=1, zorder=1)
        if r.engageable:
            ax.barh(
                y,
                r.window_end_s - r.window_start_s,
                left=r.window_start_s,
                height=0.36,
                color="#66bb6a",
                edgecolor="#2e7d32",
                label=None if "window" in seen else "intercept window",
                zorder=2,
            )
            seen.add("window")
        else:
            x, ha = (end, "right") if flies else (0.0, "left")
            ax.text(x, y + 0.18, r.reason[:70], fontsize=7, ha=ha, color="#b71c1c")
        for field, name, marker, color in events:
            v = getattr(r, field)
            if v is not None and np.isfinite(v):
                ax.plot(
                    v,
                    y,
                    marker=marker,
                    color=color,
                    ls="none",
                    ms=6,
                    zorder=3,
                    label=None if name in seen else name,
                )
                seen.add(name)
        if not flies:
            continue
        ax.plot(
            end,
            y,
            marker="x",
            color=_THREAT_COLOR,
            ms=7,
            ls="none",
            zorder=3,
            label=None if "impact" in seen else "impact",
        )
        seen.add("impact")
    ax.set_yticks(range(len(rows)), list(reversed(labels)), fontsize=8)
    ax.set_xlabel("time after the threat's launch (s)")
    ax.set_xlim(left=0)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title, fontsize=10)
    ax.legend(
        fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.16 - 0.02 * len(rows)), frameon=False
    )
    fig.tight_layout()
    return fig


def sensitivity_figure(speeds_km_s, curves: dict, title: str, claims=()) -> Figure:
    """Window length and time to decide against interceptor burnout speed, one curve per case.

    ``curves`` maps a label to ``(window_s, time_to_decide_s)`` arrays over ``speeds_km_s`` (NaN where
    there is no window). ``claims`` are ``(speed_km_s, label)`` pairs drawn as dashed reference lines
    (the scenario's sourced ``claims:``); none are drawn by default.
    """
    fig = Figure(figsize=(8.0, 3.6))
    ax1 = fig.add_subplot(1, 2, 1)
    ax2 = fig.add_subplot(1, 2, 2)
    v = np.asarray(speeds_km_s, dtype=float)
    for label, (window, decide) in curves.items():
        ax1.plot(v, window, lw=1.6, label=label)
        ax2.plot(v, decide, lw=1.6, label=label)
    for ax in (ax1, ax2):
        for s, name in claims:
            ax.axvline(s, color="#9e9e9e", lw=0.8, ls="--", zorder=0)
            ax.text(
                s,
                1.0,
                name,
                rotation=90,
                va="top",
                ha="right",
                fontsize=6.5,
                color="#616161",
                transform=ax.get_xaxis_transform(),
            )
        ax.set_xlabel("interceptor burnout speed (km/s)")
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    ax1.set_ylabel("intercept window (s)")
    ax2.set_ylabel("time to decide (s)")
    ax1.legend(fontsize=7, frameon=False, loc="upper left")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig
