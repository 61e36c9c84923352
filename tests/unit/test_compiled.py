"""What the command compiles at start-up, kept between runs (exporter.compiled).

Each check runs in a fresh interpreter with its own cache folder: the first run compiles and
saves, the second must take every regular expression and every dataclass method from the
file (the compilers are made to fail) and get objects that behave exactly as fresh ones.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")

# Patterns of every kind: groups, names, flags, bytes, look-around, Unicode, repeats, and a
# real lexer's hundred (Pygments' Python lexer compiles its states on first use).
# Installs the cache; given "strict", every pattern and method must come from the file.
PROLOGUE = r"""
import json, re, sys
import dataclasses
from exporter import compiled
compiled.install()
if sys.argv[1:] == ["strict"]:
    def refuse(*args, **kwargs):
        raise AssertionError("compiled, not taken from the cache")
    re._compiler._parser.parse = refuse
    compiled.compile = refuse
"""
SCRIPT = (
    PROLOGUE
    + r"""
CASES = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)", 0, "on 2024-05-01 at"),
    (r"^#{1,6}\s+(.*?)\s*#*$", re.M, "text\n## Title ##\n"),
    (r"(?<=\$)\d+(?:\.\d\d)?(?!\d)", 0, "cost $12.50 or $3"),
    (r"straße|STRASSE", re.I, "Die Straße"),
    (rb"\x00[\x01-\x7f]+", 0, b"a\x00bc"),
    (r"[\u0590-\u05ff]+", 0, "abc \u05e9\u05dc\u05d5\u05dd"),
    (r"(a|b)*?c{2,}", re.S | re.X, "ababccc"),
    (r"\bword\b", re.A, "a word here"),
]
out = []
for pattern, flags, text in CASES:
    made = re.compile(pattern, flags)
    out.append([made.pattern if isinstance(pattern, str) else pattern.hex(),
                int(made.flags), made.groups, dict(made.groupindex),
                [m.span() for m in made.finditer(text)]])
from pygments.lexers.python import PythonLexer
tokens = list(PythonLexer().get_tokens("def f(x: int) -> str:\n    return f'{x!r:>4}' # done\n"))
out.append([str(kind) + value for kind, value in tokens])
# A frozen dataclass: its generated methods, annotations (types, not strings), hash, repr.
@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    label: str = "o"
    tags: tuple = ()
p = Point(1, tags=("a",))
try:
    p.x = 2
    frozen = "mutable"
except dataclasses.FrozenInstanceError:
    frozen = "frozen"
out.append([repr(p), p == Point(1, "o", ("a",)), hash(p) == hash(Point(1, tags=("a",))), frozen,
            {k: getattr(v, "__name__", v) for k, v in Point.__init__.__annotations__.items()},
            Point.__init__.__code__.co_filename])
print(json.dumps(out))
print(json.dumps(sorted({key[0] for key in compiled._used})))
"""
)


def _run(mode: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, mode],
        env={**os.environ, "PYTHONPATH": SRC, "XDG_CACHE_HOME": str(cache), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _out(proc: subprocess.CompletedProcess[str]) -> object:
    return json.loads(proc.stdout.splitlines()[0])


def _file(cache: Path) -> Path:
    found = list((cache / "exporter").glob("compiled-*.bin"))
    assert len(found) == 1, found
    return found[0]


def test_a_second_run_takes_everything_from_the_file_and_it_behaves_the_same(tmp_path):
    first = _run("learn", tmp_path)
    assert first.returncode == 0, first.stderr
    second = _run("strict", tmp_path)
    assert second.returncode == 0, second.stderr
    assert _out(second) == _out(first)
    assert json.loads(second.stdout.splitlines()[1]) == ["code", "re"]  # both served
    # The reference: the same script with the cache off compiles as Python does.
    plain = _run("learn", tmp_path / "off", EXPORTER_COMPILE_CACHE="0")
    assert _out(plain) == _out(first)
    assert not (tmp_path / "off").exists()


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_file_is_not_trusted_and_is_written_again(tmp_path, damage):
    assert _run("learn", tmp_path).returncode == 0
    path = _file(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) // 3]
    else:
        data = bytearray(os.urandom(200))
    path.write_bytes(bytes(data))
    # Not taken from the file: the strict run fails to compile, the ordinary one is right.
    assert _run("strict", tmp_path).returncode != 0
    again = _run("learn", tmp_path)
    assert again.returncode == 0 and not again.stderr
    assert _run("strict", tmp_path).returncode == 0  # written whole again


def test_a_library_user_keeps_an_untouched_re(tmp_path, samples):
    code = (
        "import dataclasses, re, exporter\n"
        "from exporter.guard.policy import Policy\n"
        "stock = re._compiler.compile\n"
        f"exporter.convert([{str(samples / 'features.md')!r}], ['epub'], {str(tmp_path)!r},"
        " policy=Policy(isolate=False), warm_up=False)\n"
        "assert re._compiler.compile is stock\n"
        "assert 'exec' not in vars(dataclasses)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": SRC, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not list((tmp_path / "cache" / "exporter").glob("compiled-*"))


def test_the_command_keeps_what_its_build_child_compiled(tmp_path):
    """The build runs in a child that ends with os._exit: its lexers are kept all the same."""
    env = {**os.environ, "PYTHONPATH": SRC, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    source = tmp_path / "a.md"
    source.write_text("# A\n\nText.\n\n```ruby\nputs 'hi' if x =~ /y/\n```\n", encoding="utf-8")
    build = [
        sys.executable,
        "-m",
        "exporter",
        "build",
        str(source),
        "-f",
        "epub",
        "-o",
        str(tmp_path / "out"),
    ]
    proc = subprocess.run(build, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    # The Ruby lexer was first compiled in the child: now it comes from the file.
    check = (
        PROLOGUE
        + "from pygments.lexers.ruby import RubyLexer\nlist(RubyLexer().get_tokens('puts 1'))\n"
    )
    ruby = subprocess.run(
        [sys.executable, "-c", check, "strict"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ruby.returncode == 0, ruby.stderr


def test_a_file_others_may_write_is_not_trusted(tmp_path):
    """The file holds code objects: like ssh's keys, one that others could write is ignored."""
    assert _run("learn", tmp_path).returncode == 0
    path = _file(tmp_path)
    path.chmod(0o666)
    assert _run("strict", tmp_path).returncode != 0
    path.chmod(0o644)
    assert _run("strict", tmp_path).returncode == 0
