"""Build the `certificates:` of a workflow file, checking the states, the layout file and
that the event is described (by `listing:`) for the certificate to print it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.spec.build_obligations import Report
from engine.spec.model import CertificatesSpec, ListingSpec, StateSpec
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, display_name

LAYOUTS_FOLDER = "certificates"
_PATH: JsonPath = ("certificates",)


def layout_file(template_dir: Path, layout: str) -> Path:
    """Return a certificate layout's file: templates/certificates/<layout>.yaml."""
    return template_dir / LAYOUTS_FOLDER / f"{layout}.yaml"


def build_certificates(
    raw: Mapping[str, Any] | None,
    listing: ListingSpec | None,
    states: Mapping[str, StateSpec],
    organization: str | None,
    template_dir: Path | None,
    report: Report,
) -> CertificatesSpec | None:
    """Return the certificates spec (None without one); report every problem."""
    if raw is None:
        return None
    if listing is None:
        report(
            _PATH,
            "certificates print the event's title, dates, units and place as its 'listing:' "
            "says; add a 'listing:' to this workflow",
            at_key=True,
        )
    for i, state in enumerate(raw["states"]):
        if state not in states:
            report(
                (*_PATH, "states", i), f"there is no state '{state}'{did_you_mean(state, states)}"
            )
    path = layout_file(template_dir, raw["layout"]) if template_dir is not None else None
    if path is not None and not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.yaml"))
        report(
            (*_PATH, "layout"),
            f"there is no certificate layout '{raw['layout']}' (looked for "
            f"{display_name(path)}){did_you_mean(raw['layout'], known)}",
        )
    if organization is None and "provider_number" not in raw:
        report(
            _PATH,
            "applications of this workflow have no organization, so its number cannot be "
            "printed; say what to print instead, e.g. 'provider_number: Single-event approval'",
            at_key=True,
        )
    return CertificatesSpec(
        states=tuple(raw["states"]),
        layout=raw["layout"],
        provider_number=raw.get("provider_number"),
    )
