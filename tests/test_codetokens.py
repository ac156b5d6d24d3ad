from docprompt.codetokens import tokenize, unmnemonic


def test_identifiers_split_and_kept_whole():
    toks = tokenize("pandas.DataFrame.groupby read_csv XMLHttpRequest")
    for t in [
        "pandas.dataframe.groupby",
        "data",
        "frame",
        "read_csv",
        "read",
        "csv",
        "xmlhttprequest",
        "http",
        "request",
    ]:
        assert t in toks


def test_flags_are_tokens_and_keep_case():
    toks = tokenize("tar -C /tmp -c --force -xzf")
    assert "-C" in toks and "-c" in toks and "--force" in toks
    assert tokenize("force")[0] in toks  # the flag also matches the plain word
    assert "-xzf" in toks


def test_stemming_and_stopwords():
    assert tokenize("extract a gzipped archive") == tokenize("extracting gzip archives")
    assert "the" not in tokenize("the archive")


def test_mnemonics():
    assert unmnemonic("E[x]tract a g[z]ipped [f]ile, [c]reate") == "Extract a gzipped file, create"
    assert unmnemonic("{{file.tar[.gz|.bz2]}} [x]") == "{{file.tar[.gz|.bz2]}} [x]"
