from __future__ import annotations

import pytest

from rewriters.packaging import setup_py
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_noops, fixture_pairs, noop

PY = "Programming Language :: Python :: "


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("from setuptools import setup\n\nsetup()\n", id="bare setup call"),
        pytest.param(
            "setup(\n"
            "    python_requires='>=3.11',\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3.11',\n"
            "        'Programming Language :: Python :: 3.12',\n"
            "    ],\n"
            ")\n",
            id="already at the minimum",
        ),
        pytest.param(
            "setup(\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3',\n"
            "        'Programming Language :: Python :: 3 :: Only',\n"
            "        'Programming Language :: Python :: Implementation :: CPython',\n"
            "    ],\n"
            ")\n",
            id="classifiers without a minor version",
        ),
        pytest.param(
            "setup(\n"
            "    version='3.9.1',\n"
            "    install_requires=['idna>=3.9', 'pre-commit==3.9.0'],\n"
            "    python_requires='>=3.12',\n"
            ")\n",
            id="dependency pins and own version",
        ),
        pytest.param(
            "import sys\n"
            "if sys.platform == 'win32' and sys.version_info >= (3, 15):\n"
            "    raise SystemExit('not yet')\n",
            id="ceiling guard",
        ),
        pytest.param(
            "import sys\nif sys.version_info < (3, 11):\n    sys.exit('Python 3.11 or later')\n",
            id="guard already at the minimum",
        ),
        pytest.param(
            "import sys\n"
            "install_requires = []\n"
            "if sys.version_info < (3, 10):\n"
            "    install_requires.append('importlib-metadata')\n",
            id="version branch that does not refuse",
        ),
        pytest.param(
            "import sys\n"
            "if sys.version_info < (3, 10):\n"
            "    raise AttributeError(s)\n"
            "else:\n"
            "    raise AttributeError(s, name=None)\n",
            id="version branch with an else",
        ),
        pytest.param(
            "import sys\n"
            "def use_truststore():\n"
            "    if sys.version_info < (3, 10):\n"
            "        raise CommandError('truststore is only available for Python 3.10+')\n",
            id="feature check inside a function",
        ),
        pytest.param(
            "import sys\nif sys.version_info <= (3, 9):\n    sys.exit(1)\n", id="guard with <="
        ),
        pytest.param("import sys\nassert sys.version_info > (3, 9)\n", id="assert with >"),
        pytest.param("assert x >= (3, 9)\n", id="assert not on version_info"),
        pytest.param("assert x\n", id="assert without comparison"),
        pytest.param(
            "import sys\nif (3, 9) <= sys.version_info < (3, 12):\n    sys.exit(1)\n",
            id="chained comparison",
        ),
        pytest.param(
            "import sys\nif sys.version_info < (2, 7):\n    sys.exit(1)\n", id="python 2 guard"
        ),
        pytest.param(
            "import sys\nif sys.version_info < (3, minor):\n    sys.exit(1)\n",
            id="guard tuple not literal",
        ),
        pytest.param(
            "import sys\nif sys.version_info < 3:\n    sys.exit(1)\n", id="guard against an int"
        ),
        pytest.param(
            "VERSION = (3, 9)\nif VERSION < (3, 9):\n    raise RuntimeError\n",
            id="comparison not on version_info",
        ),
        pytest.param(
            "setup(\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3.6',\n"
            "        'Programming Language :: Python :: 3.7',\n"
            "    ],\n"
            ")\n",
            id="example file naming only old Pythons",
        ),
        pytest.param(
            "MIN = '3.9'\nsetup(python_requires='>=' + MIN)\n", id="computed python_requires"
        ),
        pytest.param(
            "REQ = '>=3.9'\nREQ = '>=3.10'\nsetup(python_requires=REQ)\n",
            id="python_requires by a name bound twice",
        ),
        pytest.param(
            "setup(python_requires='>=3.9.*')\n", id="python_requires that is not a specifier"
        ),
        pytest.param(
            "setup(\n"
            "    python_requires='>=3.11',\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: ' '3.9',\n"
            "        'Programming Language :: Python :: 3.11',\n"
            "    ],\n"
            ")\n",
            id="classifier spelled with implicit concatenation",
        ),
        pytest.param(
            "setup(\n"
            "    classifiers=[\n"
            "        f'Programming Language :: Python :: 3.{v}' for v in range(9, 14)\n"
            "    ],\n"
            ")\n",
            id="classifiers built by a comprehension",
        ),
    ),
)
def test_noop(before):
    noop(setup_py, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "setup(python_requires='>=3.9')\n",
            "setup(python_requires='>=3.11')\n",
            id="python_requires single quotes",
        ),
        pytest.param(
            'setup(python_requires=">=3.9, <4")\n',
            'setup(python_requires=">=3.11, <4")\n',
            id="python_requires with an upper bound",
        ),
        pytest.param(
            "setup(python_requires='>=3.9.2')\n",
            "setup(python_requires='>=3.11')\n",
            id="python_requires with a patch level",
        ),
        pytest.param(
            "setup(python_requires='>=2.7, !=3.0.*, !=3.1.*')\n",
            "setup(python_requires='>=3.11')\n",
            id="python_requires with exclusions",
        ),
        pytest.param(
            "import setuptools\nsetuptools.setup(name='x', python_requires=r'~=3.10')\n",
            "import setuptools\nsetuptools.setup(name='x', python_requires=r'~=3.11')\n",
            id="setuptools.setup and a raw string",
        ),
        pytest.param(
            "PYTHON_REQUIRES = '>=3.9'\n\nsetup(python_requires=PYTHON_REQUIRES)\n",
            "PYTHON_REQUIRES = '>=3.11'\n\nsetup(python_requires=PYTHON_REQUIRES)\n",
            id="python_requires by module-level name",
        ),
        pytest.param(
            "import setuptools\n"
            "REQUIRES: str = '>=3.9'\n"
            "x, y = 1, 2\n"
            "setup(python_requires=REQUIRES)\n"
            "setuptools.setup(python_requires=REQUIRES)\n",
            "import setuptools\n"
            "REQUIRES: str = '>=3.11'\n"
            "x, y = 1, 2\n"
            "setup(python_requires=REQUIRES)\n"
            "setuptools.setup(python_requires=REQUIRES)\n",
            id="python_requires by annotated name used twice",
        ),
        pytest.param(
            "setup_kwargs = {\n    'name': 'x',\n    'python_requires': '>=3.9,<4.0',\n}\n"
            "setup(**setup_kwargs)\n",
            "setup_kwargs = {\n    'name': 'x',\n    'python_requires': '>=3.11,<4.0',\n}\n"
            "setup(**setup_kwargs)\n",
            id="python_requires in a poetry-generated dict",
        ),
        pytest.param(
            "setup(\n"
            "    name='x',\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3',\n"
            "        'Programming Language :: Python :: 3.9',\n"
            "        'Programming Language :: Python :: 3.10',  # still tested\n"
            "        'Programming Language :: Python :: 3.11',\n"
            "    ],\n"
            ")\n",
            "setup(\n"
            "    name='x',\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3',\n"
            "        'Programming Language :: Python :: 3.11',\n"
            "    ],\n"
            ")\n",
            id="classifiers one per line",
        ),
        pytest.param(
            "CLASSIFIERS = [\n"
            '    "Programming Language :: Python :: 3.9",\n'
            '    "Programming Language :: Python :: 3.12",\n'
            "]\n"
            "\n"
            "setup(classifiers=CLASSIFIERS)\n",
            "CLASSIFIERS = [\n"
            '    "Programming Language :: Python :: 3.12",\n'
            "]\n"
            "\n"
            "setup(classifiers=CLASSIFIERS)\n",
            id="module-level classifiers list",
        ),
        pytest.param(
            "setup(\n"
            "    python_requires='>=3.9',\n"
            "    classifiers=('Programming Language :: Python :: 3.9',\n"
            "                 'Programming Language :: Python :: 3.10'),\n"
            ")\n",
            "setup(\n"
            "    python_requires='>=3.11',\n"
            "    classifiers=(\n"
            "                 'Programming Language :: Python :: 3.11',),\n"
            ")\n",
            id="every minor dropped puts the minimum in, a tuple stays a tuple",
        ),
        pytest.param(
            "setup(\n"
            "    python_requires='>=3.9',\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3.10',\n"
            "        'Programming Language :: Python :: 3.9',\n"
            "    ],\n"
            ")\n",
            "setup(\n"
            "    python_requires='>=3.11',\n"
            "    classifiers=[\n"
            "        'Programming Language :: Python :: 3.11',\n"
            "    ],\n"
            ")\n",
            id="the newest dropped minor is the one moved",
        ),
        pytest.param(
            f"C = ['{PY}3.9', '{PY}3.11']\n",
            f"C = ['{PY}3.11']\n",
            id="several per line, first dropped",
        ),
        pytest.param(
            f"C = ['Topic :: X', '{PY}3.10', 'Topic :: Y', '{PY}3.12']\n",
            f"C = ['Topic :: X', 'Topic :: Y', '{PY}3.12']\n",
            id="several per line, middle dropped",
        ),
        pytest.param(
            f"C = ['{PY}3.11', '{PY}3.9', '{PY}3.10']\n",
            f"C = ['{PY}3.11']\n",
            id="several per line, last two dropped",
        ),
        pytest.param(
            f"C = [\n    'Topic :: X', '{PY}3.10',  # old\n    '{PY}3.12', '{PY}3.9',\n]\n",
            f"C = [\n    'Topic :: X',  # old\n    '{PY}3.12',\n]\n",
            id="several per line, dropped at line ends",
        ),
        pytest.param(
            f"C = [\n    '{PY}3.12',\n    '{PY}3.9']\nD = ['{PY}3.12',  # why\n     '{PY}3.9']\n",
            f"C = [\n    '{PY}3.12']\nD = ['{PY}3.12',  # why\n     ]\n",
            id="last element without trailing comma",
        ),
        pytest.param(
            "setup(name='naïve ☕', python_requires='>=3.9', classifiers=['Topic :: Café',"
            f" '{PY}3.10', '{PY}3.13'])\n",
            "setup(name='naïve ☕', python_requires='>=3.11', classifiers=['Topic :: Café',"
            f" '{PY}3.13'])\n",
            id="non-ASCII text before the edits on the same line",
        ),
        pytest.param(
            'CLASSIFIERS = """\\\n'
            "Development Status :: 5 - Production/Stable\n"
            f"{PY}3\n"
            f"{PY}3.9\n"
            f"{PY}3.10\n"
            f"{PY}3.12\n"
            "Topic :: Software Development\n"
            '"""\n'
            "setup(classifiers=[c for c in CLASSIFIERS.split('\\n') if c])\n",
            'CLASSIFIERS = """\\\n'
            "Development Status :: 5 - Production/Stable\n"
            f"{PY}3\n"
            f"{PY}3.12\n"
            "Topic :: Software Development\n"
            '"""\n'
            "setup(classifiers=[c for c in CLASSIFIERS.split('\\n') if c])\n",
            id="classifiers in a multi-line string",
        ),
        pytest.param(
            "setup(\n"
            "    python_requires='>=3.10',\n"
            '    classifiers="""\n'
            f"        {PY}3.9\n"
            f"        {PY}3.10\n"
            '    """.split("\\n"),\n'
            ")\n",
            "setup(\n"
            "    python_requires='>=3.11',\n"
            '    classifiers="""\n'
            f"        {PY}3.11\n"
            '    """.split("\\n"),\n'
            ")\n",
            id="every minor in a multi-line string dropped puts the minimum in",
        ),
        pytest.param(
            f"BASE = ['{PY}3.11', '{PY}3.12']\n"
            f"OLD = ['{PY}3.10']\n"
            f"LEGACY = ('{PY}3.9',)\n"
            "setup(python_requires='>=3.11', classifiers=BASE + OLD + list(LEGACY))\n",
            "BASE = ['{PY}3.11', '{PY}3.12']\nOLD = []\nLEGACY = ()\n".replace("{PY}", PY)
            + "setup(python_requires='>=3.11', classifiers=BASE + OLD + list(LEGACY))\n",
            id="lists joined by + are one list of classifiers",
        ),
        pytest.param(
            "import sys\n"
            "\n"
            "if sys.version_info < (3, 9):\n"
            '    sys.stderr.write("Requests requires Python 3.9 or later.\\n")\n'
            "    sys.exit(1)\n",
            "import sys\n"
            "\n"
            "if sys.version_info < (3, 11):\n"
            '    sys.stderr.write("Requests requires Python 3.11 or later.\\n")\n'
            "    sys.exit(1)\n",
            id="guard with a message",
        ),
        pytest.param(
            "import sys\n"
            "if sys.version_info[:3] < (3, 9, 2):\n"
            "    raise RuntimeError(f'needs Python 3.9.2+, got {sys.version}')\n",
            "import sys\n"
            "if sys.version_info[:3] < (3, 11):\n"
            "    raise RuntimeError(f'needs Python 3.11+, got {sys.version}')\n",
            id="guard with a patch level and an f-string",
        ),
        pytest.param(
            "from sys import version_info\n"
            "if (3, 10) > version_info:\n"
            "    exit('Python >= 3.10 required.')\n",
            "from sys import version_info\n"
            "if (3, 11) > version_info:\n"
            "    exit('Python >= 3.11 required.')\n",
            id="guard written backwards",
        ),
        pytest.param(
            "import sys\n"
            "CURRENT_PYTHON = sys.version_info[:2]\n"
            "REQUIRED_PYTHON = (3, 9)\n"
            "if CURRENT_PYTHON < REQUIRED_PYTHON:\n"
            "    sys.stderr.write('This version requires Python {}.{}'.format(*REQUIRED_PYTHON))\n"
            "    sys.exit(1)\n",
            "import sys\n"
            "CURRENT_PYTHON = sys.version_info[:2]\n"
            "REQUIRED_PYTHON = (3, 11)\n"
            "if CURRENT_PYTHON < REQUIRED_PYTHON:\n"
            "    sys.stderr.write('This version requires Python {}.{}'.format(*REQUIRED_PYTHON))\n"
            "    sys.exit(1)\n",
            id="django-style guard through names",
        ),
        pytest.param(
            "import sys\n"
            "assert sys.version_info >= (3, 9), 'Python 3.9+ is required'\n"
            "assert (3, 10) <= sys.version_info\n",
            "import sys\n"
            "assert sys.version_info >= (3, 11), 'Python 3.11+ is required'\n"
            "assert (3, 11) <= sys.version_info\n",
            id="assert guards",
        ),
        pytest.param(
            "import sys\n"
            "if sys.version_info < (3, 10):\n"
            '    error = """\n'
            "IPython 8.19+ supports Python 3.10 and above.\n"
            "Python 3.9 was supported with IPython up to 8.18.\n"
            '"""\n'
            "    print(error, file=sys.stderr)\n"
            "    sys.exit(1)\n",
            "import sys\n"
            "if sys.version_info < (3, 11):\n"
            '    error = """\n'
            "IPython 8.19+ supports Python 3.10 and above.\n"
            "Python 3.9 was supported with IPython up to 8.18.\n"
            '"""\n'
            "    print(error, file=sys.stderr)\n"
            "    sys.exit(1)\n",
            id="guard whose message is a history keeps the message",
        ),
    ),
)
def test_rewrite(before, after):
    check(setup_py, before, after, POLICY)


@pytest.mark.parametrize(
    ("before", "after", "changes"),
    (
        pytest.param(
            "from setuptools import setup\n\nsetup(\n"
            '    python_requires=">=2.7, !=3.0.*, !=3.1.*",\n    classifiers=[\n'
            f'        "{PY}2",\n        "{PY}2.7",\n        "{PY}3",\n        "{PY}3.9",\n'
            f'        "{PY}3.12",\n    ],\n)\n',
            "from setuptools import setup\n\nsetup(\n"
            '    python_requires=">=3.11",\n    classifiers=[\n'
            f'        "{PY}3",\n        "{PY}3.12",\n    ],\n)\n',
            (
                "python_requires: >=2.7, !=3.0.*, !=3.1.* → >=3.11",
                "classifiers: dropped 2.7 and 3.9",
                "classifiers: dropped the Python 2 classifiers",
            ),
            id="python 2 classifiers go with the old minors",
        ),
        pytest.param(
            "from setuptools import setup\n\nsetup(\n"
            '    python_requires=">=3.11",\n    classifiers=(\n'
            f'        "{PY}2 :: Only",\n        "{PY}3",\n    ),\n)\n',
            "from setuptools import setup\n\nsetup(\n"
            '    python_requires=">=3.11",\n    classifiers=(\n'
            f'        "{PY}3",\n    ),\n)\n',
            ("classifiers: dropped the Python 2 classifiers",),
            id="a python 2 classifier alone in a list goes",
        ),
        pytest.param(
            'CLASSIFIERS = """\n'
            f"{PY}2\n{PY}2.7\n{PY}3.12\n"
            '"""\n\nsetup(python_requires=">=2.7", classifiers=CLASSIFIERS.splitlines())\n',
            'CLASSIFIERS = """\n'
            f"{PY}3.12\n"
            '"""\n\nsetup(python_requires=">=3.11", classifiers=CLASSIFIERS.splitlines())\n',
            (
                "python_requires: >=2.7 → >=3.11",
                "classifiers: dropped 2.7",
                "classifiers: dropped the Python 2 classifiers",
            ),
            id="in a block of lines",
        ),
    ),
)
def test_python2_classifiers_go(before, after, changes):
    check(setup_py, before, after, POLICY)
    result = setup_py.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == changes


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("setup_py", POLICY))
def test_real_files(before, after, policy):
    check(setup_py, before, after, policy)


@pytest.mark.parametrize(("text", "policy"), fixture_noops("setup_py", POLICY))
def test_real_files_left_alone(text, policy):
    noop(setup_py, text, policy)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            f"C = ('{PY}3.11', '{PY}3.9')\n",
            f"C = ('{PY}3.11',)\n",
            id="last dropped, comma kept",
        ),
        pytest.param(
            f"C = ('{PY}3.11',\n     '{PY}3.9', '{PY}3.10')\n",
            f"C = ('{PY}3.11',)\n",
            id="two dropped after it",
        ),
        pytest.param(
            f"C = '{PY}3.9', '{PY}3.12',\n",
            f"C = '{PY}3.12',\n",
            id="bare tuple with trailing comma",
        ),
        pytest.param(
            f"C = {{'{PY}3.9', '{PY}3.12'}}\n",
            f"C = {{'{PY}3.12'}}\n",
            id="set",
        ),
    ),
)
def test_one_element_tuple_stays_a_tuple(before, after):
    check(setup_py, before, after, POLICY)


def test_reports_changes_and_dropped_versions():
    before = (
        "setup(\n"
        "    python_requires='>=3.9',\n"
        "    classifiers=['Programming Language :: Python :: 3.9'],\n"
        ")\n"
    )
    result = setup_py.rewrite(before, POLICY_310)
    assert result is not None
    assert result.changes == (
        "python_requires: >=3.9 → >=3.10",
        "classifiers: dropped 3.9; added 3.10",
    )
    assert result.dropped == frozenset({Minor(3, 9)})
    assert result.notes == ()


def test_reports_each_kind_of_change():
    before = (
        "import sys\n"
        "if sys.version_info < (3, 9):\n"
        "    sys.exit(1)\n"
        f"setup(classifiers=['{PY}3.9', '{PY}3.10', '{PY}3.12'])\n"
    )
    result = setup_py.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "classifiers: dropped 3.9 and 3.10",
        "version check: requires Python 3.9 → 3.11",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def test_notes_shapes_left_for_a_human():
    before = (
        "import sys\n"
        "if sys.version_info < (3, 9):\n"
        "    sys.exit('Python 3.8 and older are not supported')\n"
        "if sys.version_info < (3, 10):\n"
        "    deps.append('tomli')\n"
        "setup(\n"
        "    python_requires='>=' + MIN,\n"
        "    classifiers=['Programming Language :: Python :: ' '3.9'],\n"
        ")\n"
    )
    result = setup_py.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == (
        "line 7: python_requires is not a plain string; check it by hand",
        "line 8: classifiers spelled in pieces; drop old ones by hand",
        "line 2: message names several Pythons; update it by hand",
        "line 4: code for Python < 3.10 is dead; left as is",
    )


@pytest.mark.parametrize(
    ("text", "line"),
    (
        pytest.param("print 'hello'\n", 1, id="python 2 print statement"),
        pytest.param("setup(\n", 1, id="unclosed call"),
        pytest.param("x = '\ud800'\n", None, id="lone surrogate from a bad decode"),
    ),
)
def test_unparsable_input_raises(text, line):
    with pytest.raises(UnparsableInput) as error:
        setup_py.rewrite(text, POLICY)
    assert error.value.line == line


def test_null_byte_is_unparsable():
    with pytest.raises(UnparsableInput):
        setup_py.rewrite("setup()\0\n", POLICY)


def test_keeps_byte_order_mark():
    result = setup_py.rewrite("\ufeffsetup(python_requires='>=3.10')\n", POLICY)
    assert result is not None
    assert result.text == "\ufeffsetup(python_requires='>=3.11')\n"


def test_notes_example_naming_only_old_pythons():
    before = (
        "setup(classifiers=['Programming Language :: Python :: 3.7'])\n"
        "import sys\n"
        "if sys.version_info < (3, 9):\n"
        "    raise SystemExit\n"
    )
    result = setup_py.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == ("line 1: classifiers name only old Pythons; left as is",)


def test_invalid_escape_is_not_a_warning():
    before = "import re\nPAT = re.compile('\\d+')\nsetup(python_requires='>=3.9')\n"
    after = "import re\nPAT = re.compile('\\d+')\nsetup(python_requires='>=3.11')\n"
    check(setup_py, before, after, POLICY)


def test_broken_output_raises():
    with pytest.raises(BrokenOutput):
        setup_py._check_output("setup(\n")
