"""The workbook as the zip package it is: parts by name, the sheets' part names, and a
writer that copies every part it was not told to change as the original compressed bytes.

Only the parts postme changes are decompressed, edited and compressed again; the others
(the calendar sheet, images, macros, styles …) go to the new file byte for byte, which is
also what keeps a write of a 100k-row workbook fast.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = REL_NS + "/worksheet"
DRAWING_TYPE = REL_NS + "/drawing"
CHART_TYPE = REL_NS + "/chart"
CALC_CHAIN_TYPE = REL_NS + "/calcChain"
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DRAWING_CONTENT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CONTENT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_ATTRIBUTE = re.compile(r'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def attributes(text: str) -> dict[str, str]:
    """The attributes of one start tag's text (entities left as written)."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) or ""
        for m in _ATTRIBUTE.finditer(text)
    }


def relationship_attribute(xml: str, rid: str) -> str:
    """``r:id="rId3"`` with the prefix the part's root declares for relationships, or with
    a declaration of its own when the root declares none."""
    root = re.search(r"<(?![?!])[^>]*>", xml)
    declared = root and re.search(r'xmlns:(\w+)="' + re.escape(REL_NS) + '"', root.group(0))
    if declared:
        return f'{declared.group(1)}:id="{rid}"'
    return f'xmlns:r="{REL_NS}" r:id="{rid}"'


def unescape(text: str) -> str:
    from html import unescape as html_unescape

    return html_unescape(text) if "&" in text else text


@dataclass
class Relationship:
    id: str
    type: str
    target: str
    external: bool = False


@dataclass
class Package:
    """An .xlsx/.xlsm opened for a splice: the original bytes and the parts replaced so far."""

    data: bytes
    zip: zipfile.ZipFile
    changed: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, data: bytes) -> Package:
        return cls(data, zipfile.ZipFile(io.BytesIO(data)))

    def names(self) -> list[str]:
        return [n for n in self.zip.namelist() if n not in self.removed] + [
            n for n in self.changed if n not in self.zip.NameToInfo
        ]

    def has(self, name: str) -> bool:
        return name in self.changed or (name in self.zip.NameToInfo and name not in self.removed)

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        return self.zip.read(name)

    def text(self, name: str) -> str:
        return self.read(name).decode("utf-8")

    def put(self, name: str, content: str | bytes) -> None:
        self.changed[name] = content.encode("utf-8") if isinstance(content, str) else content
        self.removed.discard(name)

    def remove(self, name: str) -> None:
        self.changed.pop(name, None)
        self.removed.add(name)

    def free_name(self, pattern: str) -> str:
        """The first unused part name of ``pattern`` (``xl/charts/chart{}.xml``)."""
        taken = {n.casefold() for n in self.names()}
        number = 1
        while pattern.format(number).casefold() in taken:
            number += 1
        return pattern.format(number)

    # -- relationships

    def rels_name(self, part: str) -> str:
        folder, base = posixpath.split(part)
        return posixpath.join(folder, "_rels", base + ".rels")

    def relationships(self, part: str) -> list[Relationship]:
        name = self.rels_name(part)
        if not self.has(name):
            return []
        found = []
        for match in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", self.text(name)):
            attrs = attributes(match.group(1))
            found.append(
                Relationship(
                    attrs.get("Id", ""),
                    attrs.get("Type", ""),
                    unescape(attrs.get("Target", "")),
                    attrs.get("TargetMode") == "External",
                )
            )
        return found

    def target(self, part: str, relationship: Relationship) -> str:
        """A relationship's target as a part name (targets are relative to the part's folder
        or absolute from the package root)."""
        if relationship.target.startswith("/"):
            return relationship.target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(part), relationship.target))

    def add_relationship(self, part: str, kind: str, target_part: str) -> str:
        """Add a relationship from ``part`` to ``target_part``; its new id."""
        name = self.rels_name(part)
        taken = {r.id for r in self.relationships(part)}
        number = len(taken) + 1
        while f"rId{number}" in taken:
            number += 1
        rid = f"rId{number}"
        relative = posixpath.relpath(target_part, posixpath.dirname(part))
        entry = f'<Relationship Id="{rid}" Type="{kind}" Target={quoteattr(relative)}/>'
        if self.has(name):
            text = self.text(name)
            end = text.rindex("</")
            self.put(name, text[:end] + entry + text[end:])
        else:
            self.put(
                name,
                f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">{entry}</Relationships>',
            )
        return rid

    def remove_relationships(self, part: str, kind: str) -> None:
        name = self.rels_name(part)
        if not self.has(name):
            return
        pattern = r"<(?:\w+:)?Relationship\b[^>]*Type=\"" + re.escape(kind) + r"\"[^>]*/>"
        self.put(name, re.sub(pattern, "", self.text(name)))

    def add_content_type(self, part: str, content_type: str) -> None:
        name = "[Content_Types].xml"
        text = self.text(name)
        entry = f'<Override PartName="/{escape(part)}" ContentType="{content_type}"/>'
        end = text.rindex("</")
        self.put(name, text[:end] + entry + text[end:])

    def remove_content_type(self, part: str) -> None:
        name = "[Content_Types].xml"
        pattern = r"<(?:\w+:)?Override\b[^>]*PartName=\"/" + re.escape(part) + r"\"[^>]*/>"
        self.put(name, re.sub(pattern, "", self.text(name)))

    # -- writing

    def write_to(self, out: BinaryIO) -> None:
        """The package with its changes: unchanged parts copied as stored, in the original
        order, then the new parts."""
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.zip.infolist():
                if info.filename in self.removed:
                    continue
                if info.filename in self.changed:
                    _write_part(target, info.filename, self.changed[info.filename], info)
                else:
                    _copy_raw(self.data, info, target)
            for name, content in self.changed.items():
                if name not in self.zip.NameToInfo:
                    _write_part(target, name, content, None)


def _write_part(
    target: zipfile.ZipFile, name: str, content: bytes, original: zipfile.ZipInfo | None
) -> None:
    info = zipfile.ZipInfo(
        name, date_time=original.date_time if original else (1980, 1, 1, 0, 0, 0)
    )
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = original.external_attr if original else 0o600 << 16
    target.writestr(info, content, compresslevel=6)


def _copy_raw(data: bytes, info: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """Copy one member's local header and compressed bytes unchanged (no decompression),
    and register it so the central directory lists it at its new offset."""
    start = info.header_offset
    fields = _LOCAL_HEADER.unpack_from(data, start)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = fields[-2], fields[-1]
    end = start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
    if info.flag_bits & 0x08:  # a data descriptor follows the data
        end += 16 if data[end : end + 4] == b"PK\x07\x08" else 12
    out = target.fp
    assert out is not None
    offset = out.tell()
    out.write(data[start:end])
    copy = _clone(info)
    copy.header_offset = offset
    target.filelist.append(copy)
    target.NameToInfo[copy.filename] = copy
    target.start_dir = out.tell()
    target._didModify = True  # type: ignore[attr-defined]


def _clone(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    for slot in (
        "compress_type", "comment", "extra", "create_system", "create_version",
        "extract_version", "reserved", "flag_bits", "volume", "internal_attr",
        "external_attr", "CRC", "compress_size", "file_size", "orig_filename",
    ):  # fmt: skip
        setattr(copy, slot, getattr(info, slot))
    return copy
