import pytest

from docprompt.extract import extract_bash, extract_python, loop_cut
from docprompt.pytidy import comments_dropped, prints_dropped

BASH_CASES = [
    ("```bash\ntar -xzf archive.tar.gz\n```\nThis uses [1] and [2].", "tar -xzf archive.tar.gz"),
    ("Here is the command you need:\n\n```\n$ find . -size +1G -mtime -7\n```", "find . -size +1G -mtime -7"),
    ("<think>They want tar. Maybe `tar -c`?</think>\n```sh\ntar -xf a.tar\n```", "tar -xf a.tar"),
    ("You can use `du -sh /var/log` to see the size.", "du -sh /var/log"),
    ("1. ls -lS\n2. Explanation: sorts by size", "ls -lS"),
    ("```bash\n# list by size\nls -lS \\\n  --human-readable\n```", "ls -lS --human-readable"),
    ("ps aux | grep nginx\n\nThis lists all processes and filters them.", "ps aux | grep nginx"),
    ("```console\n$ git log --oneline -n 5\nabc123 commit message\n```", "git log --oneline -n 5"),
    ("I cannot answer that.", ""),
    # Qwen2.5-Coder-0.5B, asked to extract a.tgz into /tmp: the command inside a script
    (
        "Certainly! Below is a bash command that extracts the gzipped tar archive named `a.tgz` into "
        "the `/tmp` directory:\n\n```bash\n#!/bin/bash\n\n# Check if the tar archive exists\n"
        "if [ -f a.tgz ]; then\n  # Extract the tar archive\n  tar -xzvf a.tgz -C /tmp\n"
        '  echo "Tar archive extracted successfully."\n',
        "tar -xzvf a.tgz -C /tmp",
    ),
    ("```bash\necho hello\n```", "echo hello"),
    # Qwen 0.5B echoing a document's title instead of answering (seen in eval generate)
    ("```bash\ngradle(1) — --continue\n```", ""),
    (
        "```bash\nsemver(1) Ranges — X-Ranges 1.2.x\nsemver 1.2.3 --range ^1.0\n```",
        "semver 1.2.3 --range ^1.0",
    ),
]


@pytest.mark.parametrize("text, expected", BASH_CASES)
def test_extract_bash(text, expected):
    assert extract_bash(text) == expected


PY_CASES = [
    (
        "```python\nimport json\nprint(json.dumps(d, indent=2))\n```\nThis uses json.dumps [1].",
        "import json\nprint(json.dumps(d, indent=2))",
    ),
    ("Sure! Here is the code:\n```\nsum(lst)\n```", "sum(lst)"),
    (
        "<think>use sorted</think>sorted(d.items(), key=lambda kv: kv[1])",
        "sorted(d.items(), key=lambda kv: kv[1])",
    ),
    (">>> import os\n>>> os.listdir('.')\n['a', 'b']", "import os\nos.listdir('.')"),
    ("```py\nfor x in range(3):\n    print(x)\n```", "for x in range(3):\n    print(x)"),
    (
        "df.groupby('a').sum()\n\nThis groups the DataFrame by column a and sums the rest.",
        "df.groupby('a').sum()",
    ),
]


@pytest.mark.parametrize("text, expected", PY_CASES)
def test_extract_python(text, expected):
    assert extract_python(text) == expected


def test_a_line_repeated_to_the_end_is_kept_once_and_nothing_else_is_cut():
    looped = "import x\n" + "b = x.load()\n" * 9 + "b = x.lo"
    assert loop_cut(looped) == "import x\nb = x.load()"
    assert loop_cut("import x\n" + "b = x.load()\n" * 9) == "import x\nb = x.load()"
    kept = "next(f)\nnext(f)\nnext(f)\nrow = next(f)"  # repeated on purpose, then other code
    assert loop_cut(kept) == kept


SHOWN_OFF = """from seedloft import draft
lot = draft("Cucurbita pepo").seal()
print("Lot ID:", lot.id)
print("Tags:", len(lot.tags))
print(bank.dispatch("SL-0001"))
try:
    line = None
except LoftFormatError as e:
    print(f"failed: {e.message}")
if lot: print(lot)"""


def test_prints_nobody_asked_for_go_and_prints_that_act_or_were_asked_for_stay():
    assert prints_dropped(SHOWN_OFF, "describe a new lot and store it in `lot`") == (
        'from seedloft import draft\nlot = draft("Cucurbita pepo").seal()\nprint(bank.dispatch("SL-0001"))\n'
        "try:\n    line = None\nexcept LoftFormatError as e:\n    pass\nif lot: print(lot)"
    )
    assert prints_dropped(SHOWN_OFF, "describe a new lot and print its tags") == SHOWN_OFF
    only = "import x\nprint(x.version)"
    assert prints_dropped(only, "the version of x") == only


# Qwen2.5-Coder-1.5B on CoNaLa dev ("select records of dataframe `df` where the sum of column 'X'
# for each value in column 'User' is 0"), and its `if ...: pass / else: pass`
NARRATED = """#!/usr/bin/env python
# Assuming df is already defined and loaded
# df = pd.read_csv('your_data.csv')  # Replace with your actual data loading method

# Select records where the sum of column 'X' for each value in column 'User' is 0
result = df[df.groupby('User')['X'].transform('sum') == 0]  # one mask per user
text = \"\"\"
# not a comment
\"\"\"
if 'myVar' in locals():
    pass
else:
    pass"""


def test_comment_lines_and_an_empty_else_go_and_what_a_comment_says_of_its_line_stays():
    assert comments_dropped(NARRATED, "select records of dataframe `df` ...") == (
        "#!/usr/bin/env python\n\n"
        "result = df[df.groupby('User')['X'].transform('sum') == 0]  # one mask per user\n"
        'text = """\n# not a comment\n"""\n'
        "if 'myVar' in locals():\n    pass"
    )
    assert comments_dropped(NARRATED, "add a comment to each line") == NARRATED
    only = "# there is no such function\n"
    assert comments_dropped(only, "x") == only
    broken = "# a\nx = (1,\n"
    assert comments_dropped(broken, "x") == broken
    assert comments_dropped("if a:\n    b()\nelse:\n    c()\n# done", "x") == "if a:\n    b()\nelse:\n    c()"
