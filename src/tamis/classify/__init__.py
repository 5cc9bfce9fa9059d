"""fastText quality classifiers: reading models, cutting documents into units, deciding, training."""
