"""Training the retriever on your own pairs (DocPrompting's contrastive step); needs torch."""
