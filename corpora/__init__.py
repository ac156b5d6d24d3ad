"""Ready-made corpus recipes (TOML), installed as ``docprompt.corpora``."""
