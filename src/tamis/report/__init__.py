"""Statistics, the HTML report and the inspector."""
