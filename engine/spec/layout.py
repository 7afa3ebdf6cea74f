"""A certificate layout: the page and the items drawn on it, frozen at load.

The layout is staff's to restyle (templates/certificates/*.yaml); the details it may name
in braces are a fixed list, so a misspelt one is found at load with "did you mean".
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.messages import schema_errors
from engine.spec.model import Location
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source, read_source

# What a certificate may print: every one is stored on the certificate when it is issued.
CERTIFICATE_DETAILS = (
    "educator_name",
    "license_number",
    "title",
    "dates",
    "location",
    "units",
    "provider_name",
    "provider_number",
    "event_number",
    "issue_date",
    "number",
    "code",
    "verify_url",
)
# Details that may be missing on a certificate (a license number is optional); every
# other detail named by the layout must have a value, or the PDF is not made.
OPTIONAL_DETAILS = frozenset({"license_number"})


@dataclass(frozen=True)
class Item:
    """One thing drawn: text, a frame, a line or a QR code."""

    kind: str  # text | frame | line | qr
    x: float
    y: float
    width: float = 0.0
    height: float = 0.0
    text: str = ""  # text: the words; qr: what the code holds
    size: float = 12.0
    font: str = ""
    bold: bool = False
    align: str = "left"
    colour: tuple[int, int, int] = (0, 0, 0)
    thickness: float = 0.3
    where: Location | None = None

    def details(self) -> tuple[str, ...]:
        """Return the certificate details this item names in braces."""
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.text) if name)


@dataclass(frozen=True)
class Font:
    """A font's files, relative to static/."""

    regular: str
    bold: str | None = None


@dataclass(frozen=True)
class LayoutSpec:
    """A whole certificate layout."""

    name: str
    size: str
    orientation: str
    fonts: dict[str, Font]
    items: tuple[Item, ...]
    version: str
    source: str

    def details(self) -> frozenset[str]:
        """Return every certificate detail the layout prints."""
        return frozenset(d for item in self.items for d in item.details())


def check_layouts(
    folder: Path, static_dir: Path
) -> tuple[dict[str, LayoutSpec], list[DefinitionError]]:
    """Load every layout in a folder; return the good ones and every problem of the rest."""
    layouts: dict[str, LayoutSpec] = {}
    errors: list[DefinitionError] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            layout = load_layout(path, static_dir)
        except DefinitionsInvalid as invalid:
            errors.extend(invalid.errors)
            continue
        layouts[layout.name] = layout
    return layouts, sorted(errors)


def load_layout(path: Path, static_dir: Path) -> LayoutSpec:
    """Read and check one layout file; raise DefinitionsInvalid listing every problem."""
    source = read_source(path)
    errors = schema_errors("layout", source)
    if errors:
        raise DefinitionsInvalid(errors)
    return _Builder(source, static_dir).build()


class _Builder:
    def __init__(self, source: Source, static_dir: Path) -> None:
        self.source = source
        self.static_dir = static_dir
        self.errors: list[DefinitionError] = []

    def build(self) -> LayoutSpec:
        data = self.source.data
        fonts = {name: self._font(name, raw) for name, raw in data.get("fonts", {}).items()}
        items = tuple(self._item(raw, ("items", i), fonts) for i, raw in enumerate(data["items"]))
        if Path(self.source.file).stem != data["layout"]:
            self.errors.append(
                self.source.error(
                    ("layout",),
                    f"the layout is called '{data['layout']}' but its file is "
                    f"'{Path(self.source.file).name}'; name the file {data['layout']}.yaml",
                )
            )
        if self.errors:
            raise DefinitionsInvalid(self.errors)
        return LayoutSpec(
            name=data["layout"],
            size=data["page"]["size"],
            orientation=data["page"].get("orientation", "landscape"),
            fonts=fonts,
            items=items,
            version=self.source.version,
            source=self.source.text,
        )

    def _font(self, name: str, raw: dict[str, str]) -> Font:
        for style in ("regular", "bold"):
            if style in raw and not (self.static_dir / raw[style]).is_file():
                self.errors.append(
                    self.source.error(
                        ("fonts", name, style),
                        f"there is no font file static/{raw[style]} (run 'make install' "
                        "if it is a USWDS font)",
                    )
                )
        return Font(raw["regular"], raw.get("bold"))

    def _item(self, raw: dict[str, Any], path: JsonPath, fonts: dict[str, Font]) -> Item:
        kinds = [k for k in ("text", "frame", "line", "qr") if k in raw]
        if len(kinds) != 1:
            self.errors.append(
                self.source.error(path, "each item is exactly one of: text, frame, line or qr")
            )
            return Item("text", 0, 0)
        kind = kinds[0]
        content = raw[kind] if kind in ("text", "qr") else ""
        item = Item(
            kind=kind,
            x=float(raw.get("x", 0)),
            y=float(raw.get("y", 0)),
            width=float(raw.get("width", 0)),
            height=float(raw.get("height", 0)),
            text=content,
            size=float(raw.get("size", 12 if kind == "text" else 30)),
            font=raw.get("font", ""),
            bold=bool(raw.get("bold", False)),
            align=raw.get("align", "left"),
            colour=_rgb(raw.get("colour", "#000000")),
            thickness=float(raw.get("thickness", 0.3)),
            where=self.source.at(path),
        )
        self._check_details(item, (*path, kind))
        self._check_measures(item, raw, path)
        if kind == "text":
            self._check_font(item, fonts, path)
        return item

    def _check_details(self, item: Item, path: JsonPath) -> None:
        try:
            named = item.details()
        except ValueError:
            message = "a '{' or '}' is unmatched; write a detail as {educator_name}"
            self.errors.append(self.source.error(path, message))
            return
        for name in named:
            if name not in CERTIFICATE_DETAILS:
                hint = did_you_mean(name, CERTIFICATE_DETAILS) or (
                    "; a certificate can print: " + ", ".join(CERTIFICATE_DETAILS)
                )
                self.errors.append(
                    self.source.error(path, f"there is no certificate detail '{name}'{hint}")
                )

    def _check_measures(self, item: Item, raw: dict[str, Any], path: JsonPath) -> None:
        needed = {"text": ("width",), "frame": ("width", "height"), "line": ("width",), "qr": ()}
        for key in ("x", "y", *needed[item.kind]):
            if key not in raw:
                self.errors.append(self.source.error(path, f"a {item.kind} item needs '{key}'"))

    def _check_font(self, item: Item, fonts: dict[str, Font], path: JsonPath) -> None:
        if not item.font:
            self.errors.append(self.source.error(path, "a text item needs a 'font'"))
        elif item.font not in fonts:
            hint = did_you_mean(item.font, fonts) or (
                "; the fonts are: " + ", ".join(fonts) if fonts else "; add it under 'fonts'"
            )
            self.errors.append(
                self.source.error((*path, "font"), f"there is no font '{item.font}'{hint}")
            )
        elif item.bold and fonts[item.font].bold is None:
            self.errors.append(
                self.source.error(
                    (*path, "bold"), f"the font '{item.font}' has no bold file; add 'bold:' to it"
                )
            )


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
