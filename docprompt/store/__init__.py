"""Storage: the index directory, the chunk store (the only code that knows the schema), the sparse
and dense sides, building, the registry of named indexes and the embedding cache."""
