import json
import math
import subprocess
import sys

import pytest

from docprompt.eval import metrics as M
from docprompt.eval.datasets import command_flags

# --- normalisation ---------------------------------------------------------------------------


def test_clean_command_drops_sudo_quotes_and_redirections():
    assert M.clean_command('sudo grep "{{x}}" `ls` | sort > out < in') == "grep {{x}} ls sort out in"
    assert M.clean_command("  echo   'a'\n b ") == "echo a b"
    assert M.clean_command("visudo") == "vi"  # DocPrompting removes the substring, as here


def test_anonymize_in_order_of_first_appearance():
    assert M.anonymize_command("cp {{b}} {{a}} {{b}}") == "cp [[VAR]]_0 [[VAR]]_1 [[VAR]]_0"
    assert M.anonymize_command("od --format={{x}}") == "od --format [[VAR]]_0"  # "={" -> " {"
    assert M.normalize("sudo tar xf '{{a.tar}}'") == "tar xf [[VAR]]_0"
    assert M.bleu_normalize("cp {{b}} {{a}} {{b}}") == "cp $0 $1 $0"


# --- per-example tldr metrics ----------------------------------------------------------------


def test_placeholder_names_do_not_matter():
    assert M.exact_match("tar xf {{a.tar}}", "tar xf {{b.tar}}")
    assert M.bash_metrics(["tar xf {{a.tar}}"], ["tar xf {{b.tar}}"]) == pytest.approx(
        {"cmd_acc": 100, "exact_match": 100, "token_f1": 100, "char_bleu": 100}
    )
    assert not M.exact_match("cp {{a}} {{b}}", "cp {{a}} {{a}}")  # but their order and repeats do


def test_sudo_and_quotes_are_ignored():
    assert M.exact_match('sudo grep "{{pattern}}" {{file}}', "grep {{p}} '{{f}}'")
    assert M.cmd_match("sudo apt update", "apt install {{pkg}}")


def test_cmd_acc():
    assert M.cmd_match("ls -l", "ls -a")
    assert not M.cmd_match("dir -l", "ls -l")
    assert not M.cmd_match("", "")  # NONE_PRED != NONE_GOLD, as in DocPrompting
    assert M.cmd_match("echo 1 | grep 1", "echo 2")  # first token, not the piped command
    assert M.bash_metrics(["dir -l"], ["ls -l"])["cmd_acc"] == 0


def test_token_f1_by_hand():
    # gold [tar, xf, VAR_0]; pred [tar, -xvf, VAR_0, VAR_1]: 2 hits, p = 2/4, r = 2/3, f1 = 4/7
    p, r, f1 = M.token_prf("tar -xvf {{b}} {{c}}", "tar xf {{a}}")
    assert (p, r, f1) == pytest.approx((1 / 2, 2 / 3, 4 / 7))
    # repeated tokens count with multiplicity: pred [a, a, a], gold [a, a, b] -> 2 hits
    assert M.token_f1("echo a a", "echo a b") == pytest.approx(2 / 3)
    assert M.token_f1("", "ls") == 0
    assert M.token_f1("ls -a", "ls -a") == pytest.approx(1, abs=1e-9)  # 1e-10 guards: not exactly 1


def test_bash_metrics_averages_in_percent():
    preds = ["ls -a", "tar -xvf {{b}} {{c}}", "dir"]
    refs = ["ls -a", "tar xf {{a}}", "ls"]
    m = M.bash_metrics(preds, refs)
    assert m["cmd_acc"] == pytest.approx(200 / 3)
    assert m["exact_match"] == pytest.approx(100 / 3)
    assert m["token_f1"] == pytest.approx(100 * (1 + 4 / 7 + 0) / 3)
    assert 0 < m["char_bleu"] < 100
    assert M.bash_metrics([], []) == {"cmd_acc": 0, "exact_match": 0, "token_f1": 0, "char_bleu": 0}
    with pytest.raises(ValueError, match="2 predictions for 1 references"):
        M.bash_metrics(["a", "b"], ["a"])


def test_char_bleu():
    assert M.char_bleu(["tar xf {{x}}"], ["tar xf {{y}}"]) == pytest.approx(100)
    assert M.char_bleu([""], ["ls -l"]) == 0
    # chars (spaces dropped) [l s - a] vs [l s - l]: p1..p4 = 3/4, 2/3, 1/2, and 4-grams 0/1, which
    # sacrebleu's default exp smoothing makes 1/2: BLEU = (3/4 * 2/3 * 1/2 * 1/2) ** (1/4) = 0.125 ** 0.25
    assert M.char_bleu(["ls -a"], ["ls -l"]) == pytest.approx(100 * 0.125**0.25)
    # no zero counts: (4/5 * 3/4 * 2/3 * 1/2) ** (1/4), brevity penalty 1
    assert M.char_bleu(["abcde"], ["abcdf"]) == pytest.approx(100 * 0.2**0.25)


def test_flags_of_reuses_command_flags():
    assert M.flags_of("tar -xzvf {{a.tgz}}") == ["-x", "-z", "-v", "-f"]
    assert M.flags_of("sudo apt -y install {{pkg}}") == ["-y"]
    assert M.flags_of("sudo mount -t {{t}} {{dev}}") == ["-t"] == command_flags("mount -t {{t}} {{dev}}")
    assert M.flags_of("find . -name '*.py'", known={"-name"}) == ["-name"]
    assert M.flags_of("tar xf {{a.tar}}") == ["-x", "-f"]  # old-style bundles, as the shell model reads them


# --- CoNaLa BLEU -----------------------------------------------------------------------------


def test_conala_tokenizer():
    assert M.tokenize_for_bleu_eval("df.groupBy('a')") == ["df", ".", "group", "By", "(", "`", "a", "`", ")"]
    assert M.tokenize_for_bleu_eval('x = "s"') == M.tokenize_for_bleu_eval("x = 's'")


def test_python_bleu():
    assert M.python_metrics(["df.groupby(df.index).sum()"], ["df.groupby(df.index).sum()"]) == {"bleu": 100}
    assert M.python_metrics([""], ["x = 1"]) == {"bleu": 0}
    # tokens [a b c d e] vs [a b c d f]: (4/5 * 3/4 * 2/3 * 1/2) ** (1/4)
    assert M.python_bleu(["a b c d e"], ["a b c d f"]) == pytest.approx(100 * 0.2**0.25)
    # unsmoothed: no 4-gram match anywhere in the corpus -> 0
    assert M.python_bleu(["a b c"], ["a b c"]) == 0
    # corpus level, with the brevity penalty: pred [a b c d] (4) vs ref [a b c d e] (5)
    assert M.python_bleu(["a b c d"], ["a b c d e"]) == pytest.approx(100 * math.exp(1 - 5 / 4))
    # Lin & Och smoothing, available but off for CoNaLa: ((3+1)/4 * (2+1)/3 * (1+1)/2 * 1/1)
    assert M.compute_bleu([[["a", "b", "c"]]], [["a", "b", "c"]], smooth=True) == pytest.approx(1)


def test_import_is_cheap():
    code = "import sys, docprompt.eval.metrics; print('sacrebleu' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the real dev sets -----------------------------------------------------------------------


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.data
def test_tldr_dev_references_and_baselines(shared_data):
    rows = _rows(shared_data / "tldr" / "dev.jsonl")
    refs = [r["cmd"] for r in rows]
    assert len(refs) == 1845
    assert M.bash_metrics(refs, refs) == pytest.approx(
        {"cmd_acc": 100, "exact_match": 100, "token_f1": 100, "char_bleu": 100}
    )
    # Predicting the command's first normalised token: every command right, few exact matches
    # (those references that are the bare command, e.g. `vdir`).
    first = M.bash_metrics([M.normalize(c).split()[0] for c in refs], refs)
    assert first["cmd_acc"] == 100
    assert first["exact_match"] == pytest.approx(100 * 101 / 1845)
    assert first["token_f1"] == pytest.approx(51.28, abs=0.01)
    # Predicting the dataset's cmd_name: 272 references start with something else
    # (`sudo btrfs check` for btrfs-check, `echo 123 | xclip`, ...).
    names = M.bash_metrics([r["cmd_name"] for r in rows], refs)
    assert names["cmd_acc"] == pytest.approx(100 * (1845 - 272) / 1845)
    assert names["exact_match"] == pytest.approx(100 * 83 / 1845)
    assert names["token_f1"] == pytest.approx(44.80, abs=0.01)
    assert names["char_bleu"] == pytest.approx(22.02, abs=0.01)


@pytest.mark.data
def test_conala_dev_references(shared_data):
    rows = _rows(shared_data / "conala" / "dev.jsonl")
    refs = [r["cmd"] for r in rows]
    assert M.python_metrics(refs, refs) == {"bleu": 100}
    # the canonical (VAR_STR-anonymised) commands against the real ones
    canonical = [r["canonical_cmd"] for r in rows]
    assert M.python_metrics(canonical, refs)["bleu"] == pytest.approx(72.95, abs=0.01)
