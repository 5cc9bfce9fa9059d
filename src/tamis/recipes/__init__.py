"""Built-in recipes (pipeline files shipped with the package)."""
